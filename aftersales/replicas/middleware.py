"""Decides, per request, whether its reads may go to a replica, and pins writers to the primary."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse

from aftersales.replicas import pins, reads
from aftersales.replicas.marks import READING_METHODS, tolerates_lag


class ReplicaReadsMiddleware:
    """After AuthenticationMiddleware. With no replica configured Django leaves it out of the
    chain: a request costs nothing more than without it.

    A request to a view that tolerates lag (aftersales/replicas/marks.py) may read from a
    replica; any other reads the primary only. Who signed in is read first, from the primary: a
    session begun a moment ago is there. After a request that may have written (any method but
    GET and HEAD) and did not fail, its user reads from the primary for ``REPLICA_PIN_SECONDS``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not settings.DATABASE_REPLICAS:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = reads.begin_request()
        try:
            response = self.get_response(request)
        finally:
            reads.end_request(token)
        if request.method not in READING_METHODS and response.status_code < 400:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                pins.pin(user.pk)
        return response

    def process_view(self, request: HttpRequest, view_func: Callable, view_args, view_kwargs) -> None:
        if tolerates_lag(view_func, request.method):
            request.user.is_authenticated  # noqa: B018 - read now, from the primary
            reads.allow(request)
