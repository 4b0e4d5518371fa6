"""The complaint rate and complaint closure: complaints counted under the ticket they are about."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Exists, Expression, F, OuterRef, Q, Value, When
from django.utils import timezone

from quality.metrics.dimensions import DIMENSION_PATHS, EVERYWHERE, Dimensions, batch_key, counted_tickets_q
from quality.metrics.grouping import count_where, counted_tickets, grouped_counts, shaped
from quality.metrics.period import Period
from quality.rates import ComplaintClosureCounts, ComplaintCounts
from tickets.choices import SERVICE_KINDS, FaultGroup, Kind
from tickets.models import Ticket

COMPLAINT_CLOSURE_WINDOW = dt.timedelta(days=7)


def service_completed_q() -> Q:
    """A repair, installation or maintenance ticket that was resolved: the complaint rate's
    denominator, and the tickets owed an after-service callback."""
    return Q(kind__in=SERVICE_KINDS, resolved_at__isnull=False)


def first_valid_complaint_q() -> Q:
    """A complaint that is the first counted one about its original ticket in its class: a
    customer calling twice about the same thing counts once, on the day of the first call. A
    complaint naming no original ticket stands alone. Invalid complaints are dismissed by
    cancelling them, which leaves them out with every ticket cancelled before dispatch."""
    earlier = Ticket.objects.filter(
        counted_tickets_q(),
        kind=Kind.COMPLAINT,
        complaint_about=OuterRef("complaint_about"),
        fault_category=OuterRef("fault_category"),
    ).filter(Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk")))
    return Q(kind=Kind.COMPLAINT) & (Q(complaint_about__isnull=True) | ~Exists(earlier))


ORIGINAL = "complaint_about__"


def about_an_original_q() -> Q:
    """A complaint that names the ticket it is about."""
    return Q(kind=Kind.COMPLAINT, complaint_about__isnull=False)


def attributed_q(dimensions: Dimensions) -> Q:
    """The rows of a complaint figure in a slice: a complaint about a ticket is in the slice of
    that original ticket (its station, model, batch, category, region, agent and technician);
    every other row — a service ticket, a complaint naming no ticket — in its own."""
    if dimensions == EVERYWHERE:
        return Q()
    about = about_an_original_q()
    return (about & dimensions.q(ORIGINAL)) | (~about & dimensions.q())


def _dimension_value(name: str, prefix: str) -> Expression:
    """One breakdown value of a ticket (``prefix`` names the path to it); None when it has none."""
    if name != "batch":
        return F(f"{prefix}{DIMENSION_PATHS[name]}")
    no_batch = Q(**{f"{prefix}unit__isnull": True}) | Q(**{f"{prefix}unit__batch": ""})
    return Case(
        When(no_batch, then=Value(None, output_field=CharField())),
        default=batch_key(prefix),
        output_field=CharField(),
    )


def attributed_column(name: str) -> Expression:
    """The breakdown value a complaint figure counts a row under (:func:`attributed_q`): the
    original ticket's for a complaint about one, the row's own otherwise."""
    return Case(
        When(about_an_original_q(), then=_dimension_value(name, ORIGINAL)),
        default=_dimension_value(name, ""),
    )


@dataclass(frozen=True)
class ComplaintTally:
    """The complaint rate's counts, and the product-quality complaints reported beside it."""

    counts: ComplaintCounts
    product_quality_complaints: int


def complaint_counts(
    period: Period, dimensions: Dimensions = EVERYWHERE, group_by: Iterable[str] = ()
) -> ComplaintTally | dict:
    """Complaint rate (docs/kpis.md): service complaints ÷ service tickets completed.

    Denominator: repair, installation and maintenance tickets resolved in the period (not test
    tickets, merged duplicates or tickets cancelled before dispatch).
    Numerator: the distinct (original ticket, class) pairs of service complaints first made in
    the period — the first counted complaint per original ticket and class
    (:func:`first_valid_complaint_q`), created in the period, whose class (fault category) is in
    the ``service`` group (attitude, delay, no-show, overcharging, workmanship). A complaint
    naming no original ticket counts on its own. Complaints whose class is in the ``product``
    group are counted beside it (product-quality complaints), the same way; a complaint with no
    class yet is in neither.

    In a slice or a breakdown, a complaint about a ticket counts under that original ticket's
    station, model, batch, category, region, agent and technician (:func:`attributed_q`), so a
    station's or a technician's rate is the complaints about its work over the service tickets
    it completed; a complaint naming no ticket counts under its own values.
    """
    first = first_valid_complaint_q()
    completed, complaint = service_completed_q(), Q(kind=Kind.COMPLAINT)
    queryset = Ticket.objects.filter(counted_tickets_q(), attributed_q(dimensions)).filter(
        (completed & period.q("resolved_at")) | (complaint & period.q("created_at"))
    )
    day = Case(When(kind=Kind.COMPLAINT, then=F("created_at")), default=F("resolved_at"))
    rows = grouped_counts(
        queryset,
        day,
        group_by,
        {
            "completed": count_where(completed),
            "service": count_where(first & Q(fault_category__group=FaultGroup.SERVICE)),
            "product": count_where(first & Q(fault_category__group=FaultGroup.PRODUCT)),
        },
        columns=attributed_column,
    )

    def tally(row: dict) -> ComplaintTally:
        return ComplaintTally(
            counts=ComplaintCounts(valid_service_complaints=row["service"], service_tickets_completed=row["completed"]),
            product_quality_complaints=row["product"],
        )

    return shaped(rows, group_by, tally)


def closed_within_7_days_q() -> Q:
    deadline = F("created_at") + COMPLAINT_CLOSURE_WINDOW
    return Q(resolved_at__lte=deadline) | Q(closed_at__lte=deadline)


def complaint_closure_counts(
    period: Period, dimensions: Dimensions = EVERYWHERE, group_by: Iterable[str] = (), *, now: dt.datetime | None = None
) -> ComplaintClosureCounts | dict:
    """Complaints closed within 7 days (docs/kpis.md): complaint tickets created in the period
    whose 7 days are over or that are already closed, and those resolved or closed within 7
    days of ``created_at``."""
    now = now or timezone.now()
    closed = closed_within_7_days_q()
    queryset = counted_tickets(dimensions).filter(
        Q(kind=Kind.COMPLAINT) & period.q("created_at") & (Q(created_at__lte=now - COMPLAINT_CLOSURE_WINDOW) | closed)
    )
    rows = grouped_counts(queryset, F("created_at"), group_by, {"opened": Count("pk"), "closed": count_where(closed)})
    return shaped(
        rows,
        group_by,
        lambda row: ComplaintClosureCounts(complaints_opened=row["opened"], closed_within_7_days=row["closed"]),
    )
