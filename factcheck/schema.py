"""The OpenAPI schema documents the error responses every operation can give, in the API's one error shape."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable machine-readable code, e.g. `invalid`, `stale_version`.")
    message = serializers.CharField(help_text="A sentence for people.")
    fields = serializers.DictField(help_text="Per-field messages for invalid input; empty otherwise.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


_ERRORS = {
    "400": "Invalid input or query parameters.",
    "401": "Authentication required (an editor's token).",
    "403": "Only editors may do this.",
    "404": "Not found, or not visible to the caller.",
    "409": "Conflict with the current state (stale version, existing record, nothing to publish).",
    "415": "The request body is not in a supported format (send JSON).",
    "429": "Too many requests from an anonymous client; see Retry-After.",
}
# An invalid token is a 401 on any request, reads included.
_READ_ERRORS = ("400", "401", "404", "429")
_WRITE_ERRORS = ("400", "401", "403", "404", "409", "415", "429")


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = _READ_ERRORS if self.method in ("GET", "HEAD") else _WRITE_ERRORS
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=_ERRORS[code]), code, direction=direction
                )
        return responses
