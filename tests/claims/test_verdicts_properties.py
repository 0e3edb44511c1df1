"""Properties every policy-v1 verdict must have, whatever the numbers."""

from datetime import date
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from claims.verdicts import QUALIFIERS, ClaimData, ObservationData, SeriesData, evaluate

ON = date(2024, 3, 31)
BASE = date(2023, 3, 31)
RATIO_UNITS = ("count", "USD", "ratio", "years", "months", "days")
POINT_UNITS = ("percent", "percentage_points")


def hundredths(low, high):
    """Two decimal places and bounded magnitude; small values are drawn often, where the band edges are."""
    small = st.integers(max(low, -10**4), min(high, 10**4))
    return st.one_of(small, st.integers(low, high)).map(lambda n: Decimal(n).scaleb(-2))


cents = hundredths(-10**8, 10**8)
steps = hundredths(0, 10**8)
positive_steps = hundredths(1, 10**8)
factors = st.integers(1, 10**6).map(lambda n: Decimal(n).scaleb(-3))
# Baselines that turn a change given in hundredths of a percent into exact observation values.
baselines = st.sampled_from([Decimal("1"), Decimal("8"), Decimal("100"), Decimal("2500"), Decimal("40000")])
qualifiers = st.sampled_from(QUALIFIERS)


def observation(value, on=ON):
    return ObservationData(None, on, on, value, date(2024, 4, 15))


def rate_level(claimed, reference, unit, qualifier, kind="level"):
    due = {"due_date": ON, "as_of": date(2023, 6, 1)} if kind == "forecast" else {"as_of": ON}
    claim = ClaimData(claimed, unit, qualifier, kind, **due)
    return evaluate(claim, SeriesData("Series", unit, "", (observation(reference),)))


def rate_change(claimed, computed_change, qualifier, baseline):
    """Rate a claimed change against a series whose percent change is exactly computed_change."""
    now = baseline + baseline * computed_change / 100
    claim = ClaimData(claimed, "percent", qualifier, "change", ON, baseline_date=BASE)
    result = evaluate(claim, SeriesData("Series", "count", "", (observation(baseline, BASE), observation(now))))
    assert result.reference_value == computed_change
    return result


def value(result):
    assert result.rating_value is not None, result.explanation
    return result.rating_value


@settings(max_examples=300, deadline=None)
@given(claimed=cents, near=steps, further=positive_steps, upward=st.booleans(), qualifier=qualifiers,
       unit=st.sampled_from(RATIO_UNITS + POINT_UNITS))
def test_a_reference_further_away_never_improves_a_level(claimed, near, further, upward, qualifier, unit):
    direction = 1 if upward else -1
    closer = claimed + direction * near
    farther = closer + direction * further
    assert value(rate_level(claimed, farther, unit, qualifier)) <= value(rate_level(claimed, closer, unit, qualifier))


@settings(max_examples=300, deadline=None)
@given(claimed=cents, near=steps, further=positive_steps, upward=st.booleans(), qualifier=qualifiers,
       baseline=baselines)
def test_a_computed_change_further_away_never_improves_a_change(claimed, near, further, upward, qualifier,
                                                                  baseline):
    direction = 1 if upward else -1
    closer = claimed + direction * near
    farther = closer + direction * further
    # The policy sends a computed change of exactly 0 to the bands, skipping the bound; for "at most"
    # that can beat the loose-ceiling rating of a smaller change on the same side (pinned in
    # test_verdicts: change-computed-zero-skips-bound), so that one point is outside this property.
    assume(not (qualifier == "at_most" and farther == 0))
    assert value(rate_change(claimed, farther, qualifier, baseline)) <= value(
        rate_change(claimed, closer, qualifier, baseline))


@settings(max_examples=300, deadline=None)
@given(claimed=cents, qualifier=qualifiers, unit=st.sampled_from(RATIO_UNITS + POINT_UNITS),
       kind=st.sampled_from(["level", "forecast"]))
def test_a_claim_equal_to_its_reference_is_accurate(claimed, qualifier, unit, kind):
    assert rate_level(claimed, claimed, unit, qualifier, kind).rating == "accurate"


@settings(max_examples=300, deadline=None)
@given(claimed=cents, qualifier=qualifiers, baseline=baselines)
def test_a_change_equal_to_the_computed_change_is_accurate(claimed, qualifier, baseline):
    assert rate_change(claimed, claimed, qualifier, baseline).rating == "accurate"


@settings(max_examples=300, deadline=None)
@given(claimed=cents, reference=cents, factor=factors, qualifier=qualifiers, unit=st.sampled_from(RATIO_UNITS))
def test_scaling_a_ratio_compared_claim_and_reference_keeps_the_rating(claimed, reference, factor, qualifier,
                                                                       unit):
    original = rate_level(claimed, reference, unit, qualifier)
    scaled = rate_level(claimed * factor, reference * factor, unit, qualifier)
    assert (scaled.rating, scaled.rule) == (original.rating, original.rule)
