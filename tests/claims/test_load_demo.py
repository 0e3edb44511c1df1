"""The demo data loader (load_demo) and the demo editor (create_demo_editor)."""

from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token

from claims import demo_data
from claims.management.commands import load_demo
from claims.models import RATING_VALUES, Appearance, CheckRun, Claim, ClaimStatus, MadeBy, Speaker, Topic, Verdict
from claims import verdicts as engine
from sources.models import Observation, Outlet, ReferenceSeries, Source

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "editor-demo-pass"


def _load(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _create_editor(*args) -> str:
    out = StringIO()
    call_command("create_demo_editor", *args, stdout=out)
    return out.getvalue()


# --- the data itself, before it touches the database -----------------------------------------------------


def test_demo_data_references_resolve_and_keys_are_unique():
    texts = [c["text"] for c in demo_data.CLAIMS]
    assert len(texts) == len(set(texts))
    speaker_keys = [(s["name"], s["kind"]) for s in demo_data.SPEAKERS]
    assert len(speaker_keys) == len(set(speaker_keys))
    speaker_names = {s["name"] for s in demo_data.SPEAKERS}
    urls = {s["url"] for s in demo_data.SOURCES}
    assert len(urls) == len(demo_data.SOURCES)
    outlets = {o["name"] for o in demo_data.OUTLETS}
    assert {s["outlet"] for s in demo_data.SOURCES} - {None} <= outlets
    assert {s["publisher"] for s in demo_data.SERIES} <= outlets
    slugs = {s["slug"] for s in demo_data.SERIES}
    for claim in demo_data.CLAIMS:
        assert claim["speaker"] is None or claim["speaker"] in speaker_names, claim["text"]
        assert claim["series"] is None or claim["series"] in slugs, claim["text"]
        assert set(claim["topics"]) <= set(demo_data.TOPICS), claim["text"]
        assert {a["source"] for a in claim["appearances"]} <= urls, claim["text"]
        assert sum(a["is_first"] for a in claim["appearances"]) == 1, claim["text"]
        assert all(len(a["excerpt"]) <= 200 for a in claim["appearances"]), claim["text"]


def test_demo_data_published_claims_are_exactly_those_with_a_verdict():
    published = {c["text"] for c in demo_data.CLAIMS if c["status"] == ClaimStatus.PUBLISHED}
    assert published == {v["claim"] for v in demo_data.VERDICTS}


# --- load_demo ------------------------------------------------------------------------------------------


def test_load_demo_creates_the_newsroom_data_set():
    output = _load()

    assert 22 <= Claim.objects.count() <= 30
    assert Claim.objects.filter(value__isnull=True).count() >= 5
    assert Claim.objects.filter(value__isnull=False).count() >= 10
    assert Speaker.objects.filter(kind=Speaker.Kind.ANONYMOUS).count() >= 3
    assert set(Claim.objects.values_list("attribution_kind", flat=True)) == set(Claim.AttributionKind.values)
    assert {"draft", "in_review", "published"} <= set(Claim.objects.values_list("status", flat=True))
    assert Outlet.objects.filter(kind="government").count() >= 3
    assert Outlet.objects.filter(kind="pollster").exists()
    assert Source.objects.filter(kind__in=["report", "dataset"]).exists()
    assert Topic.objects.filter(slug="immigration-courts").exists()
    assert ReferenceSeries.objects.count() >= 3
    for series in ReferenceSeries.objects.all():
        assert series.observations.count() >= 6, series.slug
    assert Claim.objects.filter(series__isnull=False).count() >= 4
    assert output.startswith(
        "Demo data: 13 outlets, 14 sources, 14 speakers, 26 claims (13 with figures), 4 series, "
        "148 observations, 5 published verdicts (created 5, unchanged 0)"
    )


def test_every_claim_has_appearances_with_one_first():
    _load()
    for claim in Claim.objects.all():
        appearances = list(claim.appearances.all())
        assert appearances, claim.text
        assert sum(a.is_first for a in appearances) == 1, claim.text


def test_published_verdicts_are_the_engines_where_a_series_exists_and_editors_elsewhere():
    _load()
    published = Claim.objects.filter(published_verdict__isnull=False)
    assert 4 <= published.count() <= 5
    assert set(Claim.objects.filter(status=ClaimStatus.PUBLISHED)) == set(published)
    made_by = set()
    for claim in published.select_related("published_verdict", "series"):
        verdict = claim.published_verdict
        made_by.add(verdict.made_by)
        assert verdict.claim_id == claim.pk
        assert verdict.made_by == (MadeBy.ENGINE if claim.series else MadeBy.EDITOR)
        assert verdict.rating_value == RATING_VALUES[verdict.rating]
        assert verdict.published_at is not None and verdict.published_at >= verdict.created_at
        assert verdict.claimed_value == claim.value
        assert any(ch.isdigit() for ch in verdict.explanation)
        if claim.series is not None:
            assert claim.series.illustrative
            assert verdict.policy_version == 1
            assert demo_data.ILLUSTRATIVE_EXPLANATION_PHRASE in verdict.explanation
    assert made_by == {MadeBy.ENGINE, MadeBy.EDITOR}
    # The demo's own ratings of the series-linked claims agree with what the engine decided.
    expected = {row["claim"]: row["rating"] for row in demo_data.VERDICTS}
    assert {c.text: c.published_verdict.rating for c in published} == expected


def test_claims_linked_to_a_series_are_checked_without_drift():
    _load()
    linked = Claim.objects.filter(value__isnull=False, series__isnull=False)
    assert linked.exists()
    assert not linked.filter(computed_verdict__isnull=True).exists()
    assert CheckRun.objects.filter(claim__in=linked).count() == linked.count()
    assert not any(claim.drift for claim in Claim.objects.select_related("computed_verdict", "published_verdict"))


def test_verdicts_record_the_publishing_editor_when_one_exists(editor):
    _load()
    published = Verdict.objects.filter(published_at__isnull=False)
    assert set(published.values_list("published_by", flat=True)) == {editor.pk}
    assert set(published.filter(made_by=MadeBy.EDITOR).values_list("made_by_user", flat=True)) == {editor.pk}


def test_verdicts_have_no_user_when_there_is_no_editor():
    _load()
    assert set(Verdict.objects.values_list("made_by_user", flat=True)) == {None}
    assert set(Verdict.objects.values_list("published_by", flat=True)) == {None}


def test_every_series_is_illustrative_and_says_so():
    _load()
    assert ReferenceSeries.objects.exists()
    for series in ReferenceSeries.objects.all():
        assert series.illustrative, series.slug
        assert series.description.startswith("Illustrative demo data, not official figures."), series.slug
        assert series.feed_url == "", series.slug
        assert series.publisher is not None, series.slug
    notes = set(Observation.objects.values_list("note", flat=True))
    assert notes == {"Illustrative demo data"}
    # Invented numbers are never attributed to a real release.
    assert not Observation.objects.filter(source__isnull=False).exists()
    # Some periods have a revision: a newer vintage in a second row.
    periods = Observation.objects.values_list("series_id", "period_start", "period_end")
    assert len(periods) - len(set(periods)) >= 3


def test_every_numeric_claim_passes_full_clean():
    _load()
    numeric = Claim.objects.filter(value__isnull=False)
    assert numeric.count() >= 10
    for claim in numeric:
        claim.full_clean()
        assert claim.as_of is not None
        assert claim.value >= 0 or claim.kind == Claim.Kind.CHANGE
    assert numeric.filter(kind=Claim.Kind.CHANGE, unit="percent", value__lt=0, baseline_date__isnull=False).exists()
    assert numeric.filter(kind=Claim.Kind.FORECAST, due_date__isnull=False).exists()
    assert {"exact", "approximate", "nearly", "at_least", "at_most"} == set(numeric.values_list("qualifier", flat=True))


def _engine_rating(claim: Claim) -> str:
    observations = tuple(
        engine.ObservationData(id=o.pk, period_start=o.period_start, period_end=o.period_end, value=o.value,
                               vintage=o.vintage)
        for o in claim.series.observations.order_by("pk")
    )
    series = engine.SeriesData(name=claim.series.name, unit=claim.series.unit,
                               counted_noun=claim.series.counted_noun, observations=observations)
    data = engine.ClaimData(value=claim.value, unit=claim.unit, qualifier=claim.qualifier, kind=claim.kind,
                            as_of=claim.as_of, baseline_date=claim.baseline_date, due_date=claim.due_date,
                            counted_noun=claim.counted_noun)
    return engine.evaluate(data, series).rating


def test_editor_ratings_agree_with_the_engine_and_linked_claims_get_a_mix():
    """The demo starts without drift, and checking its claims shows more than one outcome (policy v1)."""
    _load()
    linked = Claim.objects.filter(series__isnull=False, value__isnull=False)
    linked = linked.select_related("published_verdict", "series")
    computed = {}
    for claim in linked:
        computed[claim.pk] = _engine_rating(claim)
        if claim.published_verdict is not None:
            assert computed[claim.pk] == claim.published_verdict.rating, claim.text
    assert len(set(computed.values())) >= 3
    assert "accurate" in computed.values()
    assert set(computed.values()) - {"accurate"}


def _snapshot() -> tuple[dict, dict]:
    counts = {m._meta.label: m._default_manager.count() for m in apps.get_models(include_auto_created=True)}
    values = {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in (Outlet, Source, Speaker, Topic, ReferenceSeries, Observation, Claim, Claim.topics.through,
                      Appearance, Verdict)
    }
    return counts, values


def test_running_twice_changes_nothing(editor):
    _load()
    counts, values = _snapshot()
    history = {label: n for label, n in counts.items() if "Historical" in label}
    assert history and all(history.values())  # the first run did write history

    output = _load()

    assert _snapshot() == (counts, values)  # every table's rows, history included, and every field
    assert "(created 0, unchanged 5)" in output
    assert "Rows: created 0, updated 0, unchanged " in output


def test_a_changed_claim_is_put_back_with_a_new_version_and_one_history_row():
    _load()
    claim = Claim.objects.get(text=demo_data.CLAIM_BACKLOG_2M)
    version_before = claim.version
    Claim.objects.filter(pk=claim.pk).update(value=Decimal("3000000"))
    claim.topics.clear()
    history_before = claim.history.count()

    output = _load()

    claim.refresh_from_db()
    assert claim.value == Decimal("2000000")
    assert claim.version == version_before + 1
    assert set(claim.topics.values_list("slug", flat=True)) == {"immigration-courts"}
    assert claim.history.count() > history_before
    assert claim.published_verdict is not None
    assert "Rows: created 0, updated 1," in output


def test_a_stored_observation_is_never_overwritten():
    _load()
    obs = Observation.objects.get(
        series__slug=demo_data.SERIES_EOIR_PENDING, period_end="2022-03-31", vintage="2022-07-15"
    )
    Observation.objects.filter(pk=obs.pk).update(value=Decimal("1800000"))
    err = StringIO()

    call_command("load_demo", stdout=StringIO(), stderr=err)

    obs.refresh_from_db()
    assert obs.value == Decimal("1800000")
    assert "not overwritten" in err.getvalue()


def test_load_demo_writes_nothing_when_it_fails(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("publishing failed")

    monkeypatch.setattr(load_demo, "publish_demo_verdict", fail)
    with pytest.raises(RuntimeError):
        _load()
    assert not Outlet.objects.exists()
    assert not Claim.objects.exists()
    assert not Observation.objects.exists()


def test_publish_demo_verdict_skips_a_claim_that_already_has_one():
    _load()
    claim = Claim.objects.get(text=demo_data.CLAIM_BOOK_INS_62)
    before = claim.published_verdict_id

    assert load_demo.publish_demo_verdict(claim, "inaccurate", "Claimed 62; reference 10.", None) is None
    claim.refresh_from_db()
    assert claim.published_verdict_id == before
    assert claim.verdicts.count() == 1


def test_publish_demo_verdict_publishes_a_claim():
    _load()
    claim = Claim.objects.get(text=demo_data.CLAIMS[0]["text"])
    assert claim.status == "in_review" and claim.published_verdict is None

    verdict = load_demo.publish_demo_verdict(claim, "half-accurate", "Claimed $700 million; 4 of 5 checks agree.", None)

    claim.refresh_from_db()
    assert claim.published_verdict == verdict
    assert claim.status == ClaimStatus.PUBLISHED
    assert (verdict.made_by, verdict.rating_value, verdict.published_at) == ("editor", 4, verdict.created_at)


# --- create_demo_editor -----------------------------------------------------------------------------------


def test_create_demo_editor_makes_a_staff_editor_with_a_token(settings):
    settings.DEBUG = True

    output = _create_editor()

    user = get_user_model().objects.get(username="editor")
    assert user.is_staff and user.is_active and not user.is_superuser
    assert user.groups.filter(name="Editors").exists()
    assert user.check_password(DEMO_PASSWORD)
    token = Token.objects.get(user=user)
    assert output.strip() == (
        f"Demo editor: log in at http://127.0.0.1:8000/admin/ as editor / {DEMO_PASSWORD}; API token: {token.key}"
    )


def test_create_demo_editor_resets_an_existing_user_and_keeps_its_token(settings):
    settings.DEBUG = True
    _create_editor()
    user = get_user_model().objects.get(username="editor")
    user.is_superuser = True
    user.set_password("something-else")
    user.save()
    key = Token.objects.get(user=user).key

    _create_editor()

    user.refresh_from_db()
    assert not user.is_superuser and user.check_password(DEMO_PASSWORD)
    assert list(Token.objects.filter(user=user).values_list("key", flat=True)) == [key]


def test_create_demo_editor_password_from_option_or_environment(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_EDITOR_PASSWORD", "from-the-environment")
    assert "editor / from-the-environment;" in _create_editor()
    assert get_user_model().objects.get(username="editor").check_password("from-the-environment")

    assert "editor / from-the-option;" in _create_editor("--password", "from-the-option")
    assert get_user_model().objects.get(username="editor").check_password("from-the-option")


def test_create_demo_editor_refuses_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        _create_editor()

    assert not get_user_model().objects.filter(username="editor").exists()


def test_create_demo_editor_runs_without_debug_when_forced(settings):
    settings.DEBUG = False

    _create_editor("--force")

    user = get_user_model().objects.get(username="editor")
    assert user.is_staff and not user.is_superuser
    assert Token.objects.filter(user=user).exists()
