"""Reads of claims, speakers and verdicts used by more than one caller, with the public's visibility rules.

What the public sees: published claims, their published verdicts and corrections, and the speakers, outlets,
sources and series that at least one published claim cites. Editors see everything.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from sources.models import Outlet, ReferenceSeries, Source

from .models import Appearance, Claim, ClaimKind, ClaimStatus, Speaker, Verdict

PUBLIC_CLAIM = Q(status=ClaimStatus.PUBLISHED, published_verdict__isnull=False)


def _published_claims() -> QuerySet[Claim]:
    return Claim.objects.filter(PUBLIC_CLAIM)


# --- conditions the sources app applies to its own resources (registered in ClaimsConfig.ready) -----------------


def public_source_condition() -> Q:
    return Q(Exists(Appearance.objects.filter(source=OuterRef("pk"), claim__in=_published_claims())))


def public_outlet_condition() -> Q:
    cited = Appearance.objects.filter(source__outlet=OuterRef("pk"), claim__in=_published_claims())
    series_used = _published_claims().filter(series__publisher=OuterRef("pk"))
    return Q(Exists(cited)) | Q(Exists(series_used))


def public_series_condition() -> Q:
    return Q(Exists(_published_claims().filter(series=OuterRef("pk"))))


PUBLIC_CONDITIONS = {
    Source: public_source_condition,
    Outlet: public_outlet_condition,
    ReferenceSeries: public_series_condition,
}


# --- claims -----------------------------------------------------------------------------------------------------

_VERDICT_RELATED = ("observation", "baseline_observation")


def drift_condition() -> Q:
    """The engine's latest verdict is newer than the published one and rates the claim differently."""
    return Q(
        computed_verdict__isnull=False,
        published_verdict__isnull=False,
        computed_verdict__created_at__gt=F("published_verdict__created_at"),
    ) & ~Q(computed_verdict__rating=F("published_verdict__rating"))


def claim_queryset(*, editor: bool) -> QuerySet[Claim]:
    """Claims with everything their API shape needs, in a fixed number of queries whatever the page size."""
    published = Verdict.objects.filter(published_at__isnull=False).select_related("published_by", "observation")
    qs = Claim.objects.select_related(
        "speaker",
        "series",
        *(f"published_verdict__{name}" for name in _VERDICT_RELATED),
    ).prefetch_related(
        "topics",
        Prefetch("appearances", queryset=Appearance.objects.select_related("source__outlet")),
        Prefetch("verdicts", queryset=published.order_by("published_at", "id"), to_attr="published_list"),
    )
    if editor:
        return qs.select_related(*(f"computed_verdict__{name}" for name in _VERDICT_RELATED))
    return qs.filter(PUBLIC_CLAIM)


@dataclass(frozen=True)
class Correction:
    """A change of a claim's public rating: an editor's correction, or a newer engine verdict published over it."""

    verdict: Verdict
    previous: Verdict

    @property
    def note(self) -> str:
        if self.verdict.note:
            return self.verdict.note
        release = f" (release of {self.verdict.observation.vintage})" if self.verdict.observation_id else ""
        return f"Re-checked against newer reference data{release}."


def claim_corrections(claim: Claim) -> list[Correction]:
    """Every change of the public verdict after the first publication, oldest first. Needs `claim_queryset`'s
    prefetch (`published_list`); corrections stay public for as long as the claim is."""
    published = claim.published_list
    return [Correction(verdict=current, previous=previous) for previous, current in zip(published, published[1:])]


def claim_get(*, pk: int, editor: bool) -> Claim | None:
    return claim_queryset(editor=editor).filter(pk=pk).first()


def claim_next_check_due(claim: Claim) -> datetime.datetime | None:
    """When the sweep will check the claim next: now if never checked, else after the staleness limit, or earlier
    when a forecast falls due. A claim with no figure or no series is never checked by the engine."""
    if claim.value is None or claim.series_id is None:
        return None
    if claim.last_checked_at is None:
        return claim.created_at  # due since it was written; a fixed time keeps responses (and ETags) stable
    due = claim.last_checked_at + datetime.timedelta(days=settings.FACTCHECK_RECHECK_AFTER_DAYS)
    if claim.kind == ClaimKind.FORECAST and claim.due_date:
        falls_due = datetime.datetime.combine(claim.due_date, datetime.time.min, tzinfo=datetime.timezone.utc)
        if claim.last_checked_at < falls_due < due:
            due = falls_due
    return due


# --- speakers and verdicts ----------------------------------------------------------------------------------------


def speaker_list(*, editor: bool) -> QuerySet[Speaker]:
    qs = Speaker.objects.all()
    return qs if editor else qs.filter(Exists(_published_claims().filter(speaker=OuterRef("pk"))))


def verdict_list(*, editor: bool) -> QuerySet[Verdict]:
    qs = Verdict.objects.select_related(*_VERDICT_RELATED)
    if editor:
        return qs
    return qs.filter(published_at__isnull=False, claim__in=_published_claims())

