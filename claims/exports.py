"""Exports of claims with their published verdicts, as CSV and JSON Lines: one column set for the API and the admin.

The columns are stable and documented in README.md ("Exports and imports"); `claims.imports` reads the same
columns back, so an export re-imported into an empty database (series first) gives the same claims and published
verdicts. Rows are built from `selectors.claim_queryset`, streamed in chunks with its prefetches, so an export
runs a fixed number of queries per chunk whatever its size.
"""

from collections.abc import Iterator

from django.db.models import QuerySet

from factcheck.renderers import export_response
from sources.exports import SERIES_COLUMNS  # noqa: F401  (re-exported: the series half of the round trip)

from . import selectors
from .claimreview import claim_page_url
from .models import Claim

CLAIM_COLUMNS = (
    "id",
    "text",
    "speaker",
    "speaker_kind",
    "speaker_role",
    "speaker_same_as",
    "attribution_kind",
    "stated_on",
    "topics",
    "status",
    "value",
    "unit",
    "counted_noun",
    "qualifier",
    "kind",
    "as_of",
    "baseline_date",
    "due_date",
    "series",
    "first_source_url",
    "first_source_title",
    "first_source_outlet",
    "first_source_published_on",
    "excerpt",
    "other_source_urls",
    "verdict_rating",
    "verdict_rating_value",
    "verdict_label",
    "verdict_explanation",
    "verdict_made_by",
    "verdict_claimed_value",
    "verdict_reference_value",
    "verdict_deviation",
    "verdict_deviation_unit",
    "verdict_rule",
    "verdict_policy_version",
    "verdict_observation_period_start",
    "verdict_observation_period_end",
    "verdict_observation_vintage",
    "verdict_published_at",
    "claim_url",
)
# List columns: joined with these in CSV, JSON arrays in JSON Lines.
LIST_SEPARATORS = {"topics": ";", "other_source_urls": " "}
QUANTITY_COLUMNS = ("value", "unit", "counted_noun", "qualifier", "kind", "as_of", "baseline_date", "due_date")
VERDICT_COLUMNS = tuple(column for column in CLAIM_COLUMNS if column.startswith("verdict_"))
CHUNK_SIZE = 500


def claim_row(claim: Claim) -> dict:
    """One claim as a row of typed values (str, int, Decimal, date, datetime, list, None), keyed by column.

    Needs `selectors.claim_queryset`'s joins and prefetches (speaker, series, topics, appearances with their
    sources and outlets, the published verdict with its observation).
    """
    speaker = claim.speaker
    appearances = list(claim.appearances.all())  # first appearance first (Appearance.Meta.ordering)
    first = appearances[0] if appearances else None
    first_source = first.source if first else None
    verdict = claim.published_verdict
    observation = verdict.observation if verdict and verdict.observation_id else None
    row = {
        "id": claim.pk,
        "text": claim.text,
        "speaker": speaker.name if speaker else None,
        "speaker_kind": speaker.kind if speaker else None,
        "speaker_role": speaker.role if speaker else None,
        "speaker_same_as": speaker.same_as if speaker else None,
        "attribution_kind": claim.attribution_kind,
        "stated_on": claim.stated_on,
        "topics": sorted(topic.slug for topic in claim.topics.all()),
        "status": claim.status,
        **{column: getattr(claim, column) for column in QUANTITY_COLUMNS},
        "series": claim.series.slug if claim.series_id else None,
        "first_source_url": first_source.url if first_source else None,
        "first_source_title": first_source.title if first_source else None,
        "first_source_outlet": first_source.outlet.name if first_source and first_source.outlet_id else None,
        "first_source_published_on": first_source.published_on if first_source else None,
        "excerpt": first.excerpt if first else None,
        "other_source_urls": [appearance.source.url for appearance in appearances[1:]],
        **dict.fromkeys(VERDICT_COLUMNS),
        "claim_url": claim_page_url(claim) if verdict and claim.status == Claim.Status.PUBLISHED else None,
    }
    if verdict is not None:
        row |= {
            "verdict_rating": verdict.rating,
            "verdict_rating_value": verdict.rating_value,
            "verdict_label": verdict.label,
            "verdict_explanation": verdict.explanation,
            "verdict_made_by": verdict.made_by,
            "verdict_claimed_value": verdict.claimed_value,
            "verdict_reference_value": verdict.reference_value,
            "verdict_deviation": verdict.deviation,
            "verdict_deviation_unit": verdict.deviation_unit,
            "verdict_rule": verdict.rule,
            "verdict_policy_version": verdict.policy_version,
            "verdict_observation_period_start": observation.period_start if observation else None,
            "verdict_observation_period_end": observation.period_end if observation else None,
            "verdict_observation_vintage": observation.vintage if observation else None,
            "verdict_published_at": verdict.published_at,
        }
    return row


def claim_rows(queryset: QuerySet[Claim]) -> Iterator[dict]:
    """Rows of `queryset` in id order, in chunks. Pass a queryset built on `selectors.claim_queryset` (filtered as
    the caller may see it); its prefetches run once per chunk."""
    for claim in queryset.order_by("id").iterator(chunk_size=CHUNK_SIZE):
        yield claim_row(claim)


def claims_for_export(queryset: QuerySet[Claim], *, editor: bool) -> QuerySet[Claim]:
    """`queryset`'s claims (any filtering of Claim, e.g. an admin selection) with what their rows need."""
    return selectors.claim_queryset(editor=editor).filter(pk__in=queryset.values("pk"))


def claims_export_response(queryset: QuerySet[Claim], fmt: str, basename: str = "claims"):
    """A streamed CSV or JSON Lines download of `queryset` (built on `selectors.claim_queryset`)."""
    return export_response(fmt, CLAIM_COLUMNS, claim_rows(queryset), basename, LIST_SEPARATORS)
