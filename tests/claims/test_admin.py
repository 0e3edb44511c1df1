"""The claims admin as an editor (Editors group, staff, not superuser) uses it."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from claims.admin import STALE_VERSION, ClaimAdminForm, format_figure
from claims.models import (
    Appearance,
    CheckRun,
    Claim,
    Rating,
    Speaker,
    Topic,
    Verdict,
    VerdictPolicy,
    WebhookDelivery,
    WebhookSubscription,
)
from tests import factories
from tests.sources.test_admin import admin_form_data, admin_url

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.UTC)


def make_policy():
    version = VerdictPolicy.objects.order_by("-version").values_list("version", flat=True).first() + 1
    return VerdictPolicy.objects.create(version=version, parameters={"version": version}, note="A test policy")


def make_claim():
    """A numeric claim with everything the change page shows: topics, series, an appearance, verdicts."""
    claim = factories.ClaimFactory(series=factories.ReferenceSeriesFactory(publisher=factories.OutletFactory()))
    claim.topics.add(factories.TopicFactory(slug="detention"))
    factories.AppearanceFactory(claim=claim)
    published = factories.VerdictFactory(claim=claim, created_at=T0, published_at=T0)
    computed = factories.VerdictFactory(
        claim=claim,
        rating=Rating.INACCURATE,
        rating_value=2,
        made_by="engine",
        policy_version=1,
        claimed_value=Decimal("38000"),
        reference_value=Decimal("22000"),
        deviation=Decimal("0.727273"),
        deviation_unit="ratio",
        rule="bands",
        created_at=T0 + datetime.timedelta(days=1),
    )
    Claim.objects.filter(pk=claim.pk).update(published_verdict=published, computed_verdict=computed)
    claim.refresh_from_db()
    return claim


# Every model this app registers in the admin: (model, how to make one, whether editors add them by hand).
ADMIN_MODELS = [
    (Speaker, factories.SpeakerFactory, True),
    (Topic, factories.TopicFactory, True),
    (Claim, make_claim, True),
    (Appearance, factories.AppearanceFactory, False),  # edited on its claim, so the claim's version rises
    (Verdict, factories.VerdictFactory, False),
    (VerdictPolicy, make_policy, False),
    (CheckRun, factories.CheckRunFactory, False),
    (WebhookDelivery, factories.WebhookDeliveryFactory, False),  # the delivery log, read-only
]
# Registered for admins only: subscriptions hold shared secrets, so editors do not see them.
ADMIN_ONLY_MODELS = [(WebhookSubscription, factories.WebhookSubscriptionFactory)]
MODEL_IDS = [model.__name__ for model, _make, _add in ADMIN_MODELS]


def test_every_registered_claims_model_is_covered():
    registered = {model for model in admin.site._registry if model._meta.app_label == "claims"}
    assert registered == {model for model, _make, _add in ADMIN_MODELS} | {model for model, _make in ADMIN_ONLY_MODELS}


@pytest.mark.parametrize(("model", "make"), ADMIN_ONLY_MODELS, ids=[m.__name__ for m, _ in ADMIN_ONLY_MODELS])
def test_admin_only_models_answer_superusers_and_refuse_editors(client, editor_client, model, make):
    obj = make()
    assert editor_client.get(admin_url(model, "changelist")).status_code == 403
    admin_user = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    for url in (admin_url(model, "changelist"), admin_url(model, "change", obj.pk), admin_url(model, "add")):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(("model", "make", "editors_add"), ADMIN_MODELS, ids=MODEL_IDS)
def test_changelist_answers_editor(editor_client, model, make, editors_add):
    obj = make()
    response = editor_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert obj in response.context["cl"].result_list


@pytest.mark.parametrize(("model", "make", "editors_add"), ADMIN_MODELS, ids=MODEL_IDS)
def test_change_page_answers_editor(editor_client, model, make, editors_add):
    obj = make()
    response = editor_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200


@pytest.mark.parametrize(("model", "make", "editors_add"), ADMIN_MODELS, ids=MODEL_IDS)
def test_add_page_only_for_what_editors_create(editor_client, model, make, editors_add):
    response = editor_client.get(admin_url(model, "add"))
    assert response.status_code == (200 if editors_add else 403)


@pytest.mark.parametrize(("model", "make", "editors_add"), ADMIN_MODELS, ids=MODEL_IDS)
def test_anonymous_is_sent_to_login(client, model, make, editors_add):
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(("model", "make", "editors_add"), ADMIN_MODELS, ids=MODEL_IDS)
def test_every_list_filter_choice_answers(editor_client, model, make, editors_add):
    make()
    make()
    url = admin_url(model, "changelist")
    response = editor_client.get(url)
    cl = response.context["cl"]
    assert len(cl.filter_specs) == len(admin.site._registry[model].list_filter)
    for spec in cl.filter_specs:
        choices = [choice["query_string"] for choice in spec.choices(cl)]
        assert len(choices) > 1, f"{spec.title} offers nothing to filter by"
        for query in choices:
            assert editor_client.get(url + query).status_code == 200, (spec.title, query)
    assert editor_client.get(url + "?_facets=True").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "status__exact=draft",
        "drift=yes",
        "drift=no",
        "published_rating=accurate",
        "published_rating=none",
        "has_figure=yes",
        "has_figure=no",
        "unit__exact=count",
        "kind__exact=level",
        "qualifier__exact=exact",
        "attribution_kind__exact=paraphrase",
        "stated_on__year=2024",
        "q=beds",
        "o=7",  # by drift
        "o=5",  # by figure
    ],
)
def test_claim_changelist_filters_answer(editor_client, query):
    make_claim()
    response = editor_client.get(admin_url(Claim, "changelist") + "?" + query)
    assert response.status_code == 200
    assert "e" not in response.context["cl"].params  # not an invalid lookup


def test_search_finds_claims_by_excerpt_once(editor_client):
    claim = factories.ClaimFactory(text="Detention levels fall", counted_noun="")
    factories.AppearanceFactory(claim=claim, is_first=True, excerpt="from 38,000 beds to 22,000")
    factories.AppearanceFactory(claim=claim, is_first=False, excerpt="38,000 beds")
    factories.ClaimFactory(text="Court backlog", counted_noun="cases")
    response = editor_client.get(admin_url(Claim, "changelist") + "?q=beds")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [claim]
    for model in (Speaker, Topic, Appearance, Verdict, VerdictPolicy, CheckRun):
        assert editor_client.get(admin_url(model, "changelist") + "?q=beds").status_code == 200


# --- the claim list -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "noun", "shown"),
    [
        (Decimal("38000.000000"), "count", "beds", "38,000 beds"),
        (Decimal("700000000"), "USD", "", "$700,000,000"),
        (Decimal("62"), "percent", "", "62 percent"),
        (Decimal("-62"), "percent", "", "-62 percent"),
        (Decimal("2.500000"), "percentage_points", "", "2.5 percentage points"),
        (Decimal("-1500.5"), "USD", "", "-$1,500.5"),
        (Decimal("10000000"), "count", "", "10,000,000"),
        (None, None, "", "—"),
    ],
)
def test_figure_reads_like_the_article(value, unit, noun, shown):
    assert format_figure(value, unit, noun) == shown


def test_claim_list_shows_figure_rating_and_drift(editor_client):
    claim = make_claim()
    factories.ClaimFactory(text="No figure here", value=None, unit=None, qualifier=None, kind=None, counted_noun="")
    response = editor_client.get(admin_url(Claim, "changelist"))
    content = response.content.decode()
    assert "38,000 beds" in content
    assert "Accurate" in content  # the published rating
    rows = {row.pk: row for row in response.context["cl"].result_list}
    assert rows[claim.pk].has_drift is True
    assert rows[claim.pk].has_drift == rows[claim.pk].drift


def _claim_with_verdicts(*, published: str | None, computed: str | None, computed_later: bool = True) -> Claim:
    claim = factories.ClaimFactory()
    values = {"accurate": 6, "inaccurate": 2}
    pub = comp = None
    if published:
        pub = factories.VerdictFactory(
            claim=claim, rating=published, rating_value=values[published], created_at=T0, published_at=T0
        )
    if computed:
        when = T0 + datetime.timedelta(days=1 if computed_later else -1)
        comp = factories.VerdictFactory(
            claim=claim,
            rating=computed,
            rating_value=values[computed],
            made_by="engine",
            policy_version=1,
            created_at=when,
        )
    Claim.objects.filter(pk=claim.pk).update(published_verdict=pub, computed_verdict=comp)
    return claim


def test_drift_filter_matches_the_model_property(editor_client):
    drifted = _claim_with_verdicts(published="accurate", computed="inaccurate")
    others = [
        _claim_with_verdicts(published="accurate", computed="accurate"),  # newer, same rating
        _claim_with_verdicts(published="accurate", computed="inaccurate", computed_later=False),  # older
        _claim_with_verdicts(published=None, computed="inaccurate"),  # nothing published
        _claim_with_verdicts(published="accurate", computed=None),
        _claim_with_verdicts(published=None, computed=None),
    ]
    url = admin_url(Claim, "changelist")
    assert list(editor_client.get(url + "?drift=yes").context["cl"].result_list) == [drifted]
    assert set(editor_client.get(url + "?drift=no").context["cl"].result_list) == set(others)
    for claim in Claim.objects.select_related("published_verdict", "computed_verdict"):
        assert claim.drift is (claim == drifted)


def test_speaker_list_counts_claims_and_links_to_them(editor_client):
    speaker = factories.SpeakerFactory()
    claims = [factories.ClaimFactory(speaker=speaker) for _ in range(2)]
    factories.ClaimFactory()
    response = editor_client.get(admin_url(Speaker, "changelist"))
    counts = {row.pk: row.claim_count for row in response.context["cl"].result_list}
    assert counts[speaker.pk] == 2
    link = f"{admin_url(Claim, 'changelist')}?speaker__id__exact={speaker.pk}"
    assert link in response.content.decode()
    assert set(editor_client.get(link).context["cl"].result_list) == set(claims)


def test_published_rating_and_figure_filters(editor_client):
    rated = _claim_with_verdicts(published="inaccurate", computed=None)
    unrated = _claim_with_verdicts(published=None, computed=None)
    no_figure = factories.ClaimFactory(value=None, unit=None, qualifier=None, kind=None)
    url = admin_url(Claim, "changelist")
    assert list(editor_client.get(url + "?published_rating=inaccurate").context["cl"].result_list) == [rated]
    assert set(editor_client.get(url + "?published_rating=none").context["cl"].result_list) == {unrated, no_figure}
    assert list(editor_client.get(url + "?has_figure=no").context["cl"].result_list) == [no_figure]


def _claims_for_the_list(count: int) -> None:
    for _ in range(count):
        claim = factories.ClaimFactory(speaker=factories.SpeakerFactory())
        verdict = factories.VerdictFactory(claim=claim, created_at=T0, published_at=T0)
        computed = factories.VerdictFactory(
            claim=claim, rating=Rating.INACCURATE, rating_value=2, made_by="engine", policy_version=1, created_at=T0
        )
        Claim.objects.filter(pk=claim.pk).update(published_verdict=verdict, computed_verdict=computed)


# Session, user, permissions, counts, the page, the date hierarchy and the topic and series filters: a fixed
# number whatever the page holds.
CLAIM_LIST_MAX_QUERIES = 15


@pytest.mark.parametrize("count", [1, 30])
def test_claim_list_queries_do_not_grow_with_rows(editor_client, django_assert_max_num_queries, count):
    _claims_for_the_list(count)
    with django_assert_max_num_queries(CLAIM_LIST_MAX_QUERIES):
        response = editor_client.get(admin_url(Claim, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == count


# --- adding and editing claims ---------------------------------------------------------------------------------


def _add_form(editor_client) -> dict:
    response = editor_client.get(admin_url(Claim, "add"))
    assert response.status_code == 200
    return admin_form_data(response)


def test_editor_adds_a_claim_with_an_appearance(editor, editor_client):
    speaker = factories.SpeakerFactory(name="DHS Secretary")
    source = factories.SourceFactory()
    series = factories.ReferenceSeriesFactory()
    topic = factories.TopicFactory(slug="detention")
    data = _add_form(editor_client) | {
        "text": "ICE is funded for 38,000 detention beds",
        "speaker": str(speaker.pk),
        "attribution_kind": "paraphrase",
        "stated_on": "2024-02-14",
        "topics": [str(topic.pk)],
        "status": "draft",
        "value": "38000",
        "unit": "count",
        "counted_noun": "beds",
        "qualifier": "exact",
        "kind": "level",
        "as_of": "2024-02-14",
        "series": str(series.pk),
        "appearances-0-source": str(source.pk),
        "appearances-0-excerpt": "cutting detention levels from 38,000 beds to 22,000",
        "appearances-0-is_first": "on",
    }
    response = editor_client.post(admin_url(Claim, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    claim = Claim.objects.get()
    assert claim.created_by == editor
    assert claim.version == 1
    assert claim.value == Decimal("38000")
    assert list(claim.topics.all()) == [topic]
    appearance = claim.appearances.get()
    assert (appearance.source, appearance.is_first) == (source, True)
    # Saving the claim and then its topics each leave a record, both the editor's.
    assert {record.history_user for record in claim.history.all()} == {editor}


def test_quantity_defaults_and_errors_in_the_add_form(editor_client):
    base = _add_form(editor_client) | {"text": "Up to 2 million cases", "stated_on": "2024-02-14", "status": "draft"}
    response = editor_client.post(admin_url(Claim, "add"), base | {"value": "2000000", "unit": "count"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    claim = Claim.objects.get()
    assert (claim.qualifier, claim.kind, claim.as_of) == ("exact", "level", datetime.date(2024, 2, 14))

    response = editor_client.post(admin_url(Claim, "add"), base | {"value": "-62", "unit": "percent", "kind": "change"})
    assert response.status_code == 200
    assert "baseline_date" in response.context["adminform"].form.errors
    response = editor_client.post(admin_url(Claim, "add"), base | {"value": "38000"})
    assert "unit" in response.context["adminform"].form.errors
    response = editor_client.post(admin_url(Claim, "add"), base | {"status": "published"})
    assert "status" in response.context["adminform"].form.errors
    assert Claim.objects.count() == 1


def test_only_one_first_appearance(editor_client):
    first, second = factories.SourceFactory(), factories.SourceFactory()
    data = _add_form(editor_client) | {
        "text": "A claim",
        "status": "draft",
        "appearances-TOTAL_FORMS": "2",
        "appearances-0-source": str(first.pk),
        "appearances-0-is_first": "on",
        "appearances-1-source": str(second.pk),
        "appearances-1-is_first": "on",
    }
    response = editor_client.post(admin_url(Claim, "add"), data)
    assert response.status_code == 200
    assert not Claim.objects.exists()


def test_editing_a_claim_bumps_its_version(editor, editor_client):
    claim = make_claim()
    url = admin_url(Claim, "change", claim.pk)
    response = editor_client.get(url)
    assert response.context["adminform"].form["expected_version"].value() == 1
    data = admin_form_data(response) | {"text": "ICE is funded for 38,000 beds"}
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    claim.refresh_from_db()
    assert claim.version == 2
    assert claim.text == "ICE is funded for 38,000 beds"
    assert claim.appearances.count() == 1
    assert claim.verdicts.count() == 2  # the read-only verdict inline wrote nothing
    assert claim.history.first().history_user == editor

    response = editor_client.post(url, admin_form_data(editor_client.get(url)))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.version == 3


def test_a_stale_form_is_refused_and_nothing_is_saved(editor_client):
    claim = make_claim()
    url = admin_url(Claim, "change", claim.pk)
    data = admin_form_data(editor_client.get(url)) | {"text": "My edit"}
    # Someone else saves first (through the API, say).
    Claim.objects.filter(pk=claim.pk).update(text="Their edit", version=2)
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert STALE_VERSION in response.content.decode()
    claim.refresh_from_db()
    assert (claim.text, claim.version) == ("Their edit", 2)

    del data["expected_version"]
    response = editor_client.post(url, data)
    assert response.status_code == 200
    claim.refresh_from_db()
    assert (claim.text, claim.version) == ("Their edit", 2)


def test_saving_does_not_undo_a_check_that_landed_meanwhile(editor_client, monkeypatch):
    """The engine moves computed_verdict and last_checked_at without raising the version; an admin save, whose
    object was read before it took the row lock, must not write the old values back."""
    claim = make_claim()
    url = admin_url(Claim, "change", claim.pk)
    data = admin_form_data(editor_client.get(url)) | {"text": "Edited"}
    newer = factories.VerdictFactory(
        claim=claim, rating=Rating.ACCURATE, made_by="engine", policy_version=1, created_at=T0 + datetime.timedelta(2)
    )
    checked_at = T0 + datetime.timedelta(days=2)
    lock_and_read = ClaimAdminForm._current_version

    def check_commits_just_before_the_lock(form):
        Claim.objects.filter(pk=claim.pk).update(computed_verdict=newer, last_checked_at=checked_at)
        return lock_and_read(form)

    monkeypatch.setattr(ClaimAdminForm, "_current_version", check_commits_just_before_the_lock)
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    claim.refresh_from_db()
    assert (claim.text, claim.version) == ("Edited", 2)
    assert (claim.computed_verdict, claim.last_checked_at) == (newer, checked_at)


def test_claim_history_cannot_be_reverted(editor_client):
    claim = make_claim()
    record = claim.history.earliest()
    url = reverse("admin:claims_claim_simple_history", args=(claim.pk, record.history_id))
    assert editor_client.get(url).status_code == 200
    data = {"text": "Reverted", "attribution_kind": "paraphrase", "status": "draft", "expected_version": "1"}
    assert editor_client.post(url, data).status_code == 403
    claim.refresh_from_db()
    assert claim.text != "Reverted"


def test_claim_page_shows_read_only_verdict_history(editor_client):
    claim = make_claim()
    response = editor_client.get(admin_url(Claim, "change", claim.pk))
    content = response.content.decode()
    assert "Inaccurate" in content and "Accurate" in content
    assert "+0.727273 ratio" in content
    assert 'name="verdicts-0-explanation"' not in content
    assert 'name="appearances-0-excerpt"' in content


# --- actions ---------------------------------------------------------------------------------------------------


def test_check_now_and_publish_actions(editor, editor_client):
    series = factories.ReferenceSeriesFactory()
    factories.ObservationFactory(series=series, period_end=datetime.date(2024, 2, 1))
    claim = factories.ClaimFactory(series=series)
    url = admin_url(Claim, "changelist")
    response = editor_client.post(url, {"action": "check_now", "_selected_action": [claim.pk]})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.computed_verdict.rating == Rating.ACCURATE
    assert claim.check_runs.count() == 1

    response = editor_client.post(url, {"action": "publish_computed_verdict", "_selected_action": [claim.pk]})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "published"
    assert claim.published_verdict == claim.computed_verdict

    unchecked = factories.ClaimFactory()
    response = editor_client.post(
        url, {"action": "publish_computed_verdict", "_selected_action": [unchecked.pk]}, follow=True
    )
    assert "Not published" in response.content.decode()
    unchecked.refresh_from_db()
    assert unchecked.status == "draft"


# --- history ---------------------------------------------------------------------------------------------------


def test_editing_a_speaker_is_in_its_history(editor, editor_client):
    speaker = factories.SpeakerFactory(name="Tom Homan", role="Border czar")
    url = admin_url(Speaker, "change", speaker.pk)
    data = admin_form_data(editor_client.get(url)) | {"role": "White House border czar"}
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = speaker.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == editor
    assert latest.role == "White House border czar"
    page = editor_client.get(admin_url(Speaker, "history", speaker.pk))
    assert page.status_code == 200
    assert editor.username in page.content.decode()


# --- append-only records ---------------------------------------------------------------------------------------


def test_verdict_change_page_is_read_only(editor_client):
    verdict = factories.VerdictFactory(explanation="Matches the agency's count.")
    url = admin_url(Verdict, "change", verdict.pk)
    response = editor_client.get(url)
    assert response.status_code == 200
    assert b'<input type="submit" name="_save"' not in response.content
    assert b"Matches the agency&#x27;s count." in response.content
    response = editor_client.post(url, {"rating": "inaccurate", "explanation": "Changed", "made_by": "editor"})
    assert response.status_code == 403
    verdict.refresh_from_db()
    assert (verdict.rating, verdict.explanation) == ("accurate", "Matches the agency's count.")


@pytest.mark.parametrize(
    ("model", "make"),
    [
        (Verdict, factories.VerdictFactory),
        (CheckRun, factories.CheckRunFactory),
        (Appearance, factories.AppearanceFactory),
    ],
    ids=["Verdict", "CheckRun", "Appearance"],
)
def test_append_only_records_are_read_only_for_superusers_too(admin_client, model, make):
    obj = make()
    assert admin_client.get(admin_url(model, "add")).status_code == 403
    page = admin_client.get(admin_url(model, "change", obj.pk))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert admin_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_policies_are_view_only_for_editors(editor_client):
    policy = VerdictPolicy.objects.get(version=1)
    url = admin_url(VerdictPolicy, "change", policy.pk)
    response = editor_client.get(url)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert editor_client.post(url, {"note": "changed", "is_active": "on"}).status_code == 403
