"""The verdict engine: rates a numeric claim against a data series under a versioned policy.

Pure Python (standard library only, no Django) so the rules can be tested on their own and every
caller (services, management commands, backfills) gets the same answer. All arithmetic is Decimal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

RATINGS: dict[str, tuple[int | None, str]] = {
    "accurate": (6, "Accurate"),
    "mostly-accurate": (5, "Mostly accurate"),
    "half-accurate": (4, "Half accurate"),
    "mostly-inaccurate": (3, "Mostly inaccurate"),
    "inaccurate": (2, "Inaccurate"),
    "grossly-inaccurate": (1, "Grossly inaccurate"),
    "unverifiable": (None, "Unverifiable"),
    "pending": (None, "Pending"),
}
RULES = (
    "unverifiable", "pending", "opposite_sign", "order_of_magnitude", "zero_reference", "nearly",
    "at_least", "at_least_loose", "at_most", "at_most_loose", "bands_exact", "bands_approximate",
)
REASONS = ("no_series", "unit_mismatch", "percent_vs_points", "no_reference_data", "baseline_not_positive",
           "same_observation", "forecast_not_due")
UNITS = ("USD", "percent", "percentage_points", "count", "years", "months", "days", "ratio")
QUALIFIERS = ("exact", "approximate", "nearly", "at_least", "at_most")
KINDS = ("level", "change", "forecast")
POINT_UNITS = frozenset({"percent", "percentage_points"})

_BANDED_QUALIFIERS = ("exact", "approximate")
_BAND_RATINGS = ("accurate", "mostly-accurate", "half-accurate", "mostly-inaccurate")  # beyond: inaccurate
_POLICY_DECIMALS = ("nearly_low", "bound_low", "bound_high", "loose_factor", "magnitude_factor")
_POLICY_KEYS = ("version", "ratio_bands", "point_bands", *_POLICY_DECIMALS, "max_staleness_days")
# Products of 24-digit stored values and short policy multipliers stay exact at this precision,
# so no boundary is decided by a rounded intermediate.
_PRECISION = 50
# The verdict table stores 6 decimal places; the computed change is rounded to that once and the
# rounded value is what gets compared, so a stored verdict can always be re-derived from its row.
_CHANGE_QUANTUM = Decimal("0.000001")
_DEVIATION_QUANTUM = Decimal("0.0001")


def _require_decimal(value: object, what: str) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"{what} must be a finite Decimal, got {value!r}")


def _parse_decimal(raw: object, what: str) -> Decimal:
    # A float has already lost the exact threshold the newsroom wrote, so it is refused, not converted.
    if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)):
        raise ValueError(f"{what} must be a decimal string such as '0.02', got {raw!r}")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"{what} is not a decimal number: {raw!r}") from None
    _require_decimal(value, what)
    return value


def _check_bands(name: str, bands: object) -> None:
    if not isinstance(bands, Mapping) or set(bands) != set(_BANDED_QUALIFIERS):
        raise ValueError(f"{name} must map exactly {' and '.join(_BANDED_QUALIFIERS)} to four bounds")
    for qualifier, bounds in bands.items():
        where = f"{name}[{qualifier!r}]"
        if not isinstance(bounds, tuple) or len(bounds) != len(_BAND_RATINGS):
            raise ValueError(f"{where} must be a tuple of {len(_BAND_RATINGS)} bounds, got {bounds!r}")
        for bound in bounds:
            _require_decimal(bound, where)
        if bounds[0] < 0 or any(low >= high for low, high in zip(bounds, bounds[1:])):
            raise ValueError(f"{where} must be non-negative and strictly increasing, got {bounds!r}")


@dataclass(frozen=True)
class Policy:
    version: int
    # Every threshold is data, so a newsroom can add a tighter policy version without a code change.
    ratio_bands: dict[str, tuple[Decimal, Decimal, Decimal, Decimal]]
    point_bands: dict[str, tuple[Decimal, Decimal, Decimal, Decimal]]
    nearly_low: Decimal = Decimal("0.9")
    bound_low: Decimal = Decimal("0.98")
    bound_high: Decimal = Decimal("1.02")
    loose_factor: Decimal = Decimal("2")
    magnitude_factor: Decimal = Decimal("10")
    max_staleness_days: int = 400

    def __post_init__(self) -> None:
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 1:
            raise ValueError(f"version must be a positive integer, got {self.version!r}")
        _check_bands("ratio_bands", self.ratio_bands)
        _check_bands("point_bands", self.point_bands)
        for name in _POLICY_DECIMALS:
            _require_decimal(getattr(self, name), name)
        if not (0 < self.nearly_low <= 1 and 0 < self.bound_low <= 1):
            raise ValueError("nearly_low and bound_low must be in (0, 1]")
        if self.bound_high < 1 or self.loose_factor <= 1 or self.magnitude_factor <= 1:
            raise ValueError("bound_high must be at least 1; loose_factor and magnitude_factor above 1")
        days = self.max_staleness_days
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise ValueError(f"max_staleness_days must be a non-negative integer, got {days!r}")

    def __hash__(self) -> int:
        # Equal policies share a version, so it is a valid hash despite the dict fields (cache keys).
        return hash(self.version)

    def to_dict(self) -> dict:
        data: dict = {"version": self.version}
        for name in ("ratio_bands", "point_bands"):
            data[name] = {q: [str(b) for b in bounds] for q, bounds in getattr(self, name).items()}
        data.update({name: str(getattr(self, name)) for name in _POLICY_DECIMALS})
        data["max_staleness_days"] = self.max_staleness_days
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Policy:
        # Every key is required: a stored policy must not change meaning if a code default changes.
        if not isinstance(data, Mapping):
            raise ValueError(f"policy data must be a mapping, got {type(data).__name__}")
        missing = [key for key in _POLICY_KEYS if key not in data]
        if missing:
            raise ValueError(f"policy data is missing key(s): {', '.join(missing)}")
        unknown = sorted(set(data) - set(_POLICY_KEYS))
        if unknown:
            raise ValueError(f"policy data has unknown key(s): {', '.join(unknown)}")
        kwargs = {name: _parse_bands(name, data[name]) for name in ("ratio_bands", "point_bands")}
        kwargs.update({name: _parse_decimal(data[name], name) for name in _POLICY_DECIMALS})
        return cls(version=data["version"], max_staleness_days=data["max_staleness_days"], **kwargs)


def _parse_bands(name: str, raw: object) -> dict:
    if not isinstance(raw, Mapping):
        raise ValueError(f"{name} must be a mapping of qualifier to bounds, got {raw!r}")
    bands = {}
    for qualifier, bounds in raw.items():
        if not isinstance(bounds, (list, tuple)):
            raise ValueError(f"{name}[{qualifier!r}] must be a list of bounds, got {bounds!r}")
        bands[qualifier] = tuple(_parse_decimal(b, f"{name}[{qualifier!r}]") for b in bounds)
    return bands


DEFAULT_POLICY = Policy(
    version=1,
    ratio_bands={
        "exact": (Decimal("0.02"), Decimal("0.10"), Decimal("0.25"), Decimal("0.50")),
        "approximate": (Decimal("0.10"), Decimal("0.20"), Decimal("0.35"), Decimal("0.50")),
    },
    point_bands={
        "exact": (Decimal("1"), Decimal("3"), Decimal("6"), Decimal("12")),
        "approximate": (Decimal("3"), Decimal("6"), Decimal("10"), Decimal("15")),
    },
)


@dataclass(frozen=True)
class ObservationData:
    id: int | None
    period_start: date
    period_end: date
    value: Decimal
    vintage: date

    def __post_init__(self) -> None:
        _require_decimal(self.value, "observation value")
        if self.period_end < self.period_start:
            raise ValueError(f"observation {self.id}: period ends {self.period_end} before it starts")


@dataclass(frozen=True)
class SeriesData:
    name: str
    unit: str
    counted_noun: str
    observations: tuple[ObservationData, ...]


@dataclass(frozen=True)
class ClaimData:
    value: Decimal
    unit: str
    qualifier: str
    kind: str
    as_of: date
    baseline_date: date | None = None
    due_date: date | None = None
    counted_noun: str = ""

    def __post_init__(self) -> None:
        _require_decimal(self.value, "claimed value")
        for what, value, allowed in (("unit", self.unit, UNITS), ("qualifier", self.qualifier, QUALIFIERS),
                                     ("kind", self.kind, KINDS)):
            if value not in allowed:
                raise ValueError(f"claim {what} must be one of {allowed}, got {value!r}")
        if self.kind == "change" and self.baseline_date is None:
            raise ValueError("a change claim needs a baseline_date")
        if self.kind == "forecast" and self.due_date is None:
            raise ValueError("a forecast claim needs a due_date")


@dataclass(frozen=True)
class VerdictResult:
    rating: str
    rating_value: int | None
    label: str
    claimed_value: Decimal
    reference_value: Decimal | None
    deviation: Decimal | None
    deviation_unit: str
    rule: str
    reason: str
    observation: ObservationData | None
    baseline_observation: ObservationData | None
    policy_version: int
    explanation: str


def _newest_vintages(observations: Iterable[ObservationData]) -> list[ObservationData]:
    newest: dict[tuple[date, date], ObservationData] = {}
    for obs in observations:
        key = (obs.period_start, obs.period_end)
        # A revision replaces the figure it revises; equal vintages fall to the later-loaded row.
        rank = (obs.vintage, obs.id is not None, obs.id or 0)
        kept = newest.get(key)
        if kept is None or rank > (kept.vintage, kept.id is not None, kept.id or 0):
            newest[key] = obs
    return list(newest.values())


def select_reference(observations: Iterable[ObservationData], at: date,
                     policy: Policy = DEFAULT_POLICY) -> ObservationData | None:
    candidates = _newest_vintages(observations)
    containing = [o for o in candidates if o.period_start <= at <= o.period_end]
    if containing:
        # The shortest period describes the date most precisely (a month over its quarter).
        return min(containing, key=lambda o: (o.period_end - o.period_start, -o.period_end.toordinal()))
    ended = [o for o in candidates if o.period_end <= at]
    if not ended:
        return None
    latest = min(ended, key=lambda o: (-o.period_end.toordinal(), o.period_end - o.period_start))
    return latest if (at - latest.period_end).days <= policy.max_staleness_days else None


def evaluate(claim: ClaimData, series: SeriesData | None, policy: Policy = DEFAULT_POLICY) -> VerdictResult:
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        if series is None:
            return _unresolved(claim, policy, "no_series", "no data series is linked to the claim")
        if claim.kind == "change":
            return _evaluate_change(claim, series, policy)
        return _evaluate_level(claim, series, policy)


def _evaluate_level(claim: ClaimData, series: SeriesData, policy: Policy) -> VerdictResult:
    # Units before "pending": a forecast in the wrong unit can never be settled, so it must not wait.
    problem = _unit_problem(claim.unit, series.unit)
    if problem:
        series_unit = _UNIT_NAMES.get(series.unit, series.unit)
        return _unresolved(claim, policy, problem, f"the claim is in {_UNIT_NAMES[claim.unit]} but "
                           f"{series.name} is in {series_unit}, and units are never converted")
    at = claim.as_of
    if claim.kind == "forecast":
        # Checked before reference selection: stale data from before the due date must not settle it.
        if not any(o.period_end >= claim.due_date for o in series.observations):
            return _unresolved(claim, policy, "forecast_not_due", f"the forecast falls due on {claim.due_date} "
                               f"and {series.name} has no data for that date yet", rating="pending")
        at = claim.due_date
    obs = select_reference(series.observations, at, policy)
    if obs is None:
        return _unresolved(claim, policy, "no_reference_data", _no_data(series, at, policy))
    by_points = claim.unit in POINT_UNITS
    rating, rule, note = _judge(claim.value, obs.value, claim.qualifier, by_points, False, policy)
    deviation, deviation_unit = _deviation(claim.value, obs.value, by_points)
    due = f" by {claim.due_date}" if claim.kind == "forecast" else ""
    claimed = format_quantity(claim.value, claim.unit, claim.counted_noun or series.counted_noun)
    sentence = (f"Claimed {_QUALIFIER_WORDS[claim.qualifier]}{claimed}{due}; {series.name} {_verb(series.name)} "
                f"{format_quantity(obs.value, series.unit)} {_when(obs)} (release of {obs.vintage}), so "
                f"{_comparison(claim.value, deviation, deviation_unit)}{note}")
    return _result(claim, policy, rating, rule, sentence, reference=obs.value, deviation=deviation,
                   deviation_unit=deviation_unit, observation=obs)


def _evaluate_change(claim: ClaimData, series: SeriesData, policy: Policy) -> VerdictResult:
    # A change is a percent change whatever the series measures, so only the claim's unit is checked.
    problem = _unit_problem(claim.unit, "percent")
    if problem:
        return _unresolved(claim, policy, problem, f"the claimed change is in {_UNIT_NAMES[claim.unit]} "
                           "but a change is measured in percent")
    base = select_reference(series.observations, claim.baseline_date, policy)
    now = select_reference(series.observations, claim.as_of, policy)
    if base is None or now is None:
        at = claim.baseline_date if base is None else claim.as_of
        return _unresolved(claim, policy, "no_reference_data", _no_data(series, at, policy), now, base)
    if (base.period_start, base.period_end) == (now.period_start, now.period_end):
        return _unresolved(claim, policy, "same_observation", f"{claim.baseline_date} and {claim.as_of} both "
                           f"resolve to the observation of {series.name} for {_span(now)}, so the data shows no "
                           "change between them", now, base)
    if base.value <= 0:
        return _unresolved(claim, policy, "baseline_not_positive", f"{series.name} was "
                           f"{format_quantity(base.value, series.unit)} at the baseline ({_span(base)}), and a "
                           "percent change needs a positive starting value", now, base)
    change = ((now.value - base.value) * 100 / base.value).quantize(_CHANGE_QUANTUM, ROUND_HALF_UP)
    rating, rule, note = _judge(claim.value, change, claim.qualifier, True, True, policy)
    deviation, deviation_unit = _deviation(claim.value, change, True)
    sentence = (f"Claimed a change of {_QUALIFIER_WORDS[claim.qualifier]}{_signed_percent(claim.value)}; "
                f"{series.name} went from {format_quantity(base.value, series.unit)} ({_span(base)}) to "
                f"{format_quantity(now.value, series.unit)} ({_span(now)}), a change of {_signed_percent(change, 1)}, "
                f"so {_comparison(claim.value, deviation, deviation_unit, places=1)}{note}")
    return _result(claim, policy, rating, rule, sentence, reference=change, deviation=deviation,
                   deviation_unit=deviation_unit, observation=now, baseline=base)


def _unit_problem(claim_unit: str, series_unit: str) -> str:
    if claim_unit == series_unit:
        return ""
    return "percent_vs_points" if {claim_unit, series_unit} == POINT_UNITS else "unit_mismatch"


def _judge(c: Decimal, r: Decimal, qualifier: str, by_points: bool, is_change: bool,
           policy: Policy) -> tuple[str, str, str]:
    """Return (rating, rule, note) for claimed value c against reference r; rules in policy order."""
    if is_change and c != 0 and r != 0 and (c < 0) != (r < 0):
        return "inaccurate", "opposite_sign", ", in the opposite direction"
    if not by_points:
        if r == 0:
            return ("accurate" if c == 0 else "grossly-inaccurate"), "zero_reference", ""
        # c/r >= factor or c/r <= 1/factor, cross-multiplied so no rounded quotient decides it.
        toward = c if r > 0 else -c
        if toward >= policy.magnitude_factor * abs(r) or toward * policy.magnitude_factor <= abs(r):
            return "grossly-inaccurate", "order_of_magnitude", ", off by an order of magnitude"
    if qualifier in _BANDED_QUALIFIERS:
        return _bands(c, r, qualifier, by_points, policy), f"bands_{qualifier}", ""
    if is_change and (c == 0 or r == 0):
        # The policy sends a change without a sign straight to the bands: a bound on the size of a
        # rise or cut says nothing about no change at all.
        return _bands(c, r, "exact", by_points, policy), "bands_exact", ", and a zero change has no direction"
    return _bound(c, r, qualifier, policy) or (
        _bands(c, r, "exact", by_points, policy), "bands_exact", _UNMET_NOTES[qualifier])


def _bound(c: Decimal, r: Decimal, qualifier: str, policy: Policy) -> tuple[str, str, str] | None:
    # Bounds speak of size in the claim's direction ("cut by more than 62 percent"), so a negative
    # claim is mirrored; for a positive claim this is the policy's formula as written.
    x, ref = (-c, -r) if c < 0 else (c, r)
    factor = _number(policy.loose_factor)
    if qualifier == "nearly":
        if policy.nearly_low * x <= ref <= policy.bound_high * x:
            return "accurate", "nearly", ", within what \"nearly\" allows"
    elif qualifier == "at_least":
        if ref >= policy.bound_low * x:
            if ref <= policy.loose_factor * x:
                return "accurate", "at_least", ", and the floor holds"
            return "half-accurate", "at_least_loose", f", and the floor holds but the figure is over {factor}x it"
    elif ref <= policy.bound_high * x:
        if ref * policy.loose_factor >= x:
            return "accurate", "at_most", ", and the ceiling holds"
        return "half-accurate", "at_most_loose", f", and the ceiling holds but is over {factor}x the figure"
    return None


def _bands(c: Decimal, r: Decimal, qualifier: str, by_points: bool, policy: Policy) -> str:
    bands = (policy.point_bands if by_points else policy.ratio_bands)[qualifier]
    gap = abs(c - r)
    scale = Decimal(1) if by_points else abs(r)  # e = gap/|r| <= bound  <=>  gap <= bound*|r|
    for rating, upper in zip(_BAND_RATINGS, bands):
        if gap <= upper * scale:
            return rating
    return "inaccurate"


def _deviation(c: Decimal, r: Decimal, by_points: bool) -> tuple[Decimal | None, str]:
    if by_points:
        return c - r, "points"
    if r == 0:
        return None, ""
    return ((c - r) / r).quantize(_DEVIATION_QUANTUM, ROUND_HALF_UP), "ratio"


def _result(claim: ClaimData, policy: Policy, rating: str, rule: str, sentence: str, *, reason: str = "",
            reference: Decimal | None = None, deviation: Decimal | None = None, deviation_unit: str = "",
            observation: ObservationData | None = None,
            baseline: ObservationData | None = None) -> VerdictResult:
    value, label = RATINGS[rating]
    verdict = f": {label.lower()}" if value is not None else ""  # unresolved sentences name it up front
    return VerdictResult(rating, value, label, claim.value, reference, deviation, deviation_unit, rule, reason,
                         observation, baseline, policy.version, f"{sentence}{verdict} under policy v{policy.version}.")


def _unresolved(claim: ClaimData, policy: Policy, reason: str, why: str,
                observation: ObservationData | None = None, baseline: ObservationData | None = None,
                rating: str = "unverifiable") -> VerdictResult:
    return _result(claim, policy, rating, rating, f"{RATINGS[rating][1]}: {why}", reason=reason,
                   observation=observation, baseline=baseline)


# --- Wording -----------------------------------------------------------------------------------

_MINUS = "\u2212"
_UNIT_NAMES = {"USD": "US dollars", "percent": "percent", "percentage_points": "percentage points",
               "count": "counts", "years": "years", "months": "months", "days": "days", "ratio": "ratios"}
_QUALIFIER_WORDS = {"exact": "", "approximate": "about ", "nearly": "nearly ", "at_least": "at least ",
                    "at_most": "at most "}
_UNMET_NOTES = {"nearly": ", outside what \"nearly\" allows", "at_least": ", and the floor does not hold",
                "at_most": ", and the ceiling does not hold"}


def _number(value: Decimal, places: int | None = None) -> str:
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return (_MINUS if value < 0 else "") + f"{abs(value).normalize():,f}"


def _signed_percent(value: Decimal, places: int | None = None) -> str:
    text = _number(value, places)
    return f"{'+' if value > 0 and text != '0' else ''}{text}%"


def format_quantity(value: Decimal, unit: str, noun: str = "") -> str:
    """A figure as readers write it: "$700,000,000", "62%", "38,000 beds", "3 points"."""
    text = _number(value)
    if unit == "USD":
        return text.replace(_MINUS, _MINUS + "$") if value < 0 else f"${text}"
    if unit == "percent":
        return f"{text}%"
    if unit == "percentage_points":
        return f"{text} {_plural('point', value)}"
    if unit in ("years", "months", "days"):
        return f"{text} {_plural(unit[:-1], value)}"
    return f"{text} {noun}" if noun and unit == "count" else text


def _plural(word: str, value: Decimal) -> str:
    return word if abs(value) == 1 else f"{word}s"


def _verb(name: str) -> str:
    # "EOIR pending cases were", "the unemployment rate was": a plural-looking name takes "were";
    # a trailing note in parentheses ("(illustrative demo data)") is not part of the noun.
    noun = name.split(" (")[0]
    return "were" if noun.endswith("s") and not noun.endswith("ss") else "was"


def _span(obs: ObservationData) -> str:
    return str(obs.period_end) if obs.period_start == obs.period_end else f"{obs.period_start} to {obs.period_end}"


def _when(obs: ObservationData) -> str:
    return f"on {obs.period_end}" if obs.period_start == obs.period_end else f"in the period {_span(obs)}"


def _no_data(series: SeriesData, at: date, policy: Policy) -> str:
    return (f"{series.name} has no observation covering {at} or ending within "
            f"{policy.max_staleness_days} days before it")


def _comparison(c: Decimal, deviation: Decimal | None, deviation_unit: str, places: int | None = None) -> str:
    if deviation is None:  # only a zero reference has no ratio deviation
        return "the claim matches" if c == 0 else "any figure other than zero is wrong"
    if deviation == 0:
        return "the claim matches"
    direction = "high" if deviation > 0 else "low"
    if deviation_unit == "ratio":
        return f"the claim is {_number(abs(deviation) * 100)}% too {direction}"
    size = abs(deviation) if places is None else abs(deviation).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"the claim is {_number(size)} {_plural('point', size)} too {direction}"
