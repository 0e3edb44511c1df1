"""The verdict workflow through its services: checking, publishing, correcting, editing and creating claims.

Times are passed explicitly (`now=`) so the order of verdicts, and so drift, is decided by the test and not by
the clock. Policy v1 is created and activated by migration claims/0003.
"""

import datetime
from decimal import Decimal

import pytest

from claims import selectors, services
from claims.models import (
    Appearance,
    CheckOutcome,
    CheckRun,
    CheckState,
    Claim,
    ClaimKind,
    ClaimStatus,
    MadeBy,
    Qualifier,
    Rating,
    Verdict,
    VerdictPolicy,
)
from claims.verdicts import DEFAULT_POLICY
from factcheck.exceptions import ApplicationError, ConflictError
from sources.models import Unit
from tests import factories

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2024, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)


def at(hours: int) -> datetime.datetime:
    return T0 + datetime.timedelta(hours=hours)


@pytest.fixture
def series():
    return factories.ReferenceSeriesFactory(slug="ice-beds", name="ICE funded beds", unit=Unit.COUNT)


@pytest.fixture
def reference(series):
    """The figure of 2024-01-31 as released on 2024-02-10: 38,000 beds."""
    return factories.ObservationFactory(
        series=series, period_end=datetime.date(2024, 1, 31), value=Decimal("38000"), vintage=datetime.date(2024, 2, 10)
    )


@pytest.fixture
def claim(series, reference):
    """ "ICE holds 38,000 beds" as of 2024-02-14: accurate against the reference."""
    return factories.ClaimFactory(series=series, value=Decimal("38000"), as_of=datetime.date(2024, 2, 14))


def revise(series, value: str, vintage=datetime.date(2024, 3, 1)):
    """A newer release of the same period."""
    return factories.ObservationFactory(
        series=series, period_end=datetime.date(2024, 1, 31), value=Decimal(value), vintage=vintage
    )


def fresh(claim: Claim) -> Claim:
    return Claim.objects.select_related("computed_verdict", "published_verdict").get(pk=claim.pk)


# --- the idempotency key -----------------------------------------------------------------------------------------


def test_same_check_twice_writes_one_run_and_only_moves_last_checked_at(claim, reference):
    first = services.claim_check(claim=claim, now=at(1))
    second = services.claim_check(claim=claim, now=at(2))

    assert first.created is True
    assert second.created is False
    assert CheckRun.objects.filter(claim=claim).count() == 1
    run = CheckRun.objects.get(claim=claim)
    assert second.check_run.pk == first.check_run.pk == run.pk
    assert (run.claim_version, run.data_version, run.policy_version) == (1, reference.pk, 1)
    assert run.state == CheckState.DONE and run.outcome == CheckOutcome.CHANGED
    assert run.started_at == at(1)  # the repeat did not restart the run
    assert run.attempts == 1
    assert Verdict.objects.filter(claim=claim).count() == 1
    assert second.computed_verdict.pk == first.computed_verdict.pk
    assert fresh(claim).last_checked_at == at(2)


def test_claim_edit_makes_a_new_check(claim):
    services.claim_check(claim=claim, now=at(1))
    services.claim_update(claim_id=claim.pk, expected_version=1, text="ICE holds 38,000 beds, the secretary said")

    result = services.claim_check(claim=claim, now=at(2))

    assert result.created is True
    assert result.check_run.claim_version == 2
    assert CheckRun.objects.filter(claim=claim).count() == 2
    # The figure did not change, so neither did the engine's verdict.
    assert result.check_run.outcome == CheckOutcome.UNCHANGED
    assert Verdict.objects.filter(claim=claim).count() == 1


def test_newer_vintage_makes_a_new_check(claim, series):
    first = services.claim_check(claim=claim, now=at(1))
    revision = revise(series, "38000")

    second = services.claim_check(claim=claim, now=at(2))

    assert second.created is True
    assert second.check_run.pk != first.check_run.pk
    assert second.check_run.data_version == revision.pk
    assert CheckRun.objects.filter(claim=claim).count() == 2


def test_backfilled_observation_makes_a_new_check(claim, series, reference):
    first = services.claim_check(claim=claim, now=at(1))
    # An older period, recorded after the newer one: the data version is the newest row id, not the newest period.
    backfill = factories.ObservationFactory(
        series=series,
        period_end=datetime.date(2023, 12, 31),
        value=Decimal("37000"),
        vintage=datetime.date(2024, 1, 10),
    )
    assert backfill.pk > reference.pk

    second = services.claim_check(claim=claim, now=at(2))

    assert second.created is True
    assert first.check_run.data_version == reference.pk
    assert second.check_run.data_version == backfill.pk
    assert second.check_run.outcome == CheckOutcome.UNCHANGED  # the reference at 2024-02-14 is still 2024-01-31


def test_new_policy_version_makes_a_new_check_and_its_verdict_records_it(series, reference):
    # 38,000 claimed against 36,000: 5.6% too high, mostly accurate under v1 (<= 10%), half accurate under v2 (<= 10%
    # is the third band there).
    claim = factories.ClaimFactory(series=series, value=Decimal("38000"), as_of=datetime.date(2024, 2, 14))
    factories.ObservationFactory(
        series=series, period_end=datetime.date(2024, 1, 31), value=Decimal("36000"), vintage=datetime.date(2024, 2, 11)
    )
    first = services.claim_check(claim=claim, now=at(1))
    assert first.computed_verdict.policy_version == 1
    assert first.computed_verdict.rating == Rating.MOSTLY_ACCURATE

    parameters = DEFAULT_POLICY.to_dict() | {"version": 2}
    parameters["ratio_bands"] = {
        "exact": ["0.01", "0.05", "0.10", "0.20"],
        "approximate": ["0.05", "0.10", "0.20", "0.30"],
    }
    services.policy_create(parameters=parameters, activate=True)
    assert list(VerdictPolicy.objects.filter(is_active=True).values_list("version", flat=True)) == [2]

    second = services.claim_check(claim=claim, now=at(2))

    assert second.created is True
    assert second.check_run.policy_version == 2
    assert second.check_run.outcome == CheckOutcome.CHANGED
    assert second.computed_verdict.pk != first.computed_verdict.pk
    assert second.computed_verdict.policy_version == 2
    assert second.computed_verdict.rating == Rating.HALF_ACCURATE
    assert "policy v2" in second.computed_verdict.explanation
    assert fresh(claim).computed_verdict_id == second.computed_verdict.pk


# --- a verdict only when the result changed --------------------------------------------------------------------


def test_observation_that_does_not_change_the_reference_writes_no_verdict(claim, series):
    first = services.claim_check(claim=claim, now=at(1))
    factories.ObservationFactory(
        series=series, period_end=datetime.date(2019, 6, 30), value=Decimal("99"), vintage=datetime.date(2019, 7, 1)
    )

    second = services.claim_check(claim=claim, now=at(2))

    assert second.created is True
    assert second.check_run.outcome == CheckOutcome.UNCHANGED
    assert Verdict.objects.filter(claim=claim).count() == 1
    assert second.computed_verdict.pk == first.computed_verdict.pk
    assert fresh(claim).computed_verdict_id == first.computed_verdict.pk


def test_changed_rating_writes_a_new_verdict(claim, series):
    first = services.claim_check(claim=claim, now=at(1))
    assert first.computed_verdict.rating == Rating.ACCURATE
    revision = revise(series, "30000")  # 38,000 is now 26.7% too high

    second = services.claim_check(claim=claim, now=at(2))

    assert second.check_run.outcome == CheckOutcome.CHANGED
    assert Verdict.objects.filter(claim=claim).count() == 2
    verdict = second.computed_verdict
    assert verdict.pk != first.computed_verdict.pk
    assert verdict.rating == Rating.MOSTLY_INACCURATE and verdict.rating_value == 3
    assert verdict.made_by == MadeBy.ENGINE
    assert verdict.observation_id == revision.pk
    assert verdict.reference_value == Decimal("30000")
    assert verdict.check_run_id == second.check_run.pk
    assert verdict.created_at == at(2)
    assert verdict.published_at is None
    assert fresh(claim).computed_verdict_id == verdict.pk


# --- failures ------------------------------------------------------------------------------------------------------


def _engine_failing(monkeypatch, times: int):
    real = services.engine.evaluate
    calls = {"n": 0}

    def evaluate(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= times:
            raise RuntimeError("engine exploded")
        return real(*args, **kwargs)

    monkeypatch.setattr(services.engine, "evaluate", evaluate)


def test_failed_run_is_recorded_and_redone_in_place(claim, monkeypatch):
    _engine_failing(monkeypatch, times=1)

    with pytest.raises(RuntimeError, match="engine exploded"):
        services.claim_check(claim=claim, now=at(1))

    failed = CheckRun.objects.get(claim=claim)
    assert failed.state == CheckState.FAILED
    assert failed.outcome == CheckOutcome.ERROR
    assert "RuntimeError" in failed.error and "engine exploded" in failed.error
    assert Verdict.objects.filter(claim=claim).count() == 0

    result = services.claim_check(claim=claim, now=at(2))

    assert result.created is True
    assert CheckRun.objects.filter(claim=claim).count() == 1
    run = CheckRun.objects.get(claim=claim)
    assert run.pk == failed.pk == result.check_run.pk
    assert run.state == CheckState.DONE
    assert run.outcome == CheckOutcome.CHANGED
    assert run.error == ""
    assert run.attempts == 2
    assert result.check_run.attempts == 2
    assert fresh(claim).computed_verdict.rating == Rating.ACCURATE


def test_every_failed_attempt_is_counted(claim, monkeypatch):
    _engine_failing(monkeypatch, times=2)
    for hour in (1, 2):
        with pytest.raises(RuntimeError):
            services.claim_check(claim=claim, now=at(hour))

    run = CheckRun.objects.get(claim=claim)
    assert run.state == CheckState.FAILED
    assert run.attempts == 2


def test_claim_without_a_figure_is_unverifiable_and_gets_no_verdict(series):
    claim = factories.ClaimFactory(series=series, value=None, unit=None, qualifier=None, kind=None, counted_noun="")

    result = services.claim_check(claim=claim, now=at(1))

    assert result.created is True
    assert result.check_run.state == CheckState.DONE
    assert result.check_run.outcome == CheckOutcome.UNVERIFIABLE
    assert result.computed_verdict is None
    assert Verdict.objects.filter(claim=claim).count() == 0
    claim = fresh(claim)
    assert claim.computed_verdict is None
    assert claim.last_checked_at == at(1)


# --- drift -----------------------------------------------------------------------------------------------------------


def test_drift_is_flagged_and_never_published(claim, series):
    services.claim_check(claim=claim, now=at(1))
    published = services.verdict_publish(claim=claim, now=at(2))
    revise(series, "30000")

    result = services.claim_check(claim=claim, now=at(3))

    claim = fresh(claim)
    assert claim.drift is True
    assert claim.computed_verdict_id == result.computed_verdict.pk
    assert claim.published_verdict_id == published.pk
    assert claim.published_verdict.rating == Rating.ACCURATE
    assert claim.published_verdict.published_at == at(2)
    assert claim.status == ClaimStatus.PUBLISHED
    assert result.computed_verdict.published_at is None
    assert list(Verdict.objects.filter(published_at__isnull=False).values_list("pk", flat=True)) == [published.pk]


def test_drift_condition_finds_exactly_the_drifting_claim(series, reference):
    def numeric_claim():
        return factories.ClaimFactory(series=series, value=Decimal("38000"), as_of=datetime.date(2024, 2, 14))

    drifting, steady, unpublished = numeric_claim(), numeric_claim(), numeric_claim()
    no_figure = factories.ClaimFactory(series=series, value=None, unit=None, qualifier=None, kind=None, counted_noun="")
    for c in (drifting, steady, unpublished, no_figure):
        services.claim_check(claim=c, now=at(1))
    services.verdict_publish(claim=drifting, now=at(2))
    services.verdict_publish(claim=steady, now=at(2))
    services.verdict_publish(claim=no_figure, rating=Rating.ACCURATE, explanation="Matches the record.", now=at(2))
    # The steady claim's reference does not move; the others' does.
    steady_series = factories.ReferenceSeriesFactory(unit=Unit.COUNT)
    factories.ObservationFactory(series=steady_series, period_end=datetime.date(2024, 1, 31), value=Decimal("38000"))
    services.claim_update(claim_id=steady.pk, expected_version=fresh(steady).version, series=steady_series)
    revise(series, "30000")
    for c in (drifting, steady, unpublished, no_figure):
        services.claim_check(claim=c, now=at(3))

    assert list(Claim.objects.filter(selectors.drift_condition()).values_list("pk", flat=True)) == [drifting.pk]
    assert [c.pk for c in Claim.objects.all() if c.drift] == [drifting.pk]


def test_claim_whose_figure_was_removed_no_longer_drifts(claim, series):
    services.claim_check(claim=claim, now=at(1))
    services.verdict_publish(claim=claim, now=at(2))
    revise(series, "30000")
    services.claim_check(claim=claim, now=at(3))
    assert fresh(claim).drift is True

    services.claim_update(claim_id=claim.pk, expected_version=fresh(claim).version, quantity=None)
    result = services.claim_check(claim=claim, now=at(4))

    assert result.check_run.outcome == CheckOutcome.UNVERIFIABLE
    claim = fresh(claim)
    assert claim.drift is False
    assert claim.computed_verdict is None
    assert not Claim.objects.filter(selectors.drift_condition(), pk=claim.pk).exists()


# --- publishing ------------------------------------------------------------------------------------------------------


def test_publish_without_rating_publishes_the_computed_verdict(claim):
    computed = services.claim_check(claim=claim, now=at(1)).computed_verdict

    verdict = services.verdict_publish(claim=claim, now=at(2))

    assert verdict.pk == computed.pk
    verdict.refresh_from_db()
    assert verdict.published_at == at(2)
    claim = fresh(claim)
    assert claim.status == ClaimStatus.PUBLISHED
    assert claim.published_verdict_id == computed.pk
    assert Verdict.objects.filter(claim=claim).count() == 1


def test_publish_without_a_computed_verdict_is_a_conflict(claim):
    with pytest.raises(ConflictError) as raised:
        services.verdict_publish(claim=claim, now=at(1))

    assert raised.value.status_code == 409
    claim = fresh(claim)
    assert claim.status == ClaimStatus.DRAFT and claim.published_verdict is None
    assert Verdict.objects.count() == 0


def test_publish_of_a_pending_forecast_is_a_conflict(series, reference):
    forecast = factories.ClaimFactory(
        series=series,
        value=Decimal("22000"),
        kind=ClaimKind.FORECAST,
        as_of=datetime.date(2024, 2, 14),
        due_date=datetime.date(2025, 9, 30),
    )
    result = services.claim_check(claim=forecast, now=at(1))
    assert result.check_run.outcome == CheckOutcome.PENDING
    assert result.computed_verdict.rating == Rating.PENDING

    with pytest.raises(ConflictError) as raised:
        services.verdict_publish(claim=forecast, now=at(2))

    assert raised.value.status_code == 409
    result.computed_verdict.refresh_from_db()
    assert result.computed_verdict.published_at is None
    assert fresh(forecast).status == ClaimStatus.DRAFT


def test_editor_verdict_is_how_a_claim_without_a_figure_gets_one(editor):
    claim = factories.ClaimFactory(value=None, unit=None, qualifier=None, kind=None, counted_noun="")

    verdict = services.verdict_publish(
        claim=claim, user=editor, rating=Rating.MOSTLY_INACCURATE, explanation="The record says otherwise.", now=at(1)
    )

    verdict.refresh_from_db()
    assert verdict.made_by == MadeBy.EDITOR
    assert verdict.made_by_user == editor
    assert verdict.rating == Rating.MOSTLY_INACCURATE and verdict.rating_value == 3
    assert verdict.claimed_value is None
    assert verdict.policy_version is None
    assert verdict.published_at == at(1)
    claim = fresh(claim)
    assert claim.status == ClaimStatus.PUBLISHED
    assert claim.published_verdict_id == verdict.pk
    assert claim.computed_verdict is None


@pytest.mark.parametrize("rating", ["mostly-true", "", "PENDING", "pending"])
def test_publish_with_an_invalid_rating_is_refused(claim, editor, rating):
    with pytest.raises(ApplicationError) as raised:
        services.verdict_publish(claim=claim, user=editor, rating=rating, explanation="Because.", now=at(1))

    assert raised.value.status_code == 400
    assert raised.value.code == "invalid_rating"
    assert "rating" in raised.value.fields
    assert Verdict.objects.count() == 0
    assert fresh(claim).status == ClaimStatus.DRAFT


def test_editor_verdict_needs_an_explanation(claim, editor):
    with pytest.raises(ApplicationError) as raised:
        services.verdict_publish(claim=claim, user=editor, rating=Rating.ACCURATE, explanation="  ", now=at(1))

    assert raised.value.status_code == 400
    assert "explanation" in raised.value.fields
    assert Verdict.objects.count() == 0


def test_publishing_the_same_engine_verdict_twice_keeps_its_published_at(claim):
    services.claim_check(claim=claim, now=at(1))
    first = services.verdict_publish(claim=claim, now=at(2))

    second = services.verdict_publish(claim=claim, now=at(5))

    assert second.pk == first.pk
    second.refresh_from_db()
    assert second.published_at == at(2)
    assert Verdict.objects.filter(claim=claim).count() == 1


# --- corrections -----------------------------------------------------------------------------------------------------


def test_correction_supersedes_the_published_verdict(claim, editor):
    services.claim_check(claim=claim, now=at(1))
    original = services.verdict_publish(claim=claim, now=at(2))

    correction = services.verdict_correct(
        claim=claim,
        user=editor,
        rating=Rating.HALF_ACCURATE,
        explanation="The count includes beds that were never funded.",
        note="  We first rated this accurate; the agency's count was revised.  ",
        now=at(3),
    )

    correction.refresh_from_db()
    assert correction.supersedes_id == original.pk
    assert correction.note == "We first rated this accurate; the agency's count was revised."
    assert correction.made_by == MadeBy.EDITOR and correction.made_by_user == editor
    assert correction.rating == Rating.HALF_ACCURATE and correction.rating_value == 4
    assert correction.published_at == at(3)
    assert correction.reference_value == original.reference_value
    assert correction.observation_id == original.observation_id
    original.refresh_from_db()
    assert original.published_at == at(2)  # append-only: the superseded verdict is untouched
    claim = fresh(claim)
    assert claim.published_verdict_id == correction.pk
    assert claim.status == ClaimStatus.PUBLISHED


def test_a_correction_ends_drift_whatever_its_rating(claim, series, editor):
    """Drift compares the engine's latest verdict with the published one by age: a correction is newer."""
    services.claim_check(claim=claim, now=at(1))
    services.verdict_publish(claim=claim, now=at(2))
    revise(series, "30000")
    services.claim_check(claim=claim, now=at(3))
    assert fresh(claim).drift is True

    services.verdict_correct(
        claim=claim, user=editor, rating=Rating.ACCURATE, explanation="Still right.", note="Reviewed.", now=at(4)
    )

    claim = fresh(claim)
    assert claim.computed_verdict.rating == Rating.MOSTLY_INACCURATE
    assert claim.published_verdict.rating == Rating.ACCURATE
    assert claim.drift is False
    assert not Claim.objects.filter(selectors.drift_condition(), pk=claim.pk).exists()


@pytest.mark.parametrize("note", ["", "   "])
def test_correction_needs_a_note(claim, editor, note):
    services.claim_check(claim=claim, now=at(1))
    original = services.verdict_publish(claim=claim, now=at(2))

    with pytest.raises(ApplicationError) as raised:
        services.verdict_correct(
            claim=claim, user=editor, rating=Rating.INACCURATE, explanation="x", note=note, now=at(3)
        )

    assert raised.value.status_code == 400
    assert "note" in raised.value.fields
    assert Verdict.objects.filter(claim=claim).count() == 1
    assert fresh(claim).published_verdict_id == original.pk


def test_correcting_a_claim_without_a_published_verdict_is_a_conflict(claim, editor):
    services.claim_check(claim=claim, now=at(1))

    with pytest.raises(ConflictError) as raised:
        services.verdict_correct(
            claim=claim, user=editor, rating=Rating.INACCURATE, explanation="x", note="Corrected.", now=at(2)
        )

    assert raised.value.status_code == 409
    assert Verdict.objects.filter(claim=claim, made_by=MadeBy.EDITOR).count() == 0


def test_publishing_again_after_a_correction_does_not_undo_it(claim, editor):
    services.claim_check(claim=claim, now=at(1))
    services.verdict_publish(claim=claim, now=at(2))
    correction = services.verdict_correct(
        claim=claim, user=editor, rating=Rating.INACCURATE, explanation="Wrong.", note="Corrected.", now=at(3)
    )

    try:
        services.verdict_publish(claim=claim, now=at(4))
    except ConflictError:
        pass  # refusing is as good as keeping the correction

    assert fresh(claim).published_verdict_id == correction.pk


# --- editing claims --------------------------------------------------------------------------------------------------


def test_update_with_a_stale_version_writes_nothing(claim):
    services.claim_update(claim_id=claim.pk, expected_version=1, text="Edited once")
    history = claim.history.count()

    with pytest.raises(ConflictError) as raised:
        services.claim_update(claim_id=claim.pk, expected_version=1, text="A lost update")

    assert raised.value.status_code == 409
    assert raised.value.code == "stale_version"
    claim = fresh(claim)
    assert claim.text == "Edited once"
    assert claim.version == 2
    assert claim.history.count() == history


def test_update_replaces_the_quantity_whole(claim):
    Claim.objects.filter(pk=claim.pk).update(qualifier=Qualifier.APPROXIMATE, counted_noun="beds")

    services.claim_update(
        claim_id=claim.pk, expected_version=1, quantity={"value": Decimal("22000"), "unit": Unit.COUNT}
    )

    claim = fresh(claim)
    assert claim.version == 2
    assert claim.value == Decimal("22000")
    assert claim.qualifier == Qualifier.EXACT  # not kept from the old quantity
    assert claim.counted_noun == ""
    assert claim.kind == ClaimKind.LEVEL
    assert claim.as_of == claim.stated_on


def test_update_replaces_the_appearances_whole(claim):
    a, b, c = factories.SourceFactory(), factories.SourceFactory(), factories.SourceFactory()
    claim = services.claim_update(
        claim_id=claim.pk,
        expected_version=1,
        appearances=[services.AppearanceInput(source=a, excerpt="first"), services.AppearanceInput(source=b)],
    )

    services.claim_update(
        claim_id=claim.pk, expected_version=2, appearances=[services.AppearanceInput(source=c, excerpt="only")]
    )

    rows = list(Appearance.objects.filter(claim=claim).values_list("source_id", "excerpt", "is_first"))
    assert rows == [(c.pk, "only", True)]


def test_update_of_a_published_claim_keeps_its_published_verdict(claim):
    services.claim_check(claim=claim, now=at(1))
    published = services.verdict_publish(claim=claim, now=at(2))

    # Publishing moved the version (1 -> 2), so an edit form opened before it cannot undo it.
    assert fresh(claim).version == 2
    services.claim_update(claim_id=claim.pk, expected_version=2, quantity={"value": Decimal("30000"), "unit": "count"})
    result = services.claim_check(claim=claim, now=at(3))

    claim = fresh(claim)
    assert claim.status == ClaimStatus.PUBLISHED
    assert claim.published_verdict_id == published.pk
    assert result.check_run.claim_version == 3
    assert result.computed_verdict.claimed_value == Decimal("30000")


# --- creating claims ------------------------------------------------------------------------------------------------


def test_create_makes_a_draft_with_defaults(editor):
    source = factories.SourceFactory(published_on=datetime.date(2024, 2, 14))
    speaker = factories.SpeakerFactory()

    claim = services.claim_create(
        text="ICE holds 38,000 detainees",
        speaker=speaker,
        topics=["detention", "detention"],
        appearances=[services.AppearanceInput(source=source, excerpt="38,000")],
        quantity={"value": Decimal("38000"), "unit": Unit.COUNT},
        user=editor,
    )

    claim = fresh(claim)
    assert claim.status == ClaimStatus.DRAFT and claim.version == 1
    assert claim.stated_on == datetime.date(2024, 2, 14)  # the first appearance's date
    assert claim.as_of == datetime.date(2024, 2, 14)
    assert claim.attribution_kind == "paraphrase"
    assert (claim.qualifier, claim.kind) == (Qualifier.EXACT, ClaimKind.LEVEL)
    assert list(claim.topics.values_list("slug", flat=True)) == ["detention"]
    assert claim.appearances.get().is_first is True
    assert claim.created_by == editor
    no_speaker = services.claim_create(text="The outlet's own figure")
    assert no_speaker.attribution_kind == "own" and no_speaker.value is None


STATED = datetime.date(2024, 2, 14)


@pytest.mark.parametrize(
    ("quantity", "stated_on", "field"),
    [
        pytest.param(
            {
                "value": Decimal("-62"),
                "unit": Unit.COUNT,
                "kind": ClaimKind.CHANGE,
                "baseline_date": datetime.date(2023, 1, 1),
            },
            STATED,
            "unit",
            id="change not in percent",
        ),
        pytest.param(
            {"value": Decimal("-62"), "unit": Unit.PERCENT, "kind": ClaimKind.CHANGE}, STATED, "baseline_date",
            id="change without baseline",
        ),
        pytest.param(
            {"value": Decimal("22000"), "unit": Unit.COUNT, "kind": ClaimKind.FORECAST}, STATED, "due_date",
            id="forecast without due date",
        ),
        pytest.param({"value": Decimal("-5"), "unit": Unit.COUNT}, STATED, "value", id="negative level"),
        pytest.param({"value": Decimal("NaN"), "unit": Unit.COUNT}, STATED, "value", id="NaN"),
        pytest.param({"value": Decimal("Infinity"), "unit": Unit.COUNT}, STATED, "value", id="Infinity"),
        pytest.param({"value": Decimal("38000"), "unit": Unit.COUNT}, None, "as_of", id="neither as_of nor stated_on"),
    ],
)
def test_create_refuses_an_invalid_quantity_and_writes_nothing(quantity, stated_on, field):
    claims_before, history_before = Claim.objects.count(), Claim.history.count()

    with pytest.raises(ApplicationError) as raised:
        services.claim_create(text="A figure", stated_on=stated_on, quantity=quantity)

    assert raised.value.status_code == 400
    assert raised.value.code == "invalid_quantity"
    assert field in raised.value.fields["quantity"]
    assert Claim.objects.count() == claims_before
    assert Claim.history.count() == history_before


def test_create_with_a_duplicate_appearance_writes_nothing():
    source = factories.SourceFactory()

    with pytest.raises(ApplicationError) as raised:
        services.claim_create(
            text="A figure",
            appearances=[services.AppearanceInput(source=source), services.AppearanceInput(source=source)],
        )

    assert raised.value.status_code == 400
    assert Claim.objects.count() == 0
    assert Appearance.objects.count() == 0


def test_publishing_an_engine_verdict_needs_a_check_of_the_current_version(claim):
    services.claim_check(claim=claim, now=at(1))
    services.claim_update(claim_id=claim.pk, expected_version=1, text="Edited after the check")
    with pytest.raises(ConflictError) as refused:
        services.verdict_publish(claim=claim, now=at(2))
    assert refused.value.code == "verdict_stale"
    assert fresh(claim).published_verdict_id is None

    # A re-check of the edited version gives the same result (no new verdict) and makes it publishable.
    services.claim_check(claim=claim, now=at(3))
    verdict = services.verdict_publish(claim=claim, now=at(4))
    assert fresh(claim).published_verdict_id == verdict.pk


def test_publishing_the_published_verdict_again_changes_nothing(claim):
    services.claim_check(claim=claim, now=at(1))
    first = services.verdict_publish(claim=claim, now=at(2))
    version = fresh(claim).version
    again = services.verdict_publish(claim=claim, now=at(3))
    assert again.pk == first.pk and again.published_at == first.published_at
    assert fresh(claim).version == version
