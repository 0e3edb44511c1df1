"""The verdict engine against policy v1, rule by rule, boundaries on both sides."""

import json
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from claims.verdicts import (
    DEFAULT_POLICY, RATINGS, RULES, ClaimData, ObservationData, Policy, SeriesData, evaluate, select_reference,
)

ON = date(2024, 3, 31)
BASE = date(2023, 3, 31)
DUE = date(2024, 6, 30)
RELEASE = date(2024, 4, 15)


def point(value, on=ON, vintage=RELEASE, id=None):
    return ObservationData(id, on, on, D(value), vintage)


def period(value, start, end, vintage=RELEASE, id=None):
    return ObservationData(id, start, end, D(value), vintage)


def series(*observations, unit="count", noun="cases", name="EOIR pending cases"):
    return SeriesData(name, unit, noun, tuple(observations))


def level(claimed, reference, unit="count", qualifier="exact", series_unit=None, observed_on=ON):
    claim = ClaimData(D(claimed), unit, qualifier, "level", ON)
    return claim, series(point(reference, observed_on), unit=series_unit or unit)


def change(claimed, base, now, qualifier="exact", unit="percent", series_unit="count"):
    """base=100 makes the computed change simply now - 100."""
    claim = ClaimData(D(claimed), unit, qualifier, "change", ON, baseline_date=BASE)
    return claim, series(point(base, BASE), point(now), unit=series_unit)


def forecast(claimed, *observations, unit="count", series_unit="count"):
    claim = ClaimData(D(claimed), unit, "exact", "forecast", date(2024, 1, 10), due_date=DUE)
    return claim, series(*observations, unit=series_unit)


def case(id, claim_and_series, rating, rule, reason=""):
    claim, data = claim_and_series
    return pytest.param(claim, data, rating, rule, reason, id=id)


CASES = [
    # Ratio-compared, exact bands (R = 100): e <= 2%, 10%, 25%, 50%, then inaccurate.
    case("ratio-exact-e2%-accurate", level("102", "100"), "accurate", "bands_exact"),
    case("ratio-exact-e2.0001%-mostly", level("102.0001", "100"), "mostly-accurate", "bands_exact"),
    case("ratio-exact-low-e2%-accurate", level("98", "100"), "accurate", "bands_exact"),
    case("ratio-exact-low-e2.0001%-mostly", level("97.9999", "100"), "mostly-accurate", "bands_exact"),
    case("ratio-exact-e10%-mostly", level("110", "100"), "mostly-accurate", "bands_exact"),
    case("ratio-exact-e10.0001%-half", level("110.0001", "100"), "half-accurate", "bands_exact"),
    case("ratio-exact-e25%-half", level("125", "100"), "half-accurate", "bands_exact"),
    case("ratio-exact-e25.0001%-mostly-inaccurate", level("125.0001", "100"), "mostly-inaccurate", "bands_exact"),
    case("ratio-exact-e50%-mostly-inaccurate", level("150", "100"), "mostly-inaccurate", "bands_exact"),
    case("ratio-exact-e50.0001%-inaccurate", level("150.0001", "100"), "inaccurate", "bands_exact"),
    case("ratio-exact-usd", level("700000000", "650000000", "USD"), "mostly-accurate", "bands_exact"),
    # Ratio-compared, approximate bands: e <= 10%, 20%, 35%, 50%.
    case("ratio-approx-e10%-accurate", level("110", "100", qualifier="approximate"), "accurate", "bands_approximate"),
    case("ratio-approx-e10.0001%-mostly", level("110.0001", "100", qualifier="approximate"), "mostly-accurate",
         "bands_approximate"),
    case("ratio-approx-low-e10%-accurate", level("90", "100", qualifier="approximate"), "accurate",
         "bands_approximate"),
    case("ratio-approx-e20%-mostly", level("120", "100", qualifier="approximate"), "mostly-accurate",
         "bands_approximate"),
    case("ratio-approx-e20.0001%-half", level("120.0001", "100", qualifier="approximate"), "half-accurate",
         "bands_approximate"),
    case("ratio-approx-e35%-half", level("135", "100", qualifier="approximate"), "half-accurate",
         "bands_approximate"),
    case("ratio-approx-e35.0001%-mostly-inaccurate", level("135.0001", "100", qualifier="approximate"),
         "mostly-inaccurate", "bands_approximate"),
    case("ratio-approx-e50%-mostly-inaccurate", level("150", "100", qualifier="approximate"), "mostly-inaccurate",
         "bands_approximate"),
    case("ratio-approx-e50.0001%-inaccurate", level("150.0001", "100", qualifier="approximate"), "inaccurate",
         "bands_approximate"),
    # Point-compared, exact bands (R = 10%): d <= 1, 3, 6, 12 points.
    case("points-exact-d1-accurate", level("11", "10", "percent"), "accurate", "bands_exact"),
    case("points-exact-d1.0001-mostly", level("11.0001", "10", "percent"), "mostly-accurate", "bands_exact"),
    case("points-exact-low-d1-accurate", level("9", "10", "percent"), "accurate", "bands_exact"),
    case("points-exact-low-d1.0001-mostly", level("8.9999", "10", "percent"), "mostly-accurate", "bands_exact"),
    case("points-exact-d3-mostly", level("13", "10", "percent"), "mostly-accurate", "bands_exact"),
    case("points-exact-d3.0001-half", level("13.0001", "10", "percent"), "half-accurate", "bands_exact"),
    case("points-exact-d6-half", level("16", "10", "percent"), "half-accurate", "bands_exact"),
    case("points-exact-d6.0001-mostly-inaccurate", level("16.0001", "10", "percent"), "mostly-inaccurate",
         "bands_exact"),
    case("points-exact-d12-mostly-inaccurate", level("22", "10", "percent"), "mostly-inaccurate", "bands_exact"),
    case("points-exact-d12.0001-inaccurate", level("22.0001", "10", "percent"), "inaccurate", "bands_exact"),
    case("points-exact-percentage-points", level("4.5", "3.5", "percentage_points"), "accurate", "bands_exact"),
    # Point-compared, approximate bands: d <= 3, 6, 10, 15 points.
    case("points-approx-d3-accurate", level("13", "10", "percent", "approximate"), "accurate", "bands_approximate"),
    case("points-approx-d3.0001-mostly", level("13.0001", "10", "percent", "approximate"), "mostly-accurate",
         "bands_approximate"),
    case("points-approx-d6-mostly", level("16", "10", "percent", "approximate"), "mostly-accurate",
         "bands_approximate"),
    case("points-approx-d6.0001-half", level("16.0001", "10", "percent", "approximate"), "half-accurate",
         "bands_approximate"),
    case("points-approx-d10-half", level("20", "10", "percent", "approximate"), "half-accurate",
         "bands_approximate"),
    case("points-approx-d10.0001-mostly-inaccurate", level("20.0001", "10", "percent", "approximate"),
         "mostly-inaccurate", "bands_approximate"),
    case("points-approx-d15-mostly-inaccurate", level("25", "10", "percent", "approximate"), "mostly-inaccurate",
         "bands_approximate"),
    case("points-approx-d15.0001-inaccurate", level("25.0001", "10", "percent", "approximate"), "inaccurate",
         "bands_approximate"),
    # nearly X: accurate for 0.9X <= R <= 1.02X, else the exact bands.
    case("nearly-R=0.9X", level("100", "90", qualifier="nearly"), "accurate", "nearly"),
    case("nearly-R<0.9X-exact-bands", level("100", "89.99", qualifier="nearly"), "half-accurate", "bands_exact"),
    case("nearly-R=1.02X", level("100", "102", qualifier="nearly"), "accurate", "nearly"),
    case("nearly-R>1.02X-exact-bands", level("100", "102.01", qualifier="nearly"), "accurate", "bands_exact"),
    case("nearly-points-R=0.9X", level("10", "9", "percent", "nearly"), "accurate", "nearly"),
    case("nearly-points-R<0.9X", level("10", "8.9", "percent", "nearly"), "mostly-accurate", "bands_exact"),
    # at_least X: satisfied when R >= 0.98X; loose (half accurate) when R > 2X.
    case("at-least-R=0.98X", level("100", "98", qualifier="at_least"), "accurate", "at_least"),
    case("at-least-R=2X", level("100", "200", qualifier="at_least"), "accurate", "at_least"),
    case("at-least-R>2X-loose", level("100", "200.01", qualifier="at_least"), "half-accurate", "at_least_loose"),
    case("at-least-unmet-exact-bands", level("100", "97.99", qualifier="at_least"), "mostly-accurate",
         "bands_exact"),
    case("at-least-unmet-far", level("100", "60", qualifier="at_least"), "inaccurate", "bands_exact"),
    case("over-half-R=49", level("50", "49", "percent", "at_least"), "accurate", "at_least"),
    case("over-half-R=48.9", level("50", "48.9", "percent", "at_least"), "mostly-accurate", "bands_exact"),
    case("over-half-R=100", level("50", "100", "percent", "at_least"), "accurate", "at_least"),
    case("over-half-R=100.1-loose", level("50", "100.1", "percent", "at_least"), "half-accurate", "at_least_loose"),
    # at_most X: satisfied when R <= 1.02X; loose (half accurate) when R < X/2.
    case("at-most-R=1.02X", level("100", "102", qualifier="at_most"), "accurate", "at_most"),
    case("at-most-R=X/2", level("100", "50", qualifier="at_most"), "accurate", "at_most"),
    case("at-most-R<X/2-loose", level("100", "49.99", qualifier="at_most"), "half-accurate", "at_most_loose"),
    case("at-most-unmet-exact-bands", level("100", "102.01", qualifier="at_most"), "accurate", "bands_exact"),
    case("at-most-unmet-far", level("100", "120", qualifier="at_most"), "half-accurate", "bands_exact"),
    case("at-most-points-R=1.02X", level("10", "10.2", "percent", "at_most"), "accurate", "at_most"),
    case("at-most-points-unmet", level("10", "10.21", "percent", "at_most"), "accurate", "bands_exact"),
    case("at-most-points-loose", level("10", "4.99", "percent", "at_most"), "half-accurate", "at_most_loose"),
    # Changes: points against the computed percent change; bounds on magnitudes.
    case("change-exact-match", change("-62", "100", "38"), "accurate", "bands_exact"),
    case("change-exact-d7", change("-62", "100", "45"), "mostly-inaccurate", "bands_exact"),
    case("change-approx-d2", change("-60", "100", "38", "approximate"), "accurate", "bands_approximate"),
    case("change-usd-series", change("10", "100", "110", series_unit="USD"), "accurate", "bands_exact"),
    case("change-more-than-62-cut-70", change("-62", "100", "30", "at_least"), "accurate", "at_least"),
    case("change-at-least-|R|=0.98|X|", change("-62", "100", "39.24", "at_least"), "accurate", "at_least"),
    case("change-at-least-unmet", change("-62", "100", "39.25", "at_least"), "mostly-accurate", "bands_exact"),
    case("change-at-least-loose", change("10", "100", "125", "at_least"), "half-accurate", "at_least_loose"),
    case("change-at-most", change("40", "100", "130", "at_most"), "accurate", "at_most"),
    case("change-at-most-loose", change("40", "100", "115", "at_most"), "half-accurate", "at_most_loose"),
    case("change-at-most-unmet", change("40", "100", "141", "at_most"), "accurate", "bands_exact"),
    case("change-up-to-cut-loose", change("-62", "100", "80", "at_most"), "half-accurate", "at_most_loose"),
    case("change-nearly", change("-50", "100", "54", "nearly"), "accurate", "nearly"),
    case("change-nearly-unmet", change("-50", "100", "56", "nearly"), "half-accurate", "bands_exact"),
    case("change-opposite-cut-vs-rise", change("-10", "100", "105"), "inaccurate", "opposite_sign"),
    case("change-opposite-rise-vs-cut", change("10", "100", "99"), "inaccurate", "opposite_sign"),
    case("change-opposite-beats-bound", change("-10", "100", "101", "at_most"), "inaccurate", "opposite_sign"),
    case("change-computed-zero", change("-62", "100", "100"), "inaccurate", "bands_exact"),
    # A zero change has no sign and goes to the bands, so the at_most bound (loose) does not apply.
    case("change-computed-zero-skips-bound", change("-2", "100", "100", "at_most"), "mostly-accurate",
         "bands_exact"),
    case("change-claimed-zero-vs-zero", change("0", "100", "100"), "accurate", "bands_exact"),
    case("change-claimed-zero-has-no-sign", change("0", "100", "99"), "accurate", "bands_exact"),
    case("change-claimed-zero-approx", change("0", "100", "105", "approximate"), "mostly-accurate",
         "bands_approximate"),
    # Order of magnitude: C/R >= 10 or <= 0.1, ratio-compared only, before any qualifier.
    case("magnitude-C/R=10", level("1000", "100"), "grossly-inaccurate", "order_of_magnitude"),
    case("magnitude-C/R=9.999", level("999.9", "100"), "inaccurate", "bands_exact"),
    case("magnitude-C/R=0.1", level("10", "100"), "grossly-inaccurate", "order_of_magnitude"),
    case("magnitude-C/R=0.1001", level("10.01", "100"), "inaccurate", "bands_exact"),
    case("magnitude-C=0", level("0", "100"), "grossly-inaccurate", "order_of_magnitude"),
    case("magnitude-beats-approximate", level("1000", "100", qualifier="approximate"), "grossly-inaccurate",
         "order_of_magnitude"),
    case("magnitude-beats-at-least", level("10", "100", qualifier="at_least"), "grossly-inaccurate",
         "order_of_magnitude"),
    case("magnitude-opposite-sign-level", level("-100", "100", "USD"), "grossly-inaccurate", "order_of_magnitude"),
    case("magnitude-not-for-points", level("50", "5", "percent"), "inaccurate", "bands_exact"),
    # Zero reference (ratio-compared only).
    case("zero-reference-claim-0", level("0", "0"), "accurate", "zero_reference"),
    case("zero-reference-claim-5", level("5", "0"), "grossly-inaccurate", "zero_reference"),
    case("zero-reference-points-use-bands", level("0.5", "0", "percent"), "accurate", "bands_exact"),
    # Unverifiable and pending.
    case("unit-mismatch", level("5", "5", "USD", series_unit="count"), "unverifiable", "unverifiable",
         "unit_mismatch"),
    case("percent-vs-points", level("5", "5", "percent", series_unit="percentage_points"), "unverifiable",
         "unverifiable", "percent_vs_points"),
    case("points-vs-percent", level("5", "5", "percentage_points", series_unit="percent"), "unverifiable",
         "unverifiable", "percent_vs_points"),
    case("change-in-points", change("5", "100", "105", unit="percentage_points"), "unverifiable", "unverifiable",
         "percent_vs_points"),
    case("change-in-count", change("5", "100", "105", unit="count"), "unverifiable", "unverifiable",
         "unit_mismatch"),
    case("no-series", (ClaimData(D("5"), "count", "exact", "level", ON), None), "unverifiable", "unverifiable",
         "no_series"),
    case("stale-400-days-ok", level("100", "100", observed_on=ON - timedelta(days=400)), "accurate", "bands_exact"),
    case("stale-401-days", level("100", "100", observed_on=ON - timedelta(days=401)), "unverifiable",
         "unverifiable", "no_reference_data"),
    case("only-later-data", level("100", "100", observed_on=ON + timedelta(days=1)), "unverifiable",
         "unverifiable", "no_reference_data"),
    case("forecast-pending", forecast("100", point("100")), "pending", "pending", "forecast_not_due"),
    case("forecast-due-on-the-day", forecast("100", point("100"), point("105", DUE)), "mostly-accurate",
         "bands_exact"),
    case("forecast-due-period-ends-after", forecast("100", period("101", date(2024, 4, 1), date(2024, 9, 30))),
         "accurate", "bands_exact"),
    case("forecast-unit-mismatch-not-pending", forecast("100", point("100"), unit="USD"), "unverifiable",
         "unverifiable", "unit_mismatch"),
    case("change-baseline-zero", change("10", "0", "5"), "unverifiable", "unverifiable", "baseline_not_positive"),
    case("change-no-baseline-data", (ClaimData(D("10"), "percent", "exact", "change", ON, baseline_date=BASE),
                                     series(point("100"))), "unverifiable", "unverifiable", "no_reference_data"),
]


@pytest.mark.parametrize(("claim", "data", "rating", "rule", "reason"), CASES)
def test_policy_v1(claim, data, rating, rule, reason):
    result = evaluate(claim, data)
    assert (result.rating, result.rule, result.reason) == (rating, rule, reason), result.explanation
    assert (result.rating_value, result.label) == RATINGS[rating]
    assert result.rule in RULES
    assert result.policy_version == 1
    assert result.claimed_value == claim.value
    assert result.explanation.endswith(" under policy v1.")


def test_the_table_covers_every_rule():
    assert {param.values[3] for param in CASES} == set(RULES)
    assert len(CASES) >= 45


def test_deviation_is_a_rounded_ratio_or_a_point_difference():
    ratio = evaluate(*level("2000000", "1650000"))
    assert (ratio.reference_value, ratio.deviation, ratio.deviation_unit) == (D("1650000"), D("0.2121"), "ratio")
    points = evaluate(*level("3.9", "4.25", "percent"))
    assert (points.deviation, points.deviation_unit) == (D("-0.35"), "points")
    cut = evaluate(*change("-62", "1500000", "670000"))
    assert (cut.reference_value, cut.deviation, cut.deviation_unit) == (D("-55.333333"), D("-6.666667"), "points")
    assert (cut.baseline_observation.period_end, cut.observation.period_end) == (BASE, ON)


def test_zero_reference():
    exact = evaluate(*level("0", "0"))
    assert (exact.rating, exact.rule, exact.reference_value) == ("accurate", "zero_reference", D("0"))
    assert (exact.deviation, exact.deviation_unit) == (None, "")
    assert "so the claim matches: accurate" in exact.explanation
    wrong = evaluate(*level("5", "0", qualifier="approximate"))
    assert (wrong.rating, wrong.rule, wrong.deviation, wrong.deviation_unit) == (
        "grossly-inaccurate", "zero_reference", None, "")
    assert "any figure other than zero is wrong: grossly inaccurate" in wrong.explanation


@pytest.mark.parametrize("baseline", ["0", "-5"])
def test_baseline_not_positive(baseline):
    result = evaluate(*change("10", baseline, "5"))
    assert (result.rating, result.rule, result.reason) == ("unverifiable", "unverifiable", "baseline_not_positive")
    assert result.reference_value is None and result.deviation is None
    assert (result.baseline_observation.value, result.observation.value) == (D(baseline), D("5"))
    assert "a percent change needs a positive starting value" in result.explanation


def test_both_dates_on_one_observation():
    quarter = period("100", date(2024, 1, 1), ON, id=1)
    revised = period("110", date(2024, 1, 1), ON, vintage=date(2024, 5, 1), id=2)
    claim = ClaimData(D("5"), "percent", "exact", "change", date(2024, 3, 15), baseline_date=date(2024, 1, 15))
    result = evaluate(claim, series(quarter, revised))
    assert (result.rating, result.reason) == ("unverifiable", "same_observation")
    assert result.observation == result.baseline_observation == revised


def test_overlapping_periods_shortest_wins_then_latest_end():
    year = period("1200", date(2024, 1, 1), date(2024, 12, 31), id=1)
    quarter = period("300", date(2024, 1, 1), ON, id=2)
    march = period("100", date(2024, 3, 1), ON, id=3)
    assert select_reference([year, quarter, march], date(2024, 3, 15)) == march
    assert select_reference([year, quarter], date(2024, 3, 15)) == quarter
    assert select_reference([year, quarter, march], date(2024, 5, 1)) == year
    # Two 30-day windows of equal length both contain Feb 10: the later-ending one wins.
    early = period("10", date(2024, 1, 15), date(2024, 2, 13), id=4)
    late = period("20", date(2024, 2, 1), date(2024, 3, 1), id=5)
    assert select_reference([late, early], date(2024, 2, 10)) == late
    assert evaluate(ClaimData(D("20"), "count", "exact", "level", date(2024, 2, 10)),
                    series(early, late)).rating == "accurate"


def test_latest_ended_observation_when_none_contains_the_date():
    q4 = period("100", date(2023, 10, 1), date(2023, 12, 31), id=1)
    december = period("40", date(2023, 12, 1), date(2023, 12, 31), id=2)
    november = period("30", date(2023, 11, 1), date(2023, 11, 30), id=3)
    assert select_reference([q4, november, december], date(2024, 2, 1)) == december
    assert select_reference([q4, november], date(2024, 2, 1)) == q4


def test_several_vintages_newest_wins():
    first = point("1000", vintage=date(2024, 4, 15), id=1)
    newest = point("1100", vintage=date(2024, 5, 15), id=2)
    middle = point("1050", vintage=date(2024, 4, 30), id=3)
    assert select_reference([first, newest, middle], ON) == newest
    assert select_reference([first, newest, middle], ON + timedelta(days=30)) == newest
    same_day_low, same_day_high = point("1", id=7), point("2", id=9)
    assert select_reference([same_day_high, same_day_low], ON) == same_day_high
    assert select_reference([same_day_low, same_day_high], ON) == same_day_high
    claim = ClaimData(D("1100"), "count", "exact", "level", ON)
    assert evaluate(claim, series(first, newest, middle)).observation == newest


def test_staleness_limit_of_400_days():
    observed = [point("1", on=date(2023, 1, 1))]
    assert select_reference(observed, date(2023, 1, 1) + timedelta(days=400)) == observed[0]
    assert select_reference(observed, date(2023, 1, 1) + timedelta(days=401)) is None
    strict = Policy.from_dict({**DEFAULT_POLICY.to_dict(), "version": 3, "max_staleness_days": 30})
    assert select_reference(observed, date(2023, 1, 31), strict) == observed[0]
    assert select_reference(observed, date(2023, 2, 1), strict) is None
    result = evaluate(*level("100", "100", observed_on=ON - timedelta(days=401)))
    assert result.explanation == ("Unverifiable: EOIR pending cases has no observation covering 2024-03-31 or ending "
                                  "within 400 days before it under policy v1.")


def test_explanation_of_a_ratio_verdict():
    claim = ClaimData(D("2000000"), "count", "exact", "level", ON, counted_noun="cases")
    result = evaluate(claim, series(point("1650000")))
    assert result.explanation == (
        "Claimed 2,000,000 cases; EOIR pending cases were 1,650,000 on 2024-03-31 (release of 2024-04-15), "
        "so the claim is 21.21% too high: half accurate under policy v1.")


def test_explanation_of_a_change_verdict():
    claim = ClaimData(D("-62"), "percent", "exact", "change", ON, baseline_date=BASE)
    data = series(period("1500000", date(2023, 1, 1), BASE), period("670000", date(2024, 1, 1), ON))
    assert evaluate(claim, data).explanation == (
        "Claimed a change of \u221262%; EOIR pending cases went from 1,500,000 (2023-01-01 to 2023-03-31) "
        "to 670,000 (2024-01-01 to 2024-03-31), a change of \u221255.3%, so the claim is 6.7 points too low: "
        "mostly inaccurate under policy v1.")


def test_explanations_of_money_bounds_periods_and_pending():
    money = evaluate(ClaimData(D("700000000"), "USD", "at_least", "level", ON),
                     SeriesData("Border wall outlays", "USD", "", (period("650000000", date(2024, 1, 1), ON),)))
    assert money.explanation == (
        "Claimed at least $700,000,000; Border wall outlays were $650,000,000 in the period 2024-01-01 to "
        "2024-03-31 (release of 2024-04-15), so the claim is 7.69% too high, and the floor does not hold: "
        "mostly accurate under policy v1.")
    noted = SeriesData("EOIR pending cases (illustrative demo data)", "count", "cases", (point("90"),))
    assert " (illustrative demo data) were 90 on " in evaluate(
        ClaimData(D("100"), "count", "at_most", "level", ON), noted).explanation
    rate = evaluate(*level("3.5", "3.5", "percentage_points", "nearly"))
    assert "Claimed nearly 3.5 points; " in rate.explanation
    assert "so the claim matches, within what \"nearly\" allows: accurate" in rate.explanation
    pending = evaluate(*forecast("100", point("100")))
    assert pending.explanation == ("Pending: the forecast falls due on 2024-06-30 and EOIR pending cases has no "
                                   "data for that date yet under policy v1.")
    assert evaluate(ClaimData(D("5"), "count", "exact", "level", ON), None).explanation == (
        "Unverifiable: no data series is linked to the claim under policy v1.")


def test_policy_round_trip():
    data = json.loads(json.dumps(DEFAULT_POLICY.to_dict()))
    assert data == {
        "version": 1,
        "ratio_bands": {"exact": ["0.02", "0.10", "0.25", "0.50"], "approximate": ["0.10", "0.20", "0.35", "0.50"]},
        "point_bands": {"exact": ["1", "3", "6", "12"], "approximate": ["3", "6", "10", "15"]},
        "nearly_low": "0.9", "bound_low": "0.98", "bound_high": "1.02", "loose_factor": "2",
        "magnitude_factor": "10", "max_staleness_days": 400,
    }
    assert Policy.from_dict(data) == DEFAULT_POLICY
    assert hash(Policy.from_dict(data)) == hash(DEFAULT_POLICY)
    assert Policy.from_dict(data).to_dict() == DEFAULT_POLICY.to_dict()


def _policy_dict(**changes):
    data = DEFAULT_POLICY.to_dict()
    data.update(changes)
    return data


def _without(key):
    data = DEFAULT_POLICY.to_dict()
    del data[key]
    return data


@pytest.mark.parametrize(("data", "message"), [
    pytest.param(_without("point_bands"), "missing", id="missing-bands"),
    pytest.param(_without("bound_low"), "missing", id="missing-multiplier"),
    pytest.param(_policy_dict(bound_hgih="1.02"), "unknown", id="unknown-key"),
    pytest.param(_policy_dict(version=0), "version", id="version-zero"),
    pytest.param(_policy_dict(version=True), "version", id="version-bool"),
    pytest.param(_policy_dict(ratio_bands={"exact": ["0.02", "0.10", "0.10", "0.50"],
                                           "approximate": ["0.10", "0.20", "0.35", "0.50"]}),
                 "strictly increasing", id="non-increasing-bands"),
    pytest.param(_policy_dict(point_bands={"exact": ["1", "3", "6"], "approximate": ["3", "6", "10", "15"]}),
                 "tuple of 4", id="three-bounds"),
    pytest.param(_policy_dict(point_bands={"exact": ["1", "3", "6", "12"]}), "exactly", id="missing-qualifier"),
    pytest.param(_policy_dict(point_bands={"exact": ["1", "3", "6", "12"], "approximate": ["3", "6", "10", "15"],
                                           "nearly": ["1", "2", "3", "4"]}), "exactly", id="extra-qualifier"),
    pytest.param(_policy_dict(nearly_low=0.9), "decimal string", id="float"),
    pytest.param(_policy_dict(bound_high="abc"), "not a decimal", id="not-a-number"),
    pytest.param(_policy_dict(bound_high="NaN"), "finite", id="nan"),
    pytest.param(_policy_dict(bound_high="0.98"), "bound_high", id="bound-high-below-1"),
    pytest.param(_policy_dict(magnitude_factor="1"), "magnitude_factor", id="magnitude-factor-1"),
    pytest.param(_policy_dict(max_staleness_days=-1), "max_staleness_days", id="negative-staleness"),
    pytest.param(_policy_dict(max_staleness_days="400"), "max_staleness_days", id="staleness-string"),
    pytest.param(["not", "a", "mapping"], "mapping", id="not-a-mapping"),
])
def test_from_dict_rejects_bad_data(data, message):
    with pytest.raises(ValueError, match=message):
        Policy.from_dict(data)


def test_a_tighter_policy_version_changes_the_rating():
    tighter = Policy.from_dict(_policy_dict(version=2, ratio_bands={
        "exact": ["0.01", "0.05", "0.15", "0.30"], "approximate": ["0.05", "0.10", "0.20", "0.30"]}))
    claim, data = level("102", "100")
    v1, v2 = evaluate(claim, data), evaluate(claim, data, tighter)
    assert (v1.rating, v1.policy_version) == ("accurate", 1)
    assert (v2.rating, v2.policy_version) == ("mostly-accurate", 2)
    assert v2.explanation.endswith("mostly accurate under policy v2.")


@pytest.mark.parametrize("kwargs", [
    pytest.param({"unit": "euros"}, id="unit"),
    pytest.param({"qualifier": "roughly"}, id="qualifier"),
    pytest.param({"kind": "change"}, id="change-without-baseline"),
    pytest.param({"kind": "forecast"}, id="forecast-without-due-date"),
    pytest.param({"value": 1.5}, id="float-value"),
])
def test_malformed_claims_are_rejected(kwargs):
    fields = {"value": D("1"), "unit": "count", "qualifier": "exact", "kind": "level", "as_of": ON, **kwargs}
    with pytest.raises(ValueError):
        ClaimData(**fields)
