"""The admin for outlets, sources, link checks, reference series and observations.

Editors (the `Editors` group, not superusers) add and change outlets, sources, series and observations.
Link checks are append-only records written by the link-check job and are read-only here for everyone.
An observation is never overwritten: a revised figure is a new row with a newer vintage.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from factcheck.exceptions import ApplicationError

from . import services
from .fetching import FetchError
from .models import Observation, Outlet, ReferenceSeries, Source, SourceCheck

# --- Shared by the claims admin ----------------------------------------------------------------------


# A URL typed without a scheme is taken as https (Django 6's default; avoids the 5.x deprecation warning).
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin that only lets a user revert what they may change.

    simple_history's `history_form_view` saves a POST after checking only the *view* permission, and
    `revert_disabled` merely hides the button; so a POST is refused here unless reverting is allowed.
    """

    formfield_overrides = URL_FIELDS_ASSUME_HTTPS

    def revert_disabled(self, request, obj=None):
        return super().revert_disabled(request, obj) or not self.has_change_permission(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, object_id)
            if obj is None or self.revert_disabled(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Append-only records: viewable (the change page renders read-only), never added, changed or deleted
    by hand, superusers included. The services that own them write them."""

    formfield_overrides = URL_FIELDS_ASSUME_HTTPS

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NewestRowsFormSet(BaseInlineFormSet):
    """An inline formset showing only the newest `max_rows` rows (in the inline's ordering).

    Only for inlines whose existing rows are read-only: the slice happens after the parent filter, so the
    page stays small however long the history grows.
    """

    max_rows = 20

    def get_queryset(self):
        if not hasattr(self, "_queryset"):
            self._queryset = super().get_queryset()[: self.max_rows]
        return self._queryset


def changelist_link(model, label, **filters) -> str:
    """A link to `model`'s changelist narrowed by `filters` (lookups the admin accepts)."""
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return format_html('<a href="{}?{}">{}</a>', url, query, label)


class IllustrativeFilter(admin.SimpleListFilter):
    """Invented demo data is labelled as such wherever a series is listed."""

    title = "illustrative demo data"
    parameter_name = "illustrative"

    def lookups(self, request, model_admin):
        return [("yes", "Illustrative demo data"), ("no", "Official data")]

    def queryset(self, request, queryset):
        prefix = "" if queryset.model is ReferenceSeries else "series__"
        if self.value() == "yes":
            return queryset.filter(**{f"{prefix}illustrative": True})
        if self.value() == "no":
            return queryset.filter(**{f"{prefix}illustrative": False})
        return queryset


# --- Outlets and sources -----------------------------------------------------------------------------


@admin.register(Outlet)
class OutletAdmin(HistoryAdmin):
    list_display = ["name", "domain", "kind", "source_count", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "domain"]
    ordering = ["name"]
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(source_count=Count("sources", distinct=True))

    @admin.display(description="sources", ordering="source_count")
    def source_count(self, obj):
        return changelist_link(Source, obj.source_count, outlet__id__exact=obj.pk)


class SourceCheckInline(admin.TabularInline):
    """The newest link checks of a source, read-only (the link-check job writes them)."""

    model = SourceCheck
    formset = NewestRowsFormSet
    verbose_name_plural = f"latest link checks (the {NewestRowsFormSet.max_rows} newest)"
    fields = ["checked_at", "status_code", "final_url", "changed", "error_code", "duration_ms", "content_hash"]
    readonly_fields = fields
    ordering = ["-checked_at", "-id"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    actions = ["check_links_now"]

    @admin.action(description="Check the links now", permissions=["change"])
    def check_links_now(self, request, queryset):
        counts: dict[str, int] = {}
        for source in queryset:
            try:
                services.source_check(source=source)
            except FetchError:  # transient failure: recorded on the source like any other check
                pass
            source.refresh_from_db(fields=["last_status"])
            counts[source.get_last_status_display()] = counts.get(source.get_last_status_display(), 0) + 1
        summary = ", ".join(f"{n} {status.lower()}" for status, n in sorted(counts.items()))
        self.message_user(request, f"Checked {sum(counts.values())} links: {summary}.", messages.SUCCESS)

    list_display = ["display_title", "outlet", "kind", "published_on", "last_status", "last_checked_at"]
    list_filter = ["kind", "last_status", ("outlet", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["outlet"]
    search_fields = ["title", "url", "outlet__name"]
    ordering = ["-published_on", "-id"]
    date_hierarchy = "published_on"
    autocomplete_fields = ["outlet"]
    readonly_fields = ["last_status", "last_checked_at", "content_hash", "all_checks", "created_at"]
    fieldsets = [
        (None, {"fields": ["url", "title", "outlet", "published_on", "kind"]}),
        ("Text", {"fields": ["text_snapshot"], "classes": ["collapse"]}),
        (
            "Link checks",
            {
                "fields": ["last_status", "last_checked_at", "content_hash", "all_checks", "created_at"],
                "description": "Written by the link-check job; every check is kept below.",
            },
        ),
    ]
    inlines = [SourceCheckInline]

    @admin.display(description="title", ordering="title")
    def display_title(self, obj):
        return obj.title or obj.url

    @admin.display(description="all link checks")
    def all_checks(self, obj):
        if obj.pk is None:
            return "—"
        return changelist_link(SourceCheck, "every check of this source", source__id__exact=obj.pk)


@admin.register(SourceCheck)
class SourceCheckAdmin(ReadOnlyAdmin):
    list_display = ["source", "checked_at", "status_code", "changed", "error_code", "duration_ms"]
    list_filter = ["changed", "error_code", "status_code"]
    list_select_related = ["source"]
    search_fields = ["source__url", "source__title", "final_url", "error_code"]
    ordering = ["-checked_at", "-id"]
    date_hierarchy = "checked_at"


# --- Reference series and observations ----------------------------------------------------------------

OBSERVATION_NEVER_OVERWRITTEN = (
    "An observation is never overwritten: the figure a verdict was based on must stay as it was. "
    "When an agency revises a figure, add a new observation for the same period with the newer vintage "
    "(the revision's release date); checks use the newest vintage. Existing observations are read-only."
)


class ObservationForm(forms.ModelForm):
    """A single date is a period whose start equals its end, so the start may be left empty."""

    class Meta:
        model = Observation
        fields = ["series", "period_start", "period_end", "value", "vintage", "source", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "period_start" in self.fields:
            self.fields["period_start"].required = False
            self.fields["period_start"].help_text = "Leave empty for a single date (start = end)."

    def clean(self):
        cleaned = super().clean()
        if "period_start" in self.fields and not cleaned.get("period_start") and cleaned.get("period_end"):
            cleaned["period_start"] = cleaned["period_end"]
        return cleaned


class NewestObservationsFormSet(NewestRowsFormSet):
    max_rows = 50


class ObservationInline(admin.TabularInline):
    """The newest observations of a series, read-only; new ones (including revisions) can be added."""

    model = Observation
    form = ObservationForm
    formset = NewestObservationsFormSet
    verbose_name_plural = (
        f"observations (the {NewestObservationsFormSet.max_rows} newest; existing rows are read-only, "
        "a revision is added as a new row)"
    )
    fields = ["period_start", "period_end", "value", "vintage", "source", "note"]
    ordering = ["-period_end", "-vintage", "-id"]
    autocomplete_fields = ["source"]
    extra = 1
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("series", "source")

    def has_change_permission(self, request, obj=None):
        # With add but not change permission, Django shows existing rows read-only and still offers new ones.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReferenceSeries)
class ReferenceSeriesAdmin(HistoryAdmin):
    list_display = [
        "name",
        "slug",
        "unit",
        "publisher",
        "is_illustrative",
        "last_refreshed_at",
        "observation_count",
    ]
    list_filter = [IllustrativeFilter, "unit", ("publisher", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["publisher"]
    search_fields = ["name", "slug", "counted_noun", "publisher__name"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["publisher"]
    readonly_fields = ["last_refreshed_at", "all_observations", "created_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "unit", "counted_noun", "publisher", "description", "illustrative"]}),
        ("Feed", {"fields": ["feed_url", "refresh_every", "last_refreshed_at"]}),
        (
            "Observations",
            {"fields": ["all_observations", "created_at"], "description": OBSERVATION_NEVER_OVERWRITTEN},
        ),
    ]
    inlines = [ObservationInline]
    actions = ["refresh_now"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(observation_count=Count("observations", distinct=True))

    @admin.action(description="Refresh now from the feed", permissions=["change"])
    def refresh_now(self, request, queryset):
        for series in queryset:
            if not series.feed_url:
                self.message_user(request, f"{series}: no feed URL to refresh from.", messages.WARNING)
                continue
            try:
                report = services.series_refresh(series=series)
            except (FetchError, ApplicationError, ValueError) as exc:
                self.message_user(request, f"{series}: not refreshed: {getattr(exc, 'message', exc)}", messages.ERROR)
                continue
            level = messages.WARNING if report.refused else messages.SUCCESS
            summary = f"{series}: {report.added} new observations, {report.unchanged} unchanged"
            refused = f", {len(report.refused)} rows refused ({'; '.join(report.refused[:3])})" if report.refused else ""
            self.message_user(request, summary + refused + ".", level)

    @admin.display(description="Illustrative demo data", boolean=True, ordering="illustrative")
    def is_illustrative(self, obj):
        return obj.illustrative

    @admin.display(description="observations", ordering="observation_count")
    def observation_count(self, obj):
        return changelist_link(Observation, obj.observation_count, series__id__exact=obj.pk)

    @admin.display(description="all observations")
    def all_observations(self, obj):
        if obj.pk is None:
            return "—"
        return changelist_link(Observation, "every observation of this series", series__id__exact=obj.pk)


@admin.register(Observation)
class ObservationAdmin(HistoryAdmin):
    form = ObservationForm
    list_display = ["series", "period_start", "period_end", "value", "vintage", "source", "is_illustrative"]
    list_filter = [("series", admin.RelatedOnlyFieldListFilter), IllustrativeFilter, "vintage"]
    list_select_related = ["series", "source"]
    search_fields = ["series__name", "series__slug", "note", "source__title", "source__url"]
    ordering = ["series__name", "-period_end", "-vintage"]
    date_hierarchy = "period_end"
    autocomplete_fields = ["series", "source"]
    fieldsets = [
        (
            None,
            {
                "fields": ["series", "period_start", "period_end", "value", "vintage", "source", "note"],
                "description": OBSERVATION_NEVER_OVERWRITTEN,
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets
        return [(None, {**self.fieldsets[0][1], "fields": [*self.fieldsets[0][1]["fields"], "recorded_at"]})]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["series", "period_start", "period_end", "value", "vintage", "source", "note", "recorded_at"]
        return []

    def has_change_permission(self, request, obj=None):
        # Editors hold the change permission (the changelist needs it for nothing, but the group grants it);
        # an existing row is still never saved again, which also rules out a revert from its history.
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description="Illustrative demo data", boolean=True, ordering="series__illustrative")
    def is_illustrative(self, obj):
        return obj.series.illustrative
