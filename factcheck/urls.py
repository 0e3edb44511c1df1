from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from claims import factcheck_tools
from claims.views import claim_page

admin.site.site_header = "Fact-check tracker"
admin.site.site_title = "Fact-check tracker"
admin.site.index_title = "Claims, verdicts and reference data"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/", include("factcheck.api_urls")),
    path("claims/<int:pk>/", claim_page, name="claim-page"),
    # Google Fact Check Tools API v1alpha1 (read side), at the root like Google's own service.
    path("v1alpha1/claims:search", factcheck_tools.ClaimSearchView.as_view(), name="factchecktools-claims-search"),
    path("v1alpha1/pages", factcheck_tools.PageListView.as_view(), name="factchecktools-pages-list"),
    path("v1alpha1/pages/<str:page_id>", factcheck_tools.PageDetailView.as_view(), name="factchecktools-pages-get"),
]

handler400 = "factcheck.views.bad_request"
handler404 = "factcheck.views.not_found"
handler500 = "factcheck.views.server_error"
