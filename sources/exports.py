"""The series export: one row per observation, with its series' columns repeated (stable, documented in README).

Lives in `sources` (the claims importer reads the same columns from here), so `sources` stays free of `claims`.
A series without observations is one row with the observation columns empty.
"""

from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet

from factcheck.renderers import export_response

from .models import Observation, ReferenceSeries

SERIES_COLUMNS = (
    "series_slug",
    "series_name",
    "unit",
    "counted_noun",
    "publisher",
    "illustrative",
    "period_start",
    "period_end",
    "value",
    "vintage",
    "note",
)
OBSERVATION_ORDER = ("period_end", "period_start", "vintage", "id")
CHUNK_SIZE = 200


def series_export_queryset(queryset: QuerySet[ReferenceSeries]) -> QuerySet[ReferenceSeries]:
    """The series with what their rows need, in slug order: a fixed number of queries per chunk of series."""
    return (
        queryset.select_related("publisher")
        .prefetch_related(Prefetch("observations", queryset=Observation.objects.order_by(*OBSERVATION_ORDER)))
        .order_by("slug", "id")
    )


def series_columns(series: ReferenceSeries) -> dict:
    return {
        "series_slug": series.slug,
        "series_name": series.name,
        "unit": series.unit,
        "counted_noun": series.counted_noun,
        "publisher": series.publisher.name if series.publisher_id else None,
        "illustrative": series.illustrative,
    }


def observation_columns(observation: Observation | None) -> dict:
    if observation is None:
        return dict.fromkeys(("period_start", "period_end", "value", "vintage", "note"))
    return {
        "period_start": observation.period_start,
        "period_end": observation.period_end,
        "value": observation.value,
        "vintage": observation.vintage,
        "note": observation.note,
    }


def series_rows(queryset: QuerySet[ReferenceSeries]) -> Iterator[dict]:
    """Rows of `queryset` (already limited to what the caller may see), streamed in chunks."""
    for series in series_export_queryset(queryset).iterator(chunk_size=CHUNK_SIZE):
        head = series_columns(series)
        observations = list(series.observations.all())
        for observation in observations or [None]:
            yield head | observation_columns(observation)


def series_export_response(queryset: QuerySet[ReferenceSeries], fmt: str, basename: str = "series"):
    return export_response(fmt, SERIES_COLUMNS, series_rows(queryset), basename)
