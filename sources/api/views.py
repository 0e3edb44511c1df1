"""The API of outlets, sources, series and observations. Reads follow the public's visibility rules."""

from types import SimpleNamespace

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from factcheck.pagination import KeysetPagination
from factcheck.permissions import IsEditor, IsEditorOrReadOnly, is_editor
from factcheck.renderers import EXPORT_RENDERERS, export_format, export_schema_responses
from sources import selectors, services
from sources.fetching import FetchError
from sources.models import Source
from sources.exports import series_export_response

from .filters import SeriesFilter, SourceFilter
from .serializers import (
    ObservationSerializer,
    ObservationWriteSerializer,
    OutletSerializer,
    OutletWriteSerializer,
    SeriesSerializer,
    SeriesWriteSerializer,
    SourceCheckSerializer,
    SourceSerializer,
    SourceWriteSerializer,
)


# Nested lists keep their natural order (periods, newest check first) rather than the resource's own.
_OBSERVATION_ORDERINGS = SimpleNamespace(
    keyset_orderings={"period_end": "period_end", "vintage": "vintage"}, default_ordering="period_end"
)
_CHECK_ORDERINGS = SimpleNamespace(keyset_orderings={"checked_at": "checked_at"}, default_ordering="-checked_at")


class _ReadCreateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsEditorOrReadOnly]
    pagination_class = KeysetPagination
    write_serializer_class = None
    lookup_value_regex = r"\d+"

    @property
    def editor(self) -> bool:
        return is_editor(self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return self.write_serializer_class
        return self.serializer_class

    def create(self, request, *args, **kwargs):
        incoming = self.write_serializer_class(data=request.data)
        incoming.is_valid(raise_exception=True)
        obj = self.perform_create_from(incoming.validated_data)
        return Response(self.serializer_class(obj, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)


@extend_schema_view(create=extend_schema(request=OutletWriteSerializer, responses={201: OutletSerializer}))
class OutletViewSet(_ReadCreateViewSet):
    serializer_class = OutletSerializer
    write_serializer_class = OutletWriteSerializer
    filterset_fields = ["kind"]

    def get_queryset(self):
        return selectors.outlet_list(editor=self.editor)

    def perform_create_from(self, data):
        return services.outlet_create(**data)


@extend_schema_view(create=extend_schema(request=SourceWriteSerializer, responses={201: SourceSerializer}))
class SourceViewSet(_ReadCreateViewSet):
    serializer_class = SourceSerializer
    write_serializer_class = SourceWriteSerializer
    filterset_class = SourceFilter

    def get_queryset(self):
        return selectors.source_list(editor=self.editor)

    def perform_create_from(self, data):
        return services.source_create(**data)

    @extend_schema(request=None, responses={200: SourceCheckSerializer}, summary="Check the link now")
    @action(detail=True, methods=["post"], url_path="check", permission_classes=[IsEditor], filter_backends=[])
    def check_now(self, request, pk=None):
        """Fetch the source with the safe fetcher now and answer with the SourceCheck (refusals included)."""
        source = get_object_or_404(Source, pk=pk)
        try:
            check = services.source_check(source=source)
        except FetchError:  # transient: recorded already; the answer is that record
            check = source.checks.order_by("-checked_at", "-id").first()
        return Response(SourceCheckSerializer(check).data)

    @extend_schema(responses=SourceCheckSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def checks(self, request, pk=None):
        source = self.get_object()
        paginator = KeysetPagination()
        page = paginator.paginate_queryset(selectors.source_check_list(source=source), request, view=_CHECK_ORDERINGS)
        return paginator.get_paginated_response(SourceCheckSerializer(page, many=True).data)


@extend_schema_view(create=extend_schema(request=SeriesWriteSerializer, responses={201: SeriesSerializer}))
class SeriesViewSet(_ReadCreateViewSet):
    serializer_class = SeriesSerializer
    write_serializer_class = SeriesWriteSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filterset_class = SeriesFilter

    def get_queryset(self):
        return selectors.series_list(editor=self.editor)

    def perform_create_from(self, data):
        return services.series_create(**data)

    def get_renderers(self):
        # The list (every visible series) and one series' observations are also exports: ?format=csv / jsonl.
        renderers = super().get_renderers()
        if self.action in ("list", "observations") and getattr(self.request, "method", "GET") in ("GET", "HEAD"):
            renderers += [renderer() for renderer in EXPORT_RENDERERS]
        return renderers

    @extend_schema(responses=export_schema_responses(SeriesSerializer(many=True)))
    def list(self, request, *args, **kwargs):
        """Series, paginated; with ?format=csv (or jsonl) every visible series with all its observations, one row
        per observation (columns in README, "Exports and imports")."""
        fmt = export_format(request)
        if fmt is not None:
            return series_export_response(self.filter_queryset(self.get_queryset()), fmt)
        return super().list(request, *args, **kwargs)

    @extend_schema(methods=["GET"], responses=export_schema_responses(ObservationSerializer(many=True)))
    @extend_schema(methods=["POST"], request=ObservationWriteSerializer, responses={200: ObservationSerializer, 201: ObservationSerializer})
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def observations(self, request, slug=None):
        series = get_object_or_404(self.get_queryset(), slug=slug)
        fmt = export_format(request)
        if request.method == "GET" and fmt is not None:
            return series_export_response(self.get_queryset().filter(pk=series.pk), fmt, f"series-{series.slug}")
        if request.method == "GET":
            paginator = KeysetPagination()
            page = paginator.paginate_queryset(
                selectors.observation_list(series=series), request, view=_OBSERVATION_ORDERINGS
            )
            return paginator.get_paginated_response(ObservationSerializer(page, many=True).data)
        incoming = ObservationWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        observation, created = services.observation_add(series=series, **incoming.validated_data)
        return Response(
            ObservationSerializer(observation).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
