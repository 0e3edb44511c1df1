"""Read and write shapes of outlets, sources, series and observations. Fields are listed explicitly."""

from rest_framework import serializers

from factcheck.fields import ModelSerializer, ValueField
from sources.models import (
    Observation,
    Outlet,
    OutletKind,
    ReferenceSeries,
    Source,
    SourceCheck,
    SourceKind,
    Unit,
)


class OutletSerializer(ModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "name", "domain", "kind"]


class OutletWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    domain = serializers.CharField(max_length=253, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=OutletKind.choices, required=False, default=OutletKind.NEWS)


class SourceCheckSerializer(ModelSerializer):
    error = serializers.CharField(source="error_code", read_only=True)

    class Meta:
        model = SourceCheck
        fields = ["id", "checked_at", "status_code", "final_url", "content_hash", "changed", "error", "duration_ms"]


class SourceSerializer(ModelSerializer):
    outlet = OutletSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Source
        fields = ["id", "url", "title", "outlet", "published_on", "kind", "last_status", "last_checked_at"]


class SourceWriteSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=2000)
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    outlet = serializers.PrimaryKeyRelatedField(queryset=Outlet.objects.all(), required=False, allow_null=True, default=None)
    published_on = serializers.DateField(required=False, allow_null=True, default=None)
    kind = serializers.ChoiceField(choices=SourceKind.choices, required=False, default=SourceKind.ARTICLE)


class ObservationSerializer(ModelSerializer):
    class Meta:
        model = Observation
        fields = ["id", "period_start", "period_end", "value", "vintage", "note"]


class ObservationWriteSerializer(serializers.Serializer):
    period_start = serializers.DateField(required=False, allow_null=True, default=None)
    period_end = serializers.DateField()
    value = ValueField()
    vintage = serializers.DateField(required=False, allow_null=True, default=None)
    source = serializers.PrimaryKeyRelatedField(queryset=Source.objects.all(), required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class SeriesSerializer(ModelSerializer):
    publisher = OutletSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ReferenceSeries
        fields = [
            "slug",
            "name",
            "unit",
            "counted_noun",
            "publisher",
            "description",
            "illustrative",
            "feed_url",
            "last_refreshed_at",
        ]


class SeriesWriteSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=100)
    name = serializers.CharField(max_length=200)
    unit = serializers.ChoiceField(choices=Unit.choices)
    counted_noun = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    publisher = serializers.PrimaryKeyRelatedField(
        queryset=Outlet.objects.all(), required=False, allow_null=True, default=None
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")
