"""Claims, who made them, where they appeared, the verdicts on them and the checks that produced those verdicts."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from factcheck.db import in_vocabulary as _in
from sources.models import VALUE_DECIMAL_PLACES, VALUE_MAX_DIGITS, ReferenceSeries, Source, Unit


class SpeakerKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANIZATION = "organization", "Organization"
    ANONYMOUS = "anonymous", "Anonymous source"


class Speaker(models.Model):
    """A person or organisation that makes claims; an anonymous source is a speaker of kind `anonymous`."""

    Kind = SpeakerKind

    name = models.CharField(
        max_length=200, help_text='The name, or for an anonymous source its description ("two DHS officials").'
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    role = models.CharField(max_length=200, blank=True, help_text='Role or title when speaking ("DHS Secretary").')
    organization = models.CharField(max_length=200, blank=True, help_text="The organisation the speaker speaks for.")
    same_as = models.URLField(
        max_length=500, blank=True, help_text="An authority page identifying the speaker (Wikidata, official bio)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=_in("kind", SpeakerKind), name="speaker_kind_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="speaker_name_not_empty"),
        ]

    def __str__(self):
        return f"{self.name} ({self.role})" if self.role else self.name


class Topic(models.Model):
    """A free slug editors tag claims with ("detention", "immigration-courts")."""

    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["slug"]
        constraints = [models.CheckConstraint(condition=~Q(slug=""), name="topic_slug_not_empty")]

    def __str__(self):
        return self.slug


class AttributionKind(models.TextChoices):
    DIRECT_QUOTE = "direct_quote", "Direct quote"
    PARAPHRASE = "paraphrase", "Paraphrase"
    REPORTED = "reported", "Reported by another outlet"
    ANONYMOUS = "anonymous", "Anonymous source"
    DOCUMENT = "document", "Document"
    OWN = "own", "The outlet's own voice"


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    RETRACTED = "retracted", "Retracted"


class Qualifier(models.TextChoices):
    EXACT = "exact", "exact"
    APPROXIMATE = "approximate", "approximate (about, roughly, estimated)"
    NEARLY = "nearly", "nearly (nearly, almost, close to)"
    AT_LEAST = "at_least", "at least (more than, over, topped)"
    AT_MOST = "at_most", "at most (up to, as many as, under)"


class ClaimKind(models.TextChoices):
    LEVEL = "level", "level (a stock or flow at a date)"
    CHANGE = "change", "change (percent change from a baseline)"
    FORECAST = "forecast", "forecast (a prediction or pledge with a due date)"


class Claim(models.Model):
    """A quoted or paraphrased statement, and when it is numeric, the quantity it asserts."""

    AttributionKind = AttributionKind
    Status = ClaimStatus
    Qualifier = Qualifier
    Kind = ClaimKind

    text = models.TextField(help_text="The claim as quoted or paraphrased.")
    speaker = models.ForeignKey(
        Speaker,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
        help_text="Who made the claim; empty when it is the outlet's own voice.",
    )
    attribution_kind = models.CharField(max_length=20, choices=AttributionKind.choices, default=AttributionKind.PARAPHRASE)
    stated_on = models.DateField(null=True, blank=True, help_text="The date the claim was made.")
    topics = models.ManyToManyField(Topic, blank=True, related_name="claims")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every edit; a write must carry the version it read (optimistic locking)."
    )

    # The quantity: all four of value, unit, qualifier and kind, or none of them (a claim without a figure).
    value = models.DecimalField(
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
        help_text='The claimed figure: "$700 million" is 700000000; a change is signed ("cut by 62%" is -62).',
    )
    unit = models.CharField(max_length=20, choices=Unit.choices, null=True, blank=True)
    counted_noun = models.CharField(max_length=100, blank=True, help_text='For counts: what is counted ("beds").')
    qualifier = models.CharField(max_length=20, choices=Qualifier.choices, null=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, null=True, blank=True)
    as_of = models.DateField(
        null=True, blank=True, help_text="The date the figure describes; defaults to the date it was stated."
    )
    baseline_date = models.DateField(null=True, blank=True, help_text="For a change: the date it is measured from.")
    due_date = models.DateField(null=True, blank=True, help_text="For a forecast or pledge: when it falls due.")
    series = models.ForeignKey(
        ReferenceSeries,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
        help_text="The reference series the figure is checked against.",
    )

    notes = models.TextField(blank=True, help_text="Editors' working notes. Never shown to the public.")
    # Pointers kept by the verdict services, so lists filter and sort on verdicts without a subquery per row.
    published_verdict = models.ForeignKey(
        "Verdict",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The latest published verdict: the public one.",
    )
    computed_verdict = models.ForeignKey(
        "Verdict",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The engine's latest verdict.",
    )
    last_checked_at = models.DateTimeField(null=True, blank=True, help_text="When the engine last checked the claim.")
    check_lease_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A sweep handed the claim to a worker until then; another sweep leaves it alone meanwhile.",
    )
    search_vector = SearchVectorField(
        null=True,
        editable=False,
        help_text="PostgreSQL full-text document of the claim's text, speaker and excerpts (claims.search); "
        "empty on SQLite, which searches the columns directly.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        m2m_fields=[topics], excluded_fields=["published_verdict", "computed_verdict", "last_checked_at", "search_vector", "check_lease_until"]
    )

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=_in("attribution_kind", AttributionKind), name="claim_attribution_valid"),
            models.CheckConstraint(condition=_in("status", ClaimStatus), name="claim_status_valid"),
            models.CheckConstraint(condition=Q(unit__isnull=True) | _in("unit", Unit), name="claim_unit_valid"),
            models.CheckConstraint(
                condition=Q(qualifier__isnull=True) | _in("qualifier", Qualifier), name="claim_qualifier_valid"
            ),
            models.CheckConstraint(condition=Q(kind__isnull=True) | _in("kind", ClaimKind), name="claim_kind_valid"),
            models.CheckConstraint(condition=Q(version__gte=1), name="claim_version_positive"),
            # A quantity is whole or absent: a value without a unit could never be checked.
            models.CheckConstraint(
                condition=(
                    Q(value__isnull=True, unit__isnull=True, qualifier__isnull=True, kind__isnull=True)
                    | Q(value__isnull=False, unit__isnull=False, qualifier__isnull=False, kind__isnull=False)
                ),
                name="claim_quantity_complete",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(as_of__isnull=False), name="claim_quantity_has_as_of"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0) | Q(kind="change"), name="claim_value_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(kind="change") | Q(unit="percent", baseline_date__isnull=False),
                name="claim_change_in_percent_with_baseline",
            ),
            models.CheckConstraint(
                condition=~Q(kind="forecast") | Q(due_date__isnull=False), name="claim_forecast_has_due_date"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="claim_text_not_empty"),
        ]
        indexes = [
            models.Index(fields=["as_of"], name="claim_as_of_idx"),
            models.Index(fields=["value"], name="claim_value_idx"),
        ]

    def __str__(self):
        return f"#{self.pk}: {self.text[:80]}"

    def get_absolute_url(self):
        return f"/claims/{self.pk}/"

    @property
    def is_numeric(self) -> bool:
        return self.value is not None

    @property
    def drift(self) -> bool:
        """The engine's latest verdict is newer than the published one and rates the claim differently."""
        computed, published = self.computed_verdict, self.published_verdict
        return bool(
            computed and published and computed.created_at > published.created_at and computed.rating != published.rating
        )


class Appearance(models.Model):
    """A claim as it appeared in one source, with the excerpt that carries it."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="appearances")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="appearances")
    excerpt = models.TextField(blank=True, help_text="The passage of the source that carries the claim.")
    is_first = models.BooleanField(default=False, help_text="The claim's first known appearance.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_first", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "source"], name="appearance_unique_source"),
            models.UniqueConstraint(
                fields=["claim"], condition=Q(is_first=True), name="appearance_one_first_per_claim"
            ),
        ]

    def __str__(self):
        return f"claim {self.claim_id} in {self.source}"


class VerdictPolicy(models.Model):
    """A version of the verdict policy: every threshold of the engine, as data. One version is active."""

    version = models.PositiveIntegerField(unique=True)
    parameters = models.JSONField(help_text="The engine's Policy as a dict (claims.verdicts.Policy.to_dict).")
    is_active = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "verdict policies"
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="policy_one_active"),
            models.CheckConstraint(condition=Q(version__gte=1), name="policy_version_positive"),
        ]

    def __str__(self):
        return f"policy v{self.version}" + (" (active)" if self.is_active else "")


class Rating(models.TextChoices):
    ACCURATE = "accurate", "Accurate"
    MOSTLY_ACCURATE = "mostly-accurate", "Mostly accurate"
    HALF_ACCURATE = "half-accurate", "Half accurate"
    MOSTLY_INACCURATE = "mostly-inaccurate", "Mostly inaccurate"
    INACCURATE = "inaccurate", "Inaccurate"
    GROSSLY_INACCURATE = "grossly-inaccurate", "Grossly inaccurate"
    UNVERIFIABLE = "unverifiable", "Unverifiable"
    PENDING = "pending", "Pending"


# ClaimReview ratingValue for each rating; unverifiable and pending have none.
RATING_VALUES = {
    Rating.ACCURATE: 6,
    Rating.MOSTLY_ACCURATE: 5,
    Rating.HALF_ACCURATE: 4,
    Rating.MOSTLY_INACCURATE: 3,
    Rating.INACCURATE: 2,
    Rating.GROSSLY_INACCURATE: 1,
    Rating.UNVERIFIABLE: None,
    Rating.PENDING: None,
}


def _rating_value_matches() -> Q:
    condition = Q()
    for rating, value in RATING_VALUES.items():
        # `rating_value = 6` is NULL, not false, when rating_value is NULL, and a NULL check passes: say not-null.
        condition |= (
            Q(rating=rating, rating_value__isnull=True)
            if value is None
            else Q(rating=rating, rating_value=value, rating_value__isnull=False)
        )
    return condition


class MadeBy(models.TextChoices):
    ENGINE = "engine", "Engine"
    EDITOR = "editor", "Editor"


class DeviationUnit(models.TextChoices):
    NONE = "", "none"
    RATIO = "ratio", "ratio"
    POINTS = "points", "points"


class Verdict(models.Model):
    """A rating of a claim, by the engine or an editor. Append-only: only `published_at` is set later, once."""

    MadeBy = MadeBy
    DeviationUnit = DeviationUnit

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="verdicts")
    rating = models.CharField(max_length=20, choices=Rating.choices)
    rating_value = models.PositiveSmallIntegerField(null=True, blank=True, help_text="ClaimReview ratingValue, 1-6.")
    made_by = models.CharField(max_length=10, choices=MadeBy.choices)
    made_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_value = models.DecimalField(
        max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES, null=True, blank=True
    )
    reference_value = models.DecimalField(
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
        help_text="The reference figure; for a change, the computed percent change.",
    )
    deviation = models.DecimalField(max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES, null=True, blank=True)
    deviation_unit = models.CharField(max_length=10, choices=DeviationUnit.choices, blank=True, default="")
    rule = models.CharField(max_length=40, blank=True, help_text="The policy rule that decided the rating.")
    reason = models.CharField(max_length=40, blank=True, help_text="Why a verdict is unverifiable or pending.")
    observation = models.ForeignKey(
        "sources.Observation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    baseline_observation = models.ForeignKey(
        "sources.Observation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    policy_version = models.PositiveIntegerField(null=True, blank=True, help_text="The policy version that decided it.")
    explanation = models.TextField()
    note = models.TextField(blank=True, help_text="A correction's public note: what changed and why.")
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    check_run = models.ForeignKey(
        "CheckRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="verdicts"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The editor who published it (set once, with published_at).",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        constraints = [
            models.CheckConstraint(condition=_in("rating", Rating), name="verdict_rating_valid"),
            models.CheckConstraint(condition=_rating_value_matches(), name="verdict_rating_value_matches"),
            models.CheckConstraint(condition=_in("made_by", MadeBy), name="verdict_made_by_valid"),
            models.CheckConstraint(condition=_in("deviation_unit", DeviationUnit), name="verdict_deviation_unit_valid"),
            models.CheckConstraint(condition=~Q(explanation=""), name="verdict_explained"),
            # The engine always says which policy decided; a correction always says why.
            models.CheckConstraint(
                condition=~Q(made_by="engine") | Q(policy_version__isnull=False), name="verdict_engine_has_policy"
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(note=""), name="verdict_correction_has_note"
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(published_at__gte=F("created_at")),
                name="verdict_published_after_created",
            ),
        ]

    def __str__(self):
        state = "published" if self.published_at else "unpublished"
        return f"{self.get_rating_display()} ({self.made_by}, {state}) on claim {self.claim_id}"

    @property
    def label(self) -> str:
        return self.get_rating_display()


class CheckState(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class CheckOutcome(models.TextChoices):
    UNCHANGED = "unchanged", "Unchanged"
    CHANGED = "changed", "Changed"
    UNVERIFIABLE = "unverifiable", "Unverifiable"
    PENDING = "pending", "Pending"
    ERROR = "error", "Error"


class CheckRun(models.Model):
    """A check of one claim against one state of its data, keyed so that the same check is never run twice."""

    State = CheckState
    Outcome = CheckOutcome

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="check_runs")
    claim_version = models.PositiveIntegerField()
    data_version = models.PositiveBigIntegerField(
        default=0, help_text="The id of the series' newest observation row when checked, or 0."
    )
    policy_version = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True, default="")
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "claim_version", "data_version", "policy_version"], name="checkrun_idempotency_key"
            ),
            models.CheckConstraint(condition=_in("state", CheckState), name="checkrun_state_valid"),
            models.CheckConstraint(condition=Q(outcome="") | _in("outcome", CheckOutcome), name="checkrun_outcome_valid"),
            models.CheckConstraint(
                condition=Q(state="running") | ~Q(outcome=""), name="checkrun_finished_has_outcome"
            ),
        ]

    def __str__(self):
        return f"check of claim {self.claim_id} v{self.claim_version} data {self.data_version} policy v{self.policy_version}: {self.state}"


class WebhookEvent(models.TextChoices):
    VERDICT_PUBLISHED = "verdict.published", "A verdict was published"
    VERDICT_CORRECTED = "verdict.corrected", "A published verdict was corrected"
    CLAIM_DRIFT = "claim.drift", "The engine now disagrees with a published verdict"


class WebhookSubscription(models.Model):
    """A newsroom system that wants to hear about verdicts; each event is POSTed signed with its secret."""

    name = models.CharField(max_length=200)
    url = models.URLField(max_length=2000, help_text="Where events are POSTed (fetched with the safe fetcher's rules).")
    secret = models.CharField(
        max_length=200, help_text="Shared secret: X-Factcheck-Signature is sha256=HMAC-SHA256(secret, raw body)."
    )
    events = models.JSONField(default=list, blank=True, help_text="Event types to send; empty means all of them.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(secret=""), name="webhook_secret_not_empty")]

    def __str__(self):
        return self.name

    def wants(self, event: str) -> bool:
        return self.is_active and (not self.events or event in self.events)


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed (gave up)"


class WebhookDelivery(models.Model):
    """One event for one subscriber, and the log of delivering it. `event_id` lets receivers drop repeats."""

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(help_text="The event's id; the same for every attempt and every subscriber.")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True, help_text="A worker is delivering it until then.")
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When the scheduled retry after a transient failure is due."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event_id"], name="webhook_delivery_once_per_event"),
            models.CheckConstraint(condition=_in("event", WebhookEvent), name="webhook_event_valid"),
            models.CheckConstraint(condition=_in("state", DeliveryState), name="webhook_state_valid"),
        ]

    def __str__(self):
        return f"{self.event} {self.event_id} to {self.subscription_id}: {self.state}"
