"""Keyset (cursor) pagination that never drops a row whose sort key is null.

DRF's CursorPagination compares `field > last_value`, which is never true for NULL, so rows with a null sort key
vanish from later pages. Here every ordering sorts nulls last in both directions with an id tie-break, and the
cursor says whether the last row's key was null, so the condition for "after the cursor" includes the nulls.
"""

from collections import OrderedDict

from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Q
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

SORT_KEY = "_sort_key"
CURSOR_SALT = "factcheck.api.cursor"


class KeysetPagination(BasePagination):
    """Views name their orderings in `keyset_orderings` ({public name: field path}); `id` is always offered."""

    page_size = 20
    max_page_size = 100
    default_ordering = "-id"
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    ordering_query_param = "ordering"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self._page_size(request)
        orderings = {"id": "id", **getattr(view, "keyset_orderings", {})}
        self.ordering = request.query_params.get(self.ordering_query_param) or getattr(
            view, "default_ordering", self.default_ordering
        )
        name = self.ordering.removeprefix("-")
        if name not in orderings:
            allowed = ", ".join(f"{n}, -{n}" for n in orderings)
            raise ValidationError({self.ordering_query_param: [f"Unknown ordering {self.ordering!r}; use one of {allowed}."]})
        descending = self.ordering.startswith("-")
        queryset = queryset.annotate(**{SORT_KEY: F(orderings[name])})
        key = F(SORT_KEY).desc(nulls_last=True) if descending else F(SORT_KEY).asc(nulls_last=True)
        queryset = queryset.order_by(key, "-id" if descending else "id")

        cursor = self._decode_cursor(request)
        if cursor is not None:
            self._check_cursor_value(queryset, cursor)
            queryset = queryset.filter(self._after(cursor, descending))
        rows = list(queryset[: self.page_size + 1])
        self.has_next = len(rows) > self.page_size
        rows = rows[: self.page_size]
        self.next_cursor = None
        if self.has_next:
            last = rows[-1]
            value = getattr(last, SORT_KEY)
            self.next_cursor = {"o": self.ordering, "v": None if value is None else str(value), "id": last.pk}
        return rows

    @staticmethod
    def _after(cursor: dict, descending: bool) -> Q:
        """Rows that come after the cursor's row in (key nulls last, id) order."""
        id_after = Q(id__lt=cursor["id"]) if descending else Q(id__gt=cursor["id"])
        if cursor["v"] is None:  # the last row was already among the nulls: only nulls with a later id remain
            return Q(**{f"{SORT_KEY}__isnull": True}) & id_after
        beyond = Q(**{f"{SORT_KEY}__lt" if descending else f"{SORT_KEY}__gt": cursor["v"]})
        tie = Q(**{SORT_KEY: cursor["v"]}) & id_after
        return beyond | tie | Q(**{f"{SORT_KEY}__isnull": True})

    def _page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError({self.page_size_query_param: ["A positive integer, at most 100."]})
        return min(size, self.max_page_size)

    def _decode_cursor(self, request) -> dict | None:
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:
            return None
        try:
            # Signed, so a client can only send back cursors the API made: no forged sort values reach SQL.
            cursor = signing.loads(raw, salt=CURSOR_SALT)
        except signing.BadSignature:
            cursor = None
        valid = (
            isinstance(cursor, dict)
            and isinstance(cursor.get("id"), int)
            and (cursor.get("v") is None or isinstance(cursor.get("v"), str))
        )
        if not valid:
            raise ValidationError({self.cursor_query_param: ["Invalid cursor; use the `next` link as given."]})
        if cursor.get("o") != self.ordering:
            raise ValidationError({self.cursor_query_param: ["The cursor belongs to another ordering."]})
        return cursor

    def _check_cursor_value(self, queryset, cursor: dict) -> None:
        if cursor["v"] is None:
            return
        field = queryset.query.annotations[SORT_KEY].output_field
        try:
            field.to_python(cursor["v"])
        except (DjangoValidationError, ValueError, TypeError):
            raise ValidationError({self.cursor_query_param: ["Invalid cursor; use the `next` link as given."]}) from None

    def _encode_cursor(self, cursor: dict) -> str:
        return signing.dumps(cursor, salt=CURSOR_SALT, compress=True)

    def get_next_link(self):
        if self.next_cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self._encode_cursor(self.next_cursor))

    def get_paginated_response(self, data):
        return Response(OrderedDict([("next", self.get_next_link()), ("results", data)]))

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        names = ["id", *getattr(view, "keyset_orderings", {})]
        return [
            {"name": self.cursor_query_param, "required": False, "in": "query", "schema": {"type": "string"},
             "description": "The `next` link's cursor."},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "schema": {"type": "integer", "minimum": 1}, "description": "Results per page (at most 100)."},
            {"name": self.ordering_query_param, "required": False, "in": "query",
             "schema": {"type": "string", "enum": [p + n for n in names for p in ("", "-")]},
             "description": "Sort key; nulls sort last either way, ties by id."},
        ]
