"""Query parameters of the source list. Ids are plain numbers, so a filter never tells whether a hidden row exists."""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from sources.models import LinkStatus, ReferenceSeries, Source, SourceKind, Unit

BOOLEAN_CHOICES = [("true", "true"), ("false", "false")]


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.Filter):
    """A row id: a whole number in the database's range (1.5 or 10**30 is a 400, never another row or a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class SourceFilter(django_filters.FilterSet):
    outlet = IdFilter(field_name="outlet_id")
    kind = django_filters.ChoiceFilter(choices=SourceKind.choices)
    last_status = django_filters.ChoiceFilter(choices=LinkStatus.choices)

    class Meta:
        model = Source
        fields = ["outlet", "kind", "last_status"]


class SeriesFilter(django_filters.FilterSet):
    unit = django_filters.ChoiceFilter(choices=Unit.choices)
    illustrative = django_filters.ChoiceFilter(choices=BOOLEAN_CHOICES, method="filter_illustrative")

    class Meta:
        model = ReferenceSeries
        fields = ["unit", "illustrative"]

    def filter_illustrative(self, queryset, name, value):
        return queryset.filter(illustrative=value == "true")
