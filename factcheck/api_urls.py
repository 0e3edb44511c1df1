"""Every resource of the API under /api/, with the OpenAPI schema and interactive docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from claims.api.views import ClaimReviewFeedView, ClaimViewSet, ExtractView, SpeakerViewSet, VerdictViewSet
from sources.api.views import OutletViewSet, SeriesViewSet, SourceViewSet

router = DefaultRouter()
router.register("claims", ClaimViewSet, basename="claim")
router.register("speakers", SpeakerViewSet, basename="speaker")
router.register("verdicts", VerdictViewSet, basename="verdict")
router.register("outlets", OutletViewSet, basename="outlet")
router.register("sources", SourceViewSet, basename="source")
router.register("series", SeriesViewSet, basename="series")

urlpatterns = [
    path("claimreview/", ClaimReviewFeedView.as_view(), name="claimreview-feed"),
    path("extract/", ExtractView.as_view(), name="extract"),
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]
