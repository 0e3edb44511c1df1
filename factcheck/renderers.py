"""Renderers of the API: JSON-LD, and the CSV and JSON Lines exports with their streaming helpers.

The export renderers take part in content negotiation only (so `?format=csv`, `?format=jsonl` or an `Accept:
text/csv` header select them); the views that offer them stream the rows themselves (`export_response`), so the
renderers' own `render` only ever sees what is not an export, an error payload, and answers it as JSON.
"""

import csv
import datetime
import json
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils import timezone
from rest_framework.fields import DateTimeField
from rest_framework.renderers import BaseRenderer, JSONRenderer

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
JSONL_CONTENT_TYPE = "application/x-ndjson"


class JSONLDRenderer(JSONRenderer):
    """JSON-LD (schema.org) documents, served as application/ld+json."""

    media_type = "application/ld+json"
    format = "jsonld"


class _ExportRenderer(BaseRenderer):
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only a non-export response (an error, a write's answer) is rendered here: say it as JSON.
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data, "application/json", renderer_context)


class CSVRenderer(_ExportRenderer):
    media_type = "text/csv"
    format = "csv"


class JSONLinesRenderer(_ExportRenderer):
    media_type = "application/x-ndjson"
    format = "jsonl"


EXPORT_RENDERERS = (CSVRenderer, JSONLinesRenderer)
EXPORT_FORMATS = tuple(renderer.format for renderer in EXPORT_RENDERERS)


def export_schema_responses(json_response) -> dict:
    """OpenAPI responses of a list that is also an export: JSON (`json_response`) or the export's text; its errors
    are JSON whatever format was asked for (documented so, not as CSV)."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiResponse

    from .schema import _ERRORS, _READ_ERRORS, ErrorSerializer

    return {
        (200, "application/json"): json_response,
        (200, "text/csv"): OpenApiTypes.STR,
        (200, "application/x-ndjson"): OpenApiTypes.STR,
        **{
            (int(code), "application/json"): OpenApiResponse(ErrorSerializer, description=_ERRORS[code])
            for code in _READ_ERRORS
        },
    }


def export_format(request) -> str | None:
    """The export format content negotiation chose for this request ("csv", "jsonl"), or None."""
    renderer = getattr(request, "accepted_renderer", None)
    fmt = getattr(renderer, "format", None)
    return fmt if fmt in EXPORT_FORMATS else None


# --- cell values --------------------------------------------------------------------------------------------


def plain_decimal(value: Decimal) -> str:
    """38000.000000 -> "38000", 0.500000 -> "0.5", never an exponent: as the API writes decimals."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


_datetime_field = DateTimeField()


def json_value(value):
    """A typed value as it goes into a JSON line: decimals as strings, dates ISO 8601, empty text as null."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, datetime.datetime):
        return _datetime_field.to_representation(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def csv_value(value, list_separator: str = ";") -> str:
    """A typed value as a CSV cell: empty for null, true/false, lists joined with `list_separator`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return list_separator.join(str(item) for item in value)
    converted = json_value(value)
    return "" if converted is None else str(converted)


# --- streams ------------------------------------------------------------------------------------------------


class _Echo:
    """A file-like object csv.writer writes one row into, handed straight back."""

    def write(self, value: str) -> str:
        return value


def stream_csv(
    columns: Sequence[str], rows: Iterable[dict], list_separators: dict[str, str] | None = None
) -> Iterator[str]:
    """The header, then one CSV line per row (a dict of typed values keyed by column)."""
    separators = list_separators or {}
    writer = csv.writer(_Echo())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([csv_value(row.get(column), separators.get(column, ";")) for column in columns])


def stream_jsonl(columns: Sequence[str], rows: Iterable[dict]) -> Iterator[str]:
    """One JSON object per line, with every column as a key (lists stay lists; empty lists are [])."""
    for row in rows:
        line = {}
        for column in columns:
            value = row.get(column)
            line[column] = [json_value(v) for v in value] if isinstance(value, (list, tuple)) else json_value(value)
        yield json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"


def export_response(
    fmt: str,
    columns: Sequence[str],
    rows: Iterable[dict],
    basename: str,
    list_separators: dict[str, str] | None = None,
) -> StreamingHttpResponse:
    """A streamed download: `<basename>-YYYYMMDD.csv` or `.jsonl`, as an attachment."""
    if fmt == "csv":
        content, content_type = stream_csv(columns, rows, list_separators), CSV_CONTENT_TYPE
    elif fmt == "jsonl":
        content, content_type = stream_jsonl(columns, rows), JSONL_CONTENT_TYPE
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    response = StreamingHttpResponse((chunk.encode("utf-8") for chunk in content), content_type=content_type)
    filename = f"{basename}-{timezone.localdate():%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
