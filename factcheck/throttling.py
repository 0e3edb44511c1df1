"""Throttling of anonymous API clients; editors (token) are not throttled."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    # Read from settings on each request (DRF binds its rates at import), so a deploy or a test can change it.
    def get_rate(self):
        return settings.FACTCHECK_API_ANON_RATE
