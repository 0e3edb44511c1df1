"""API fields shared by the apps."""

import re
from decimal import Decimal

from django.db import models
from rest_framework import serializers

from sources.models import VALUE_DECIMAL_PLACES, VALUE_MAX_DIGITS

# SQLite keeps a decimal column as a double, exact to 15 significant digits; refusing more keeps a value
# identical on SQLite and PostgreSQL instead of silently rounding it on one of them.
MAX_SIGNIFICANT_DIGITS = 15
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


class ValueField(serializers.DecimalField):
    """A claimed or observed figure: a finite decimal string with at most 15 significant digits."""

    default_error_messages = {
        "too_precise": f"Ensure that there are no more than {MAX_SIGNIFICANT_DIGITS} significant digits.",
    }

    def __init__(self, **kwargs):
        # "700000000", not "700000000.000000": the stored scale is an implementation detail.
        kwargs.setdefault("normalize_output", True)
        kwargs.setdefault("max_digits", VALUE_MAX_DIGITS)
        kwargs.setdefault("decimal_places", VALUE_DECIMAL_PLACES)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value: Decimal = super().to_internal_value(data)
        if len(value.normalize().as_tuple().digits) > MAX_SIGNIFICANT_DIGITS:
            self.fail("too_precise")
        return value


class ModelSerializer(serializers.ModelSerializer):
    """Model serializers of the API: decimals come out as plain strings without padding zeros."""

    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, models.DecimalField: ValueField}


class SlugRelatedField(serializers.SlugRelatedField):
    """Looks a row up by slug only after checking it is a slug: anything else (a NUL byte, say) is a 400 before
    it reaches the database, which would refuse it with an error of its own."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not _SLUG.fullmatch(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:100])
        return super().to_internal_value(data)
