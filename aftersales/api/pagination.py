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
    # How the schema describes the order of ``results``; a subclass with another ordering says its own.
    order_description = "newest first"

    def decode_cursor(self, request: Request) -> Cursor | None:
        """A ``cursor`` this list did not give out is bad input (400, ``errors.cursor``), not a
        missing page: DRF's 404 would say the list itself does not exist."""
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            raise ValidationError({self.cursor_query_param: [str(self.invalid_cursor_message)]}) from exc

    def get_paginated_response_schema(self, schema: dict) -> dict:
        """DRF's page schema, with each property described and required."""
        page = super().get_paginated_response_schema(schema)
        # Every page carries all three (null at the ends), as get_paginated_response answers.
        page["required"] = ["next", "previous", "results"]
        properties = page["properties"]
        # DRF's example of `next` ends in a stray quote.
        properties["next"]["example"] = properties["next"]["example"].rstrip('"')
        properties["next"]["description"] = "The next page (the same query, with its cursor); null on the last."
        properties["previous"]["description"] = "The previous page; null on the first."
        properties["results"]["description"] = (
            f"This page's items, {self.order_description}: up to `page_size` of them (default {self.page_size}, "
            f"at most {self.max_page_size})."
        )
        return page


class DueFirstCursorPagination(NewestFirstCursorPagination):
    """Soonest due first (callback visits)."""

    ordering = ("due_at", "id")
    order_description = "the soonest due first (overdue ones at the top)"
