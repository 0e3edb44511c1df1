"""The admin for claims, speakers, topics, verdicts, policies and check runs.

Editors (the `Editors` group, not superusers) enter claims with their appearances and quantity; the verdict
history is shown on each claim and is read-only, as are check runs: the services behind the check, publish
and correct actions write them. Every save of a claim through the admin raises its `version`, and a form
rendered from an older version is refused, so a concurrent edit (here or through the API) is never lost.
"""

import datetime
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import BooleanField, Case, Count, Value, When
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator, capfirst

from factcheck.exceptions import ApplicationError, ConflictError
from sources.admin import HistoryAdmin, ReadOnlyAdmin, changelist_link
from sources.models import Source, Unit

from . import exports, extraction, imports, services
from .models import (
    Appearance,
    CheckRun,
    Claim,
    ClaimKind,
    ClaimStatus,
    Qualifier,
    Rating,
    Speaker,
    Topic,
    Verdict,
    VerdictPolicy,
    WebhookDelivery,
    WebhookSubscription,
)
from .selectors import drift_condition

EMPTY = "—"


# --- Display helpers ---------------------------------------------------------------------------------


def format_number(value: Decimal | None) -> str:
    """38000.000000 -> "38,000"; 0.500000 -> "0.5"."""
    if value is None:
        return EMPTY
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        normalized = normalized.quantize(Decimal(1))
    return format(normalized, ",f")


def format_figure(value: Decimal | None, unit: str | None, counted_noun: str = "") -> str:
    """A claim's figure as a reader would write it: "38,000 beds", "$700,000,000", "62 percent"."""
    if value is None:
        return EMPTY
    if unit == Unit.USD:
        return f"-${format_number(-value)}" if value < 0 else f"${format_number(value)}"
    number = format_number(value)
    if unit == Unit.COUNT:
        return f"{number} {counted_noun}".strip()
    label = Unit(unit).label if unit in Unit.values else (unit or "")
    return f"{number} {label}".strip()


# --- Changelist filters --------------------------------------------------------------------------------


class DriftFilter(admin.SimpleListFilter):
    title = "drift"
    parameter_name = "drift"

    def lookups(self, request, model_admin):
        return [("yes", "Drifted (needs review)"), ("no", "No drift")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(drift_condition())
        if self.value() == "no":
            return queryset.exclude(pk__in=Claim.objects.filter(drift_condition()).values("pk"))
        return queryset


class SourceProblemFilter(admin.SimpleListFilter):
    """Claims citing a source whose latest link check found it gone or changed."""

    title = "source problem"
    parameter_name = "source_problem"

    def lookups(self, request, model_admin):
        return [("yes", "A source went missing or changed")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=services.claims_with_source_problems().values("pk"))
        return queryset


class PublishedRatingFilter(admin.SimpleListFilter):
    title = "published rating"
    parameter_name = "published_rating"

    def lookups(self, request, model_admin):
        return [*Rating.choices, ("none", "No published verdict")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(published_verdict__isnull=True)
        if value in Rating.values:
            return queryset.filter(published_verdict__rating=value)
        return queryset


class _IsSetFilter(admin.SimpleListFilter):
    """Yes/no on whether `field` is set."""

    field = ""
    labels = ("Yes", "No")

    def lookups(self, request, model_admin):
        return [("yes", self.labels[0]), ("no", self.labels[1])]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(**{f"{self.field}__isnull": self.value() == "no"})
        return queryset


class HasFigureFilter(_IsSetFilter):
    title = "has a figure"
    parameter_name = "has_figure"
    field = "value"
    labels = ("With a figure", "Without a figure")


class VerdictPublishedFilter(_IsSetFilter):
    title = "published"
    parameter_name = "published"
    field = "published_at"
    labels = ("Published", "Not published")


# --- Speakers and topics ---------------------------------------------------------------------------------


@admin.register(Speaker)
class SpeakerAdmin(HistoryAdmin):
    list_display = ["name", "kind", "role", "organization", "claim_count"]
    list_filter = ["kind"]
    search_fields = ["name", "role", "organization"]
    ordering = ["name", "id"]
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_count=Count("claims", distinct=True))

    @admin.display(description="claims", ordering="claim_count")
    def claim_count(self, obj):
        return changelist_link(Claim, obj.claim_count, speaker__id__exact=obj.pk)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["slug", "claim_count"]
    search_fields = ["slug"]
    ordering = ["slug"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_count=Count("claims", distinct=True))

    @admin.display(description="claims", ordering="claim_count")
    def claim_count(self, obj):
        return changelist_link(Claim, obj.claim_count, topics__id__exact=obj.pk)


# --- Claims -------------------------------------------------------------------------------------------------

STALE_VERSION = "This claim was changed by someone else since you opened it; reload to see their changes."


class ClaimAdminForm(forms.ModelForm):
    expected_version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=1,
        help_text="The version this form was rendered from (optimistic locking).",
    )

    class Meta:
        model = Claim
        fields = [
            "text",
            "speaker",
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
            "notes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["expected_version"].required = True
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if "value" in self.fields:
            self._clean_quantity(cleaned)
        if "status" in self.fields and cleaned.get("status") == ClaimStatus.PUBLISHED:
            if self.instance.published_verdict_id is None:
                self.add_error(
                    "status",
                    "A claim is published by publishing a verdict on it; it has no published verdict yet.",
                )
        if self.instance.pk is not None and cleaned.get("expected_version") is not None:
            if self._current_version() != cleaned["expected_version"]:
                raise ValidationError(STALE_VERSION, code="stale_version")
        return cleaned

    def _current_version(self) -> int | None:
        """The row's version now; inside the admin's transaction the row stays locked until the save."""
        rows = Claim.objects.filter(pk=self.instance.pk)
        if not transaction.get_autocommit(using=router.db_for_write(Claim)):
            rows = rows.select_for_update()
        return rows.values_list("version", flat=True).first()

    def _clean_quantity(self, cleaned) -> None:
        """The quantity is whole or absent. Fill the defaults the API applies, then name what is wrong with the
        same rules as the services (the database's constraints would only say which constraint failed)."""
        if cleaned.get("value") is None:
            if "value" not in self.errors and any(cleaned.get(f) for f in ("unit", "qualifier", "kind")):
                self.add_error("value", "Enter the figure, or clear unit, qualifier and kind for a claim without one.")
            return
        cleaned["qualifier"] = cleaned.get("qualifier") or Qualifier.EXACT
        cleaned["kind"] = cleaned.get("kind") or ClaimKind.LEVEL
        cleaned["as_of"] = cleaned.get("as_of") or cleaned.get("stated_on")
        errors = services.claim_quantity_errors(cleaned)
        if not cleaned.get("unit"):
            errors.setdefault("unit", ["a figure needs a unit"])
        for field, messages in errors.items():
            if field in self.fields and field not in self.errors:
                for message in messages:
                    self.add_error(field, f"{capfirst(message)}.")


class AppearanceFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        firsts = [
            form
            for form in self.forms
            if form.cleaned_data.get("is_first") and not form.cleaned_data.get("DELETE", False)
        ]
        if len(firsts) > 1:
            raise ValidationError("Only one appearance can be the claim's first appearance.")


class AppearanceInline(admin.TabularInline):
    model = Appearance
    formset = AppearanceFormSet
    fields = ["source", "excerpt", "is_first"]
    autocomplete_fields = ["source"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "excerpt":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 60})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class VerdictDisplayMixin:
    @admin.display(description="rating", ordering="rating_value")
    def rating_label(self, obj):
        return obj.label

    @admin.display(description="made by", ordering="made_by")
    def made_by_display(self, obj):
        if obj.made_by_user_id:
            return f"{obj.get_made_by_display()} ({obj.made_by_user.get_username()})"
        return obj.get_made_by_display()

    @admin.display(description="claimed")
    def claimed(self, obj):
        return format_number(obj.claimed_value)

    @admin.display(description="reference")
    def reference(self, obj):
        return format_number(obj.reference_value)

    @admin.display(description="deviation")
    def deviation_display(self, obj):
        if obj.deviation is None:
            return EMPTY
        sign = "+" if obj.deviation > 0 else ""
        return f"{sign}{format_number(obj.deviation)} {obj.deviation_unit}".strip()


class VerdictInline(VerdictDisplayMixin, admin.TabularInline):
    """The claim's verdict history, newest first. Read-only: verdicts are appended by the check, publish
    and correct services, never edited."""

    model = Verdict
    fk_name = "claim"
    verbose_name_plural = "verdict history (newest first, read-only)"
    fields = [
        "created_at",
        "made_by_display",
        "rating_label",
        "claimed",
        "reference",
        "deviation_display",
        "rule",
        "policy_version",
        "explanation",
        "published_at",
        "supersedes",
        "note",
    ]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("made_by_user", "supersedes")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- The verdict page: publish and correct verdicts without leaving the admin ----------------------------------
#
# The page only offers what the claim's state allows and calls the verdict services for every write; the services
# stay the authority (they lock the claim and refuse what is not allowed), the page only turns their refusals
# into form errors.

EDITOR_RATINGS = [(code, label) for code, label in Rating.choices if code != Rating.PENDING]
VERDICT_CHANGED = (
    "The verdict changed since you opened this page (someone else published, corrected or re-checked the claim). "
    "Nothing was saved; review the current state below and try again."
)
CORRECT_INSTEAD = "This claim already has a published verdict; correct it instead, so the change is logged publicly."


class ConfirmVerdictActionForm(forms.Form):
    """Publishing the engine's verdict and checking the claim: nothing to enter but the click."""


class EditorVerdictForm(forms.Form):
    rating = forms.ChoiceField(
        choices=[("", "— choose a rating —"), *EDITOR_RATINGS],
        help_text="Unverifiable may be published; pending may not.",
    )
    explanation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Public: why the claim gets this rating, with the numbers behind it.",
    )


class CorrectVerdictForm(EditorVerdictForm):
    note = forms.CharField(
        label="Public correction note",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text="Shown with the correction on the claim's public page: what changed and why.",
    )


VERDICT_ACTION_FORMS = {
    "check": ConfirmVerdictActionForm,
    "publish_engine": ConfirmVerdictActionForm,
    "publish_own": EditorVerdictForm,
    "correct": CorrectVerdictForm,
}


def _format_date(value) -> str:
    return value.isoformat() if value else EMPTY


def _format_datetime(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M %Z") if value else EMPTY


def _format_period(observation) -> str:
    if observation is None:
        return EMPTY
    if observation.period_start == observation.period_end:
        return _format_date(observation.period_end)
    return f"{_format_date(observation.period_start)} to {_format_date(observation.period_end)}"


def _format_deviation(verdict: Verdict) -> str:
    if verdict.deviation is None:
        return EMPTY
    sign = "+" if verdict.deviation > 0 else ""
    if verdict.deviation_unit == Verdict.DeviationUnit.RATIO:
        percent = (verdict.deviation * 100).quantize(Decimal("0.1"))
        return f"{sign}{format_number(percent)}% of the reference (ratio {sign}{format_number(verdict.deviation)})"
    if verdict.deviation_unit == Verdict.DeviationUnit.POINTS:
        return f"{sign}{format_number(verdict.deviation)} points"
    return f"{sign}{format_number(verdict.deviation)}"


def _made_by(verdict: Verdict) -> str:
    if verdict.made_by_user_id:
        return f"{verdict.get_made_by_display()} ({verdict.made_by_user.get_username()})"
    return verdict.get_made_by_display()


def _verdict_rows(verdict: Verdict, claim: Claim) -> list[tuple[str, str]]:
    """A verdict's facts as (label, value) rows for the verdict page; the explanation is shown on its own."""
    rating = verdict.label
    if verdict.reason:
        rating = f"{rating} ({verdict.reason.replace('_', ' ')})"
    rows = [("Rating", rating), ("Made by", _made_by(verdict))]
    if verdict.claimed_value is not None or verdict.reference_value is not None:
        rows += [
            ("Claimed", format_figure(verdict.claimed_value, claim.unit, claim.counted_noun)),
            (
                "Reference (computed change)" if claim.kind == ClaimKind.CHANGE else "Reference",
                format_figure(verdict.reference_value, claim.unit, claim.counted_noun),
            ),
        ]
        if verdict.deviation is not None or verdict.made_by == Verdict.MadeBy.ENGINE:
            rows.append(("Deviation", _format_deviation(verdict)))
    if verdict.made_by == Verdict.MadeBy.ENGINE:
        rows += [("Rule", verdict.rule or EMPTY), ("Policy version", str(verdict.policy_version or EMPTY))]
    if verdict.observation_id:
        rows += [
            ("Observation period", _format_period(verdict.observation)),
            ("Release (vintage)", _format_date(verdict.observation.vintage)),
        ]
    if verdict.baseline_observation_id:
        rows += [
            ("Baseline period", _format_period(verdict.baseline_observation)),
            ("Baseline release (vintage)", _format_date(verdict.baseline_observation.vintage)),
        ]
    made = "Computed" if verdict.made_by == Verdict.MadeBy.ENGINE else "Made"
    rows.append((made, _format_datetime(verdict.created_at)))
    if verdict.published_at:
        by = f" by {verdict.published_by.get_username()}" if verdict.published_by_id else ""
        rows.append(("Published", _format_datetime(verdict.published_at) + by))
    return rows


def _figure_detail(claim: Claim) -> str:
    """'2,000,000 cases (exact level, as of 2022-06-24)': the quantity as the engine reads it."""
    if claim.value is None:
        return "none: the claim has no figure"
    facts = [f"{(claim.qualifier or '').replace('_', ' ')} {claim.kind or ''}".strip()]
    if claim.as_of:
        facts.append(f"as of {_format_date(claim.as_of)}")
    if claim.baseline_date:
        facts.append(f"from {_format_date(claim.baseline_date)}")
    if claim.due_date:
        facts.append(f"due {_format_date(claim.due_date)}")
    return f"{format_figure(claim.value, claim.unit, claim.counted_noun)} ({', '.join(facts)})"


def _engine_publish_refusal(claim: Claim) -> str:
    """Why the engine's verdict cannot be published now ("" when it can). Mirrors the rules of
    services.verdict_publish so the page does not offer a button bound to fail; the service still decides."""
    computed, published = claim.computed_verdict, claim.published_verdict
    if claim.value is None:
        return "This claim has no figure, so the engine does not rate it: publish your own rating."
    if computed is None:
        return "The engine has no verdict on this claim yet: check it first."
    if computed.rating == Rating.PENDING:
        return "The engine's verdict is pending (the forecast is not due or has no data yet); it cannot be published."
    if published is not None and published.pk == computed.pk:
        return "The engine's latest verdict is the published verdict."
    if published is not None and published.created_at >= computed.created_at:
        return "The published verdict is newer than the engine's: correct it instead."
    if not CheckRun.objects.filter(claim=claim, claim_version=claim.version, state=CheckRun.State.DONE).exists():
        return "The claim changed after the engine's last check: check it again before publishing."
    return ""


# --- Exports and imports: the same columns and rules as the API and the import commands --------------------------

IMPORT_MAX_BYTES = 20 * 1024 * 1024


class ImportUploadForm(forms.Form):
    what = forms.ChoiceField(
        label="The file holds",
        choices=[
            (
                "claims",
                "Claims: CSV or JSON Lines in the export's columns, or ClaimReview JSON-LD (or an HTML page with it)",
            ),
            ("series", "Reference series and observations: CSV or JSON Lines in the series export's columns"),
        ],
        widget=forms.RadioSelect,
        initial="claims",
        help_text="Import series before the claims that cite them.",
    )
    file = forms.FileField(
        help_text="UTF-8 text, at most 20 MB. Rows are matched on natural keys: importing twice changes nothing."
    )
    format = forms.ChoiceField(
        choices=[
            ("auto", "Detect (by extension, else content)"),
            ("csv", "CSV"),
            ("jsonl", "JSON Lines"),
            ("claimreview", "ClaimReview JSON-LD / HTML"),
        ],
        initial="auto",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError("The file is larger than 20 MB; use the import_claims / import_series commands.")
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("what") == "series" and cleaned.get("format") == "claimreview":
            self.add_error("format", "Series are imported from CSV or JSON Lines.")
        return cleaned


ARTICLE_IMPORT_SALT = "claims.admin.import_article"
ARTICLE_IMPORT_MAX_AGE = 24 * 3600  # seconds a review page stays valid


class ArticleImportForm(forms.Form):
    url = forms.URLField(
        label="Article URL",
        max_length=2000,
        assume_scheme="https",
        help_text="The article's address: its source is found by URL or created. Fetched unless you paste its text.",
    )
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
        help_text="Optional: the article's text, used instead of fetching the URL.",
    )
    title = forms.CharField(required=False, max_length=500)
    published = forms.DateField(
        required=False, help_text="The publication date (YYYY-MM-DD): dates in the text are read relative to it."
    )
    outlet = forms.CharField(required=False, max_length=200, label="Outlet name")


def _marked_sentence(candidate: dict):
    """The candidate's sentence, escaped, with the mention (text[start:end], located within the sentence) in <mark>."""
    sentence, surface = candidate["sentence"], candidate["surface"]
    at = sentence.find(surface) if surface else -1
    if at < 0:
        return sentence
    return format_html(
        "{}<mark>{}</mark>{}", sentence[:at], sentence[at : at + len(surface)], sentence[at + len(surface) :]
    )


@admin.register(Claim)
class ClaimAdmin(HistoryAdmin):
    form = ClaimAdminForm
    list_display = [
        "id",
        "short_text",
        "speaker",
        "status",
        "figure",
        "published_rating",
        "drift",
        "stated_on",
        "last_checked_at",
        "verdict_link",
    ]
    list_display_links = ["id", "short_text"]
    list_filter = [
        "status",
        DriftFilter,
        SourceProblemFilter,
        PublishedRatingFilter,
        HasFigureFilter,
        "unit",
        "kind",
        "qualifier",
        "attribution_kind",
        "topics",
        "series",
    ]
    list_select_related = ["speaker", "published_verdict", "computed_verdict"]
    search_fields = ["text", "speaker__name", "appearances__excerpt", "notes", "counted_noun"]
    ordering = ["-id"]
    date_hierarchy = "stated_on"
    autocomplete_fields = ["speaker", "series", "topics"]
    readonly_fields = [
        "version",
        "last_checked_at",
        "published_verdict",
        "computed_verdict",
        "drift",
        "created_by",
        "created_at",
        "updated_at",
    ]
    history_list_display = ["version", "status"]
    inlines = [AppearanceInline, VerdictInline]
    actions = ["check_now", "publish_computed_verdict", "export_csv", "export_jsonl"]
    # Adds "Publish or correct the verdict" to the change page's object tools.
    change_form_template = "admin/claims/claim/change_form.html"
    verdict_template = "admin/claims/claim/verdict.html"
    import_template = "admin/claims/claim/import.html"
    fieldsets = [
        (
            "Claim",
            {"fields": ["text", "speaker", "attribution_kind", "stated_on", "topics", "status", "expected_version"]},
        ),
        (
            "Quantity",
            {
                "fields": [
                    "value",
                    "unit",
                    "counted_noun",
                    "qualifier",
                    "kind",
                    "as_of",
                    "baseline_date",
                    "due_date",
                    "series",
                ],
                "description": (
                    "Leave the figure empty for a claim without one. With a figure, qualifier defaults to exact, "
                    "kind to level and 'as of' to the date stated."
                ),
            },
        ),
        ("Editorial", {"fields": ["notes"]}),
        ("Checks", {"fields": readonly_fields, "description": "Kept by the check and publish services."}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return self.fieldsets
        claim, *rest, _checks = self.fieldsets
        claim_fields = [f for f in claim[1]["fields"] if f != "expected_version"]
        return [(claim[0], {**claim[1], "fields": claim_fields}), *rest]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else [AppearanceInline]

    def get_queryset(self, request):
        has_drift = Case(When(drift_condition(), then=Value(True)), default=Value(False), output_field=BooleanField())
        return super().get_queryset(request).annotate(has_drift=has_drift)

    def revert_disabled(self, request, obj=None):
        # A revert would write back the old version number and bypass the stale-form check; an editor copies
        # the old values from the history page into the form instead.
        return True

    def save_model(self, request, obj, form, change):
        if not change:
            obj.version = 1
            obj.created_by = request.user
            return super().save_model(request, obj, form, change)
        # The form locked the row and checked it still has the version the editor read. Only what the form
        # edits is written: the check and publish services move the verdict pointers and last_checked_at
        # without raising the version, and `obj` was read before the lock, so a full save could undo them.
        obj.version = form.cleaned_data["expected_version"] + 1
        obj._history_user = request.user
        edited = [f.name for f in Claim._meta.concrete_fields if f.name in form.fields]
        obj.save(update_fields=[*edited, "version", "updated_at"])

    @admin.action(description="Check now against the reference series", permissions=["change"])
    def check_now(self, request, queryset):
        changed = 0
        for claim in queryset:
            result = services.claim_check(claim=claim)
            changed += result.check_run.outcome == CheckRun.Outcome.CHANGED
        self.message_user(request, f"Checked {len(queryset)} claim(s); {changed} got a new computed verdict.")

    @admin.action(description="Publish the engine's latest verdict", permissions=["change"])
    def publish_computed_verdict(self, request, queryset):
        published, refused = 0, []
        for claim in queryset:
            try:
                services.verdict_publish(claim=claim, user=request.user)
            except ApplicationError as exc:
                refused.append(f"#{claim.pk}: {exc.message}")
            else:
                published += 1
        if published:
            self.message_user(request, f"Published the computed verdict of {published} claim(s).", messages.SUCCESS)
        if refused:
            self.message_user(request, "Not published: " + " ".join(refused), messages.WARNING)

    @admin.action(description="Export selected claims as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return exports.claims_export_response(exports.claims_for_export(queryset, editor=True), "csv")

    @admin.action(description="Export selected claims as JSON Lines", permissions=["view"])
    def export_jsonl(self, request, queryset):
        return exports.claims_export_response(exports.claims_for_export(queryset, editor=True), "jsonl")

    # --- the verdict page ------------------------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        verdict = path(
            "<path:object_id>/verdict/",
            self.admin_site.admin_view(self.verdict_view),
            name="%s_%s_verdict" % info,
        )
        upload = path("import/", self.admin_site.admin_view(self.import_view), name="%s_%s_import" % info)
        article = path(
            "import-article/",
            self.admin_site.admin_view(self.import_article_view),
            name="%s_%s_import_article" % info,
        )
        # Before the defaults: their "<path:object_id>/" catch-all would swallow ".../verdict/" and "import/".
        return [upload, article, verdict, *super().get_urls()]

    # --- the import page -------------------------------------------------------------------------------------

    @staticmethod
    def _may_import(user, what: str) -> bool:
        if what == "series":
            return user.has_perms(["sources.add_referenceseries", "sources.add_observation"])
        return user.has_perm("claims.add_claim")

    def import_view(self, request):
        """Upload a file of claims or series; every row is imported through claims.imports, as the commands do,
        and the report (what was created, updated, unchanged or refused, and why) is shown as a table."""
        if not self._may_import(request.user, "claims"):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                what = form.cleaned_data["what"]
                if not self._may_import(request.user, what):
                    raise PermissionDenied
                upload = form.cleaned_data["file"]
                run = imports.import_series if what == "series" else imports.import_claims
                try:
                    report = run(
                        upload.read(), fmt=form.cleaned_data["format"], filename=upload.name, user=request.user
                    )
                except imports.ImportFileError as exc:
                    form.add_error("file", str(exc))
                else:
                    level = messages.SUCCESS if report.imported else messages.ERROR
                    self.message_user(request, f"{upload.name}: {report.summary()}", level)
        else:
            form = ImportUploadForm()
        context = {
            **self.admin_site.each_context(request),
            "title": "Import claims or series",
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "form": form,
            "report": report,
            "counts": report.counts if report else None,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.import_template, context)

    # --- the import-article page: candidates extracted from an article become draft claims -------------------

    import_article_template = "admin/claims/claim/import_article.html"

    def import_article_view(self, request):
        """Step 1: an article's URL (fetched with the safe fetcher unless its text is pasted). Step 2
        (step=review): the extracted candidates, best first, carried signed so nothing is re-extracted or taken
        unsigned from the client. Step 3 (step=create): each ticked candidate becomes a draft claim."""
        if not request.user.has_perm("claims.add_claim"):
            raise PermissionDenied
        step = request.POST.get("step", "") if request.method == "POST" else ""
        if step == "create":
            return self._import_article_create(request)
        form = ArticleImportForm(request.POST if step == "review" else None)
        review = None
        if step == "review" and form.is_valid():
            review = self._import_article_review(request, form)
        context = {
            **self.admin_site.each_context(request),
            "title": "Import claims from an article",
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "form": form,
            **(review or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.import_article_template, context)

    def _import_article_review(self, request, form) -> dict | None:
        from sources.fetching import FetchError, fetch
        from sources.text import article_text

        data = dict(form.cleaned_data)
        url, text = data["url"], data.get("text") or ""
        from_page = []  # the fields the page's metadata filled in, shown to the editor with the candidates
        if not text.strip():
            try:
                result = fetch(url)
            except FetchError as exc:
                form.add_error("url", f"The article could not be fetched ({exc.code}): {exc.message}")
                return None
            if not 200 <= result.status_code < 300:
                form.add_error("url", f"The article could not be fetched: the server answered HTTP {result.status_code}.")
                return None
            article = article_text(result.body, result.content_type, result.charset, url=result.final_url or url)
            text = article.text
            if not text.strip():
                form.add_error("url", "The fetched document has no readable text.")
                return None
            if not article.main_content:
                from_page.append(("Main text", "not found: the whole page's text was used, menus and footers included"))
            for field, label, value in (
                ("title", "Title", article.title[:500]),
                ("published", "Published", article.published),
                ("outlet", "Outlet", article.site_name[:200]),
            ):
                if value and not data.get(field):
                    data[field] = value
                    from_page.append((label, value))
        try:
            with transaction.atomic():
                source, _ = services.source_match_or_create(
                    url=url,
                    title=data.get("title") or "",
                    outlet_name=data.get("outlet") or "",
                    published_on=data.get("published"),
                )
                source.text_snapshot = text
                source.save(update_fields=["text_snapshot"])
        except ApplicationError as exc:
            form.add_error(None, str(exc))
            return None
        candidates = sorted(
            (candidate.to_dict() for candidate in extraction.extract(text, data.get("published"))),
            key=lambda c: -c["score"],
        )
        payload = signing.dumps({"source": source.pk, "candidates": candidates}, salt=ARTICLE_IMPORT_SALT)
        return {
            "source": source,
            "candidates": [{"index": i, "marked": _marked_sentence(c), **c} for i, c in enumerate(candidates)],
            "signed": payload,
            "review": True,
            "from_page": from_page,
        }

    def _import_article_create(self, request):
        changelist = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        try:
            payload = signing.loads(request.POST.get("signed", ""), salt=ARTICLE_IMPORT_SALT, max_age=ARTICLE_IMPORT_MAX_AGE)
            candidates = payload["candidates"]
            source = Source.objects.get(pk=payload["source"])
        except (signing.BadSignature, KeyError, TypeError, Source.DoesNotExist):
            self.message_user(
                request, "The reviewed candidates were altered or expired; nothing was created. Start again.", messages.ERROR
            )
            return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import_article"))
        ticked = sorted({int(i) for i in request.POST.getlist("candidate") if i.isdigit() and int(i) < len(candidates)})
        if not ticked:
            self.message_user(request, "No candidate was ticked; nothing was created.", messages.WARNING)
            return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import_article"))
        created = []
        for index in ticked:
            candidate = candidates[index]
            try:
                with transaction.atomic():
                    created.append(self._claim_from_candidate(request, candidate, source).pk)
            except (ApplicationError, ValidationError, ValueError) as exc:
                self.message_user(
                    request, f"Not created: “{Truncator(candidate['sentence']).chars(80)}”: {exc}", messages.ERROR
                )
        if created:
            self.message_user(request, f"Created {len(created)} draft claim(s) from {source.url}.", messages.SUCCESS)
            return HttpResponseRedirect(f"{changelist}?id__in={','.join(map(str, created))}")
        return HttpResponseRedirect(changelist)

    @staticmethod
    def _claim_from_candidate(request, candidate: dict, source: Source) -> Claim:
        def day(value):
            return datetime.date.fromisoformat(value) if value else None

        speaker = None
        if candidate.get("speaker"):
            kind = Speaker.Kind.ANONYMOUS if candidate["attribution_kind"] == "anonymous" else Speaker.Kind.PERSON
            speaker = services.speaker_match_or_create(name=candidate["speaker"], kind=kind)[0]
        return services.claim_create(
            text=candidate["sentence"],
            speaker=speaker,
            attribution_kind=candidate["attribution_kind"],
            appearances=[services.AppearanceInput(source=source, excerpt=candidate["sentence"])],
            quantity={
                "value": Decimal(candidate["value"]),
                "unit": candidate["unit"],
                "counted_noun": candidate["counted_noun"],
                "qualifier": candidate["qualifier"],
                "kind": candidate["kind"],
                "as_of": day(candidate["as_of"]),
                "baseline_date": day(candidate["baseline_date"]),
                "due_date": day(candidate["due_date"]),
            },
            user=request.user,
        )

    def verdict_view(self, request, object_id):
        """Publish the engine's verdict, publish an editor's own rating, or correct the published verdict.

        Every write goes through services.verdict_publish / verdict_correct (or claim_check); a refusal from a
        service becomes an error on the form that was submitted, and nothing is written.
        """
        if not self.has_change_permission(request):
            raise PermissionDenied
        claim = self.get_object(request, unquote(object_id))
        if claim is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, claim):
            raise PermissionDenied

        bound = {}
        if request.method == "POST":
            action = request.POST.get("action")
            if action not in VERDICT_ACTION_FORMS:
                return HttpResponseBadRequest("Unknown verdict action.")
            form = VERDICT_ACTION_FORMS[action](request.POST, prefix=action)
            if form.is_valid():
                try:
                    message = self._run_verdict_action(request, claim, action, form.cleaned_data)
                except ApplicationError as exc:
                    self._verdict_form_error(form, exc)
                else:
                    self.message_user(request, message, messages.SUCCESS)
                    view = "verdict" if action == "check" else "change"
                    return HttpResponseRedirect(
                        reverse(
                            f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}",
                            args=[claim.pk],
                            current_app=self.admin_site.name,
                        )
                    )
            bound[action] = form
        context = self._verdict_page_context(request, claim.pk, bound)
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.verdict_template, context)

    @staticmethod
    def _refuse_if_changed(request, current_id: int | None) -> None:
        """The page names the verdict the editor saw; if another write moved it since, nothing is done."""
        seen = request.POST.get("expected_verdict")
        if seen is not None and seen != str(current_id or ""):
            raise ConflictError(VERDICT_CHANGED, code="stale_verdict")

    def _run_verdict_action(self, request, claim: Claim, action: str, data: dict) -> str:
        """Run one action through its service and return the success message; a refusal raises ApplicationError."""
        if action == "check":
            # Not inside a transaction of ours: a failed check records its failure in its own transaction.
            result = services.claim_check(claim=claim)
            verdict = result.computed_verdict
            if verdict is None:
                return "Checked: the claim has no figure, so the engine does not rate it."
            changed = result.check_run.outcome == CheckRun.Outcome.CHANGED
            return f"Checked: the engine's verdict is {verdict.label}{' (new)' if changed else ', unchanged'}."
        with transaction.atomic(using=router.db_for_write(Claim)):
            # Lock the claim while comparing what the editor saw with the current state; the service's own lock
            # is then taken within the same transaction.
            locked = Claim.objects.select_for_update(of=("self",)).select_related("published_verdict").get(pk=claim.pk)
            previous = locked.published_verdict
            if action == "publish_engine":
                self._refuse_if_changed(request, locked.computed_verdict_id)
                verdict = services.verdict_publish(claim=locked, user=request.user)
                if previous is not None and previous.pk == verdict.pk:
                    message = f"The engine's verdict ({verdict.label}) was already the published verdict."
                else:
                    message = f"Published the engine's verdict: {verdict.label}."
            elif action == "publish_own":
                self._refuse_if_changed(request, locked.published_verdict_id)
                if previous is not None:
                    raise ConflictError(CORRECT_INSTEAD, code="already_published")
                verdict = services.verdict_publish(
                    claim=locked, user=request.user, rating=data["rating"], explanation=data["explanation"]
                )
                message = f"Published your rating: {verdict.label}."
            else:
                self._refuse_if_changed(request, locked.published_verdict_id)
                verdict = services.verdict_correct(
                    claim=locked,
                    user=request.user,
                    rating=data["rating"],
                    explanation=data["explanation"],
                    note=data["note"],
                )
                message = f"Corrected the published verdict: {previous.label} → {verdict.label}."
            self.log_change(request, locked, message)
        return message

    @staticmethod
    def _verdict_form_error(form, exc: ApplicationError) -> None:
        field = next((name for name in exc.fields if name in form.fields), None)
        form.add_error(field, exc.message)

    def _verdict_page_context(self, request, claim_id: int, bound: dict) -> dict:
        claim = (
            Claim.objects.select_related(
                "series",
                "computed_verdict__observation",
                "computed_verdict__baseline_observation",
                "published_verdict__observation",
                "published_verdict__baseline_observation",
                "published_verdict__made_by_user",
                "published_verdict__published_by",
            )
            .get(pk=claim_id)
        )
        computed, published = claim.computed_verdict, claim.published_verdict
        forms_ = {
            action: bound.get(action) or form_class(prefix=action) for action, form_class in VERDICT_ACTION_FORMS.items()
        }
        corrections = (
            claim.verdicts.filter(supersedes__isnull=False, published_at__isnull=False)
            .select_related("supersedes", "published_by")
            .order_by("-published_at", "-id")
        )
        engine_refusal = _engine_publish_refusal(claim)
        replaces_public_rating = (
            not engine_refusal
            and published is not None
            and computed is not None
            and published.rating != computed.rating
        )
        return {
            **self.admin_site.each_context(request),
            "title": "Publish or correct the verdict",
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "original": claim,
            "claim": claim,
            "figure": _figure_detail(claim),
            "computed": computed,
            "computed_rows": _verdict_rows(computed, claim) if computed else [],
            "published": published,
            "published_rows": _verdict_rows(published, claim) if published else [],
            "drift": claim.drift,
            "corrections": corrections,
            "forms": forms_,
            "has_errors": any(form.errors for form in bound.values()),
            "can_check": claim.value is not None,
            "engine_refusal": engine_refusal,
            "replaces_public_rating": replaces_public_rating,
            "can_publish_own": published is None,
            "can_correct": published is not None,
        }

    @admin.display(description="verdict")
    def verdict_link(self, obj):
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_verdict"
        url = reverse(name, args=[obj.pk], current_app=self.admin_site.name)
        return format_html(
            '<a href="{}" aria-label="Publish or correct the verdict of claim {}">Publish / correct</a>', url, obj.pk
        )

    @admin.display(description="text", ordering="text")
    def short_text(self, obj):
        return Truncator(obj.text).chars(80)

    @admin.display(description="figure", ordering="value")
    def figure(self, obj):
        return format_figure(obj.value, obj.unit, obj.counted_noun)

    @admin.display(description="published rating", ordering="published_verdict__rating_value")
    def published_rating(self, obj):
        return obj.published_verdict.label if obj.published_verdict_id else EMPTY

    @admin.display(description="drift", boolean=True, ordering="has_drift")
    def drift(self, obj):
        if hasattr(obj, "has_drift"):
            return obj.has_drift
        return obj.drift


@admin.register(Appearance)
class AppearanceAdmin(ReadOnlyAdmin):
    """Where claims appeared, for searching. Appearances are edited on their claim, so the claim's
    version rises with them."""

    list_display = ["claim", "source", "is_first", "created_at"]
    list_filter = ["is_first"]
    list_select_related = ["claim", "source"]
    search_fields = ["excerpt", "claim__text", "source__title", "source__url"]
    ordering = ["-id"]
    date_hierarchy = "created_at"


# --- Verdicts, policies and check runs -------------------------------------------------------------------


@admin.register(Verdict)
class VerdictAdmin(VerdictDisplayMixin, ReadOnlyAdmin):
    list_display = [
        "id",
        "claim",
        "rating_label",
        "made_by_display",
        "claimed",
        "reference",
        "deviation_display",
        "policy_version",
        "created_at",
        "published_at",
    ]
    list_filter = ["rating", "made_by", VerdictPublishedFilter, "policy_version", "rule"]
    list_select_related = ["claim", "made_by_user"]
    search_fields = ["claim__text", "explanation", "note"]
    ordering = ["-created_at", "-id"]
    date_hierarchy = "created_at"


@admin.register(VerdictPolicy)
class VerdictPolicyAdmin(admin.ModelAdmin):
    """Editors only view policies (their group has no other permission). A version in use is never edited:
    verdicts name the version that decided them, so new thresholds are a new version."""

    list_display = ["version", "is_active", "note", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["note"]
    ordering = ["-version"]

    def get_readonly_fields(self, request, obj=None):
        return ["version", "parameters", "created_at"] if obj is not None else ["created_at"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CheckRun)
class CheckRunAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "claim",
        "claim_version",
        "data_version",
        "policy_version",
        "state",
        "outcome",
        "started_at",
        "duration_ms",
        "attempts",
    ]
    list_filter = ["state", "outcome", "policy_version"]
    list_select_related = ["claim"]
    search_fields = ["claim__text", "error"]
    ordering = ["-started_at", "-id"]
    date_hierarchy = "started_at"


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "event_list", "is_active", "delivery_count", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(delivery_count=Count("deliveries"))

    @admin.display(description="events")
    def event_list(self, obj):
        return ", ".join(obj.events) if obj.events else "all events"

    @admin.display(description="deliveries", ordering="delivery_count")
    def delivery_count(self, obj):
        return changelist_link(WebhookDelivery, obj.delivery_count, subscription__id__exact=obj.pk)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """The delivery log: every event sent to every subscriber, its attempts and the receiver's last answer."""

    list_display = ["created_at", "event", "subscription", "state", "attempts", "last_status_code", "last_error", "delivered_at"]
    list_filter = ["state", "event", "subscription"]
    list_select_related = ["subscription"]
    search_fields = ["event_id", "subscription__name"]
    ordering = ["-created_at", "-id"]
    date_hierarchy = "created_at"
    actions = ["send_again"]

    @admin.action(description="Send again now")
    def send_again(self, request, queryset):
        sent = 0
        for delivery in queryset.select_related("subscription"):
            WebhookDelivery.objects.filter(pk=delivery.pk).update(state="pending", lease_until=None)
            delivery.refresh_from_db()
            services.webhook_deliver(delivery=delivery)
            sent += 1
        self.message_user(request, f"Tried {sent} deliveries again; see their state.", messages.SUCCESS)

    def has_change_permission(self, request, obj=None):
        return False
