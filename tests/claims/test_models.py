"""The claims invariants are database constraints: each invalid row is refused by the database itself.

Every bad row is written with `Model.objects.create(...)` or a queryset `.update(...)`, which skip form and
model validation, so only the database stands between the row and the table. Each bad row breaks exactly one
rule, and the test checks the database named that rule, so a test cannot pass on an unrelated constraint.
The same tests run on SQLite and PostgreSQL.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims.models import (
    RATING_VALUES,
    Appearance,
    AttributionKind,
    CheckOutcome,
    CheckRun,
    CheckState,
    Claim,
    ClaimKind,
    ClaimStatus,
    MadeBy,
    Qualifier,
    Rating,
    Speaker,
    SpeakerKind,
    Topic,
    Verdict,
    VerdictPolicy,
)
from sources.models import Unit
from tests import factories

pytestmark = pytest.mark.django_db

STATED = datetime.date(2024, 2, 14)
BASELINE = datetime.date(2023, 2, 14)
DUE = datetime.date(2025, 1, 1)


def assert_refused(model, write, match=None):
    """`write` must be refused by the database (IntegrityError), leaving the table as it was."""
    before = model.objects.count()
    with pytest.raises(IntegrityError, match=match):
        with transaction.atomic():
            write()
    assert model.objects.count() == before


def check(*names):
    """The message both SQLite and PostgreSQL give for a failed CHECK names the constraint."""
    return "|".join(rf"\b{name}\b" for name in names)


NOT_NULL = r"(?i)not.null|null value"
UNIQUE = r"(?i)unique"


# --- Speaker ------------------------------------------------------------------------------------------------


def test_speaker_every_kind_saves():
    for kind in SpeakerKind.values:
        Speaker.objects.create(name=f"A {kind}", kind=kind)
    assert Speaker.objects.count() == len(SpeakerKind.values)


@pytest.mark.parametrize(
    "field, bad, constraint",
    [
        ("kind", "robot", "speaker_kind_valid"),
        ("kind", "", "speaker_kind_valid"),
        ("name", "", "speaker_name_not_empty"),
    ],
)
def test_speaker_invalid_refused(field, bad, constraint):
    fields = {"name": "Two DHS officials", "kind": SpeakerKind.ANONYMOUS, field: bad}
    assert_refused(Speaker, lambda: Speaker.objects.create(**fields), check(constraint))
    speaker = factories.SpeakerFactory()
    assert_refused(Speaker, lambda: Speaker.objects.filter(pk=speaker.pk).update(**{field: bad}), check(constraint))


def test_topic_empty_slug_refused():
    Topic.objects.create(slug="detention")
    assert_refused(Topic, lambda: Topic.objects.create(slug=""), check("topic_slug_not_empty"))
    assert_refused(Topic, lambda: Topic.objects.create(slug="detention"), UNIQUE)


# --- Claim --------------------------------------------------------------------------------------------------


def claim_kwargs(**overrides):
    """A valid numeric level claim, the speaker left out (the outlet's own voice is allowed)."""
    return {
        "text": "ICE is holding 38,000 people in detention.",
        "attribution_kind": AttributionKind.PARAPHRASE,
        "status": ClaimStatus.DRAFT,
        "stated_on": STATED,
        "value": Decimal("38000"),
        "unit": Unit.COUNT,
        "counted_noun": "beds",
        "qualifier": Qualifier.EXACT,
        "kind": ClaimKind.LEVEL,
        "as_of": STATED,
        **overrides,
    }


NO_FIGURE = {"value": None, "unit": None, "qualifier": None, "kind": None, "as_of": None, "counted_noun": ""}

VALID_CLAIMS = {
    "level": {},
    "zero level": {"value": Decimal("0")},
    "no figure": NO_FIGURE,
    "no figure, no date": {**NO_FIGURE, "stated_on": None},
    "negative change": {
        "value": Decimal("-62"),
        "unit": Unit.PERCENT,
        "kind": ClaimKind.CHANGE,
        "baseline_date": BASELINE,
    },
    "positive change": {
        "value": Decimal("12.5"),
        "unit": Unit.PERCENT,
        "kind": ClaimKind.CHANGE,
        "baseline_date": BASELINE,
    },
    "forecast": {"kind": ClaimKind.FORECAST, "due_date": DUE, "qualifier": Qualifier.AT_LEAST},
    "money": {"value": Decimal("700000000"), "unit": Unit.USD, "counted_noun": "", "qualifier": Qualifier.APPROXIMATE},
    "share": {"value": Decimal("50"), "unit": Unit.PERCENT, "qualifier": Qualifier.AT_LEAST},
    "direct quote": {"attribution_kind": AttributionKind.DIRECT_QUOTE},
}


@pytest.mark.parametrize("overrides", VALID_CLAIMS.values(), ids=VALID_CLAIMS.keys())
def test_valid_claim_saves(overrides):
    Claim.objects.create(**claim_kwargs(**overrides))
    assert Claim.objects.count() == 1


def test_every_vocabulary_value_saves():
    for value in AttributionKind.values:
        Claim.objects.create(**claim_kwargs(attribution_kind=value))
    for value in ClaimStatus.values:
        Claim.objects.create(**claim_kwargs(status=value))
    for value in Qualifier.values:
        Claim.objects.create(**claim_kwargs(qualifier=value))
    for value in Unit.values:
        Claim.objects.create(**claim_kwargs(unit=value))
    for value in ClaimKind.values:
        Claim.objects.create(**claim_kwargs(kind=value, unit=Unit.PERCENT, baseline_date=BASELINE, due_date=DUE))
    total = sum(len(v.values) for v in (AttributionKind, ClaimStatus, Qualifier, Unit, ClaimKind))
    assert Claim.objects.count() == total


INVALID_CLAIMS = {
    # vocabularies
    "unit furlongs": ({"unit": "furlongs"}, "claim_unit_valid"),
    "unit empty": ({"unit": ""}, "claim_unit_valid"),
    "unit lower-case usd": ({"unit": "usd"}, "claim_unit_valid"),
    "qualifier": ({"qualifier": "roughly"}, "claim_qualifier_valid"),
    "qualifier empty": ({"qualifier": ""}, "claim_qualifier_valid"),
    "kind": ({"kind": "trend"}, "claim_kind_valid"),
    "kind empty": ({"kind": ""}, "claim_kind_valid"),
    "status": ({"status": "archived"}, "claim_status_valid"),
    "status empty": ({"status": ""}, "claim_status_valid"),
    "attribution": ({"attribution_kind": "hearsay"}, "claim_attribution_valid"),
    "attribution empty": ({"attribution_kind": ""}, "claim_attribution_valid"),
    # not negative except for a change
    "negative level": ({"value": Decimal("-1")}, "claim_value_not_negative"),
    "negative forecast": (
        {"value": Decimal("-5"), "kind": ClaimKind.FORECAST, "due_date": DUE},
        "claim_value_not_negative",
    ),
    # a change is in percent, with a baseline
    "change in USD": (
        {"value": Decimal("-62"), "unit": Unit.USD, "kind": ClaimKind.CHANGE, "baseline_date": BASELINE},
        "claim_change_in_percent_with_baseline",
    ),
    "change in points": (
        {"value": Decimal("3"), "unit": Unit.PERCENTAGE_POINTS, "kind": ClaimKind.CHANGE, "baseline_date": BASELINE},
        "claim_change_in_percent_with_baseline",
    ),
    "change without baseline": (
        {"value": Decimal("-62"), "unit": Unit.PERCENT, "kind": ClaimKind.CHANGE},
        "claim_change_in_percent_with_baseline",
    ),
    # a forecast has a due date
    "forecast without due date": ({"kind": ClaimKind.FORECAST}, "claim_forecast_has_due_date"),
    # a quantity is whole or absent
    "value without unit": ({"unit": None}, "claim_quantity_complete"),
    "unit without value": ({"value": None}, "claim_quantity_complete"),
    "value without qualifier": ({"qualifier": None}, "claim_quantity_complete"),
    "value without kind": ({"kind": None}, "claim_quantity_complete"),
    "qualifier alone": ({**NO_FIGURE, "qualifier": Qualifier.EXACT}, "claim_quantity_complete"),
    # a numeric claim says which date it describes
    "numeric without as_of": ({"as_of": None}, "claim_quantity_has_as_of"),
    "numeric without any date": ({"as_of": None, "stated_on": None}, "claim_quantity_has_as_of"),
    # text and version
    "empty text": ({"text": ""}, "claim_text_not_empty"),
    "version 0": ({"version": 0}, "claim_version_positive"),
}


@pytest.mark.parametrize("overrides, constraint", INVALID_CLAIMS.values(), ids=INVALID_CLAIMS.keys())
def test_invalid_claim_refused_on_create(overrides, constraint):
    assert_refused(Claim, lambda: Claim.objects.create(**claim_kwargs(**overrides)), check(constraint))


@pytest.mark.parametrize("overrides, constraint", INVALID_CLAIMS.values(), ids=INVALID_CLAIMS.keys())
def test_invalid_claim_refused_on_update(overrides, constraint):
    claim = Claim.objects.create(**claim_kwargs())
    assert_refused(Claim, lambda: Claim.objects.filter(pk=claim.pk).update(**overrides), check(constraint))
    assert Claim.objects.filter(pk=claim.pk).values(*claim_kwargs()).get() == claim_kwargs()


def test_claim_version_starts_at_one():
    assert Claim.objects.create(**claim_kwargs()).version == 1
    claim = factories.ClaimFactory()
    claim.refresh_from_db()
    assert claim.version == 1


@pytest.mark.parametrize("value", [Decimal("700000000"), Decimal("62.5"), Decimal("-62"), Decimal("0.000001")])
def test_claim_value_round_trips_as_an_exact_decimal(value):
    overrides = {"unit": Unit.PERCENT, "kind": ClaimKind.CHANGE, "baseline_date": BASELINE} if value < 0 else {}
    claim = Claim.objects.create(**claim_kwargs(value=value, **overrides))
    stored = Claim.objects.get(pk=claim.pk).value
    assert isinstance(stored, Decimal) and not isinstance(stored, float)
    assert stored == value
    from_values = Claim.objects.filter(pk=claim.pk).values_list("value", flat=True).get()
    assert isinstance(from_values, Decimal) and from_values == value


# --- Appearance ---------------------------------------------------------------------------------------------


def test_one_first_appearance_per_claim():
    claim = factories.ClaimFactory()
    Appearance.objects.create(claim=claim, source=factories.SourceFactory(), is_first=True)
    later = Appearance.objects.create(claim=claim, source=factories.SourceFactory(), is_first=False)
    # Another claim has its own first appearance.
    Appearance.objects.create(claim=factories.ClaimFactory(), source=later.source, is_first=True)

    source = factories.SourceFactory()
    assert_refused(Appearance, lambda: Appearance.objects.create(claim=claim, source=source, is_first=True), UNIQUE)
    assert_refused(Appearance, lambda: Appearance.objects.filter(pk=later.pk).update(is_first=True), UNIQUE)


def test_a_claim_appears_once_per_source():
    appearance = factories.AppearanceFactory()
    assert_refused(
        Appearance,
        lambda: Appearance.objects.create(claim=appearance.claim, source=appearance.source, is_first=False),
        UNIQUE,
    )


# --- VerdictPolicy ------------------------------------------------------------------------------------------


def next_policy_version():
    return (VerdictPolicy.objects.order_by("-version").values_list("version", flat=True).first() or 0) + 1


def test_only_one_active_policy():
    if not VerdictPolicy.objects.filter(is_active=True).exists():
        VerdictPolicy.objects.create(version=next_policy_version(), parameters={}, is_active=True)
    inactive = VerdictPolicy.objects.create(version=next_policy_version(), parameters={}, is_active=False)
    VerdictPolicy.objects.create(version=next_policy_version(), parameters={}, is_active=False)  # many inactive: fine

    version = next_policy_version()
    assert_refused(
        VerdictPolicy, lambda: VerdictPolicy.objects.create(version=version, parameters={}, is_active=True), UNIQUE
    )
    assert_refused(VerdictPolicy, lambda: VerdictPolicy.objects.filter(pk=inactive.pk).update(is_active=True), UNIQUE)
    assert VerdictPolicy.objects.filter(is_active=True).count() == 1


def test_policy_version_unique_and_positive():
    version = next_policy_version()
    VerdictPolicy.objects.create(version=version, parameters={})
    assert_refused(VerdictPolicy, lambda: VerdictPolicy.objects.create(version=version, parameters={}), UNIQUE)
    assert_refused(
        VerdictPolicy, lambda: VerdictPolicy.objects.create(version=0, parameters={}), check("policy_version_positive")
    )


# --- Verdict ------------------------------------------------------------------------------------------------


@pytest.fixture
def claim():
    return factories.ClaimFactory()


def verdict_kwargs(claim, /, **overrides):
    return {
        "claim": claim,
        "rating": Rating.ACCURATE,
        "rating_value": 6,
        "made_by": MadeBy.EDITOR,
        "explanation": "The figure matches the agency's count.",
        **overrides,
    }


def test_every_rating_with_its_value_saves(claim):
    for rating, value in RATING_VALUES.items():
        Verdict.objects.create(**verdict_kwargs(claim, rating=rating, rating_value=value))
    assert Verdict.objects.count() == len(Rating.values) == len(RATING_VALUES)


def test_valid_engine_verdict_and_correction_save(claim):
    now = timezone.now()
    engine = Verdict.objects.create(
        **verdict_kwargs(
            claim, made_by=MadeBy.ENGINE, policy_version=1, deviation=Decimal("0.01"), deviation_unit="ratio",
            created_at=now, published_at=now,
        )
    )
    Verdict.objects.create(
        **verdict_kwargs(claim, rating=Rating.INACCURATE, rating_value=2, supersedes=engine, note="Wrong series.")
    )
    assert Verdict.objects.count() == 2


INVALID_VERDICTS = {
    # An unknown rating has no value that matches it, so both rules refuse it.
    "unknown rating": (
        {"rating": "true", "rating_value": None},
        ("verdict_rating_valid", "verdict_rating_value_matches"),
    ),
    "empty rating": ({"rating": "", "rating_value": None}, ("verdict_rating_valid", "verdict_rating_value_matches")),
    "accurate with 5": ({"rating_value": 5}, ("verdict_rating_value_matches",)),
    "grossly inaccurate with 6": (
        {"rating": Rating.GROSSLY_INACCURATE, "rating_value": 6},
        ("verdict_rating_value_matches",),
    ),
    "unverifiable with 3": ({"rating": Rating.UNVERIFIABLE, "rating_value": 3}, ("verdict_rating_value_matches",)),
    "pending with 1": ({"rating": Rating.PENDING, "rating_value": 1}, ("verdict_rating_value_matches",)),
    "made_by unknown": ({"made_by": "robot"}, ("verdict_made_by_valid",)),
    "made_by empty": ({"made_by": ""}, ("verdict_made_by_valid",)),
    "deviation unit unknown": ({"deviation_unit": "percent"}, ("verdict_deviation_unit_valid",)),
    "no explanation": ({"explanation": ""}, ("verdict_explained",)),
    "engine without policy": ({"made_by": MadeBy.ENGINE, "policy_version": None}, ("verdict_engine_has_policy",)),
}


# A NULL rating_value must not slip through `rating_value = N` (NULL, which a CHECK lets pass).
VERDICT_CASES = [pytest.param(*case, id=name) for name, case in INVALID_VERDICTS.items()] + [
    pytest.param(
        {"rating_value": None},
        ("verdict_rating_value_matches",),
        id="accurate without value",
    ),
    pytest.param(
        {"rating": Rating.MOSTLY_INACCURATE, "rating_value": None},
        ("verdict_rating_value_matches",),
        id="mostly inaccurate without value",
    ),
]


@pytest.mark.parametrize("overrides, constraints", VERDICT_CASES)
def test_invalid_verdict_refused(claim, overrides, constraints):
    assert_refused(Verdict, lambda: Verdict.objects.create(**verdict_kwargs(claim, **overrides)), check(*constraints))
    verdict = Verdict.objects.create(**verdict_kwargs(claim))
    assert_refused(Verdict, lambda: Verdict.objects.filter(pk=verdict.pk).update(**overrides), check(*constraints))


def test_correction_without_note_refused(claim):
    published = Verdict.objects.create(**verdict_kwargs(claim))
    assert_refused(
        Verdict,
        lambda: Verdict.objects.create(**verdict_kwargs(claim, supersedes=published, note="")),
        check("verdict_correction_has_note"),
    )
    correction = Verdict.objects.create(**verdict_kwargs(claim, supersedes=published, note="Revised data."))
    assert_refused(
        Verdict, lambda: Verdict.objects.filter(pk=correction.pk).update(note=""), check("verdict_correction_has_note")
    )


def test_published_before_created_refused(claim):
    now = timezone.now()
    assert_refused(
        Verdict,
        lambda: Verdict.objects.create(
            **verdict_kwargs(claim, created_at=now, published_at=now - datetime.timedelta(seconds=1))
        ),
        check("verdict_published_after_created"),
    )


# --- Drift --------------------------------------------------------------------------------------------------


def _verdict(claim, rating, at, **extra):
    return Verdict.objects.create(
        **verdict_kwargs(claim, rating=rating, rating_value=RATING_VALUES[rating], created_at=at, **extra)
    )


T0 = datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.UTC)
T1 = T0 + datetime.timedelta(days=1)


@pytest.mark.parametrize(
    "published, computed, drift",
    [
        ((Rating.ACCURATE, T0), (Rating.INACCURATE, T1), True),  # newer and different: drift
        ((Rating.ACCURATE, T0), (Rating.ACCURATE, T1), False),  # newer, same rating
        ((Rating.ACCURATE, T1), (Rating.INACCURATE, T0), False),  # different but older than the published one
        ((Rating.ACCURATE, T0), (Rating.INACCURATE, T0), False),  # same instant: not newer
        ((Rating.UNVERIFIABLE, T0), (Rating.ACCURATE, T1), True),  # data arrived for an unverifiable verdict
        (None, (Rating.INACCURATE, T1), False),  # nothing published yet
        ((Rating.ACCURATE, T0), None, False),  # no engine verdict (e.g. a claim without a figure)
        (None, None, False),
    ],
)
def test_claim_drift(claim, published, computed, drift):
    if published:
        rating, at = published
        claim.published_verdict = _verdict(claim, rating, at, published_at=at)
    if computed:
        rating, at = computed
        claim.computed_verdict = _verdict(claim, rating, at, made_by=MadeBy.ENGINE, policy_version=1)
    claim.save()
    assert Claim.objects.select_related("published_verdict", "computed_verdict").get(pk=claim.pk).drift is drift


# --- CheckRun -----------------------------------------------------------------------------------------------


def run_kwargs(claim, /, **overrides):
    return {
        "claim": claim,
        "claim_version": 1,
        "data_version": 0,
        "policy_version": 1,
        "state": CheckState.DONE,
        "outcome": CheckOutcome.UNCHANGED,
        **overrides,
    }


def test_every_state_and_outcome_saves(claim):
    version = 1
    for state in CheckState.values:
        for outcome in CheckOutcome.values:
            CheckRun.objects.create(**run_kwargs(claim, claim_version=version, state=state, outcome=outcome))
            version += 1
    CheckRun.objects.create(**run_kwargs(claim, claim_version=version, state=CheckState.RUNNING, outcome=""))
    assert CheckRun.objects.count() == len(CheckState.values) * len(CheckOutcome.values) + 1


def test_checkrun_idempotency_key_unique(claim):
    CheckRun.objects.create(**run_kwargs(claim))
    assert_refused(CheckRun, lambda: CheckRun.objects.create(**run_kwargs(claim)), UNIQUE)
    # The key is the key whatever the state or outcome: a failed run is redone in place, not added.
    assert_refused(
        CheckRun,
        lambda: CheckRun.objects.create(**run_kwargs(claim, state=CheckState.FAILED, outcome=CheckOutcome.ERROR)),
        UNIQUE,
    )


@pytest.mark.parametrize(
    "different",
    [{"claim_version": 2}, {"data_version": 17}, {"policy_version": 2}, "another claim"],
    ids=["claim_version", "data_version", "policy_version", "claim"],
)
def test_checkrun_with_a_different_key_part_allowed(claim, different):
    first = CheckRun.objects.create(**run_kwargs(claim))
    overrides = {"claim": factories.ClaimFactory()} if different == "another claim" else different
    second = CheckRun.objects.create(**run_kwargs(claim, **overrides))
    assert CheckRun.objects.count() == 2
    # ... but moving it back onto the first run's key is refused.
    assert_refused(
        CheckRun,
        lambda: CheckRun.objects.filter(pk=second.pk).update(
            claim=first.claim, claim_version=1, data_version=0, policy_version=1
        ),
        UNIQUE,
    )


@pytest.mark.parametrize("column", ["claim", "claim_version", "data_version", "policy_version"])
def test_checkrun_null_key_column_refused(claim, column):
    # A NULL would make the unique key useless: NULL is distinct from NULL.
    assert_refused(CheckRun, lambda: CheckRun.objects.create(**run_kwargs(claim, **{column: None})), NOT_NULL)
    run = CheckRun.objects.create(**run_kwargs(claim))
    assert_refused(CheckRun, lambda: CheckRun.objects.filter(pk=run.pk).update(**{column: None}), NOT_NULL)


@pytest.mark.parametrize(
    "overrides, constraint",
    [
        ({"state": "queued"}, "checkrun_state_valid"),
        ({"state": ""}, "checkrun_state_valid"),
        ({"outcome": "maybe"}, "checkrun_outcome_valid"),
        ({"state": CheckState.RUNNING, "outcome": "maybe"}, "checkrun_outcome_valid"),
        ({"state": CheckState.DONE, "outcome": ""}, "checkrun_finished_has_outcome"),
    ],
    ids=["state unknown", "state empty", "outcome unknown", "outcome unknown while running", "done without outcome"],
)
def test_checkrun_invalid_state_or_outcome_refused(claim, overrides, constraint):
    assert_refused(CheckRun, lambda: CheckRun.objects.create(**run_kwargs(claim, **overrides)), check(constraint))
    run = CheckRun.objects.create(**run_kwargs(claim))
    assert_refused(CheckRun, lambda: CheckRun.objects.filter(pk=run.pk).update(**overrides), check(constraint))
