"""Query parameters of the claim and verdict lists. Names are part of the contract integrations rely on.

An invalid value answers 400 (django-filter's form errors through the uniform error shape), never a 500 and
never a silently ignored filter. `status` and `drift` are editors' filters: for anyone else they are ignored,
so they cannot be used to probe what the public does not see.
"""

import django_filters
from django.db.models import Exists, OuterRef

from claims import selectors
from claims.models import Appearance, Claim, ClaimStatus, MadeBy, Rating, Verdict
from claims.search import MAX_QUERY_LENGTH, claim_search
from factcheck.permissions import is_editor
from sources.api.filters import BOOLEAN_CHOICES, IdFilter
from sources.models import VALUE_DECIMAL_PLACES, VALUE_MAX_DIGITS, Unit


def value_filter(lookup_expr: str) -> django_filters.NumberFilter:
    # The same bounds as a stored figure, so an absurd exponent is a 400 and never a database overflow.
    return django_filters.NumberFilter(
        field_name="value", lookup_expr=lookup_expr, max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES
    )


def _is_true(value: str) -> bool:
    return value == "true"


class ClaimFilter(django_filters.FilterSet):
    speaker = IdFilter(field_name="speaker_id", help_text="Speaker id.")
    outlet = IdFilter(method="filter_outlet", help_text="Outlet id of any appearance's source.")
    topic = django_filters.CharFilter(method="filter_topic", max_length=100, help_text="Topic slug.")
    rating = django_filters.ChoiceFilter(
        field_name="published_verdict__rating", choices=Rating.choices, help_text="Rating code of the published verdict."
    )
    unit = django_filters.ChoiceFilter(choices=Unit.choices)
    counted_noun = django_filters.CharFilter(lookup_expr="iexact", max_length=100)
    value_min = value_filter("gte")
    value_max = value_filter("lte")
    as_of_after = django_filters.DateFilter(field_name="as_of", lookup_expr="gte")
    as_of_before = django_filters.DateFilter(field_name="as_of", lookup_expr="lte")
    published_after = django_filters.DateFilter(
        field_name="published_verdict__published_at", lookup_expr="date__gte", help_text="Published verdict on or after."
    )
    published_before = django_filters.DateFilter(
        field_name="published_verdict__published_at", lookup_expr="date__lte", help_text="Published verdict on or before."
    )
    has_verdict = django_filters.ChoiceFilter(
        choices=BOOLEAN_CHOICES, method="filter_has_verdict", help_text="Has a published verdict."
    )
    status = django_filters.ChoiceFilter(
        choices=ClaimStatus.choices, method="filter_status", help_text="Editorial status (editors only)."
    )
    drift = django_filters.ChoiceFilter(
        choices=BOOLEAN_CHOICES, method="filter_drift", help_text="Engine disagrees with the published verdict (editors only)."
    )
    q = django_filters.CharFilter(
        method="filter_q", max_length=MAX_QUERY_LENGTH, help_text="Full-text search over claim text, speaker and excerpts."
    )

    class Meta:
        model = Claim
        fields = []  # only the declared filters above

    def _editor(self) -> bool:
        return self.request is not None and is_editor(self.request.user)

    def filter_outlet(self, queryset, name, value):
        return queryset.filter(Exists(Appearance.objects.filter(claim=OuterRef("pk"), source__outlet_id=value)))

    def filter_topic(self, queryset, name, value):
        through = queryset.model.topics.through
        return queryset.filter(Exists(through.objects.filter(claim=OuterRef("pk"), topic__slug=value)))

    def filter_has_verdict(self, queryset, name, value):
        return queryset.filter(published_verdict__isnull=not _is_true(value))

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value) if self._editor() else queryset

    def filter_drift(self, queryset, name, value):
        if not self._editor():
            return queryset
        condition = selectors.drift_condition()
        return queryset.filter(condition) if _is_true(value) else queryset.exclude(condition)

    def filter_q(self, queryset, name, value):
        return claim_search(queryset, value)


class VerdictFilter(django_filters.FilterSet):
    claim = IdFilter(field_name="claim_id")
    rating = django_filters.ChoiceFilter(choices=Rating.choices)
    made_by = django_filters.ChoiceFilter(choices=MadeBy.choices)
    published_after = django_filters.DateFilter(field_name="published_at", lookup_expr="date__gte")
    published_before = django_filters.DateFilter(field_name="published_at", lookup_expr="date__lte")
    is_correction = django_filters.ChoiceFilter(choices=BOOLEAN_CHOICES, method="filter_is_correction")

    class Meta:
        model = Verdict
        fields = ["claim", "rating", "made_by", "published_after", "published_before", "is_correction"]

    def filter_is_correction(self, queryset, name, value):
        return queryset.filter(supersedes__isnull=not _is_true(value))
