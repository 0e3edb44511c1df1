"""Query parameters of the source list. Ids are plain numbers, so a filter never tells whether a hidden row exists."""

import django_filters

from sources.models import LinkStatus, Source, SourceKind


class SourceFilter(django_filters.FilterSet):
    outlet = django_filters.NumberFilter(field_name="outlet_id")
    kind = django_filters.ChoiceFilter(choices=SourceKind.choices)
    last_status = django_filters.ChoiceFilter(choices=LinkStatus.choices)

    class Meta:
        model = Source
        fields = ["outlet", "kind", "last_status"]
