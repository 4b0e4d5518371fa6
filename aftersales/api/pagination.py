"""Cursor pagination for large lists: stable under inserts and as fast on page 10,000 as on page 1."""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request


class NewestFirstCursorPagination(CursorPagination):
    """Newest first by creation time (the id breaks ties); ``?page_size=`` up to 100."""

    ordering = ("-created_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def decode_cursor(self, request: Request) -> Cursor | None:
        """A ``cursor`` this list did not give out is bad input (400, ``errors.cursor``), not a
        missing page: DRF's 404 would say the list itself does not exist."""
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            raise ValidationError({self.cursor_query_param: [str(self.invalid_cursor_message)]}) from exc


class DueFirstCursorPagination(NewestFirstCursorPagination):
    """Soonest due first (callback visits)."""

    ordering = ("due_at", "id")
