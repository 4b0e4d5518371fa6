"""Which views' answers may lag the primary by a few seconds.

A view says so with :func:`replica_reads`: the dashboard and its lists, the exports, the reports
and the metrics API. Every list of the REST API says so without it: a GET of a generic list view
(``ListAPIView``, ``ListCreateAPIView``) or of a viewset's ``list`` action. Only GET and HEAD
read from a replica: any other method writes, and everything in its request reads the primary.
"""

from collections.abc import Callable
from typing import TypeVar

from rest_framework.mixins import ListModelMixin

READING_METHODS = frozenset({"GET", "HEAD"})
ATTRIBUTE = "reads_from_replica"

View = TypeVar("View", bound=Callable)


def replica_reads(view: View) -> View:
    """Mark a view function or class whose GET answers tolerate a few seconds of lag: what a
    user changed seconds ago still shows, since their own reads stay on the primary meanwhile
    (aftersales/replicas/pins.py); what others changed shows once the replica has it.

    Outermost on a function view; on a class, it marks that class and not its subclasses."""
    setattr(view, ATTRIBUTE, True)
    return view


def tolerates_lag(view_func: Callable, method: str) -> bool:
    """Whether a request with ``method`` to the view ``view_func`` (as the URL resolved it) may read
    from a replica."""
    if method not in READING_METHODS:
        return False
    if getattr(view_func, ATTRIBUTE, False):
        return True
    actions = getattr(view_func, "actions", None)
    if actions is not None:
        # A viewset (DRF names its class ``cls``): the action its GET is routed to on this URL.
        return actions.get("get") == "list" or vars(view_func.cls).get(ATTRIBUTE, False)
    view_class = getattr(view_func, "view_class", None)
    if view_class is None:
        return False
    # The class itself is marked; a subclass is not (a detail view made from a list view).
    return vars(view_class).get(ATTRIBUTE, False) or issubclass(view_class, ListModelMixin)
