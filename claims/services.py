"""Every write to speakers, claims, verdicts and check runs.

Views, admin actions, commands and tasks call these; none of them writes a claim or a verdict by itself.
"""

import datetime
import hashlib
import hmac
import json
import logging
import random
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from factcheck.exceptions import ApplicationError, ConflictError
from sources.fetching import FetchError, fetch
from sources.models import Observation, ReferenceSeries, Source

from . import verdicts as engine
from .models import (
    RATING_VALUES,
    Appearance,
    AttributionKind,
    CheckOutcome,
    CheckRun,
    CheckState,
    Claim,
    ClaimKind,
    ClaimStatus,
    DeliveryState,
    MadeBy,
    Qualifier,
    Rating,
    Speaker,
    Topic,
    Verdict,
    VerdictPolicy,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)

logger = logging.getLogger(__name__)

QUANTITY_FIELDS = ("value", "unit", "counted_noun", "qualifier", "kind", "as_of", "baseline_date", "due_date")
# Six decimal places is what the database keeps; the engine's own arithmetic is exact and is rounded only here.
STORED_PLACES = Decimal("0.000001")


# --- speakers -------------------------------------------------------------------------------------------------


def speaker_create(*, name: str, kind: str = Speaker.Kind.PERSON, role: str = "", organization: str = "", same_as: str = "") -> Speaker:
    return Speaker.objects.create(name=name, kind=kind, role=role, organization=organization, same_as=same_as)


# --- claims ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppearanceInput:
    source: Source
    excerpt: str = ""


def claim_quantity_errors(q: dict) -> dict[str, list[str]]:
    """The quantity invariants, checked before writing so the caller gets a 400 that names the field.

    The database enforces the same rules (claims/models.py); this only makes the refusal readable.
    """
    errors: dict[str, list[str]] = {}
    kind, unit, value = q.get("kind"), q.get("unit"), q.get("value")
    if value is not None and not value.is_finite():
        errors["value"] = ["must be a finite number"]
    elif value is not None and value < 0 and kind != ClaimKind.CHANGE:
        errors["value"] = ["must not be negative except for a change"]
    if kind == ClaimKind.CHANGE:
        if unit != "percent":
            errors["unit"] = ["a change is expressed in percent"]
        if not q.get("baseline_date"):
            errors["baseline_date"] = ["a change needs the date it is measured from"]
    if kind == ClaimKind.FORECAST and not q.get("due_date"):
        errors["due_date"] = ["a forecast needs a due date"]
    if not q.get("as_of"):
        errors["as_of"] = ["a figure needs the date it describes: give as_of or stated_on"]
    return errors


def _normalised_quantity(quantity: dict | None, stated_on: datetime.date | None) -> dict:
    if quantity is None:
        return {field: None for field in QUANTITY_FIELDS} | {"counted_noun": ""}
    missing = [field for field in ("value", "unit") if quantity.get(field) is None]
    if missing:
        raise ApplicationError(
            f"A quantity needs {' and '.join(missing)}.",
            code="required",
            fields={"quantity": {field: ["required"] for field in missing}},
        )
    q = {
        "value": quantity["value"],
        "unit": quantity["unit"],
        "counted_noun": quantity.get("counted_noun") or "",
        "qualifier": quantity.get("qualifier") or Qualifier.EXACT,
        "kind": quantity.get("kind") or ClaimKind.LEVEL,
        "as_of": quantity.get("as_of") or stated_on,
        "baseline_date": quantity.get("baseline_date"),
        "due_date": quantity.get("due_date"),
    }
    errors = claim_quantity_errors(q)
    if errors:
        raise ApplicationError(
            "The quantity is invalid: " + "; ".join(f"{k}: {v[0]}" for k, v in errors.items()),
            code="invalid_quantity",
            fields={"quantity": errors},
        )
    return q


def _topics(slugs: list[str]) -> list[Topic]:
    return [Topic.objects.get_or_create(slug=slug)[0] for slug in dict.fromkeys(slugs)]


def _replace_appearances(claim: Claim, appearances: list[AppearanceInput]) -> None:
    claim.appearances.all().delete()
    seen = set()
    for position, item in enumerate(appearances):
        if item.source.pk in seen:
            raise ApplicationError(
                "A source appears twice in the appearances.", code="duplicate_appearance", fields={"appearances": ["duplicate source"]}
            )
        seen.add(item.source.pk)
        Appearance.objects.create(claim=claim, source=item.source, excerpt=item.excerpt, is_first=position == 0)


@transaction.atomic
def claim_create(
    *,
    text: str,
    speaker: Speaker | None = None,
    attribution_kind: str | None = None,
    stated_on: datetime.date | None = None,
    topics: list[str] | None = None,
    appearances: list[AppearanceInput] | None = None,
    series: ReferenceSeries | None = None,
    quantity: dict | None = None,
    notes: str = "",
    user=None,
) -> Claim:
    """Create a draft claim. The first appearance is the first in `appearances`; its date is the default `stated_on`."""
    appearances = appearances or []
    if stated_on is None and appearances:
        stated_on = appearances[0].source.published_on
    if attribution_kind is None:
        attribution_kind = AttributionKind.PARAPHRASE if speaker else AttributionKind.OWN
    q = _normalised_quantity(quantity, stated_on)
    claim = Claim(
        text=text,
        speaker=speaker,
        attribution_kind=attribution_kind,
        stated_on=stated_on,
        series=series,
        status=ClaimStatus.DRAFT,
        notes=notes,
        created_by=user,
        **q,
    )
    claim._history_user = user
    claim.save()
    claim.topics.set(_topics(topics or []))
    _replace_appearances(claim, appearances)
    claim_check_soon(claim)
    logger.info("claim.created", extra={"claim_id": claim.pk})
    return claim


_UNSET = object()


@transaction.atomic
def claim_update(
    *,
    claim_id: int,
    expected_version: int,
    user=None,
    text=_UNSET,
    speaker=_UNSET,
    attribution_kind=_UNSET,
    stated_on=_UNSET,
    topics=_UNSET,
    appearances=_UNSET,
    series=_UNSET,
    quantity=_UNSET,
    notes=_UNSET,
    status=_UNSET,
) -> Claim:
    """Edit a claim under optimistic locking: `expected_version` must be the version the caller read.

    `quantity` and `appearances`, when given, replace the old ones whole. A published claim may be edited: its
    published verdict stays, and the new version is checked like any other.
    """
    claim = Claim.objects.select_for_update(of=("self",)).filter(pk=claim_id).first()
    if claim is None:
        raise ApplicationError("No such claim.", code="not_found", status_code=404)
    if claim.version != expected_version:
        raise ConflictError(
            f"The claim was changed since version {expected_version}; it is now at version {claim.version}.",
            code="stale_version",
            fields={"version": [f"current version is {claim.version}"]},
        )
    for name, value in (
        ("text", text),
        ("speaker", speaker),
        ("attribution_kind", attribution_kind),
        ("stated_on", stated_on),
        ("series", series),
        ("notes", notes),
        ("status", status),
    ):
        if value is not _UNSET:
            setattr(claim, name, value)
    if quantity is not _UNSET:
        for field, value in _normalised_quantity(quantity, claim.stated_on).items():
            setattr(claim, field, value)
    elif claim.value is not None and claim.as_of is None:
        claim.as_of = claim.stated_on
    if status is not _UNSET and status == ClaimStatus.PUBLISHED and claim.published_verdict_id is None:
        raise ConflictError("A claim is published by publishing a verdict.", code="no_published_verdict")
    claim.version = claim.version + 1
    claim._history_user = user
    claim.save()
    if topics is not _UNSET:
        claim.topics.set(_topics(topics))
    if appearances is not _UNSET:
        _replace_appearances(claim, appearances)
    claim_check_soon(claim)
    logger.info("claim.updated", extra={"claim_id": claim.pk, "version": claim.version})
    return claim


# --- policy ---------------------------------------------------------------------------------------------------


def policy_active() -> tuple[VerdictPolicy, engine.Policy]:
    row = VerdictPolicy.objects.filter(is_active=True).first()
    if row is None:
        raise ApplicationError("No verdict policy is active.", code="no_active_policy", status_code=409)
    return row, engine.Policy.from_dict(row.parameters)


@transaction.atomic
def policy_activate(*, version: int) -> VerdictPolicy:
    """Make a policy version the one checks use. Claims are re-checked under it explicitly (check_claims --all)."""
    row = VerdictPolicy.objects.select_for_update(of=("self",)).filter(version=version).first()
    if row is None:
        raise ApplicationError(f"No policy version {version}.", code="not_found", status_code=404)
    engine.Policy.from_dict(row.parameters)  # refuse a policy the engine cannot read before it goes live
    VerdictPolicy.objects.filter(is_active=True).exclude(pk=row.pk).update(is_active=False)
    if not row.is_active:
        row.is_active = True
        row.save(update_fields=["is_active"])
    return row


@transaction.atomic
def policy_create(*, parameters: dict, note: str = "", activate: bool = False) -> VerdictPolicy:
    """Add a policy version. Its `version` comes from the parameters; versions are never edited once checks use them."""
    try:
        policy = engine.Policy.from_dict(parameters)
    except ValueError as exc:
        raise ApplicationError(f"Invalid policy: {exc}", code="invalid_policy") from exc
    if VerdictPolicy.objects.filter(version=policy.version).exists():
        raise ConflictError(f"Policy version {policy.version} exists already.", code="policy_exists")
    row = VerdictPolicy.objects.create(version=policy.version, parameters=policy.to_dict(), note=note)
    if activate:
        row = policy_activate(version=row.version)
    return row


# --- checking -------------------------------------------------------------------------------------------------


def _observation_data(obs: Observation) -> engine.ObservationData:
    return engine.ObservationData(
        id=obs.pk, period_start=obs.period_start, period_end=obs.period_end, value=obs.value, vintage=obs.vintage
    )


def _series_data(series: ReferenceSeries | None) -> engine.SeriesData | None:
    if series is None:
        return None
    observations = tuple(_observation_data(o) for o in series.observations.order_by("id"))
    name = f"{series.name} (illustrative demo data)" if series.illustrative else series.name
    return engine.SeriesData(name=name, unit=series.unit, counted_noun=series.counted_noun, observations=observations)


def _claim_data(claim: Claim) -> engine.ClaimData:
    return engine.ClaimData(
        value=claim.value,
        unit=claim.unit,
        qualifier=claim.qualifier,
        kind=claim.kind,
        as_of=claim.as_of,
        baseline_date=claim.baseline_date,
        due_date=claim.due_date,
        counted_noun=claim.counted_noun,
    )


def _stored(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(STORED_PLACES)


def _same_result(verdict: Verdict | None, result: engine.VerdictResult) -> bool:
    """The engine writes a new verdict only when what it would say differs from what it said last."""
    if verdict is None:
        return False
    return (
        verdict.rating == result.rating
        and verdict.claimed_value == _stored(result.claimed_value)
        and verdict.reference_value == _stored(result.reference_value)
        and verdict.observation_id == (result.observation.id if result.observation else None)
        and verdict.baseline_observation_id == (result.baseline_observation.id if result.baseline_observation else None)
        and verdict.policy_version == result.policy_version
    )


def _outcome(result: engine.VerdictResult | None, changed: bool) -> str:
    if result is None or result.rating == Rating.UNVERIFIABLE:
        return CheckOutcome.UNVERIFIABLE
    if result.rating == Rating.PENDING:
        return CheckOutcome.PENDING
    return CheckOutcome.CHANGED if changed else CheckOutcome.UNCHANGED


class ClaimGone(ApplicationError):
    """The claim was deleted before its check could run."""


@dataclass(frozen=True)
class CheckResult:
    check_run: CheckRun
    computed_verdict: Verdict | None
    created: bool  # False when the same check (same key) had already been done


def claim_check(*, claim: Claim, now: datetime.datetime | None = None) -> CheckResult:
    """Check a claim against the current state of its series under the active policy.

    Keyed by (claim, claim version, series data version, policy version): the same check twice writes one
    CheckRun and only moves `last_checked_at`; a finished run is never redone, a failed one is redone in place.
    Writes a new engine verdict only when the result changed, and never publishes.
    """
    now = now or timezone.now()
    started = time.monotonic()
    try:
        with transaction.atomic():
            # The row lock serialises checks of one claim; the engine is pure and fast, so holding it is cheap.
            locked = Claim.objects.select_for_update(of=("self",)).select_related("series").filter(pk=claim.pk).first()
            if locked is None:  # deleted while this check waited for its lock
                raise ClaimGone(f"Claim {claim.pk} no longer exists.", code="not_found", status_code=404)
            policy_row, policy = policy_active()
            data_version = locked.series.data_version() if locked.series else 0
            run, created = CheckRun.objects.get_or_create(
                claim=locked,
                claim_version=locked.version,
                data_version=data_version,
                policy_version=policy_row.version,
                defaults={"state": CheckState.RUNNING, "started_at": now},
            )
            if not created and run.state == CheckState.DONE:
                Claim.objects.filter(pk=locked.pk).update(last_checked_at=now)
                return CheckResult(run, locked.computed_verdict, created=False)
            if not created:  # failed, or left running by a worker that died: redo it in place
                run.attempts = F("attempts") + 1
                run.state, run.outcome, run.error, run.started_at = CheckState.RUNNING, "", "", now

            # A claim without a figure has no engine verdict (and so never drifts), even if it once had one.
            verdict = locked.computed_verdict if locked.value is not None else None
            changed = False
            result = None
            if locked.value is not None:
                result = engine.evaluate(_claim_data(locked), _series_data(locked.series), policy)
                if not _same_result(verdict, result):
                    previous, verdict = verdict, _verdict_from_result(locked, result, run, now)
                    changed = True
                    if _drift_begins(locked, previous, verdict):
                        webhook_emit(event=WebhookEvent.CLAIM_DRIFT, claim=locked, verdict=verdict)
            run.state = CheckState.DONE
            run.outcome = _outcome(result, changed)
            run.finished_at = timezone.now()
            run.duration_ms = int((time.monotonic() - started) * 1000)
            run.save()
            run.refresh_from_db(fields=["attempts"])
            Claim.objects.filter(pk=locked.pk).update(
                last_checked_at=now, computed_verdict=verdict.pk if verdict else None
            )
            logger.info("claim.check.finished", extra={"claim_id": locked.pk, "outcome": run.outcome})
            return CheckResult(run, verdict, created=True)
    except ClaimGone:
        raise
    except Exception as exc:
        logger.exception("claim.check.failed", extra={"claim_id": claim.pk})
        _record_failure(claim, now, started, exc)
        raise


def _drift_begins(claim: Claim, previous: Verdict | None, new: Verdict) -> bool:
    """The new engine verdict disagrees with the published one, and the last one did not (or said otherwise)."""
    published = claim.published_verdict
    if published is None or new.rating == published.rating:
        return False
    return previous is None or previous.rating != new.rating


def _record_failure(claim: Claim, now: datetime.datetime, started: float, exc: Exception) -> None:
    """Keep the failure on the CheckRun so it is visible and the next attempt redoes it in place."""
    try:
        with transaction.atomic():
            locked = Claim.objects.select_related("series").filter(pk=claim.pk).first()
            row = VerdictPolicy.objects.filter(is_active=True).first()
            if locked is None or row is None:
                return
            key = {
                "claim": locked,
                "claim_version": locked.version,
                "data_version": locked.series.data_version() if locked.series else 0,
                "policy_version": row.version,
            }
            failure = {
                "state": CheckState.FAILED,
                "outcome": CheckOutcome.ERROR,
                "error": f"{type(exc).__name__}: {exc}"[:2000],
                "finished_at": timezone.now(),
                "duration_ms": int((time.monotonic() - started) * 1000),
            }
            # The failed attempt's own increment was rolled back with it, so it is counted here.
            if not CheckRun.objects.filter(**key).update(**failure, attempts=F("attempts") + 1):
                CheckRun.objects.create(**key, **failure, started_at=now)
    except Exception:  # the original error matters more than a failure to record it
        logger.exception("claim.check.failure_not_recorded", extra={"claim_id": claim.pk})


def _verdict_from_result(claim: Claim, result: engine.VerdictResult, run: CheckRun, now: datetime.datetime) -> Verdict:
    return Verdict.objects.create(
        claim=claim,
        rating=result.rating,
        rating_value=result.rating_value,
        made_by=MadeBy.ENGINE,
        claimed_value=_stored(result.claimed_value),
        reference_value=_stored(result.reference_value),
        deviation=_stored(result.deviation),
        deviation_unit=result.deviation_unit,
        rule=result.rule,
        reason=result.reason,
        observation_id=result.observation.id if result.observation else None,
        baseline_observation_id=result.baseline_observation.id if result.baseline_observation else None,
        policy_version=result.policy_version,
        explanation=result.explanation,
        check_run=run,
        created_at=now,
    )


# --- publishing -----------------------------------------------------------------------------------------------


def _editor_rating(rating: str, explanation: str) -> tuple[str, int | None]:
    if rating not in Rating.values:
        raise ApplicationError(
            f"Unknown rating {rating!r}.", code="invalid_rating", fields={"rating": [f"one of {', '.join(Rating.values)}"]}
        )
    if rating == Rating.PENDING:
        raise ApplicationError("A pending verdict cannot be published.", code="invalid_rating", fields={"rating": ["pending"]})
    if not (explanation or "").strip():
        raise ApplicationError("An editor's verdict needs an explanation.", code="required", fields={"explanation": ["required"]})
    return rating, RATING_VALUES[rating]


def _mark_published(claim: Claim, verdict: Verdict, user) -> None:
    # Saved (not a queryset update) so the move to `published` appears in the claim's history with its editor.
    # The version moves too, so an edit form opened before publishing cannot save the old status back.
    claim.published_verdict, claim.status = verdict, ClaimStatus.PUBLISHED
    claim.version += 1
    claim._history_user = user
    claim.save(update_fields=["published_verdict", "status", "version", "updated_at"])


@transaction.atomic
def verdict_publish(*, claim: Claim, user=None, rating: str | None = None, explanation: str = "", now=None) -> Verdict:
    """Publish the engine's latest verdict, or with `rating` and `explanation` an editor's own.

    The claim becomes `published`. An editor's own rating is how claims without a figure get a verdict.
    """
    now = now or timezone.now()
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("computed_verdict", "published_verdict")
        .get(pk=claim.pk)
    )
    if rating is None:
        verdict = claim.computed_verdict
        if verdict is None:
            raise ConflictError("The engine has no verdict on this claim; check it first.", code="no_computed_verdict")
        if verdict.rating == Rating.PENDING:
            raise ConflictError("The engine's verdict is pending; it cannot be published.", code="verdict_pending")
        current = claim.published_verdict
        if current is not None and current.pk == verdict.pk:
            return verdict  # already the public verdict: publishing twice changes nothing
        if current is not None and current.created_at >= verdict.created_at:
            # Re-publishing an older engine verdict would silently undo a newer rating or a correction.
            raise ConflictError(
                "The published verdict is newer than the engine's; correct it instead.", code="verdict_outdated"
            )
        if not CheckRun.objects.filter(claim=claim, claim_version=claim.version, state=CheckState.DONE).exists():
            raise ConflictError(
                "The claim changed after the engine's last check; check it again before publishing.",
                code="verdict_stale",
            )
        if verdict.published_at is None:
            verdict.published_at, verdict.published_by = max(now, verdict.created_at), user
            verdict.save(update_fields=["published_at", "published_by"])
    else:
        if claim.published_verdict_id is not None:
            # A new public rating of a published claim is a correction: it must say why, publicly.
            raise ConflictError(
                "The claim has a published verdict; correct it (with a public note) instead.", code="already_published"
            )
        rating, rating_value = _editor_rating(rating, explanation)
        verdict = Verdict.objects.create(
            claim=claim,
            rating=rating,
            rating_value=rating_value,
            made_by=MadeBy.EDITOR,
            made_by_user=user,
            claimed_value=claim.value,
            explanation=explanation.strip(),
            created_at=now,
            published_at=now,
            published_by=user,
        )
    _mark_published(claim, verdict, user)
    webhook_emit(event=WebhookEvent.VERDICT_PUBLISHED, claim=claim, verdict=verdict)
    logger.info("verdict.published", extra={"claim_id": claim.pk, "verdict_id": verdict.pk})
    return verdict


@transaction.atomic
def verdict_correct(*, claim: Claim, rating: str, explanation: str, note: str, user=None, now=None) -> Verdict:
    """Supersede the published verdict with a new one; the correction note stays public."""
    now = now or timezone.now()
    claim = Claim.objects.select_for_update(of=("self",)).select_related("published_verdict").get(pk=claim.pk)
    previous = claim.published_verdict
    if previous is None:
        raise ConflictError("The claim has no published verdict to correct.", code="nothing_to_correct")
    if not (note or "").strip():
        raise ApplicationError("A correction needs a public note.", code="required", fields={"note": ["required"]})
    rating, rating_value = _editor_rating(rating, explanation)
    verdict = Verdict.objects.create(
        claim=claim,
        rating=rating,
        rating_value=rating_value,
        made_by=MadeBy.EDITOR,
        made_by_user=user,
        claimed_value=claim.value,
        reference_value=previous.reference_value,
        observation=previous.observation,
        baseline_observation=previous.baseline_observation,
        explanation=explanation.strip(),
        note=note.strip(),
        supersedes=previous,
        created_at=now,
        published_at=now,
        published_by=user,
    )
    _mark_published(claim, verdict, user)
    webhook_emit(event=WebhookEvent.VERDICT_CORRECTED, claim=claim, verdict=verdict)
    logger.info("verdict.corrected", extra={"claim_id": claim.pk, "verdict_id": verdict.pk, "supersedes": previous.pk})
    return verdict


# --- imports (claims.imports): upserts on natural keys ----------------------------------------------------------
#
# An import makes the database say what a file says, matching rows on natural keys: a speaker on (name, kind), a
# source on its URL, an outlet on its name, a series on its slug, a claim on (text, speaker's name, stated_on).
# What a file does not carry is left as stored; what is the same is not written, so importing a file twice
# changes nothing (no new rows, no version bump, no history).


def speaker_match_or_create(
    *, name: str, kind: str | None = None, role: str = "", same_as: str = "", organization: str = ""
) -> tuple[Speaker, str]:
    """The speaker named `name` of `kind` (any kind when None), created if missing; returns (speaker, action).

    A matched speaker only gets the role or `same_as` it lacks: editors keep speakers' records, a file does not
    overwrite them.
    """
    matches = Speaker.objects.filter(name=name)
    if kind:
        matches = matches.filter(kind=kind)
    speaker = matches.order_by("pk").first()
    if speaker is None:
        return (
            speaker_create(
                name=name, kind=kind or Speaker.Kind.PERSON, role=role, same_as=same_as, organization=organization
            ),
            "created",
        )
    missing = {
        field: value
        for field, value in (("role", role), ("same_as", same_as), ("organization", organization))
        if value and not getattr(speaker, field)
    }
    if not missing:
        return speaker, "unchanged"
    for field, value in missing.items():
        setattr(speaker, field, value)
    speaker.save(update_fields=list(missing))
    return speaker, "updated"


def outlet_match_or_create(*, name: str, kind: str | None = None):
    """The outlet named `name` (case-insensitive), created with `kind` (default news) if missing."""
    from sources import services as source_services
    from sources.models import Outlet

    outlet = Outlet.objects.filter(name__iexact=name).order_by("pk").first()
    if outlet is not None:
        return outlet, "unchanged"
    return source_services.outlet_create(name=name, kind=kind or Outlet.Kind.NEWS), "created"


def source_match_or_create(
    *, url: str, title: str = "", outlet_name: str = "", published_on: datetime.date | None = None
) -> tuple[Source, str]:
    """The source at `url`, created if missing. A matched source only gets the title, outlet or date it lacks."""
    from sources import services as source_services

    source = Source.objects.filter(url=url).select_related("outlet").first()
    outlet = outlet_match_or_create(name=outlet_name)[0] if outlet_name else None
    if source is None:
        return source_services.source_create(url=url, title=title, outlet=outlet, published_on=published_on), "created"
    missing = {
        field: value
        for field, value in (("title", title), ("outlet", outlet), ("published_on", published_on))
        if value and not getattr(source, field)
    }
    if not missing:
        return source, "unchanged"
    for field, value in missing.items():
        setattr(source, field, value)
    source.save(update_fields=list(missing))
    return source, "updated"


def series_upsert(
    *,
    slug: str,
    name: str | None = None,
    unit: str | None = None,
    counted_noun: str | None = None,
    publisher_name: str | None = None,
    illustrative: bool | None = None,
) -> tuple[ReferenceSeries, str]:
    """The series `slug`, created or brought in line with what is given; returns (series, action).

    None leaves a field as stored; `publisher_name` "" removes the publisher (matched or created by name). A series'
    unit is never changed by an import: its claims were checked in that unit.
    """
    from sources import services as source_services
    from sources.models import Outlet

    publisher = None
    if publisher_name:
        publisher = outlet_match_or_create(name=publisher_name, kind=Outlet.Kind.OTHER)[0]
    series = ReferenceSeries.objects.filter(slug=slug).first()
    if series is None:
        missing = [field for field, value in (("series_name", name), ("unit", unit)) if not value]
        if missing:
            raise ApplicationError(
                f"A new series needs {' and '.join(missing)}.",
                code="required",
                fields={field: ["required for a new series"] for field in missing},
            )
        series = source_services.series_create(
            slug=slug, name=name, unit=unit, counted_noun=counted_noun or "", publisher=publisher
        )
        if illustrative:
            series.illustrative = True
            series.save(update_fields=["illustrative"])
        return series, "created"
    if unit and unit != series.unit:
        raise ConflictError(
            f"Series {slug!r} is in {series.unit}, the file says {unit}; an import does not change a series' unit.",
            code="series_unit_conflict",
            fields={"unit": [f"the series is in {series.unit}"]},
        )
    wanted = {"name": name or None, "counted_noun": counted_noun, "illustrative": illustrative}
    changed = {field: value for field, value in wanted.items() if value is not None and getattr(series, field) != value}
    if publisher_name is not None and series.publisher_id != (publisher.pk if publisher else None):
        changed["publisher"] = publisher
    if not changed:
        return series, "unchanged"
    for field, value in changed.items():
        setattr(series, field, value)
    series.save(update_fields=list(changed))
    return series, "updated"


def _default_attribution(speaker: Speaker | None) -> str:
    if speaker is None:
        return AttributionKind.OWN
    return AttributionKind.ANONYMOUS if speaker.kind == Speaker.Kind.ANONYMOUS else AttributionKind.PARAPHRASE


def claim_natural_key_matches(*, text: str, speaker_name: str | None, stated_on: datetime.date | None):
    """Claims whose natural key is (text, speaker's name, stated_on); the speaker-less and undated match on null."""
    matches = Claim.objects.filter(text=text)
    matches = matches.filter(speaker__name=speaker_name) if speaker_name else matches.filter(speaker__isnull=True)
    return matches.filter(stated_on=stated_on) if stated_on else matches.filter(stated_on__isnull=True)


def _appearances_wanted(claim: Claim | None, appearances: list[AppearanceInput]) -> list[AppearanceInput]:
    """Resolve unknown excerpts (None: the file does not say) to the stored one for that source, else empty."""
    stored = {a.source_id: a.excerpt for a in claim.appearances.all()} if claim is not None else {}
    return [
        AppearanceInput(
            source=item.source, excerpt=stored.get(item.source.pk, "") if item.excerpt is None else item.excerpt
        )
        for item in appearances
    ]


@transaction.atomic
def claim_upsert(
    *,
    text: str,
    speaker: Speaker | None,
    stated_on: datetime.date | None,
    user=None,
    attribution_kind=_UNSET,
    topics=_UNSET,
    appearances=_UNSET,
    series=_UNSET,
    quantity=_UNSET,
    status=_UNSET,
) -> tuple[Claim, str]:
    """Match the claim on (text, speaker's name, stated_on) and make it say what is given; returns (claim, action)
    with action "created", "updated" or "unchanged".

    Arguments left unset are left as stored (a new claim gets the defaults of `claim_create`, and stays undated when
    `stated_on` is None, so its key does not move). `quantity` and `appearances` replace the old ones whole, as in
    `claim_update`; an appearance whose excerpt is None keeps the stored excerpt. An update goes through
    `claim_update` (one version step, history); nothing is written when nothing differs. `published` is reached by
    publishing a verdict (`verdict_import`), not by setting the status.
    """
    matches = list(
        claim_natural_key_matches(text=text, speaker_name=speaker.name if speaker else None, stated_on=stated_on)
        .select_for_update(of=("self",))
        .order_by("pk")[:2]
    )
    if len(matches) > 1:
        raise ConflictError(
            "Several claims have this text, speaker and date; the row cannot say which one it is.",
            code="ambiguous_claim",
        )
    claim = matches[0] if matches else None
    if appearances is not _UNSET:
        appearances = _appearances_wanted(claim, appearances)

    if claim is None:
        if status is not _UNSET and status == ClaimStatus.PUBLISHED:
            raise ConflictError("A claim is published by publishing a verdict.", code="no_published_verdict")
        q = _normalised_quantity(None if quantity is _UNSET else quantity, stated_on)
        claim = Claim(
            text=text,
            speaker=speaker,
            attribution_kind=_default_attribution(speaker) if attribution_kind in (_UNSET, None) else attribution_kind,
            stated_on=stated_on,
            series=None if series is _UNSET else series,
            status=ClaimStatus.DRAFT if status in (_UNSET, None) else status,
            created_by=user,
            **q,
        )
        claim._history_user = user
        claim.save()
        claim.topics.set(_topics([] if topics is _UNSET else topics))
        _replace_appearances(claim, [] if appearances is _UNSET else appearances)
        logger.info("claim.imported", extra={"claim_id": claim.pk, "action": "created"})
        return claim, "created"

    changes = {}
    if claim.speaker_id != (speaker.pk if speaker else None):
        changes["speaker"] = speaker
    if attribution_kind not in (_UNSET, None) and attribution_kind != claim.attribution_kind:
        changes["attribution_kind"] = attribution_kind
    if status not in (_UNSET, None) and status != claim.status:
        changes["status"] = status
    if series is not _UNSET and claim.series_id != (series.pk if series else None):
        changes["series"] = series
    if quantity is not _UNSET:
        q = _normalised_quantity(quantity, stated_on)
        if any(getattr(claim, field) != q[field] for field in QUANTITY_FIELDS):
            changes["quantity"] = quantity
    if topics is not _UNSET and set(claim.topics.values_list("slug", flat=True)) != set(topics):
        changes["topics"] = list(topics)
    if appearances is not _UNSET:
        stored = [(a.source_id, a.excerpt) for a in claim.appearances.order_by("-is_first", "id")]
        if stored != [(item.source.pk, item.excerpt) for item in appearances]:
            changes["appearances"] = appearances
    if not changes:
        return claim, "unchanged"
    claim = claim_update(claim_id=claim.pk, expected_version=claim.version, user=user, **changes)
    logger.info("claim.imported", extra={"claim_id": claim.pk, "action": "updated", "fields": sorted(changes)})
    return claim, "updated"


@transaction.atomic
def verdict_import(
    *,
    claim: Claim,
    rating: str,
    explanation: str,
    made_by: str = MadeBy.EDITOR,
    published_at: datetime.datetime | datetime.date | None = None,
    claimed_value: Decimal | None = None,
    reference_value: Decimal | None = None,
    deviation: Decimal | None = None,
    deviation_unit: str = "",
    rule: str = "",
    policy_version: int | None = None,
    observation: Observation | None = None,
    user=None,
    now: datetime.datetime | None = None,
) -> tuple[Verdict, bool]:
    """Record a verdict published elsewhere (an export, a ClaimReview) as the claim's published verdict.

    Nothing is written when the claim already has a published verdict with the same rating, explanation and
    `published_at` (a date: published that day, UTC, as ClaimReview says it; None: any time); returns (verdict,
    created). A new
    one becomes the public verdict and the claim `published`; it supersedes (as a correction, with a note) a
    published verdict older than it, and is refused when the claim's public verdict is newer. It is a record, not
    a check: the engine's own verdicts, check runs and `computed_verdict` are left alone.
    """
    now = now or timezone.now()
    claim = Claim.objects.select_for_update(of=("self",)).select_related("published_verdict").get(pk=claim.pk)
    rating, rating_value = _editor_rating(rating, explanation)
    explanation = explanation.strip()
    same = claim.verdicts.filter(published_at__isnull=False, rating=rating, explanation=explanation)
    if isinstance(published_at, datetime.datetime):
        same = same.filter(published_at=published_at)
    elif isinstance(published_at, datetime.date):
        published_at = datetime.datetime.combine(published_at, datetime.time.min, tzinfo=datetime.UTC)
        same = same.filter(published_at__gte=published_at, published_at__lt=published_at + datetime.timedelta(days=1))
    existing = same.order_by("-published_at", "-id").first()
    if existing is not None:
        return existing, False
    if made_by not in MadeBy.values:
        raise ApplicationError(
            f"Unknown maker {made_by!r}.",
            code="invalid_made_by",
            fields={"made_by": [f"one of {', '.join(MadeBy.values)}"]},
        )
    if made_by == MadeBy.ENGINE and policy_version is None:
        raise ApplicationError(
            "An engine verdict names the policy version that decided it.",
            code="required",
            fields={"policy_version": ["required for an engine verdict"]},
        )
    published_at = published_at or now
    previous = claim.published_verdict
    if previous is not None and previous.published_at >= published_at:
        raise ConflictError(
            f"The claim's published verdict ({previous.label}, published {previous.published_at:%Y-%m-%d %H:%M}) "
            "is newer than the imported one.",
            code="verdict_outdated",
        )
    verdict = Verdict.objects.create(
        claim=claim,
        rating=rating,
        rating_value=rating_value,
        made_by=made_by,
        claimed_value=claimed_value,
        reference_value=reference_value,
        deviation=deviation,
        deviation_unit=deviation_unit or "",
        rule=rule or "",
        observation=observation,
        policy_version=policy_version,
        explanation=explanation,
        note=(
            f"Imported: replaces the verdict published on {previous.published_at:%Y-%m-%d}."
            if previous is not None
            else ""
        ),
        supersedes=previous,
        # Made no later than published: the record of a verdict that was published at `published_at`.
        created_at=published_at,
        published_at=published_at,
        published_by=user,
    )
    _mark_published(claim, verdict, user)
    logger.info("verdict.imported", extra={"claim_id": claim.pk, "verdict_id": verdict.pk})
    return verdict, True


# --- scheduling: the sweep hands due claims to the workers ---------------------------------------------------

# Long enough for a queued check to start and finish (the hard time limit) with room for a busy queue; a lease
# that runs out lets the next sweep hand the claim out again after a worker died holding it.
CHECK_LEASE = datetime.timedelta(minutes=30)


def _claims_due(now: datetime.datetime):
    stale_before = now - datetime.timedelta(days=settings.FACTCHECK_RECHECK_AFTER_DAYS)
    newer_data = Observation.objects.filter(series=OuterRef("series"), recorded_at__gt=OuterRef("last_checked_at"))
    # An edit saved while a check of the previous version was running: the current version was never checked.
    current_version_checked = CheckRun.objects.filter(
        claim=OuterRef("pk"), claim_version=OuterRef("version"), state=CheckState.DONE
    )
    forecast_fell_due = Q(kind=ClaimKind.FORECAST, due_date__lte=now.date()) & (
        Q(last_checked_at__date__lte=F("due_date"))
    )
    return (
        Claim.objects.filter(value__isnull=False)
        .exclude(status=ClaimStatus.RETRACTED)
        .filter(
            Q(last_checked_at__isnull=True)
            | Q(last_checked_at__lt=stale_before)
            | forecast_fell_due
            | Q(series__isnull=False, last_checked_at__isnull=False) & Q(Exists(newer_data))
            | ~Q(Exists(current_version_checked))
        )
        .filter(_lease_free(now))
    )


def _lease_free(now: datetime.datetime) -> Q:
    return Q(check_lease_until__isnull=True) | Q(check_lease_until__lt=now)


def _lease_claim(claim_id: int, now: datetime.datetime) -> bool:
    """Claim the claim's check for a worker: a conditional update, so of two callers only one gets it, and a
    lease that runs out (its worker died) lets the work be handed out again."""
    return bool(Claim.objects.filter(pk=claim_id).filter(_lease_free(now)).update(check_lease_until=now + CHECK_LEASE))


def claims_lease_due(*, now: datetime.datetime, limit: int = 5000) -> list[int]:
    """Lease and return the claims due for a check: never checked, stale, a forecast that fell due, or a series
    with data newer than the last check. A conditional update claims each one, so two sweeps never double it."""
    leased = []
    for claim_id in _claims_due(now).order_by("last_checked_at", "pk").values_list("pk", flat=True)[:limit]:
        if _lease_claim(claim_id, now):
            leased.append(claim_id)
    return leased


def claim_check_soon(claim: Claim, now: datetime.datetime | None = None) -> None:
    """After the surrounding commit, hand a numeric claim to a worker (leased, so the sweep leaves it alone).

    If the broker is down the lease is released and the next sweep checks the claim: a save never fails for it.
    """
    if claim.value is None:
        return
    now = now or timezone.now()
    if _lease_claim(claim.pk, now):
        transaction.on_commit(lambda: claim_check_enqueue(claim.pk))


def claim_check_enqueue(claim_id: int) -> bool:
    """Queue a check. With the broker down the claim's lease is released and the next sweep picks it up, so a
    save never fails because the queue is unreachable."""
    from .tasks import check_claim

    try:
        check_claim.delay(claim_id)
        return True
    except Exception:  # kombu raises several connection errors; every one means "not queued"
        logger.warning("claim.check.not_enqueued", extra={"claim_id": claim_id}, exc_info=True)
        Claim.objects.filter(pk=claim_id).update(check_lease_until=None)
        return False


def claim_check_leased(*, claim: Claim) -> CheckResult:
    """A worker's check: the keyed check, then the sweep's lease released."""
    try:
        return claim_check(claim=claim)
    finally:
        Claim.objects.filter(pk=claim.pk).update(check_lease_until=None)


def claims_recheck_series(*, series_id: int, now: datetime.datetime | None = None) -> list[int]:
    """New data arrived for a series: check its claims now instead of at their staleness limit."""
    now = now or timezone.now()
    ids = list(
        Claim.objects.filter(series_id=series_id, value__isnull=False)
        .exclude(status=ClaimStatus.RETRACTED)
        .values_list("pk", flat=True)
    )
    leased = [pk for pk in ids if _lease_claim(pk, now)]
    for pk in leased:
        claim_check_enqueue(pk)
    return leased


def claims_with_source_problems():
    """Claims citing a source whose latest link check found it gone or changed: for editors to look at."""
    return Claim.objects.filter(
        Exists(Appearance.objects.filter(claim=OuterRef("pk"), source__last_status__in=["missing", "changed"]))
    )


# --- webhooks -------------------------------------------------------------------------------------------------

WEBHOOK_MAX_ATTEMPTS = 8
WEBHOOK_LEASE = datetime.timedelta(minutes=5)


def _plain_decimal(value: Decimal | None) -> str | None:
    """As the API writes decimals: "38000", never "3.8E+4"."""
    return None if value is None else format(value.normalize(), "f")


def webhook_payload(event: str, claim: Claim, verdict: Verdict | None, event_id: uuid.UUID) -> dict:
    from .claimreview import claim_page_url

    def verdict_data(v: Verdict | None):
        if v is None:
            return None
        return {
            "id": v.pk,
            "rating": v.rating,
            "rating_value": v.rating_value,
            "label": v.label,
            "explanation": v.explanation,
            "made_by": v.made_by,
            "claimed_value": _plain_decimal(v.claimed_value),
            "reference_value": _plain_decimal(v.reference_value),
            "policy_version": v.policy_version,
            "published_at": v.published_at.isoformat() if v.published_at else None,
            "supersedes": v.supersedes_id,
            "note": v.note,
        }

    return {
        "id": str(event_id),
        "event": event,
        "created_at": timezone.now().isoformat(),
        "claim": {"id": claim.pk, "text": claim.text, "url": claim_page_url(claim), "status": claim.status},
        "verdict": verdict_data(verdict),
    }


def webhook_emit(*, event: str, claim: Claim, verdict: Verdict | None) -> list[WebhookDelivery]:
    """Record one delivery per interested subscriber and send them after the surrounding commit."""
    event_id = uuid.uuid4()
    payload = webhook_payload(event, claim, verdict, event_id)
    deliveries = [
        WebhookDelivery.objects.create(subscription=sub, event_id=event_id, event=event, payload=payload)
        for sub in WebhookSubscription.objects.filter(is_active=True)
        if sub.wants(event)
    ]
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: _webhook_enqueue(pk))
    return deliveries


def webhooks_pending_due(*, now: datetime.datetime, older_than: datetime.timedelta = WEBHOOK_LEASE) -> list[int]:
    """Pending deliveries nobody is working on (their enqueue failed, or their worker died): sent again by the
    periodic job. Young ones are left to the retry already scheduled for them."""
    return list(
        WebhookDelivery.objects.filter(state=DeliveryState.PENDING, created_at__lt=now - older_than)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        # A delivery waiting for its scheduled retry is left to it (with some grace for a busy queue).
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=now - older_than))
        .values_list("pk", flat=True)
    )


def _webhook_enqueue(delivery_id: int) -> None:
    from .tasks import deliver_webhook

    try:
        deliver_webhook.delay(delivery_id)
    except Exception:  # a pending delivery stays in the log; the periodic `resend_pending_webhooks` picks it up
        logger.warning("webhook.delivery.not_enqueued", extra={"delivery_id": delivery_id}, exc_info=True)


def webhook_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_deliver(*, delivery: WebhookDelivery, now=None) -> int | None:
    """POST one delivery. Returns None when finished (delivered or given up), or the seconds to wait before
    the next attempt when the receiver had a transient failure."""
    now = now or timezone.now()
    taken = (
        WebhookDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.PENDING)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + WEBHOOK_LEASE, attempts=F("attempts") + 1)
    )
    if not taken:  # delivered already, given up, or another worker is on it
        return None
    delivery.refresh_from_db()
    body = json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Factcheck-Event": delivery.event,
        "X-Factcheck-Event-Id": str(delivery.event_id),
        "X-Factcheck-Signature": webhook_signature(delivery.subscription.secret, body),
    }
    status, error, transient = None, "", False
    try:
        result = fetch(delivery.subscription.url, method="POST", body=body, headers=headers, max_bytes=64 * 1024)
        status = result.status_code
        transient = status >= 500 or status in (408, 429)
        if status >= 300:
            error = f"http_{status}"
    except FetchError as exc:
        error, transient = exc.code, exc.transient
    finished = status is not None and 200 <= status < 300
    gave_up = not finished and (not transient or delivery.attempts >= WEBHOOK_MAX_ATTEMPTS)
    # The backoff follows the delivery's own attempts, so a resend by the periodic job does not restart it.
    retry_in = None if finished or gave_up else random.randint(0, min(3600, 30 * 2 ** (delivery.attempts - 1)))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.DELIVERED if finished else DeliveryState.FAILED if gave_up else DeliveryState.PENDING,
        last_status_code=status,
        last_error=error[:500],
        delivered_at=now if finished else None,
        next_attempt_at=None if retry_in is None else now + datetime.timedelta(seconds=retry_in),
        lease_until=None,
    )
    logger.info(
        "webhook.delivery.attempted",
        extra={"delivery_id": delivery.pk, "status": status, "error": error, "attempt": delivery.attempts},
    )
    return retry_in  # exponential backoff with full jitter, or None when finished
