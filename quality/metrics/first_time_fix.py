"""The first-time-fix rate: repairs fixed at the first visit, never reopened, not repeated within 30 days."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Exists, F, OuterRef, Q

from quality.metrics.dimensions import EVERYWHERE, Dimensions, counted_tickets_q
from quality.metrics.grouping import count_where, counted_tickets, grouped_counts, shaped
from quality.metrics.period import Period
from quality.rates import FirstTimeFixCounts
from tickets.choices import Kind
from tickets.models import Ticket

REPEAT_WINDOW = dt.timedelta(days=30)


def repair_outcome_q() -> Q:
    """A repair with a repair outcome: resolved, with the work recorded."""
    return Q(kind=Kind.REPAIR, resolved_at__isnull=False) & ~Q(work_done="")


def fixed_first_time_q() -> Q:
    """Fixed at the first effective visit (at most one visit started; a customer-caused pause
    is the same visit), never reopened, and no repeat repair of the same unit — or, with no
    unit, the same customer and fault — opened within 30 days of the resolution."""
    repeat = Ticket.objects.filter(
        counted_tickets_q(),
        kind=Kind.REPAIR,
        created_at__gt=OuterRef("resolved_at"),
        created_at__lte=OuterRef("resolved_at") + REPEAT_WINDOW,
    ).exclude(pk=OuterRef("pk"))
    same_unit = repeat.filter(unit=OuterRef("unit"))
    same_fault = repeat.filter(
        unit__isnull=True, customer=OuterRef("customer"), fault_category=OuterRef("fault_category")
    )
    no_repeat = (Q(unit__isnull=False) & ~Exists(same_unit)) | (Q(unit__isnull=True) & ~Exists(same_fault))
    return Q(visits__lte=1, reopened_count=0) & no_repeat


def first_time_fix_counts(
    period: Period, dimensions: Dimensions = EVERYWHERE, group_by: Iterable[str] = ()
) -> FirstTimeFixCounts | dict:
    """First-time-fix rate (docs/kpis.md): repairs resolved in the period with a repair outcome,
    and those fixed first time (:func:`fixed_first_time_q`). A day's figure is final 30 days
    after it, when no repeat can still arrive."""
    queryset = counted_tickets(dimensions).filter(repair_outcome_q(), period.q("resolved_at"))
    rows = grouped_counts(
        queryset, F("resolved_at"), group_by, {"repairs": Count("pk"), "fixed": count_where(fixed_first_time_q())}
    )
    return shaped(rows, group_by, lambda row: FirstTimeFixCounts(repairs=row["repairs"], fixed_first_time=row["fixed"]))
