"""API responses differ by who asks (editors see more), so shared caches must key them on the token too."""

from django.utils.cache import patch_vary_headers

from .views import API_PREFIXES


class VaryOnAuthorizationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(API_PREFIXES):
            patch_vary_headers(response, ["Authorization"])
        return response
