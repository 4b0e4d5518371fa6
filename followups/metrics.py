"""The read side of the 1234 rates: one aggregate query per rate family (DESIGN.md section 6).

Each selector counts SQL-side in a single ``aggregate()`` and returns the counts dataclass of
:mod:`followups.rates`; :func:`rates_for` feeds those counts to the pure rate functions
(STYLE.md rule 6). Every selector:

- puts a row in a :class:`Period` by its anchor event, with the period's days taken in the
  business time zone (``settings.TIME_ZONE``, Asia/Shanghai by default);
- leaves out test tickets, merged duplicates and tickets cancelled before dispatch;
- narrows to the optional :class:`Dimensions` (station, product category, customer region).
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Cast, Coalesce, Concat

from followups import rates
from followups.rates import (
    CallbackCounts,
    ComplaintClosureCounts,
    ComplaintCounts,
    Rate,
    SatisfactionCounts,
    TimelinessCounts,
)
from tickets.choices import SERVICE_KINDS, CallbackKind, CallbackResult, FaultGroup, Kind, Status
from tickets.models import CallbackAttempt, SatisfactionRating, Ticket

CALLBACK_WINDOW = dt.timedelta(hours=72)
COMPLAINT_CLOSURE_WINDOW = dt.timedelta(days=7)
LOW_RATING_AT_MOST = 2
TOP2_RATING_AT_LEAST = 4


@dataclass(frozen=True)
class Period:
    """The days ``start`` to ``end``, both included, in the business time zone.

    A ticket resolved on 31 March at 23:30 in Shanghai (15:30 UTC) is in March, not April.
    """

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a period cannot end ({self.end}) before it starts ({self.start})")

    @classmethod
    def day(cls, day: dt.date) -> "Period":
        return cls(day, day)

    @classmethod
    def week(cls, day: dt.date) -> "Period":
        """The ISO week (Monday to Sunday) holding ``day``."""
        monday = day - dt.timedelta(days=day.weekday())
        return cls(monday, monday + dt.timedelta(days=6))

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        first = dt.date(year, month, 1)
        next_first = dt.date(year + month // 12, month % 12 + 1, 1)
        return cls(first, next_first - dt.timedelta(days=1))

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """Aware datetimes: the first instant of ``start`` and the first instant after ``end``."""
        zone = ZoneInfo(settings.TIME_ZONE)
        since = dt.datetime.combine(self.start, dt.time.min, tzinfo=zone)
        until = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return since, until

    def q(self, field: str) -> Q:
        """``field`` falls in the period (half-open, so no instant is in two adjacent periods)."""
        since, until = self.bounds
        return Q(**{f"{field}__gte": since, f"{field}__lt": until})


@dataclass(frozen=True)
class Dimensions:
    """Optional breakdown filters; None means every value. ``station`` and ``product_category``
    take a model instance or a primary key; ``region`` is the customer's region."""

    station: object | None = None
    product_category: object | None = None
    region: str | None = None

    def q(self, prefix: str = "") -> Q:
        condition = Q()
        if self.station is not None:
            condition &= Q(**{f"{prefix}station": self.station})
        if self.product_category is not None:
            condition &= Q(**{f"{prefix}unit__model__category": self.product_category})
        if self.region is not None:
            condition &= Q(**{f"{prefix}customer__region": self.region})
        return condition


EVERYWHERE = Dimensions()


def counted_tickets_q(prefix: str = "") -> Q:
    """The tickets every KPI counts: not a test ticket, not a merged duplicate, not cancelled
    before it was dispatched (DESIGN.md section 6, exclusions)."""
    merged = Q(**{f"{prefix}merged_into__isnull": False}) | Q(**{f"{prefix}status": Status.MERGED})
    cancelled = Q(**{f"{prefix}cancelled_at__isnull": False}) | Q(**{f"{prefix}status": Status.CANCELLED})
    cancelled_before_dispatch = cancelled & Q(**{f"{prefix}dispatched_at__isnull": True})
    return Q(**{f"{prefix}is_test": False}) & ~merged & ~cancelled_before_dispatch


def _tickets(dimensions: Dimensions):
    return Ticket.objects.filter(counted_tickets_q(), dimensions.q()).order_by()


def _service_completed_q(period: Period) -> Q:
    return Q(kind__in=SERVICE_KINDS) & period.q("resolved_at")


def _count(condition: Q) -> Count:
    return Count("pk", filter=condition)


@dataclass(frozen=True)
class ComplaintTally:
    """The complaint rate's counts, and the product-quality complaints reported beside it."""

    counts: ComplaintCounts
    product_quality_complaints: int


def complaint_counts(period: Period, dimensions: Dimensions = EVERYWHERE) -> ComplaintTally:
    """Complaint rate: valid service complaints ÷ service tickets completed (DESIGN.md 6).

    Denominator: repair, installation and maintenance tickets resolved in the period.
    Numerator: complaint tickets created in the period whose fault category is in the
    ``service`` group, counted once per original ticket and class. Tickets do not link a
    complaint to its original ticket yet, so (customer, product unit, fault category) stands in
    for (original ticket, class): a customer calling twice about the same thing on the same
    unit counts once. Complaints in the ``product`` group are counted apart, the same way.
    """
    complaint_key = Concat(
        Cast("customer_id", CharField()),
        Value(":"),
        Coalesce(Cast("unit_id", CharField()), Value("")),
        Value(":"),
        Cast("fault_category_id", CharField()),
        output_field=CharField(),
    )
    complaints = Q(kind=Kind.COMPLAINT) & period.q("created_at")
    totals = (
        _tickets(dimensions)
        .filter(_service_completed_q(period) | complaints)
        .aggregate(
            completed=_count(_service_completed_q(period)),
            service=Count(
                complaint_key, filter=complaints & Q(fault_category__group=FaultGroup.SERVICE), distinct=True
            ),
            product=Count(
                complaint_key, filter=complaints & Q(fault_category__group=FaultGroup.PRODUCT), distinct=True
            ),
        )
    )
    return ComplaintTally(
        counts=ComplaintCounts(
            valid_service_complaints=totals["service"], service_tickets_completed=totals["completed"]
        ),
        product_quality_complaints=totals["product"],
    )


def satisfaction_counts(period: Period, dimensions: Dimensions = EVERYWHERE) -> SatisfactionCounts:
    """Dissatisfaction rate and top-2 box: ratings given in the period (DESIGN.md 6).

    Every rating row (portal, callback call, emailed survey) is a valid rating: unreachable
    customers and customers reached without a rating leave no row, so they are not in the
    denominator. A complaint is counted only on a rated row, and only when the rating is not
    already low, so each rating adds at most one to the numerator and the numerator never
    exceeds the ratings. A complaint made on a call without a rating is not counted here.
    """
    low = Q(score__lte=LOW_RATING_AT_MOST)
    totals = (
        SatisfactionRating.objects.filter(
            period.q("created_at"), counted_tickets_q("ticket__"), dimensions.q("ticket__")
        )
        .order_by()
        .aggregate(
            valid=Count("pk"),
            low=_count(low),
            top2=_count(Q(score__gte=TOP2_RATING_AT_LEAST)),
            complaints=_count(Q(raised_complaint=True) & ~low),
        )
    )
    return SatisfactionCounts(
        valid_ratings=totals["valid"],
        low_ratings=totals["low"],
        top2_ratings=totals["top2"],
        callback_complaints=totals["complaints"],
    )


def _after_service_attempt(*, reached: bool) -> Exists:
    attempts = CallbackAttempt.objects.filter(
        visit__ticket=OuterRef("pk"),
        visit__kind=CallbackKind.AFTER_SERVICE,
        at__gte=OuterRef("resolved_at"),
        at__lte=OuterRef("resolved_at") + CALLBACK_WINDOW,
    )
    if reached:
        attempts = attempts.filter(result=CallbackResult.REACHED)
    return Exists(attempts)


def callback_counts(period: Period, dimensions: Dimensions = EVERYWHERE) -> CallbackCounts:
    """Callback coverage and reach (DESIGN.md 6): service tickets resolved in the period, those
    with an after-service callback attempt within 72 h of ``resolved_at``, and those whose
    customer was reached within 72 h. A reached call is an attempt, so reach ≤ coverage."""
    totals = (
        _tickets(dimensions)
        .filter(_service_completed_q(period))
        .aggregate(
            completed=Count("pk"),
            attempted=_count(Q(_after_service_attempt(reached=False))),
            reached=_count(Q(_after_service_attempt(reached=True))),
        )
    )
    return CallbackCounts(
        tickets_completed=totals["completed"],
        attempted_within_72h=totals["attempted"],
        reached_within_72h=totals["reached"],
    )


@dataclass(frozen=True)
class TimelinessTally:
    contact: TimelinessCounts
    completion: TimelinessCounts


def timeliness_counts(period: Period, dimensions: Dimensions = EVERYWHERE) -> TimelinessTally:
    """Contact and completion timeliness (DESIGN.md 6).

    Contact: tickets created in the period with a response deadline; on time when acknowledged
    by it. Completion: tickets resolved in the period with a completion deadline; on time when
    resolved by it. A ticket never acknowledged is due and late.
    """
    contact_due = Q(response_due__isnull=False) & period.q("created_at")
    completion_due = Q(completion_due__isnull=False) & period.q("resolved_at")
    totals = (
        _tickets(dimensions)
        .filter(contact_due | completion_due)
        .aggregate(
            contact_due_count=_count(contact_due),
            contact_on_time_count=_count(contact_due & Q(acknowledged_at__lte=F("response_due"))),
            completion_due_count=_count(completion_due),
            completion_on_time_count=_count(completion_due & Q(resolved_at__lte=F("completion_due"))),
        )
    )
    return TimelinessTally(
        contact=TimelinessCounts(due=totals["contact_due_count"], on_time=totals["contact_on_time_count"]),
        completion=TimelinessCounts(due=totals["completion_due_count"], on_time=totals["completion_on_time_count"]),
    )


def complaint_closure_counts(period: Period, dimensions: Dimensions = EVERYWHERE) -> ComplaintClosureCounts:
    """Complaints closed within 7 days (DESIGN.md 6): complaint tickets created in the period,
    and those resolved or closed within 7 days of ``created_at``."""
    deadline = F("created_at") + COMPLAINT_CLOSURE_WINDOW
    totals = (
        _tickets(dimensions)
        .filter(Q(kind=Kind.COMPLAINT) & period.q("created_at"))
        .aggregate(
            opened=Count("pk"),
            closed=_count(Q(resolved_at__lte=deadline) | Q(closed_at__lte=deadline)),
        )
    )
    return ComplaintClosureCounts(complaints_opened=totals["opened"], closed_within_7_days=totals["closed"])


def rates_for(
    period: Period,
    *,
    thresholds: Mapping[str, Decimal] | None = None,
    station: object | None = None,
    product_category: object | None = None,
    region: str | None = None,
) -> dict[str, Rate]:
    """Every rate whose counts the selectors above produce, keyed by KPI key; ``thresholds``
    overrides a KPI's default threshold by key. Five queries, one per family."""
    dimensions = Dimensions(station=station, product_category=product_category, region=region)
    thresholds = thresholds or {}

    def threshold(kpi: rates.Kpi) -> Decimal:
        return thresholds.get(kpi.key, kpi.default_threshold)

    complaints = complaint_counts(period, dimensions).counts
    satisfaction = satisfaction_counts(period, dimensions)
    callbacks = callback_counts(period, dimensions)
    timeliness = timeliness_counts(period, dimensions)
    closure = complaint_closure_counts(period, dimensions)
    kpis = rates.KPIS
    return {
        "complaint_rate": rates.complaint_rate(complaints, threshold(kpis["complaint_rate"])),
        "dissatisfaction_rate": rates.dissatisfaction_rate(satisfaction, threshold(kpis["dissatisfaction_rate"])),
        "satisfaction_top2": rates.satisfaction_top2(satisfaction, threshold(kpis["satisfaction_top2"])),
        "callback_coverage": rates.callback_coverage(callbacks, threshold(kpis["callback_coverage"])),
        "callback_reach": rates.callback_reach(callbacks, threshold(kpis["callback_reach"])),
        "contact_timeliness": rates.contact_timeliness(timeliness.contact, threshold(kpis["contact_timeliness"])),
        "completion_timeliness": rates.completion_timeliness(
            timeliness.completion, threshold(kpis["completion_timeliness"])
        ),
        "complaints_closed_within_7_days": rates.complaints_closed_within_7_days(
            closure, threshold(kpis["complaints_closed_within_7_days"])
        ),
    }
