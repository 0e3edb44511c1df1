"""Where figures come from: outlets, the documents they publish, link checks, and official reference series.

`claims` builds on these models; nothing here imports `claims`.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from factcheck.db import in_vocabulary as _in


class Unit(models.TextChoices):
    """The unit vocabulary shared by claims and reference series (a claim is only checked in its own unit)."""

    USD = "USD", "US dollars"
    PERCENT = "percent", "percent"
    PERCENTAGE_POINTS = "percentage_points", "percentage points"
    COUNT = "count", "count"
    YEARS = "years", "years"
    MONTHS = "months", "months"
    DAYS = "days", "days"
    RATIO = "ratio", "ratio"


# Money and counts reach the trillions; percentages need fractions. 24 digits with 6 places hold both exactly on
# PostgreSQL; SQLite keeps 15 significant digits, so the API refuses more (factcheck/fields.py).
VALUE_MAX_DIGITS = 24
VALUE_DECIMAL_PLACES = 6


class OutletKind(models.TextChoices):
    NEWS = "news", "News organisation"
    GOVERNMENT = "government", "Government body"
    POLLSTER = "pollster", "Pollster"
    THINK_TANK = "think_tank", "Think tank"
    NGO = "ngo", "NGO"
    OTHER = "other", "Other"


class Outlet(models.Model):
    Kind = OutletKind

    name = models.CharField(max_length=200, unique=True, help_text="The publisher's name as readers know it.")
    domain = models.CharField(
        max_length=253, blank=True, help_text="The publisher's web domain, without scheme (e.g. washingtonpost.com)."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWS)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=_in("kind", OutletKind), name="outlet_kind_valid")]

    def __str__(self):
        return self.name


class SourceKind(models.TextChoices):
    ARTICLE = "article", "Article"
    REPORT = "report", "Report"
    DATASET = "dataset", "Dataset"
    TRANSCRIPT = "transcript", "Transcript"
    PRESS_RELEASE = "press_release", "Press release"
    OTHER = "other", "Other"


class LinkStatus(models.TextChoices):
    UNCHECKED = "unchecked", "Not checked yet"
    OK = "ok", "Reachable, unchanged"
    CHANGED = "changed", "Reachable, content changed"
    MISSING = "missing", "Gone (4xx)"
    ERROR = "error", "Check failed"


class Source(models.Model):
    """One document a claim appeared in or a figure came from."""

    Kind = SourceKind
    LinkStatus = LinkStatus

    url = models.URLField(max_length=2000, unique=True, help_text="The canonical URL of the document.")
    title = models.CharField(max_length=500, blank=True)
    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="sources")
    published_on = models.DateField(null=True, blank=True, help_text="The publication date printed on the document.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    last_status = models.CharField(
        max_length=20,
        choices=LinkStatus.choices,
        default=LinkStatus.UNCHECKED,
        help_text="The outcome of the latest link check.",
    )
    last_checked_at = models.DateTimeField(null=True, blank=True, help_text="When the latest link check ran.")
    content_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the extracted text at the latest successful check."
    )
    text_snapshot = models.TextField(blank=True, help_text="The document's text as last fetched or pasted.")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["text_snapshot"])

    class Meta:
        ordering = ["-published_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=_in("kind", SourceKind), name="source_kind_valid"),
            models.CheckConstraint(condition=_in("last_status", LinkStatus), name="source_last_status_valid"),
            models.CheckConstraint(condition=~Q(url=""), name="source_url_not_empty"),
        ]

    def __str__(self):
        return self.title or self.url


class SourceCheck(models.Model):
    """One link check of a Source. Append-only: a new check is a new row."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="checks")
    checked_at = models.DateTimeField(default=timezone.now, db_index=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True, help_text="HTTP status of the last hop.")
    final_url = models.URLField(max_length=2000, blank=True, help_text="The URL after redirects.")
    content_hash = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the extracted text.")
    changed = models.BooleanField(default=False, help_text="The content hash differs from the previous check's.")
    error_code = models.CharField(
        max_length=50, blank=True, help_text="A typed error code when the fetch was refused or failed; else empty."
    )
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-checked_at", "-id"]
        get_latest_by = "checked_at"

    def __str__(self):
        return f"{self.source_id} @ {self.checked_at:%Y-%m-%d %H:%M} ({self.error_code or self.status_code})"


class ReferenceSeries(models.Model):
    """An official series a claim can be checked against, e.g. "EOIR pending cases"."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    counted_noun = models.CharField(max_length=100, blank=True, help_text='For counts: what is counted ("beds").')
    publisher = models.ForeignKey(
        Outlet,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="series",
        help_text="The agency or organisation that publishes the series.",
    )
    description = models.TextField(blank=True, help_text="What the series measures and how, for readers.")
    illustrative = models.BooleanField(
        default=False,
        help_text="Invented demo data, not an official figure. Shown as such wherever the series appears.",
    )
    feed_url = models.URLField(
        max_length=2000, blank=True, help_text="Optional CSV or JSON feed the refresh job downloads."
    )
    refresh_every = models.DurationField(
        null=True, blank=True, help_text="How often the feed is refreshed (empty: never automatically)."
    )
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "reference series"
        verbose_name_plural = "reference series"
        constraints = [
            models.CheckConstraint(condition=_in("unit", Unit), name="series_unit_valid"),
            models.CheckConstraint(condition=~Q(slug=""), name="series_slug_not_empty"),
        ]

    def __str__(self):
        return f"{self.name} (illustrative demo data)" if self.illustrative else self.name

    def data_version(self) -> int:
        """The id of the newest observation row, or 0: any new or back-filled observation changes it."""
        return self.observations.aggregate(v=models.Max("id"))["v"] or 0


class Observation(models.Model):
    """One value of a series for one period, as one release (vintage) gave it.

    Revisions are new rows with a newer vintage, never overwrites.
    """

    series = models.ForeignKey(ReferenceSeries, on_delete=models.CASCADE, related_name="observations")
    period_start = models.DateField(help_text="First day the value describes; equals period_end for a single date.")
    period_end = models.DateField(help_text="Last day the value describes.")
    value = models.DecimalField(max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES)
    vintage = models.DateField(
        default=timezone.localdate,
        help_text="The release this value came from: its publication or retrieval date (default: the day recorded).",
    )
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="observations",
        help_text="The document (release) the value was taken from.",
    )
    note = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["series", "period_end", "period_start", "vintage"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "period_start", "period_end", "vintage"], name="observation_unique_release"
            ),
            models.CheckConstraint(condition=Q(period_start__lte=models.F("period_end")), name="observation_period_ordered"),
        ]
        indexes = [models.Index(fields=["series", "period_end"], name="observation_series_end_idx")]

    def __str__(self):
        period = (
            f"{self.period_end}" if self.period_start == self.period_end else f"{self.period_start}–{self.period_end}"
        )
        return f"{self.series.slug} {period}: {self.value} (release {self.vintage})"
