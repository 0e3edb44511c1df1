from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from claims.views import claim_page

admin.site.site_header = "Fact-check tracker"
admin.site.site_title = "Fact-check tracker"
admin.site.index_title = "Claims, verdicts and reference data"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/", include("factcheck.api_urls")),
    path("claims/<int:pk>/", claim_page, name="claim-page"),
]

handler400 = "factcheck.views.bad_request"
handler404 = "factcheck.views.not_found"
handler500 = "factcheck.views.server_error"
