"""Reads for the callback queue: the visits still to call, and one visit with its calls.

Every selector returns its rows with the joins done, so templates never query (docs/architecture.md#house-rules).
"""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from customers.models import Customer
from customers.phones import try_normalize_phone
from followups.choices import CallbackStatus
from followups.models import CallbackAttempt, CallbackVisit
from tickets.selectors import SEARCH_CUSTOMER_LIMIT, reference_in

QUEUE_RELATED = ("customer", "unit__model", "ticket", "assigned_to")


def _attempt_count() -> Coalesce:
    # A correlated subquery rather than Count(): the paginator's count and page-id queries
    # leave it out, and no GROUP BY is built over the whole queue.
    attempts = (
        CallbackAttempt.objects.filter(visit=OuterRef("pk"))
        .order_by()
        .values("visit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(attempts, output_field=IntegerField()), 0)


def search_callbacks(visits: QuerySet[CallbackVisit], text: str) -> QuerySet[CallbackVisit]:
    """The callbacks about the ticket with this reference, or to the customer with this phone
    number (typed in any form: normalised as the desk's caller search does), or to customers
    whose name contains the text.

    A name is looked up first, as an id list (at most ``SEARCH_CUSTOMER_LIMIT``), which the
    queue's query then reads with the customer index; past that the text is too vague anyway."""
    text = text.strip()
    if not text:
        return visits
    reference = reference_in(text)
    if reference is not None:
        return visits.filter(ticket__reference=reference)
    phone = try_normalize_phone(text)
    if phone is not None:
        return visits.filter(customer__in=Customer.objects.filter(phone=phone).values("pk"))
    customers = Customer.objects.filter(name__icontains=text).values_list("pk", flat=True)
    return visits.filter(customer__in=list(customers[:SEARCH_CUSTOMER_LIMIT]))


def callback_queue(
    *,
    now: dt.datetime,
    kind: str = "",
    assigned_to: AbstractBaseUser | None = None,
    overdue_only: bool = False,
    search: str = "",
) -> QuerySet[CallbackVisit]:
    """The callbacks still to make (status due), the most overdue first, optionally found by
    ticket reference, phone or name (:func:`search_callbacks`).

    Overdue means past ``due_at``; ordering by due time alone therefore lists every overdue
    visit before the ones not yet due, oldest first, and uses the (status, due_at) index.
    Each row carries ``attempt_count`` and ``is_overdue``.
    """
    visits = search_callbacks(CallbackVisit.objects.filter(status=CallbackStatus.DUE), search)
    if kind:
        visits = visits.filter(kind=kind)
    if assigned_to is not None:
        visits = visits.filter(assigned_to=assigned_to)
    if overdue_only:
        visits = visits.filter(due_at__lt=now)
    return (
        visits.select_related(*QUEUE_RELATED)
        .annotate(
            attempt_count=_attempt_count(),
            is_overdue=ExpressionWrapper(Q(due_at__lt=now), output_field=BooleanField()),
        )
        .order_by("due_at", "id")
    )


def callback_rows() -> QuerySet[CallbackVisit]:
    """Every callback visit, whatever its status, soonest due first, with the joins a list shows
    and ``attempt_count`` (the API's list; filters narrow it)."""
    return (
        CallbackVisit.objects.select_related(*QUEUE_RELATED, "complaint_ticket")
        .annotate(attempt_count=_attempt_count())
        .order_by("due_at", "id")
    )


def callback_for_call(pk: int) -> CallbackVisit:
    """One visit with what the agent needs on the phone: customer, product, the ticket and its
    resolution, and the calls made so far with who made them. Http404 when there is none."""
    return get_object_or_404(
        CallbackVisit.objects.select_related(
            "customer",
            "unit__model__category",
            "ticket__assignee",
            "assigned_to",
            "complaint_ticket",
            "contract__product",
            "offer_contract",
        ).prefetch_related(Prefetch("attempts", queryset=CallbackAttempt.objects.select_related("by"))),
        pk=pk,
    )
