"""Error pages: JSON in the API's error shape under /api/ and /v1alpha1/, Django's HTML pages elsewhere."""

from django.http import JsonResponse
from django.views import defaults

API_PREFIXES = ("/api/", "/v1alpha1/")


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIXES)


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)


def not_found(request, exception=None):
    if _is_api(request):
        return _error("not_found", "Not found.", 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return _error("server_error", "Something went wrong on our side; it has been logged.", 500)
    return defaults.server_error(request)


def bad_request(request, exception=None):
    if _is_api(request):
        return _error("bad_request", "The request could not be understood.", 400)
    return defaults.bad_request(request, exception)
