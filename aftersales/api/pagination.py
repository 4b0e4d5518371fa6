"""Cursor pagination for large lists: stable under inserts and as fast on page 10,000 as on page 1."""

from rest_framework.pagination import CursorPagination


class NewestFirstCursorPagination(CursorPagination):
    """Newest first by creation time (the id breaks ties); ``?page_size=`` up to 100."""

    ordering = ("-created_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class DueFirstCursorPagination(NewestFirstCursorPagination):
    """Soonest due first (callback visits)."""

    ordering = ("due_at", "id")
