"""The verdict page of the claims admin: an editor publishes and corrects verdicts without leaving the admin.

Every write goes through the verdict services; a refusal from a service is an error on the form, never a 500,
and writes nothing.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from claims import services
from claims.admin import CORRECT_INSTEAD, VERDICT_CHANGED
from claims.models import Claim, ClaimStatus, MadeBy, Rating, Verdict
from sources.services import observation_add
from tests import factories

pytestmark = pytest.mark.django_db


ENGINE_BUTTON = 'value="Publish the engine\'s verdict"'  # the submit button of "Publish the engine's verdict"


def verdict_url(claim) -> str:
    return reverse("admin:claims_claim_verdict", args=[claim.pk])


def change_url(claim) -> str:
    return reverse("admin:claims_claim_change", args=[claim.pk])


def checked_claim(**kwargs) -> Claim:
    """A level claim of 38,000 beds as of 2024-02-14 against a series that says 38,000 on 2024-01-31: accurate."""
    series = factories.ReferenceSeriesFactory()
    factories.ObservationFactory(series=series, period_end=datetime.date(2024, 1, 31), value=Decimal("38000"))
    claim = factories.ClaimFactory(series=series, **kwargs)
    services.claim_check(claim=claim)
    claim.refresh_from_db()
    return claim


def claim_without_figure() -> Claim:
    return factories.ClaimFactory(
        text="The agency quietly dropped its detention targets", value=None, unit=None, qualifier=None, kind=None
    )


def published_claim(editor) -> Claim:
    claim = checked_claim()
    services.verdict_publish(claim=claim, user=editor)
    claim.refresh_from_db()
    return claim


def pending_forecast() -> Claim:
    """A forecast due on 2025-06-30 whose series has no data that late: the engine's verdict is pending."""
    claim = checked_claim(kind="forecast", due_date=datetime.date(2025, 6, 30))
    assert claim.computed_verdict.rating == Rating.PENDING
    return claim


def form_errors(response, action: str) -> dict:
    return response.context["forms"][action].errors


# --- who may open the page ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [checked_claim, claim_without_figure, "published"],
    ids=["computed-verdict", "no-figure", "published"],
)
def test_page_answers_editor(editor, editor_client, make):
    claim = published_claim(editor) if make == "published" else make()
    response = editor_client.get(verdict_url(claim))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Publish or correct the verdict</h1>" in content
    assert f'href="{change_url(claim)}"' in content  # the breadcrumb back to the claim


def test_page_offers_what_the_claims_state_allows(editor, editor_client):
    unpublished = editor_client.get(verdict_url(checked_claim())).content.decode()
    assert ENGINE_BUTTON in unpublished
    assert 'value="Publish my rating"' in unpublished
    assert 'id="correct-form"' not in unpublished

    no_figure = editor_client.get(verdict_url(claim_without_figure())).content.decode()
    assert ENGINE_BUTTON not in no_figure
    assert "has no figure, so the engine does not rate it" in no_figure
    assert 'value="Publish my rating"' in no_figure

    published = editor_client.get(verdict_url(published_claim(editor))).content.decode()
    assert ENGINE_BUTTON not in published  # it is the published verdict already
    assert 'id="publish-own-form"' not in published
    assert 'value="Publish the correction"' in published


def test_every_input_has_a_label(editor, editor_client):
    response = editor_client.get(verdict_url(published_claim(editor)))
    content = response.content.decode()
    for field in response.context["forms"]["correct"]:
        assert f'<label for="{field.id_for_label}"' in content
    assert content.count("<h1>") == 1


def test_anonymous_is_sent_to_login(client):
    claim = checked_claim()
    response = client.get(verdict_url(claim))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_without_change_permission_is_refused(client):
    claim = checked_claim()
    viewer = factories.UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_claim", content_type__app_label="claims"))
    client.force_login(viewer)
    assert client.get(change_url(claim)).status_code == 200  # may look at the claim...
    assert client.get(verdict_url(claim)).status_code == 403  # ...not publish its verdict
    response = client.post(verdict_url(claim), {"action": "publish_engine"})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.published_verdict is None


def test_unknown_claim_redirects_to_the_admin(editor_client):
    response = editor_client.get(reverse("admin:claims_claim_verdict", args=[999999]))
    assert response.status_code == 302


def test_change_page_and_list_link_to_the_verdict_page(editor_client):
    claim = checked_claim()
    link = f'href="{verdict_url(claim)}"'
    change_page = editor_client.get(change_url(claim)).content.decode()
    assert link in change_page
    assert "Publish or correct the verdict" in change_page
    assert link in editor_client.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert editor_client.get(reverse("admin:claims_claim_add")).status_code == 200  # no claim, no link


# --- publishing ---------------------------------------------------------------------------------------------------


def test_editor_publishes_the_engines_verdict(editor, editor_client):
    claim = checked_claim()
    engine_verdict = claim.computed_verdict
    page = editor_client.get(verdict_url(claim)).content.decode()
    assert engine_verdict.explanation.replace("'", "&#x27;") in page
    response = editor_client.post(
        verdict_url(claim), {"action": "publish_engine", "expected_verdict": str(engine_verdict.pk)}
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLISHED
    assert claim.published_verdict == engine_verdict
    engine_verdict.refresh_from_db()
    assert engine_verdict.published_by == editor
    assert engine_verdict.published_at is not None
    assert Verdict.objects.filter(claim=claim).count() == 1  # published as it is, not copied
    messages = [str(m) for m in editor_client.get(response["Location"]).context["messages"]]
    assert messages == ["Published the engine's verdict: Accurate."]
    assert LogEntry.objects.filter(object_id=str(claim.pk), user=editor).exists()


def test_editor_publishes_an_own_rating_on_a_claim_without_a_figure(editor, editor_client):
    claim = claim_without_figure()
    response = editor_client.post(
        verdict_url(claim),
        {
            "action": "publish_own",
            "expected_verdict": "",
            "publish_own-rating": Rating.INACCURATE,
            "publish_own-explanation": "  The agency's targets were never dropped; its budget request keeps them.  ",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(claim)
    claim.refresh_from_db()
    verdict = claim.published_verdict
    assert claim.status == ClaimStatus.PUBLISHED
    assert (verdict.rating, verdict.rating_value, verdict.made_by) == (Rating.INACCURATE, 2, MadeBy.EDITOR)
    assert verdict.made_by_user == editor
    assert verdict.published_by == editor
    assert verdict.explanation == "The agency's targets were never dropped; its budget request keeps them."


def test_editor_disagreeing_with_the_engine_publishes_an_own_rating(editor, editor_client):
    claim = checked_claim()
    response = editor_client.post(
        verdict_url(claim),
        {
            "action": "publish_own",
            "publish_own-rating": Rating.MOSTLY_ACCURATE,
            "publish_own-explanation": "The count excludes family beds.",
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.published_verdict.rating == Rating.MOSTLY_ACCURATE
    assert claim.published_verdict != claim.computed_verdict


def test_editor_corrects_the_published_verdict(editor, editor_client):
    claim = published_claim(editor)
    old = claim.published_verdict
    response = editor_client.post(
        verdict_url(claim),
        {
            "action": "correct",
            "expected_verdict": str(old.pk),
            "correct-rating": Rating.HALF_ACCURATE,
            "correct-explanation": "The 38,000 beds were funded, not filled.",
            "correct-note": "We first rated the funded count; the claim was about beds in use.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(claim)
    claim.refresh_from_db()
    new = claim.published_verdict
    assert new != old
    assert new.supersedes == old
    assert new.note == "We first rated the funded count; the claim was about beds in use."
    assert (new.rating, new.made_by_user, new.published_by) == (Rating.HALF_ACCURATE, editor, editor)
    assert claim.status == ClaimStatus.PUBLISHED

    page = editor_client.get(verdict_url(claim))
    assert list(page.context["corrections"]) == [new]
    content = page.content.decode()
    log = content[content.index('id="corrections-heading"') :]
    assert "Accurate → Half accurate" in log
    assert "We first rated the funded count; the claim was about beds in use." in log


# --- refusals: a form error, status 200, nothing written --------------------------------------------------------


def test_correction_without_a_note_is_a_form_error(editor, editor_client):
    claim = published_claim(editor)
    count = Verdict.objects.count()
    response = editor_client.post(
        verdict_url(claim),
        {
            "action": "correct",
            "correct-rating": Rating.INACCURATE,
            "correct-explanation": "The figure is off.",
            "correct-note": "   ",
        },
    )
    assert response.status_code == 200
    assert "note" in form_errors(response, "correct")
    assert "Please correct the error below." in response.content.decode()
    # The editor's input is kept for the next try.
    assert response.context["forms"]["correct"]["explanation"].value() == "The figure is off."
    assert Verdict.objects.count() == count
    claim.refresh_from_db()
    assert claim.published_verdict.supersedes is None


@pytest.mark.parametrize("make", [pending_forecast, factories.ClaimFactory], ids=["pending", "never-checked"])
def test_publishing_an_engine_verdict_that_is_pending_or_absent_is_refused(editor_client, make):
    claim = make()
    response = editor_client.get(verdict_url(claim))
    assert ENGINE_BUTTON not in response.content.decode()  # not offered...
    published_before = Verdict.objects.filter(published_at__isnull=False).count()
    logged_before = LogEntry.objects.count()
    response = editor_client.post(verdict_url(claim), {"action": "publish_engine"})  # ...and refused anyway
    assert response.status_code == 200
    errors = response.context["forms"]["publish_engine"].non_field_errors()
    expected = "pending" if make is pending_forecast else "no verdict"
    assert len(errors) == 1 and expected in errors[0]
    assert errors[0].replace("'", "&#x27;") in response.content.decode()
    claim.refresh_from_db()
    assert (claim.status, claim.published_verdict) == (ClaimStatus.DRAFT, None)
    assert Verdict.objects.filter(published_at__isnull=False).count() == published_before
    assert LogEntry.objects.count() == logged_before


@pytest.mark.parametrize("rating", [Rating.PENDING, "bogus", ""])
def test_a_rating_not_on_the_scale_is_a_form_error(editor_client, rating):
    claim = claim_without_figure()
    response = editor_client.post(
        verdict_url(claim),
        {"action": "publish_own", "publish_own-rating": rating, "publish_own-explanation": "Why."},
    )
    assert response.status_code == 200
    assert "rating" in form_errors(response, "publish_own")
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Verdict.objects.filter(claim=claim).exists()


def test_a_service_refusal_is_shown_on_the_form(editor_client):
    """A correction of a claim with nothing published passes the form; verdict_correct refuses it."""
    claim = checked_claim()
    response = editor_client.post(
        verdict_url(claim),
        {"action": "correct", "correct-rating": "accurate", "correct-explanation": "x", "correct-note": "y"},
    )
    assert response.status_code == 200
    assert form_errors(response, "correct") == {"__all__": ["The claim has no published verdict to correct."]}
    assert "The claim has no published verdict to correct." in response.content.decode()
    assert not Verdict.objects.filter(claim=claim, made_by=MadeBy.EDITOR).exists()


def test_an_own_rating_on_a_published_claim_must_be_a_correction(editor, editor_client):
    claim = published_claim(editor)
    response = editor_client.post(
        verdict_url(claim),
        {"action": "publish_own", "publish_own-rating": "inaccurate", "publish_own-explanation": "Changed my mind."},
    )
    assert response.status_code == 200
    assert form_errors(response, "publish_own") == {"__all__": [CORRECT_INSTEAD]}
    claim.refresh_from_db()
    assert claim.published_verdict.made_by == MadeBy.ENGINE


def test_a_verdict_that_changed_since_the_page_was_opened_is_not_published(editor, editor_client):
    """The editor opened the page on the engine's verdict; a re-check with new data replaced it before the click."""
    claim = checked_claim()
    seen = claim.computed_verdict
    observation_add(series=claim.series, period_end=datetime.date(2024, 1, 31), value=Decimal("20000"),
                    vintage=datetime.date(2024, 3, 1))
    services.claim_check(claim=claim)
    response = editor_client.post(verdict_url(claim), {"action": "publish_engine", "expected_verdict": str(seen.pk)})
    assert response.status_code == 200
    assert response.context["forms"]["publish_engine"].non_field_errors() == [VERDICT_CHANGED]
    claim.refresh_from_db()
    assert claim.published_verdict is None
    # The page now names the new verdict, so publishing it after review works.
    assert f'name="expected_verdict" value="{claim.computed_verdict_id}"' in response.content.decode()


def test_unknown_action_is_a_bad_request(editor_client):
    claim = checked_claim()
    assert editor_client.post(verdict_url(claim), {"action": "delete"}).status_code == 400


# --- what the page shows --------------------------------------------------------------------------------------


def test_page_shows_the_engine_verdict_and_drift(editor, editor_client):
    claim = published_claim(editor)
    page = editor_client.get(verdict_url(claim))
    assert page.context["drift"] is False
    assert "Drift: yes" not in page.content.decode()

    # A revision of the January figure, released on 2024-03-01: the claim now looks far too high.
    observation_add(
        series=claim.series, period_end=datetime.date(2024, 1, 31), value=Decimal("20000"),
        vintage=datetime.date(2024, 3, 1),
    )
    services.claim_check(claim=claim)
    claim = Claim.objects.select_related("computed_verdict", "published_verdict").get(pk=claim.pk)
    assert claim.drift
    computed = claim.computed_verdict

    page = editor_client.get(verdict_url(claim))
    content = page.content.decode()
    assert page.context["drift"] is True
    assert "Drift: yes" in content and 'id="drift-alert"' in content
    engine = content[content.index('id="engine-heading"') : content.index('class="verdict-actions"')]
    assert computed.explanation.replace("'", "&#x27;") in engine
    assert computed.label in engine
    assert "2024-01-31" in engine and "2024-03-01" in engine  # the observation's period and release
    assert "38,000 beds" in engine and "20,000 beds" in engine  # claimed vs reference
    assert f"<td>{computed.rule}</td>" in engine
    assert "+90% of the reference" in engine
    # Publishing the engine's newer verdict is offered, with a warning that it replaces the public rating.
    assert "without a correction note" in content
    response = editor_client.post(
        verdict_url(claim), {"action": "publish_engine", "expected_verdict": str(computed.pk)}
    )
    assert response.status_code == 302
    claim = Claim.objects.select_related("computed_verdict", "published_verdict").get(pk=claim.pk)
    assert claim.published_verdict == computed and not claim.drift


def test_check_now_on_the_page(editor_client):
    series = factories.ReferenceSeriesFactory()
    factories.ObservationFactory(series=series)
    claim = factories.ClaimFactory(series=series)
    response = editor_client.post(verdict_url(claim), {"action": "check"})
    assert response.status_code == 302
    assert response["Location"] == verdict_url(claim)
    claim.refresh_from_db()
    assert claim.computed_verdict.rating == Rating.ACCURATE
    assert claim.published_verdict is None  # a check never publishes
