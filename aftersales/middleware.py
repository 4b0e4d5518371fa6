"""Requests refused before any view sees them."""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse

from aftersales.errors import page_not_found


class NulInPathMiddleware:
    """A path with a NUL character (``%00``) names no page, on the portal, the desk, the admin or
    the API: it is the 404 page (JSON under /api/, in development too). Let through, it reached
    views that look a reference up, and PostgreSQL refuses a NUL in a query ("A string literal
    cannot contain NUL"), which came out as a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info:
            return page_not_found(request, Http404("A path cannot contain a NUL character."))
        return self.get_response(request)
