"""The API of claims, speakers and verdicts. Writes go through claims.services; reads through claims.selectors."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from claims import exports, extraction, selectors, services
from claims.claimreview import claim_review, site_url
from claims.models import Claim
from factcheck.pagination import KeysetPagination
from factcheck.permissions import IsEditor, IsEditorOrReadOnly, is_editor
from factcheck.renderers import EXPORT_RENDERERS, JSONLDRenderer, export_format, export_schema_responses

from .filters import ClaimFilter, VerdictFilter
from .serializers import (
    CheckResponseSerializer,
    ClaimSerializer,
    ClaimWriteSerializer,
    CorrectSerializer,
    ExtractRequestSerializer,
    ExtractResponseSerializer,
    PublishSerializer,
    SpeakerSerializer,
    SpeakerWriteSerializer,
    VerdictSerializer,
)


class _EditorAware:
    @property
    def editor(self) -> bool:
        return is_editor(self.request.user)

    def get_serializer_context(self):
        return super().get_serializer_context() | {"editor": self.editor}


class SpeakerViewSet(_EditorAware, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SpeakerSerializer
    permission_classes = [IsEditorOrReadOnly]
    pagination_class = KeysetPagination
    filterset_fields = ["kind"]

    def get_queryset(self):
        return selectors.speaker_list(editor=self.editor)

    @extend_schema(request=SpeakerWriteSerializer, responses={201: SpeakerSerializer})
    def create(self, request):
        incoming = SpeakerWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        speaker = services.speaker_create(**incoming.validated_data)
        return Response(SpeakerSerializer(speaker).data, status=status.HTTP_201_CREATED)


class VerdictViewSet(_EditorAware, viewsets.ReadOnlyModelViewSet):
    serializer_class = VerdictSerializer
    pagination_class = KeysetPagination
    filterset_class = VerdictFilter
    keyset_orderings = {"published_at": "published_at", "created_at": "created_at", "rating_value": "rating_value"}

    def get_queryset(self):
        return selectors.verdict_list(editor=self.editor)


def _claim_arguments(data: dict) -> dict:
    """Map the validated API shape onto the service's keyword arguments."""
    args = dict(data)
    args.pop("version", None)
    if "appearances" in args:
        args["appearances"] = [services.AppearanceInput(**item) for item in args["appearances"]]
    return args


class ClaimViewSet(
    _EditorAware,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ClaimSerializer
    permission_classes = [IsEditorOrReadOnly]
    pagination_class = KeysetPagination
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"\d+"
    filterset_class = ClaimFilter
    keyset_orderings = {
        "published_at": "published_verdict__published_at",
        "as_of": "as_of",
        "rating_value": "published_verdict__rating_value",
        "value": "value",
    }

    def get_queryset(self):
        return selectors.claim_queryset(editor=self.editor)

    def get_renderers(self):
        # The list is also an export: ?format=csv / ?format=jsonl (or Accept: text/csv, application/x-ndjson).
        renderers = super().get_renderers()
        if self.action == "list":
            renderers += [renderer() for renderer in EXPORT_RENDERERS]
        return renderers

    @extend_schema(responses=export_schema_responses(ClaimSerializer(many=True)))
    def list(self, request, *args, **kwargs):
        """Claims, paginated; with ?format=csv or ?format=jsonl every matching claim with its published verdict as
        a download (same visibility and filters, not paginated; columns in README, "Exports and imports")."""
        fmt = export_format(request)
        if fmt is not None:
            return exports.claims_export_response(self.filter_queryset(self.get_queryset()), fmt)
        return super().list(request, *args, **kwargs)

    def _read(self, pk: int, http_status=status.HTTP_200_OK) -> Response:
        claim = selectors.claim_get(pk=pk, editor=self.editor)
        return Response(self.get_serializer(claim).data, status=http_status)

    def _claim_for_write(self, pk) -> Claim:
        claim = Claim.objects.filter(pk=pk).first()
        if claim is None:
            raise Http404
        return claim

    @extend_schema(
        responses={(200, "application/ld+json"): OpenApiTypes.OBJECT, (200, "application/json"): OpenApiTypes.OBJECT},
        summary="ClaimReview JSON-LD",
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONLDRenderer, JSONRenderer])
    def claimreview(self, request, pk=None):
        """schema.org ClaimReview of the claim's published verdict (published claims only)."""
        claim = selectors.claim_get(pk=pk, editor=False)
        if claim is None:
            raise Http404
        return Response(claim_review(claim))

    @extend_schema(request=ClaimWriteSerializer, responses={201: ClaimSerializer})
    def create(self, request):
        incoming = ClaimWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        claim = services.claim_create(**_claim_arguments(incoming.validated_data), user=request.user)
        return self._read(claim.pk, status.HTTP_201_CREATED)

    @extend_schema(request=ClaimWriteSerializer, responses={200: ClaimSerializer})
    def partial_update(self, request, pk=None):
        self._claim_for_write(pk)
        incoming = ClaimWriteSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        claim = services.claim_update(
            claim_id=int(pk),
            expected_version=incoming.validated_data["version"],
            user=request.user,
            **_claim_arguments(incoming.validated_data),
        )
        return self._read(claim.pk)

    @extend_schema(request=None, responses={200: CheckResponseSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsEditor])
    def check(self, request, pk=None):
        result = services.claim_check(claim=self._claim_for_write(pk))
        return Response(
            CheckResponseSerializer(
                {"check_run": result.check_run, "computed_verdict": result.computed_verdict},
                context=self.get_serializer_context(),
            ).data
        )

    @extend_schema(request=PublishSerializer, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsEditor])
    def publish(self, request, pk=None):
        incoming = PublishSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.verdict_publish(claim=self._claim_for_write(pk), user=request.user, **incoming.validated_data)
        return self._read(pk)

    @extend_schema(request=CorrectSerializer, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsEditor])
    def correct(self, request, pk=None):
        incoming = CorrectSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.verdict_correct(claim=self._claim_for_write(pk), user=request.user, **incoming.validated_data)
        return self._read(pk)


class ClaimReviewFeedView(APIView):
    """Every published verdict as ClaimReview, newest first, for aggregators (a schema.org DataFeed)."""

    renderer_classes = [JSONLDRenderer, JSONRenderer]
    pagination_class = KeysetPagination
    keyset_orderings = {"published_at": "published_verdict__published_at"}
    default_ordering = "-published_at"

    @extend_schema(
        responses={(200, "application/ld+json"): OpenApiTypes.OBJECT, (200, "application/json"): OpenApiTypes.OBJECT},
        summary="ClaimReview feed",
    )
    def get(self, request):
        paginator = self.pagination_class()
        claims = paginator.paginate_queryset(selectors.claim_queryset(editor=False), request, view=self)
        return Response(
            {
                "@context": "https://schema.org",
                "@type": "DataFeed",
                "url": site_url(request.path),
                "dataFeedElement": [claim_review(claim) for claim in claims],
                "next": paginator.get_next_link(),
            }
        )


class ExtractView(APIView):
    """Propose the numeric claims in a text, best candidates first, for an editor to accept or reject."""

    permission_classes = [IsEditor]

    @extend_schema(request=ExtractRequestSerializer, responses={200: ExtractResponseSerializer})
    def post(self, request):
        incoming = ExtractRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        candidates = extraction.extract(incoming.validated_data["text"], incoming.validated_data["published"])
        ranked = sorted(candidates, key=lambda c: (-c.score, c.start))
        return Response({"candidates": [candidate.to_dict() for candidate in ranked]})
