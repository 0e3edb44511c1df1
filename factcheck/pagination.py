"""Cursor pagination with a page size the client may choose, capped."""

from rest_framework.pagination import CursorPagination


class CappedCursorPagination(CursorPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-id"
