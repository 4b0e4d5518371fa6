"""What the request being served may read from a replica, for the router to apply to each query.

The middleware starts a request's :class:`ReplicaReads` when its view tolerates lag; the router
asks it, on every read, where that read goes. Everything else reads from the primary: a request
that did not start one, a task, a command, a test.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest

from aftersales.replicas import health, pins

_UNCHOSEN = object()


class ReplicaReads:
    """One request's reads that may go to a replica, unless:

    - the request has written (the router saw a write): what it reads next may be what it wrote;
    - the read runs in a transaction on the primary (``transaction.atomic()``): it must see the
      transaction's own rows and locks;
    - the user asking is pinned to the primary after a change of theirs (``pins``); the user is
      read again at each query, since an API token authenticates after the middleware ran;
    - no replica answers (``health``).
    """

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.wrote = False
        self._pinned: dict[int, bool] = {}
        self._replica: object = _UNCHOSEN

    def alias(self) -> str | None:
        """The replica this read goes to, or None for the primary."""
        if self.wrote or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            if user.pk not in self._pinned:
                self._pinned[user.pk] = pins.is_pinned(user.pk)
            if self._pinned[user.pk]:
                return None
        if self._replica is _UNCHOSEN:
            # One replica for the whole request, so its reads agree with each other.
            self._replica = health.usable_replica(settings.DATABASE_REPLICAS)
        return self._replica


_current: ContextVar[ReplicaReads | None] = ContextVar("replica_reads", default=None)


def current() -> ReplicaReads | None:
    return _current.get()


def begin_request() -> Token:
    """Start a request with every read on the primary; :func:`allow` lets it use a replica."""
    return _current.set(None)


def allow(request: HttpRequest) -> None:
    _current.set(ReplicaReads(request))


def end_request(token: Token) -> None:
    _current.reset(token)


@contextmanager
def on_primary() -> Iterator[None]:
    """Every read inside goes to the primary, whatever the request may do: what is read to be
    kept beyond the request (aftersales/table_memo.py) must not be a lagging replica's."""
    token = _current.set(None)
    try:
        yield
    finally:
        _current.reset(token)
