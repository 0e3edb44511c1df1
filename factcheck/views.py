"""Error pages: JSON in the API's error shape under /api/ and /v1alpha1/, Django's HTML pages elsewhere."""

from django.http import JsonResponse
from django.views import defaults

API_PREFIXES = ("/api/", "/v1alpha1/")


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIXES)


_GOOGLE_STATUS = {400: "INVALID_ARGUMENT", 404: "NOT_FOUND", 500: "INTERNAL"}


def _error(code: str, message: str, status: int, request=None) -> JsonResponse:
    if request is not None and request.path.startswith("/v1alpha1/"):
        # Google's clients parse their own error shape on the Fact Check Tools-compatible endpoints.
        body = {"error": {"code": status, "message": message, "status": _GOOGLE_STATUS[status]}}
        return JsonResponse(body, status=status)
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)


def not_found(request, exception=None):
    if _is_api(request):
        return _error("not_found", "Not found.", 404, request)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return _error("server_error", "Something went wrong on our side; it has been logged.", 500, request)
    return defaults.server_error(request)


def bad_request(request, exception=None):
    if _is_api(request):
        return _error("bad_request", "The request could not be understood.", 400, request)
    return defaults.bad_request(request, exception)
