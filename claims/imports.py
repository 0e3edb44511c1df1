"""Imports of claims and series: the exports' own CSV and JSON Lines, and schema.org ClaimReview JSON-LD.

Every row is validated with the API's own fields (`QuantitySerializer`, `ValueField`, the model vocabularies) and
written through the services, each in its own transaction (a savepoint inside a caller's one), so a bad row is
refused alone, writes nothing half-way and never undoes the rows before it. Rows are matched on natural keys
(series: slug; observation: series, period, vintage; speaker: name and kind; source: URL; claim: text, speaker's
name, stated_on) and only what differs is written: importing a file twice changes nothing.

What a file does not carry is left as stored: a CSV without a `value` column leaves figures alone, a ClaimReview
(which has no quantity, series or topics) leaves those alone, and a row without a verdict never withdraws a
published one. Columns: README.md, "Exports and imports"; `claims.exports.CLAIM_COLUMNS`,
`sources.exports.SERIES_COLUMNS`.
"""

import csv
import io
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, transaction
from rest_framework import serializers

from factcheck.exceptions import ApplicationError
from factcheck.fields import ValueField
from sources import services as source_services
from sources.exports import SERIES_COLUMNS
from sources.models import Observation, ReferenceSeries, Unit

from . import services
from .api.serializers import QuantitySerializer
from .exports import CLAIM_COLUMNS, QUANTITY_COLUMNS, VERDICT_COLUMNS
from .models import (
    RATING_VALUES,
    AttributionKind,
    ClaimStatus,
    DeviationUnit,
    MadeBy,
    Rating,
    SpeakerKind,
)

logger = logging.getLogger(__name__)

CLAIM_FORMATS = ("csv", "jsonl", "claimreview")
SERIES_FORMATS = ("csv", "jsonl")
CREATED, UPDATED, UNCHANGED, REFUSED = "created", "updated", "unchanged", "refused"
ACTIONS = (CREATED, UPDATED, UNCHANGED, REFUSED)
ANONYMOUS_SUFFIX = "(anonymous source)"
MAX_KEY_TEXT = 60


class ImportFileError(Exception):
    """The file as a whole cannot be read (not text, no header, not JSON-LD, no ClaimReview in it)."""


class RowRefused(Exception):
    """A row that cannot be imported; the message says why."""


# What a bad row raises; anything else is also refused (one row never stops an import) but logged as a bug.
EXPECTED_ERRORS = (RowRefused, ApplicationError, serializers.ValidationError, DjangoValidationError, DatabaseError)


# --- the report ---------------------------------------------------------------------------------------------


@dataclass
class RowResult:
    row: int
    action: str
    key: str
    reason: str = ""
    detail: str = ""
    id: int | str | None = None

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "action": self.action,
            "key": self.key,
            "reason": self.reason,
            "detail": self.detail,
            "id": self.id,
        }


@dataclass
class ImportReport:
    kind: str  # "claims" or "series"
    format: str
    rows: list[RowResult] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def imported(self) -> int:
        """Rows not refused (created, updated or already as in the file)."""
        return sum(1 for row in self.rows if row.action != REFUSED)

    @property
    def refused(self) -> list[RowResult]:
        return [row for row in self.rows if row.action == REFUSED]

    def summary(self) -> str:
        counts = self.counts
        parts = ", ".join(f"{counts[action]} {action}" for action in ACTIONS)
        return f"{len(self.rows)} row{'s' if len(self.rows) != 1 else ''} of {self.kind} ({self.format}): {parts}."


Progress = Callable[[Iterable, int], Iterable]


def _no_progress(iterable: Iterable, total: int) -> Iterable:
    return iterable


# --- reading files -------------------------------------------------------------------------------------------


def decode(content: bytes | str) -> str:
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"The file is not UTF-8 text (byte {exc.start}).") from exc


def _looks_like_claimreview(data) -> bool:
    items = data if isinstance(data, list) else [data]
    return any(
        isinstance(item, dict) and ({"@context", "@type", "@graph", "claimReviewed", "dataFeedElement"} & item.keys())
        for item in items
    )


def detect_format(text: str, filename: str = "") -> str:
    """csv, jsonl or claimreview (JSON-LD or an HTML page with JSON-LD), by extension, else by content."""
    extension = PurePath(filename).suffix.lower() if filename else ""
    by_extension = {
        ".csv": "csv",
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
        ".html": "claimreview",
        ".htm": "claimreview",
        ".jsonld": "claimreview",
    }
    if extension in by_extension:
        return by_extension[extension]
    stripped = text.lstrip()
    if stripped.startswith("<"):
        return "claimreview"
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(stripped)
        except ValueError:
            return "jsonl"  # several JSON objects, one per line
        return "claimreview" if _looks_like_claimreview(data) else "jsonl"
    return "csv"


def _csv_records(text: str, required: str) -> list[tuple[int, dict | RowRefused]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header:
            raise ImportFileError("The CSV file is empty: it needs a header row.")
        header = [name.strip() for name in header]
        if required not in header:
            raise ImportFileError(f"The CSV header has no {required!r} column (columns: {', '.join(header)}).")
        records = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            number = len(records) + 1
            if len(cells) > len(header):
                records.append((number, RowRefused(f"the row has {len(cells)} cells, the header {len(header)}")))
                continue
            cells += [""] * (len(header) - len(cells))
            values = {name: (cell if cell != "" else None) for name, cell in zip(header, cells, strict=True) if name}
            records.append((number, values))
        return records
    except csv.Error as exc:
        raise ImportFileError(f"The CSV cannot be read at line {reader.line_num}: {exc}") from exc


def _jsonl_records(text: str) -> list[tuple[int, dict | RowRefused]]:
    records = []
    for line in text.splitlines():
        if not line.strip():
            continue
        number = len(records) + 1
        try:
            record = json.loads(line)
        except ValueError as exc:
            records.append((number, RowRefused(f"not JSON: {exc}")))
            continue
        if not isinstance(record, dict):
            records.append((number, RowRefused("the line is not a JSON object")))
            continue
        records.append((number, {key: (None if value == "" else value) for key, value in record.items()}))
    return records


class _JSONLDScripts(HTMLParser):
    """The contents of every <script type="application/ld+json"> of an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self._buffer: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        kind = (dict(attrs).get("type") or "").split(";")[0].strip().lower()
        if tag == "script" and kind == "application/ld+json":
            self._buffer = []

    def handle_data(self, data):
        if self._buffer is not None:
            self._buffer.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._buffer is not None:
            self.scripts.append("".join(self._buffer))
            self._buffer = None


def _types(node: dict) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    prefixes = ("schema:", "http://schema.org/", "https://schema.org/")
    names = set()
    for kind in kinds:
        if kind:
            name = str(kind)
            for prefix in prefixes:
                name = name.removeprefix(prefix)
            names.add(name)
    return names


def _claim_reviews(node) -> list[dict]:
    """Every ClaimReview in a JSON-LD document: one, a list, an @graph, or a DataFeed (items or DataFeedItems)."""
    if isinstance(node, list):
        return [review for item in node for review in _claim_reviews(item)]
    if not isinstance(node, dict):
        return []
    if "ClaimReview" in _types(node) or ("claimReviewed" in node and "@type" not in node):
        return [node]
    found = []
    for key in ("@graph", "dataFeedElement", "item", "mainEntity", "hasPart"):
        if key in node:
            found += _claim_reviews(node[key])
    return found


def claimreview_documents(text: str) -> list[dict]:
    """The ClaimReview objects of a JSON-LD document or of an HTML page's JSON-LD scripts."""
    stripped = text.lstrip()
    if stripped.startswith("<"):
        parser = _JSONLDScripts()
        parser.feed(text)
        parser.close()
        if not parser.scripts:
            raise ImportFileError('The page has no <script type="application/ld+json">.')
        documents = []
        for number, script in enumerate(parser.scripts, start=1):
            try:
                documents.append(json.loads(script))
            except ValueError as exc:
                raise ImportFileError(f"JSON-LD script {number} of the page is not JSON: {exc}") from exc
    else:
        try:
            documents = [json.loads(stripped)]
        except ValueError as exc:
            raise ImportFileError(f"The file is not JSON-LD: {exc}") from exc
    reviews = _claim_reviews(documents)
    if not reviews:
        raise ImportFileError("No ClaimReview found in the document.")
    return reviews


# --- ClaimReview -> the claim columns -------------------------------------------------------------------------

LABEL_RATINGS = {label.lower(): code for code, label in Rating.choices} | {code: code for code in Rating.values}
VALUE_RATINGS = {value: rating for rating, value in RATING_VALUES.items() if value is not None}
SCALE = "1 Grossly inaccurate … 6 Accurate, or Unverifiable"


def _text(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name") or value.get("@id") or ""
    return str(value).strip() if value is not None else ""


def _date_part(value) -> str | None:
    text = _text(value)
    return text[:10] if text else None


def _int(value) -> int | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return int(number) if number == number.to_integral_value() else None


def claimreview_rating(rating) -> str:
    """Our rating code for a reviewRating; refuses a rating that is not on our scale."""
    if not isinstance(rating, dict):
        raise RowRefused("the ClaimReview has no reviewRating")
    name = _text(rating.get("alternateName") or rating.get("name"))
    from_name = LABEL_RATINGS.get(name.lower()) if name else None
    raw_value = rating.get("ratingValue")
    from_value = None
    if raw_value not in (None, ""):
        value, best, worst = _int(raw_value), rating.get("bestRating"), rating.get("worstRating")
        on_scale = (best in (None, "") or _int(best) == 6) and (worst in (None, "") or _int(worst) == 1)
        if on_scale and value in VALUE_RATINGS:
            from_value = VALUE_RATINGS[value]
    if from_name == Rating.PENDING:
        raise RowRefused("verdict_rating: a pending verdict cannot be published")
    if from_name and from_value and from_name != from_value:
        raise RowRefused(f"verdict_rating: the label {name!r} and the ratingValue {raw_value} disagree")
    if not (from_name or from_value):
        given = " / ".join(
            part
            for part in (
                repr(name) if name else "",
                f"ratingValue {raw_value} of {rating.get('worstRating', '?')}–{rating.get('bestRating', '?')}"
                if raw_value not in (None, "")
                else "",
            )
            if part
        )
        raise RowRefused(f"verdict_rating: {given or 'no rating'} is not on the scale ({SCALE})")
    return from_name or from_value


def _creative_work(work) -> dict | None:
    if isinstance(work, str):
        return {"url": work.strip(), "title": None, "outlet": None, "published_on": None} if work.strip() else None
    if not isinstance(work, dict) or not _text(work.get("url")):
        return None
    return {
        "url": _text(work.get("url")),
        "title": _text(work.get("headline") or work.get("name")) or None,
        "outlet": _text(work.get("publisher")) or None,
        "published_on": _date_part(work.get("datePublished")),
    }


def claimreview_record(review: dict) -> dict:
    """A ClaimReview as a record in the claim columns (what it does not carry is absent, so left as stored)."""
    text = _text(review.get("claimReviewed"))
    if not text:
        raise RowRefused("text: the ClaimReview has no claimReviewed")
    item = review.get("itemReviewed") if isinstance(review.get("itemReviewed"), dict) else {}
    works = []
    for work in [item.get("firstAppearance")] + (
        item.get("appearance") if isinstance(item.get("appearance"), list) else [item.get("appearance")]
    ):
        work = _creative_work(work)
        if work and work["url"] not in {w["url"] for w in works}:
            works.append(work)

    record = {"text": text, "stated_on": _date_part(item.get("datePublished")), "status": ClaimStatus.PUBLISHED}
    author = item.get("author")
    author = author[0] if isinstance(author, list) and author else author
    name = _text(author)
    outlets = {w["outlet"].lower() for w in works if w.get("outlet")}
    is_org = isinstance(author, dict) and "Organization" in _types(author)
    own_voice = not name or (is_org and (name.lower() in outlets or name == settings.FACTCHECK_PUBLISHER_NAME))
    if own_voice:  # the outlet's own voice: our export names the outlet (or the desk) as the author
        record |= {"speaker": None}
    else:
        kind = SpeakerKind.ORGANIZATION if is_org else SpeakerKind.PERSON
        if name.endswith(ANONYMOUS_SUFFIX):
            name, kind = name.removesuffix(ANONYMOUS_SUFFIX).strip(), SpeakerKind.ANONYMOUS
        record |= {"speaker": name, "speaker_kind": kind}
        if isinstance(author, dict):
            record |= {
                "speaker_role": _text(author.get("jobTitle")) or None,
                "speaker_same_as": _text(author.get("sameAs")) or None,
            }
    if works:
        first, *others = works
        record |= {
            "first_source_url": first["url"],
            "first_source_title": first["title"],
            "first_source_outlet": first["outlet"],
            "first_source_published_on": first["published_on"],
            "other_source_urls": others,
        }

    rating = review.get("reviewRating")
    rating = rating[0] if isinstance(rating, list) and rating else rating
    code = claimreview_rating(rating)
    explanation = _text(rating.get("ratingExplanation"))
    if not explanation:
        url = _text(review.get("url"))
        explanation = f"Rated {Rating(code).label} in an imported ClaimReview" + (f": {url}" if url else ".")
    published = _text(review.get("datePublished"))
    record |= {"verdict_rating": code, "verdict_explanation": explanation, "verdict_made_by": MadeBy.EDITOR}
    if len(published) == 10:  # a date (as our feed gives it): the verdict was published that day
        record["_verdict_published_on"] = published
    else:
        record["verdict_published_at"] = published or None
    return record


# --- validating a claim row ----------------------------------------------------------------------------------


def _optional(field_class, **kwargs):
    return field_class(required=False, allow_null=True, **kwargs)


def _optional_text(max_length: int):
    return serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=max_length, trim_whitespace=False
    )


def _optional_choice(choices):
    return serializers.ChoiceField(choices=choices, required=False, allow_null=True, allow_blank=True)


class SourceRecordSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=2000)
    title = _optional_text(500)
    outlet = _optional_text(200)
    published_on = _optional(serializers.DateField)


class ClaimRecordSerializer(serializers.Serializer):
    """One claim row, in the export's columns (the quantity columns gathered as `quantity`)."""

    text = serializers.CharField(max_length=5000, trim_whitespace=False)
    speaker = _optional_text(200)
    speaker_kind = _optional_choice(SpeakerKind.choices)
    speaker_role = _optional_text(200)
    speaker_same_as = _optional(serializers.URLField, max_length=500)
    attribution_kind = _optional_choice(AttributionKind.choices)
    stated_on = _optional(serializers.DateField)
    topics = _optional(serializers.ListField, child=serializers.SlugField(max_length=100), max_length=50)
    status = _optional_choice(ClaimStatus.choices)
    quantity = QuantitySerializer(required=False, allow_null=True)
    series = _optional(serializers.SlugField, max_length=100)
    first_source_url = _optional(serializers.URLField, max_length=2000)
    first_source_title = _optional_text(500)
    first_source_outlet = _optional_text(200)
    first_source_published_on = _optional(serializers.DateField)
    excerpt = _optional_text(5000)
    other_source_urls = SourceRecordSerializer(many=True, required=False, allow_null=True)
    verdict_rating = _optional_text(40)
    verdict_rating_value = _optional(serializers.IntegerField)
    verdict_label = _optional_text(40)
    verdict_explanation = _optional_text(5000)
    verdict_made_by = _optional_choice(MadeBy.choices)
    verdict_claimed_value = _optional(ValueField)
    # Computed by the engine (a ratio may need more than a claim's 15 digits): any value the database keeps.
    verdict_reference_value = _optional(serializers.DecimalField, max_digits=24, decimal_places=6)
    verdict_deviation = _optional(serializers.DecimalField, max_digits=24, decimal_places=6)
    verdict_deviation_unit = _optional_choice([c for c in DeviationUnit.choices if c[0]])
    verdict_rule = _optional_text(40)
    verdict_policy_version = _optional(serializers.IntegerField, min_value=1)
    verdict_observation_period_start = _optional(serializers.DateField)
    verdict_observation_period_end = _optional(serializers.DateField)
    verdict_observation_vintage = _optional(serializers.DateField)
    verdict_published_at = _optional(serializers.DateTimeField)
    # Not a column: a ClaimReview's datePublished when it is a date only.
    _verdict_published_on = _optional(serializers.DateField)

    def validate(self, attrs):
        self._validate_verdict(attrs)
        return attrs

    def _validate_verdict(self, attrs):
        rating, value = attrs.get("verdict_rating"), attrs.get("verdict_rating_value")
        label = attrs.get("verdict_label")
        if not (rating or value is not None or label):
            others = [c for c in VERDICT_COLUMNS if attrs.get(c) not in (None, "")]
            if others:
                raise serializers.ValidationError({"verdict_rating": [f"required with {others[0]}"]})
            return
        if rating:
            code = LABEL_RATINGS.get(rating.strip().lower())
            if code is None:
                raise serializers.ValidationError(
                    {"verdict_rating": [f"{rating!r} is not on the rating scale ({', '.join(Rating.values[:-1])})"]}
                )
        elif value is not None:
            code = VALUE_RATINGS.get(value)
            if code is None:
                raise serializers.ValidationError({"verdict_rating_value": [f"{value} is not on the scale 1–6"]})
        else:
            code = LABEL_RATINGS.get(label.strip().lower())
            if code is None:
                raise serializers.ValidationError({"verdict_label": [f"{label!r} is not a rating label"]})
        if code == Rating.PENDING:
            raise serializers.ValidationError({"verdict_rating": ["a pending verdict cannot be published"]})
        if value is not None and RATING_VALUES[code] != value:
            expected = RATING_VALUES[code] or "none"
            raise serializers.ValidationError(
                {"verdict_rating_value": [f"{value} does not match the rating {code} ({expected})"]}
            )
        if not (attrs.get("verdict_explanation") or "").strip():
            raise serializers.ValidationError({"verdict_explanation": ["required with a verdict"]})
        if attrs.get("verdict_made_by") == MadeBy.ENGINE and attrs.get("verdict_policy_version") is None:
            raise serializers.ValidationError({"verdict_policy_version": ["required for an engine verdict"]})
        observation = [attrs.get(f"verdict_observation_{part}") for part in ("period_start", "period_end", "vintage")]
        if any(observation) and not observation[1]:
            raise serializers.ValidationError({"verdict_observation_period_end": ["required with an observation"]})
        attrs["verdict_rating"] = code


def _split(value, separator: str | None) -> list:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [part for part in str(value).split(separator) if part.strip()] if separator else str(value).split()


def _serializer_input(record: dict) -> dict:
    """The record's present columns as serializer input: the quantity columns gathered, lists split."""
    data = {
        key: value
        for key, value in record.items()
        if (key in CLAIM_COLUMNS or key == "_verdict_published_on") and key not in QUANTITY_COLUMNS
    }
    data.pop("id", None)
    data.pop("claim_url", None)
    if "topics" in data:
        data["topics"] = [str(slug).strip() for slug in _split(data["topics"], ";")]
    if "other_source_urls" in data:
        data["other_source_urls"] = [
            item if isinstance(item, dict) else {"url": str(item).strip()}
            for item in _split(data["other_source_urls"], None)
        ]
    present = [column for column in QUANTITY_COLUMNS if column in record]
    if present:
        # All quantity columns empty: no figure. Any of them filled: a figure, whole (a unit without a value is
        # refused by QuantitySerializer, as the API refuses it).
        given = {column: record[column] for column in present if record[column] not in (None, "")}
        data["quantity"] = given or None
    return data


def _flatten_errors(errors, prefix: str = "") -> list[str]:
    if isinstance(errors, dict):
        out = []
        for key, value in errors.items():
            name = key if key != "non_field_errors" else ""
            if prefix and name:
                name = f"{prefix}.{name}" if not isinstance(key, int) else f"{prefix}[{key + 1}]"
            elif prefix:
                name = prefix
            out += _flatten_errors(value, str(name))
        return out
    if isinstance(errors, list):
        if errors and all(isinstance(item, dict) for item in errors):
            out = []
            for index, item in enumerate(errors, start=1):
                out += _flatten_errors(item, f"{prefix}[{index}]")
            return out
        return [f"{prefix}: {message}" if prefix else str(message) for message in errors]
    return [f"{prefix}: {errors}" if prefix else str(errors)]


def _reason(exc: Exception) -> str:
    if isinstance(exc, serializers.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict) and isinstance(detail.get("quantity"), dict):
            # The quantity is gathered from flat columns: name the columns.
            detail = {**{k: v for k, v in detail.items() if k != "quantity"}, **detail["quantity"]}
        return "; ".join(_flatten_errors(detail))
    if isinstance(exc, ApplicationError):
        details = "; ".join(_flatten_errors(exc.fields)) if exc.fields else ""
        return exc.message if not details or details in exc.message else f"{exc.message} ({details})"
    if isinstance(exc, DjangoValidationError):
        return "; ".join(_flatten_errors(exc.message_dict if hasattr(exc, "error_dict") else exc.messages))
    if isinstance(exc, DatabaseError):
        return f"the database refused the row: {exc}"
    return str(exc) or type(exc).__name__


def _claim_key(record: dict) -> str:
    text = " ".join(str(record.get("text") or "").split())
    if len(text) > MAX_KEY_TEXT:
        text = text[: MAX_KEY_TEXT - 1] + "…"
    speaker = record.get("speaker") or "no speaker"
    stated_on = record.get("stated_on") or "undated"
    return f"{text!r} / {speaker} / {stated_on}"


# --- importing claims ----------------------------------------------------------------------------------------


@dataclass
class _RowOutcome:
    action: str
    claim_id: int
    notes: list[str]


def _verdict_observation(data: dict, series: ReferenceSeries | None) -> Observation | None:
    period_end = data.get("verdict_observation_period_end")
    if not period_end:
        return None
    period_start = data.get("verdict_observation_period_start") or period_end
    vintage = data.get("verdict_observation_vintage")
    described = f"{period_start}..{period_end}" + (f" (release {vintage})" if vintage else "")
    if series is None:
        raise RowRefused(
            f"verdict_observation: the verdict names an observation ({described}) but the claim has no series"
        )
    observations = Observation.objects.filter(series=series, period_start=period_start, period_end=period_end)
    if vintage:
        observations = observations.filter(vintage=vintage)
    observation = observations.order_by("-vintage", "-id").first()
    if observation is None:
        raise RowRefused(
            f"verdict_observation: series {series.slug!r} has no observation {described}; import the series first"
        )
    return observation


def _import_claim(data: dict, *, user) -> _RowOutcome:
    """Write one validated row: speaker, sources, claim, verdict, status. Runs inside the row's transaction."""
    notes = []
    speaker = None
    if data.get("speaker"):
        speaker, action = services.speaker_match_or_create(
            name=data["speaker"],
            kind=data.get("speaker_kind") or None,
            role=data.get("speaker_role") or "",
            same_as=data.get("speaker_same_as") or "",
        )
        if action != UNCHANGED:
            notes.append(f"speaker {action}")

    fields = {}
    for name in ("attribution_kind", "topics", "quantity"):
        if name in data:
            fields[name] = data[name] if name != "topics" else (data[name] or [])
    if "series" in data:
        series = None
        if data["series"]:
            series = ReferenceSeries.objects.filter(slug=data["series"]).first()
            if series is None:
                raise RowRefused(f"series: no series {data['series']!r}; import the series first")
        fields["series"] = series

    if {"first_source_url", "other_source_urls"} & data.keys():
        sources = []
        if data.get("first_source_url"):
            sources.append(
                (
                    {
                        "url": data["first_source_url"],
                        "title": data.get("first_source_title"),
                        "outlet": data.get("first_source_outlet"),
                        "published_on": data.get("first_source_published_on"),
                    },
                    (data.get("excerpt") or "") if "excerpt" in data else None,
                )
            )
        sources += [(item, None) for item in data.get("other_source_urls") or []]
        appearances, source_actions = [], {CREATED: 0, UPDATED: 0}
        for item, excerpt in sources:
            source, action = services.source_match_or_create(
                url=item["url"],
                title=item.get("title") or "",
                outlet_name=item.get("outlet") or "",
                published_on=item.get("published_on"),
            )
            source_actions[action] = source_actions.get(action, 0) + 1
            appearances.append(services.AppearanceInput(source=source, excerpt=excerpt))
        if len({a.source.pk for a in appearances}) != len(appearances):
            raise RowRefused("other_source_urls: a source appears twice in the row")
        fields["appearances"] = appearances
        for action in (CREATED, UPDATED):
            if source_actions[action]:
                notes.append(f"{source_actions[action]} source{'s' if source_actions[action] > 1 else ''} {action}")

    verdict = data.get("verdict_rating")
    status = data.get("status") or None
    if status and not verdict:
        fields["status"] = status
    claim, action = services.claim_upsert(
        text=data["text"], speaker=speaker, stated_on=data.get("stated_on"), user=user, **fields
    )

    if verdict:
        observation = _verdict_observation(data, claim.series)
        _verdict, created = services.verdict_import(
            claim=claim,
            rating=verdict,
            explanation=data["verdict_explanation"],
            made_by=data.get("verdict_made_by") or MadeBy.EDITOR,
            published_at=data.get("verdict_published_at") or data.get("_verdict_published_on"),
            claimed_value=data.get("verdict_claimed_value"),
            reference_value=data.get("verdict_reference_value"),
            deviation=data.get("verdict_deviation"),
            deviation_unit=data.get("verdict_deviation_unit") or "",
            rule=data.get("verdict_rule") or "",
            policy_version=data.get("verdict_policy_version"),
            observation=observation,
            user=user,
        )
        if created:
            notes.append("verdict published")
            action = UPDATED if action == UNCHANGED else action
        if status:
            claim, status_action = services.claim_upsert(
                text=data["text"], speaker=speaker, stated_on=data.get("stated_on"), user=user, status=status
            )
            if status_action == UPDATED and action == UNCHANGED:
                action = UPDATED
    if action == UNCHANGED and notes:  # the claim was as in the file, its speaker or sources were not
        action = UPDATED
    return _RowOutcome(action=action, claim_id=claim.pk, notes=notes)


def _claim_records(text: str, fmt: str) -> list[tuple[int, dict | RowRefused]]:
    if fmt == "csv":
        return _csv_records(text, required="text")
    if fmt == "jsonl":
        return _jsonl_records(text)
    records = []
    for number, review in enumerate(claimreview_documents(text), start=1):
        try:
            records.append((number, claimreview_record(review)))
        except RowRefused as exc:
            item = review.get("itemReviewed") if isinstance(review.get("itemReviewed"), dict) else {}
            author = item.get("author")
            exc.key = _claim_key(
                {
                    "text": _text(review.get("claimReviewed")),
                    "speaker": _text(author[0] if isinstance(author, list) and author else author),
                    "stated_on": _date_part(item.get("datePublished")),
                }
            )
            records.append((number, exc))
    return records


def _resolve_format(text: str, fmt: str, filename: str, allowed: tuple[str, ...]) -> str:
    fmt = (fmt or "auto").lower()
    if fmt in ("json-ld", "jsonld", "html"):
        fmt = "claimreview"
    if fmt == "auto":
        fmt = detect_format(text, filename)
    if fmt not in allowed:
        raise ImportFileError(f"Format {fmt!r} cannot be imported here; use one of {', '.join(allowed)}.")
    return fmt


def import_claims(
    content: bytes | str, *, fmt: str = "auto", filename: str = "", user=None, progress: Progress = _no_progress
) -> ImportReport:
    """Import claims (with their speakers, sources and published verdicts) from CSV, JSON Lines or ClaimReview.

    Series must be imported first (`import_series`): a row naming an unknown series or observation is refused.
    """
    text = decode(content)
    fmt = _resolve_format(text, fmt, filename, CLAIM_FORMATS)
    records = _claim_records(text, fmt)
    report = ImportReport(kind="claims", format=fmt)
    seen: dict[tuple, int] = {}
    for number, record in progress(records, len(records)):
        report.rows.append(_claim_row(number, record, seen, user))
    return report


def _claim_row(number: int, record: dict | RowRefused, seen: dict, user) -> RowResult:
    if isinstance(record, RowRefused):
        return RowResult(number, REFUSED, getattr(record, "key", ""), reason=str(record))
    key = _claim_key(record)
    incoming = ClaimRecordSerializer(data=_serializer_input(record))
    try:
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        natural_key = (data["text"], data.get("speaker") or "", data.get("stated_on"))
        if natural_key in seen:
            raise RowRefused(f"duplicate of row {seen[natural_key]} (same text, speaker and stated_on)")
        with transaction.atomic():
            outcome = _import_claim(data, user=user)
    except Exception as exc:  # one bad row never stops the import; it is reported with its reason
        if not isinstance(exc, EXPECTED_ERRORS):
            logger.exception("claims.import.row_failed", extra={"row": number})
        return RowResult(number, REFUSED, key, reason=_reason(exc))
    seen[natural_key] = number
    return RowResult(number, outcome.action, key, detail="; ".join(outcome.notes), id=outcome.claim_id)


# --- importing series ---------------------------------------------------------------------------------------


class SeriesRecordSerializer(serializers.Serializer):
    series_slug = serializers.SlugField(max_length=100)
    series_name = _optional_text(200)
    unit = _optional_choice(Unit.choices)
    counted_noun = _optional_text(100)
    publisher = _optional_text(200)
    illustrative = serializers.BooleanField(required=False, allow_null=True)
    period_start = _optional(serializers.DateField)
    period_end = _optional(serializers.DateField)
    value = _optional(ValueField)
    vintage = _optional(serializers.DateField)
    note = _optional_text(300)

    def validate(self, attrs):
        observation = [attrs.get(name) for name in ("period_start", "period_end", "value", "vintage", "note")]
        if any(v not in (None, "") for v in observation):
            missing = {
                name: ["required for an observation"] for name in ("period_end", "value") if attrs.get(name) is None
            }
            if missing:
                raise serializers.ValidationError(missing)
        return attrs


def _series_key(record: dict) -> str:
    slug = record.get("series_slug") or "?"
    if not record.get("period_end"):
        return str(slug)
    start = record.get("period_start") or record["period_end"]
    vintage = f" (release {record['vintage']})" if record.get("vintage") else ""
    return f"{slug} {start}..{record['period_end']}{vintage}"


def _import_series_row(data: dict) -> tuple[str, str]:
    series, series_action = services.series_upsert(
        slug=data["series_slug"],
        name=data.get("series_name"),
        unit=data.get("unit") or None,
        counted_noun=(data.get("counted_noun") or "") if "counted_noun" in data else None,
        publisher_name=(data.get("publisher") or "") if "publisher" in data else None,
        illustrative=data.get("illustrative"),
    )
    if data.get("period_end") is None:
        return series_action, series.slug
    _observation, created = source_services.observation_add(
        series=series,
        period_start=data.get("period_start"),
        period_end=data["period_end"],
        value=data["value"],
        vintage=data.get("vintage"),
        note=data.get("note") or "",
    )
    if series_action == CREATED or created:
        return CREATED, series.slug
    return series_action, series.slug


def import_series(
    content: bytes | str, *, fmt: str = "auto", filename: str = "", user=None, progress: Progress = _no_progress
) -> ImportReport:
    """Import reference series and their observations (one row per observation) from CSV or JSON Lines."""
    text = decode(content)
    fmt = _resolve_format(text, fmt, filename, SERIES_FORMATS)
    records = _csv_records(text, required="series_slug") if fmt == "csv" else _jsonl_records(text)
    report = ImportReport(kind="series", format=fmt)
    seen: dict[tuple, int] = {}
    for number, record in progress(records, len(records)):
        if isinstance(record, RowRefused):
            report.rows.append(RowResult(number, REFUSED, "", reason=str(record)))
            continue
        key = _series_key(record)
        incoming = SeriesRecordSerializer(data={k: v for k, v in record.items() if k in SERIES_COLUMNS})
        try:
            incoming.is_valid(raise_exception=True)
            data = incoming.validated_data
            natural_key = (
                data["series_slug"],
                data.get("period_start") or data.get("period_end"),
                data.get("period_end"),
                data.get("vintage"),
            )
            if natural_key in seen and data.get("period_end") is not None and seen[natural_key][1] == data["value"]:
                raise RowRefused(f"duplicate of row {seen[natural_key][0]} (same series, period and vintage)")
            with transaction.atomic():
                action, slug = _import_series_row(data)
        except Exception as exc:  # one bad row never stops the import; it is reported with its reason
            if not isinstance(exc, EXPECTED_ERRORS):
                logger.exception("series.import.row_failed", extra={"row": number})
            report.rows.append(RowResult(number, REFUSED, key, reason=_reason(exc)))
            continue
        seen.setdefault(natural_key, (number, data.get("value")))
        report.rows.append(RowResult(number, action, key, id=slug))
    return report

