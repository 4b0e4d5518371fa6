"""Callback coverage and reach: service tickets called back, and customers reached, within 72 hours."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Exists, F, OuterRef, Q

from followups.choices import CallbackKind, CallbackResult
from followups.models import CallbackAttempt
from quality.metrics.complaints import service_completed_q
from quality.metrics.dimensions import EVERYWHERE, Dimensions
from quality.metrics.grouping import count_where, counted_tickets, grouped_counts, shaped
from quality.metrics.period import Period
from quality.rates import CallbackCounts

CALLBACK_WINDOW = dt.timedelta(hours=72)


def after_service_attempt(*, reached: bool) -> Exists:
    """The ticket had an after-service callback attempt (one that reached the customer, with
    ``reached``) within 72 hours of its resolution."""
    attempts = CallbackAttempt.objects.filter(
        visit__ticket=OuterRef("pk"),
        visit__kind=CallbackKind.AFTER_SERVICE,
        at__gte=OuterRef("resolved_at"),
        at__lte=OuterRef("resolved_at") + CALLBACK_WINDOW,
    )
    if reached:
        attempts = attempts.filter(result=CallbackResult.REACHED)
    return Exists(attempts)


def callback_counts(
    period: Period, dimensions: Dimensions = EVERYWHERE, group_by: Iterable[str] = ()
) -> CallbackCounts | dict:
    """Callback coverage and reach (docs/kpis.md): service tickets resolved in the period, those
    with an after-service callback attempt within 72 h of ``resolved_at``, and those whose
    customer was reached within 72 h. A reached call is an attempt, so reach ≤ coverage."""
    queryset = counted_tickets(dimensions).filter(service_completed_q(), period.q("resolved_at"))
    rows = grouped_counts(
        queryset,
        F("resolved_at"),
        group_by,
        {
            "completed": Count("pk"),
            "attempted": count_where(Q(after_service_attempt(reached=False))),
            "reached": count_where(Q(after_service_attempt(reached=True))),
        },
    )
    return shaped(
        rows,
        group_by,
        lambda row: CallbackCounts(
            tickets_completed=row["completed"], attempted_within_72h=row["attempted"], reached_within_72h=row["reached"]
        ),
    )
