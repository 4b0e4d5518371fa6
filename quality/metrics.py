"""The read side of the 1234 rates: one aggregate query per rate family (DESIGN.md section 6).

Each family function counts SQL-side in a single query and returns the counts dataclasses of
:mod:`quality.rates`, for the whole slice or grouped by day and/or one dimension;
:func:`rates_of` feeds counts to the pure rate functions (STYLE.md rule 6). Every family:

- puts a record on one day by its anchor event, in the business time zone
  (``settings.TIME_ZONE``, Asia/Shanghai by default), so summing days never counts it twice;
- counts an obligation only once it is due (its deadline is before ``now``), so today's
  figures do not call a deadline missed before it has passed;
- leaves out test tickets, merged duplicates and tickets cancelled before dispatch;
- narrows to the optional :class:`Dimensions` (category, model, batch, station, region, agent,
  technician).

The anchors: service tickets completed → ``resolved_at``; complaints → ``created_at``; cases
(omissions) → when the customer first got in touch; ratings → when given; timeliness → the
deadline itself; first-time fix → ``resolved_at``, final 30 days after the day.

Every formula is written out in docs/kpis.md (and in short in the README's quality
section); the three say the same, and tests/followups/test_two_month_scenario.py checks the
figures of two months of ordinary work against counts made by hand from it.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, CharField, Count, Exists, Expression, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from followups.choices import CallbackKind, CallbackResult, CallbackStatus
from followups.models import CallbackAttempt, CallbackVisit, FeedbackItem, SatisfactionRating
from quality import rates
from quality.rates import (
    CallbackCounts,
    ComplaintClosureCounts,
    ComplaintCounts,
    FirstTimeFixCounts,
    OmissionCounts,
    Rate,
    SatisfactionCounts,
    TimelinessCounts,
)
from tickets.choices import OPEN_STATUSES, SERVICE_KINDS, FaultGroup, Kind, Status
from tickets.models import FaultCode, Ticket

CALLBACK_WINDOW = dt.timedelta(hours=72)
RECORDING_WINDOW = dt.timedelta(hours=2)
FEEDBACK_WINDOW = dt.timedelta(days=7)
COMPLAINT_CLOSURE_WINDOW = dt.timedelta(days=7)
REPEAT_WINDOW = dt.timedelta(days=30)
LOW_RATING_AT_MOST = 2
TOP2_RATING_AT_LEAST = 4
COMPLETED_STATUSES = (Status.RESOLVED, Status.VERIFIED, Status.CLOSED)


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

    @classmethod
    def last_days(cls, days: int, end: dt.date) -> "Period":
        """The ``days`` days ending on ``end`` (30 days to 23 Nov: 25 Oct – 23 Nov)."""
        return cls(end - dt.timedelta(days=days - 1), end)

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """Aware datetimes: the first instant of ``start`` and the first instant after ``end``."""
        zone = business_zone()
        since = dt.datetime.combine(self.start, dt.time.min, tzinfo=zone)
        until = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return since, until

    def q(self, field: str) -> Q:
        """``field`` falls in the period (half-open, so no instant is in two adjacent periods)."""
        since, until = self.bounds
        return Q(**{f"{field}__gte": since, f"{field}__lt": until})


def business_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def business_today(now: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(now or timezone.now(), business_zone()).date()


# The breakdowns (DESIGN.md section 6 and the dashboard): each is a path from a ticket.
DIMENSION_PATHS: dict[str, str] = {
    "category": "unit__model__category_id",
    "model": "unit__model_id",
    "batch": "batch_key",
    "station": "station_id",
    "region": "customer__region",
    "agent": "created_by_id",
    "technician": "assignee_id",
}
DIMENSION_LABELS = {
    "category": _("Product category"),
    "model": _("Model"),
    "batch": _("Production batch"),
    "station": _("Service station"),
    "region": _("Region"),
    "agent": _("Agent"),
    "technician": _("Technician"),
}


# The breakdown value of records without one (no station, no unit, a customer with no region, a
# ticket logged by no agent or assigned to no technician): every breakdown has this row, so its rows sum to the whole.
NO_VALUE = "none"


def batch_key(prefix: str = "") -> Case:
    """``"<model id>:<batch>"``: a batch is named within its model; empty without a unit or batch."""
    named = Concat(
        Cast(f"{prefix}unit__model_id", CharField()), Value(":"), f"{prefix}unit__batch", output_field=CharField()
    )
    missing = Q(**{f"{prefix}unit__isnull": True}) | Q(**{f"{prefix}unit__batch": ""})
    return Case(When(missing, then=Value("")), default=named, output_field=CharField())


@dataclass(frozen=True)
class Dimensions:
    """Optional filters; None means every value, :data:`NO_VALUE` the records without one. Model
    instances or primary keys are accepted for ``station``, ``product_category``, ``model``,
    ``agent`` (who logged the ticket) and ``technician`` (the ticket's assignee, always a
    technician); ``batch`` is the batch name (narrow it to one model with ``model``); ``region``
    is the customer's region."""

    station: object | None = None
    product_category: object | None = None
    region: str | None = None
    model: object | None = None
    batch: str | None = None
    agent: object | None = None
    technician: object | None = None

    def q(self, prefix: str = "") -> Q:
        condition = Q()
        for name, path in (
            ("station", "station"),
            ("product_category", "unit__model__category"),
            ("model", "unit__model"),
            ("agent", "created_by"),
            ("technician", "assignee"),
        ):
            chosen = getattr(self, name)
            if chosen == NO_VALUE:
                condition &= Q(**{f"{prefix}{path}__isnull": True})
            elif chosen is not None:
                condition &= Q(**{f"{prefix}{path}": chosen})
        if self.batch == NO_VALUE:
            condition &= Q(**{f"{prefix}unit__isnull": True}) | Q(**{f"{prefix}unit__batch": ""})
        elif self.batch is not None:
            condition &= Q(**{f"{prefix}unit__batch": self.batch})
        if self.region == NO_VALUE:
            condition &= Q(**{f"{prefix}customer__region": ""})
        elif self.region is not None:
            condition &= Q(**{f"{prefix}customer__region": self.region})
        return condition

    @classmethod
    def for_value(cls, dimension: str, value: str) -> "Dimensions":
        """The filter for one breakdown row: ``("batch", "12:2403A")`` is model 12, batch 2403A;
        ``("station", "none")`` the records with no station."""
        if dimension in ("", "all"):
            return cls()
        if value == NO_VALUE:
            field = {"category": "product_category"}.get(dimension, dimension)
            if field not in {"station", "product_category", "model", "agent", "technician", "batch", "region"}:
                raise ValueError(f"unknown dimension {dimension!r}")
            return cls(**{field: NO_VALUE})
        if dimension == "batch":
            model, _sep, batch = value.partition(":")
            return cls(model=int(model), batch=batch)
        if dimension == "region":
            return cls(region=value)
        field = {"category": "product_category"}.get(dimension, dimension)
        if field not in {"station", "product_category", "model", "agent", "technician"}:
            raise ValueError(f"unknown dimension {dimension!r}")
        return cls(**{field: int(value)})


EVERYWHERE = Dimensions()


def counted_tickets_q(prefix: str = "") -> Q:
    """The tickets every KPI counts: not a test ticket, not a merged duplicate, not cancelled
    before it was dispatched (DESIGN.md section 6, exclusions)."""
    merged = Q(**{f"{prefix}merged_into__isnull": False}) | Q(**{f"{prefix}status": Status.MERGED})
    cancelled = Q(**{f"{prefix}cancelled_at__isnull": False}) | Q(**{f"{prefix}status": Status.CANCELLED})
    cancelled_before_dispatch = cancelled & Q(**{f"{prefix}dispatched_at__isnull": True})
    return Q(**{f"{prefix}is_test": False}) & ~merged & ~cancelled_before_dispatch


def _count(condition: Q) -> Count:
    return Count("pk", filter=condition)


def _grouped(
    queryset: QuerySet,
    day_field,
    group_by: Iterable[str],
    prefix: str = "",
    columns: Callable[[str], Expression] | None = None,
) -> tuple[QuerySet, list[str]]:
    """Annotate the grouping columns (``day`` and at most one dimension) and group by them.

    ``columns(name)``, when given, is the value a row is grouped under for a dimension instead
    of its own (a complaint is counted under its original ticket's); it is None for no value."""
    names: list[str] = []
    for name in group_by:
        if name == "day":
            queryset = queryset.annotate(day=TruncDate(day_field, tzinfo=business_zone()))
            names.append("day")
        elif name in DIMENSION_PATHS and columns is not None:
            queryset = queryset.annotate(**{f"group_{name}": columns(name)})
            names.append(f"group_{name}")
        elif name in DIMENSION_PATHS:
            path = DIMENSION_PATHS[name]
            column = batch_key(prefix) if name == "batch" else F(f"{prefix}{path}")
            queryset = queryset.annotate(**{f"group_{name}": column})
            names.append(f"group_{name}")
        else:
            raise ValueError(f"cannot group by {name!r}")
    if names:
        queryset = queryset.values(*names)
    return queryset, names


def _key_part(part, name: str):
    if name == "day":
        return part
    return NO_VALUE if part is None or part == "" else str(part)


def _rows(
    queryset: QuerySet,
    day_field,
    group_by: Iterable[str],
    aggregates: dict,
    prefix: str = "",
    columns: Callable[[str], Expression] | None = None,
) -> dict:
    """``{(group values…): {aggregate: count}}``; the key is ``()`` when nothing is grouped.
    Records whose dimension is empty (a ticket with no unit, no station, a customer with no
    region) are the :data:`NO_VALUE` row, so every breakdown's rows sum to the whole."""
    queryset, names = _grouped(queryset.order_by(), day_field, group_by, prefix, columns)
    if not names:
        return {(): queryset.aggregate(**aggregates)}
    result: dict[tuple, dict] = {}
    for row in queryset.annotate(**aggregates):
        key = tuple(_key_part(row[name], name) for name in names)
        counts = result.setdefault(key, dict.fromkeys(aggregates, 0))
        for name in aggregates:
            counts[name] += row[name]
    return result


def _tickets(dimensions: Dimensions) -> QuerySet:
    return Ticket.objects.filter(counted_tickets_q(), dimensions.q())


def _before(field: str, now: dt.datetime) -> Q:
    return Q(**{f"{field}__isnull": False, f"{field}__lte": now})


# --- Complaints --------------------------------------------------------------------------


def _service_completed_q() -> Q:
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
    """Complaint rate (DESIGN.md 6): service complaints ÷ service tickets completed.

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
    completed, complaint = _service_completed_q(), Q(kind=Kind.COMPLAINT)
    queryset = Ticket.objects.filter(counted_tickets_q(), attributed_q(dimensions)).filter(
        (completed & period.q("resolved_at")) | (complaint & period.q("created_at"))
    )
    day = Case(When(kind=Kind.COMPLAINT, then=F("created_at")), default=F("resolved_at"))
    rows = _rows(
        queryset,
        day,
        group_by,
        {
            "completed": _count(completed),
            "service": _count(first & Q(fault_category__group=FaultGroup.SERVICE)),
            "product": _count(first & Q(fault_category__group=FaultGroup.PRODUCT)),
        },
        columns=attributed_column,
    )

    def tally(row: dict) -> ComplaintTally:
        return ComplaintTally(
            counts=ComplaintCounts(valid_service_complaints=row["service"], service_tickets_completed=row["completed"]),
            product_quality_complaints=row["product"],
        )

    return _shape(rows, group_by, tally)


def _shape(rows: dict, group_by: Iterable[str], build):
    if not tuple(group_by):
        return build(rows[()])
    return {key: build(row) for key, row in rows.items()}


# --- Omissions (the four no-leaks) -------------------------------------------------------


def case_anchor() -> Coalesce:
    """When the case began: the customer's first contact, or the ticket if logged at once."""
    return Coalesce("contacted_at", "created_at")


def omission_conditions(now: dt.datetime) -> dict[str, Q]:
    """One condition per no-leak, each true only once its obligation is due and missed:

    1. unrecorded — logged more than 2 h after the customer first got in touch;
    2. late — the dispatch or completion deadline passed (and its clock was not stopped by a
       customer-caused pause running since before it) without the step being taken by it in
       the current round (:func:`step_missed_q`: a reopened ticket not dispatched or resolved
       again is late once its restarted deadline passes). A ticket cancelled before the
       deadline owed nothing;
    3. no callback attempt — a completed service ticket, 72 h past its resolution, with no
       after-service callback attempt in those 72 h;
    4. no feedback — a repair resolved with a quality fault code (an active catalogue code
       routed to a department, compared in its one spelling), 7 days past its resolution,
       without a feedback item for it that was both made and acknowledged by the department
       within those 7 days ("fed back and acknowledged within 7 days").
    """
    dispatch_late = _before("dispatch_due", now) & running_q("dispatch") & step_missed_q("dispatch")
    completion_late = _before("completion_due", now) & running_q("completion") & step_missed_q("completion")
    cancelled_in_time = Q(cancelled_at__isnull=False) & (
        Q(dispatch_due__isnull=True) | Q(cancelled_at__lte=F("dispatch_due"))
    )
    cancelled_before_completion = Q(cancelled_at__isnull=False, cancelled_at__lte=F("completion_due"))
    late = (dispatch_late & ~cancelled_in_time) | (completion_late & ~cancelled_before_completion)

    attempted = CallbackAttempt.objects.filter(
        visit__ticket=OuterRef("pk"),
        visit__kind=CallbackKind.AFTER_SERVICE,
        at__gte=OuterRef("resolved_at"),
        at__lte=OuterRef("resolved_at") + CALLBACK_WINDOW,
    )
    no_callback = Q(
        kind__in=SERVICE_KINDS, status__in=COMPLETED_STATUSES, resolved_at__lte=now - CALLBACK_WINDOW
    ) & ~Exists(attempted)

    quality_code = FaultCode.objects.filter(code=OuterRef("fault_code"), is_active=True).exclude(department="")
    fed_back = FeedbackItem.objects.filter(
        ticket=OuterRef("pk"),
        created_at__lte=OuterRef("resolved_at") + FEEDBACK_WINDOW,
        acknowledged_at__isnull=False,
        acknowledged_at__lte=OuterRef("resolved_at") + FEEDBACK_WINDOW,
    )
    no_feedback = (
        Q(kind=Kind.REPAIR, status__in=COMPLETED_STATUSES, resolved_at__lte=now - FEEDBACK_WINDOW)
        & Exists(quality_code)
        & ~Exists(fed_back)
    )
    unrecorded = Q(contacted_at__isnull=False, created_at__gt=F("contacted_at") + RECORDING_WINDOW)
    return {"unrecorded": unrecorded, "late": late, "no_callback_attempt": no_callback, "no_feedback": no_feedback}


def omission_counts(
    period: Period, dimensions: Dimensions = EVERYWHERE, group_by: Iterable[str] = (), *, now: dt.datetime | None = None
) -> OmissionCounts | dict:
    """Omission rate and its four sub-rates (DESIGN.md 6): cases with at least one omission ÷
    cases with an obligation due. A case is a ticket, put in the period by when the customer
    first got in touch; it is due once its first obligation (recording it, 2 h after the
    contact) has passed or it already has an omission. Each case counts once however many
    omissions it has, and in each sub-rate it has."""
    now = now or timezone.now()
    conditions = omission_conditions(now)
    any_omission = conditions["unrecorded"] | conditions["late"]
    any_omission |= conditions["no_callback_attempt"] | conditions["no_feedback"]
    queryset = _tickets(dimensions).alias(anchor=case_anchor()).filter(period.q("anchor"))
    due = Q(anchor__lte=now - RECORDING_WINDOW) | any_omission
    rows = _rows(
        queryset,
        case_anchor(),
        group_by,
        {
            "due": _count(due),
            "with_omission": _count(any_omission),
            **{kind: _count(condition) for kind, condition in conditions.items()},
        },
    )
    return _shape(
        rows,
        group_by,
        lambda row: OmissionCounts(
            cases_due=row["due"],
            cases_with_omission=row["with_omission"],
            unrecorded=row["unrecorded"],
            late=row["late"],
            no_callback_attempt=row["no_callback_attempt"],
            no_feedback=row["no_feedback"],
        ),
    )


# --- Satisfaction ------------------------------------------------------------------------


def dissatisfied_q() -> Q:
    """A rating that counts against the dissatisfaction rate: 1–2, or a complaint on a call."""
    return Q(score__lte=LOW_RATING_AT_MOST) | Q(raised_complaint=True)


def unrated_complaint_q() -> Q:
    """A call about a ticket that reached the customer, who complained and gave no overall
    rating: one dissatisfied response with no rating row behind it."""
    return Q(ticket__isnull=False, status=CallbackStatus.DONE, raised_complaint=True, score_overall__isnull=True) & Q(
        completed_at__isnull=False
    )


def satisfaction_counts(
    period: Period, dimensions: Dimensions = EVERYWHERE, group_by: Iterable[str] = ()
) -> SatisfactionCounts | dict:
    """Dissatisfaction rate and top-2 box (DESIGN.md 6), from the responses given in the period.

    A response is a rating (every rating row: portal, callback call, emailed survey; put on the
    day it was given) or a complaint made on a call about a ticket without an overall rating
    (put on the day of the call). Unreachable customers and customers reached who neither rated
    nor complained leave neither, so they are in no denominator.

    - ``valid_ratings``, ``low_ratings`` (1–2), ``top2_ratings`` (4–5): the rating rows;
    - ``callback_complaints``: rating rows of 3–5 whose caller complained (a low rating with a
      complaint is already dissatisfied: each response counts once);
    - ``unrated_complaints``: the complaints without a rating.

    Dissatisfaction = (low + callback complaints + unrated complaints) ÷ (ratings + unrated
    complaints), never above 100 %; satisfaction = top-2 ÷ ratings. Two queries: ratings and
    unrated complaints live in two tables.
    """
    low = Q(score__lte=LOW_RATING_AT_MOST)
    queryset = SatisfactionRating.objects.filter(
        period.q("created_at"), counted_tickets_q("ticket__"), dimensions.q("ticket__")
    )
    rows = _rows(
        queryset,
        F("created_at"),
        group_by,
        {
            "valid": Count("pk"),
            "low": _count(low),
            "top2": _count(Q(score__gte=TOP2_RATING_AT_LEAST)),
            "complaints": _count(Q(raised_complaint=True) & ~low),
        },
        prefix="ticket__",
    )
    unrated = CallbackVisit.objects.filter(
        unrated_complaint_q(), period.q("completed_at"), counted_tickets_q("ticket__"), dimensions.q("ticket__")
    )
    unrated_rows = _rows(unrated, F("completed_at"), group_by, {"unrated": Count("pk")}, prefix="ticket__")
    empty = {"valid": 0, "low": 0, "top2": 0, "complaints": 0}
    merged = {
        key: {**empty, **rows.get(key, {}), **unrated_rows.get(key, {"unrated": 0})} for key in rows | unrated_rows
    }
    return _shape(
        merged,
        group_by,
        lambda row: SatisfactionCounts(
            valid_ratings=row["valid"],
            low_ratings=row["low"],
            top2_ratings=row["top2"],
            callback_complaints=row["complaints"],
            unrated_complaints=row["unrated"],
        ),
    )


# --- Callbacks -----------------------------------------------------------------------------


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


def callback_counts(
    period: Period, dimensions: Dimensions = EVERYWHERE, group_by: Iterable[str] = ()
) -> CallbackCounts | dict:
    """Callback coverage and reach (DESIGN.md 6): service tickets resolved in the period, those
    with an after-service callback attempt within 72 h of ``resolved_at``, and those whose
    customer was reached within 72 h. A reached call is an attempt, so reach ≤ coverage."""
    queryset = _tickets(dimensions).filter(_service_completed_q(), period.q("resolved_at"))
    rows = _rows(
        queryset,
        F("resolved_at"),
        group_by,
        {
            "completed": Count("pk"),
            "attempted": _count(Q(_after_service_attempt(reached=False))),
            "reached": _count(Q(_after_service_attempt(reached=True))),
        },
    )
    return _shape(
        rows,
        group_by,
        lambda row: CallbackCounts(
            tickets_completed=row["completed"], attempted_within_72h=row["attempted"], reached_within_72h=row["reached"]
        ),
    )


# --- First-time fix ----------------------------------------------------------------------


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
    """First-time-fix rate (DESIGN.md 6): repairs resolved in the period with a repair outcome,
    and those fixed first time (:func:`fixed_first_time_q`). A day's figure is final 30 days
    after it, when no repeat can still arrive."""
    queryset = _tickets(dimensions).filter(repair_outcome_q(), period.q("resolved_at"))
    rows = _rows(queryset, F("resolved_at"), group_by, {"repairs": Count("pk"), "fixed": _count(fixed_first_time_q())})
    return _shape(rows, group_by, lambda row: FirstTimeFixCounts(repairs=row["repairs"], fixed_first_time=row["fixed"]))


# --- Timeliness ----------------------------------------------------------------------------

# Each SLA clock: the deadline, and the steps that meet it (the first one taken counts). The
# contact clock is met by the desk's acknowledgement, or by the dispatch when the desk dispatches
# straight away. Dispatch, arrival and completion restart when a ticket is reopened, so only a
# step of the current round meets them; the first response is not owed again.
CLOCKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "contact": ("response_due", ("acknowledged_at", "dispatched_at")),
    "dispatch": ("dispatch_due", ("dispatched_at",)),
    "arrival": ("arrival_due", ("started_at",)),
    "completion": ("completion_due", ("resolved_at",)),
}
# The clocks the timeliness KPIs report (dispatch is reported through the "late" omission).
TIMELINESS_CLOCKS = ("contact", "arrival", "completion")
ROUND_CLOCKS = frozenset({"dispatch", "arrival", "completion"})


def _stale_q(step: str) -> Q:
    """The step was taken before the latest reopen: it belongs to an earlier round."""
    return Q(reopened_at__isnull=False, **{f"{step}__lt": F("reopened_at")})


def step_taken_q(clock: str) -> Q:
    """The clock's step has been taken (in the current round, for the clocks that restart)."""
    _deadline, steps = CLOCKS[clock]
    step = steps[0]
    taken = Q(**{f"{step}__isnull": False})
    if clock in ROUND_CLOCKS:
        taken &= ~_stale_q(step)
    for other in steps[1:]:
        taken |= Q(**{f"{step}__isnull": True, f"{other}__isnull": False})
    return taken


def on_time_q(clock: str) -> Q:
    """The clock's step was taken by its deadline (in the current round, where it restarts)."""
    deadline, steps = CLOCKS[clock]
    step = steps[0]
    met = Q(**{f"{step}__isnull": False, f"{step}__lte": F(deadline)})
    if clock in ROUND_CLOCKS:
        met &= Q(reopened_at__isnull=True) | Q(**{f"{step}__gte": F("reopened_at")})
    for other in steps[1:]:
        met |= Q(**{f"{step}__isnull": True, f"{other}__isnull": False, f"{other}__lte": F(deadline)})
    return met


def step_missed_q(clock: str) -> Q:
    """The clock's step was not taken by its deadline: not taken, taken late, or (where the
    clock restarts) taken only in an earlier round. Written without negation, so that SQL's
    empty values cannot turn a missed step into neither missed nor met."""
    deadline, steps = CLOCKS[clock]
    step = steps[0]
    if len(steps) == 1:
        missed = Q(**{f"{step}__isnull": True}) | Q(**{f"{step}__gt": F(deadline)})
        return (missed | _stale_q(step)) if clock in ROUND_CLOCKS else missed
    # The contact clock: the acknowledgement decides; without one, the dispatch.
    other = steps[1]
    return Q(**{f"{step}__gt": F(deadline)}) | Q(
        Q(**{f"{other}__isnull": True}) | Q(**{f"{other}__gt": F(deadline)}), **{f"{step}__isnull": True}
    )


def running_q(clock: str) -> Q:
    """The clock runs: no customer-caused pause has been stopping it since before its deadline
    (the services move the deadlines still ahead by the pause's length when work resumes)."""
    deadline, _steps = CLOCKS[clock]
    return Q(on_hold_since__isnull=True) | Q(**{f"{deadline}__lte": F("on_hold_since")})


def timeliness_due_q(clock: str, now: dt.datetime) -> Q:
    """The clock's deadline has passed while it ran (or was met early), and the ticket was not
    cancelled before it."""
    deadline, _steps = CLOCKS[clock]
    due = (_before(deadline, now) & running_q(clock)) | on_time_q(clock)
    released = Q(cancelled_at__isnull=False, **{"cancelled_at__lte": F(deadline)})
    return Q(**{f"{deadline}__isnull": False}) & due & ~released


def overdue_now_q(now: dt.datetime) -> Q:
    """An open ticket that is late right now: some clock's deadline has passed while it ran and
    its step is not taken in the current round. The desk's overdue list (the current stage's
    ``next_due`` passed) names the same tickets; a ticket on hold is late for neither."""
    late = Q()
    for clock in CLOCKS:
        deadline, _steps = CLOCKS[clock]
        late |= _before(deadline, now) & running_q(clock) & ~step_taken_q(clock)
    return Q(status__in=OPEN_STATUSES) & ~Q(status=Status.ON_HOLD) & late


def timeliness_counts(
    clock: str,
    period: Period,
    dimensions: Dimensions = EVERYWHERE,
    group_by: Iterable[str] = (),
    *,
    now: dt.datetime | None = None,
) -> TimelinessCounts | dict:
    """Contact, arrival or completion timeliness (DESIGN.md 6): deadlines falling in the period
    that are due (:func:`timeliness_due_q`), and those met (:func:`on_time_q`: acknowledged or
    dispatched, technician arrived, resolved by the deadline — arrival and completion in the
    current round of a reopened ticket). A deadline passed without the step is due and late."""
    now = now or timezone.now()
    deadline, _steps = CLOCKS[clock]
    queryset = _tickets(dimensions).filter(period.q(deadline), timeliness_due_q(clock, now))
    rows = _rows(queryset, F(deadline), group_by, {"due": Count("pk"), "on_time": _count(on_time_q(clock))})
    return _shape(rows, group_by, lambda row: TimelinessCounts(due=row["due"], on_time=row["on_time"]))


# --- Complaint closure ---------------------------------------------------------------------


def closed_within_7_days_q() -> Q:
    deadline = F("created_at") + COMPLAINT_CLOSURE_WINDOW
    return Q(resolved_at__lte=deadline) | Q(closed_at__lte=deadline)


def complaint_closure_counts(
    period: Period, dimensions: Dimensions = EVERYWHERE, group_by: Iterable[str] = (), *, now: dt.datetime | None = None
) -> ComplaintClosureCounts | dict:
    """Complaints closed within 7 days (DESIGN.md 6): complaint tickets created in the period
    whose 7 days are over or that are already closed, and those resolved or closed within 7
    days of ``created_at``."""
    now = now or timezone.now()
    closed = closed_within_7_days_q()
    queryset = _tickets(dimensions).filter(
        Q(kind=Kind.COMPLAINT) & period.q("created_at") & (Q(created_at__lte=now - COMPLAINT_CLOSURE_WINDOW) | closed)
    )
    rows = _rows(queryset, F("created_at"), group_by, {"opened": Count("pk"), "closed": _count(closed)})
    return _shape(
        rows,
        group_by,
        lambda row: ComplaintClosureCounts(complaints_opened=row["opened"], closed_within_7_days=row["closed"]),
    )


# --- Every family at once ------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    """Every count behind every KPI, as one snapshot row stores them. Sums of totals are totals."""

    service_completed: int = 0
    service_complaints: int = 0
    product_complaints: int = 0
    cases_due: int = 0
    cases_with_omission: int = 0
    omission_unrecorded: int = 0
    omission_late: int = 0
    omission_no_callback: int = 0
    omission_no_feedback: int = 0
    ratings: int = 0
    low_ratings: int = 0
    top2_ratings: int = 0
    callback_complaints: int = 0
    unrated_complaints: int = 0
    callback_attempted: int = 0
    callback_reached: int = 0
    repairs: int = 0
    fixed_first_time: int = 0
    contact_due: int = 0
    contact_on_time: int = 0
    arrival_due: int = 0
    arrival_on_time: int = 0
    completion_due: int = 0
    completion_on_time: int = 0
    complaints_opened: int = 0
    complaints_closed_7_days: int = 0

    def __add__(self, other: "Totals") -> "Totals":
        if not isinstance(other, Totals):
            return NotImplemented
        return Totals(**{name: getattr(self, name) + getattr(other, name) for name in TOTAL_FIELDS})

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in TOTAL_FIELDS}


TOTAL_FIELDS = tuple(field.name for field in fields(Totals))


def _family_totals(
    period: Period, dimensions: Dimensions, group_by: tuple[str, ...], now: dt.datetime
) -> list[tuple[object, dict[str, int]]]:
    """Every family's counts as ``(key, {total field: count})`` pairs, ten queries in all (satisfaction takes two)."""
    pieces: list[tuple[object, dict[str, int]]] = []

    def add(result, convert) -> None:
        items = result.items() if group_by else [((), result)]
        pieces.extend((key, convert(counts)) for key, counts in items)

    add(
        complaint_counts(period, dimensions, group_by),
        lambda t: {
            "service_completed": t.counts.service_tickets_completed,
            "service_complaints": t.counts.valid_service_complaints,
            "product_complaints": t.product_quality_complaints,
        },
    )
    add(
        omission_counts(period, dimensions, group_by, now=now),
        lambda c: {
            "cases_due": c.cases_due,
            "cases_with_omission": c.cases_with_omission,
            "omission_unrecorded": c.unrecorded,
            "omission_late": c.late,
            "omission_no_callback": c.no_callback_attempt,
            "omission_no_feedback": c.no_feedback,
        },
    )
    add(
        satisfaction_counts(period, dimensions, group_by),
        lambda c: {
            "ratings": c.valid_ratings,
            "low_ratings": c.low_ratings,
            "top2_ratings": c.top2_ratings,
            "callback_complaints": c.callback_complaints,
            "unrated_complaints": c.unrated_complaints,
        },
    )
    add(
        callback_counts(period, dimensions, group_by),
        lambda c: {"callback_attempted": c.attempted_within_72h, "callback_reached": c.reached_within_72h},
    )
    add(
        first_time_fix_counts(period, dimensions, group_by),
        lambda c: {"repairs": c.repairs, "fixed_first_time": c.fixed_first_time},
    )
    for clock in TIMELINESS_CLOCKS:
        add(
            timeliness_counts(clock, period, dimensions, group_by, now=now),
            lambda c, clock=clock: {f"{clock}_due": c.due, f"{clock}_on_time": c.on_time},
        )
    add(
        complaint_closure_counts(period, dimensions, group_by, now=now),
        lambda c: {"complaints_opened": c.complaints_opened, "complaints_closed_7_days": c.closed_within_7_days},
    )
    return pieces


def totals(period: Period, dimensions: Dimensions = EVERYWHERE, *, now: dt.datetime | None = None) -> Totals:
    """Every count for one slice, straight from the tickets (ten queries)."""
    merged: dict[str, int] = {}
    for _key, counts in _family_totals(period, dimensions, (), now or timezone.now()):
        merged.update(counts)
    return Totals(**merged)


def totals_by(
    period: Period,
    group_by: tuple[str, ...],
    dimensions: Dimensions = EVERYWHERE,
    *,
    now: dt.datetime | None = None,
) -> dict[tuple, Totals]:
    """Every count grouped by ``group_by`` (``("day",)``, ``("day", "station")``, ``("model",)``…),
    ten queries whatever the number of groups. Keys are tuples of the group values (dates for
    ``day``, strings for a dimension)."""
    merged: dict[tuple, dict[str, int]] = {}
    for key, counts in _family_totals(period, dimensions, tuple(group_by), now or timezone.now()):
        merged.setdefault(key, {}).update(counts)
    return {key: Totals(**counts) for key, counts in merged.items()}


def _omissions(t: Totals) -> OmissionCounts:
    return OmissionCounts(
        cases_due=t.cases_due,
        cases_with_omission=t.cases_with_omission,
        unrecorded=t.omission_unrecorded,
        late=t.omission_late,
        no_callback_attempt=t.omission_no_callback,
        no_feedback=t.omission_no_feedback,
    )


def _satisfaction(t: Totals) -> SatisfactionCounts:
    return SatisfactionCounts(
        valid_ratings=t.ratings,
        low_ratings=t.low_ratings,
        top2_ratings=t.top2_ratings,
        callback_complaints=t.callback_complaints,
        unrated_complaints=t.unrated_complaints,
    )


def _callbacks(t: Totals) -> CallbackCounts:
    return CallbackCounts(
        tickets_completed=t.service_completed,
        attempted_within_72h=t.callback_attempted,
        reached_within_72h=t.callback_reached,
    )


SUBRATES = {
    "omission_unrecorded": ("unrecorded", "unrecorded_threshold"),
    "omission_late": ("late", "late_threshold"),
    "omission_no_callback": ("no_callback_attempt", "no_callback_threshold"),
    "omission_no_feedback": ("no_feedback", "no_feedback_threshold"),
}


def rates_of(
    totals: Totals, thresholds: Mapping[str, Decimal] | None = None, keys: Iterable[str] | None = None
) -> dict[str, Rate]:
    """The KPIs of DESIGN.md section 6 from a :class:`Totals`, through the pure rate functions,
    keyed as :data:`rates.KPIS` (all of them, or only ``keys``); ``thresholds`` overrides a
    KPI's default threshold by key. Each counts object is built once, however many KPIs use it."""
    thresholds = thresholds or {}
    keys = tuple(rates.KPIS if keys is None else keys)
    t = totals

    def threshold(key: str) -> Decimal:
        return thresholds.get(key, rates.KPIS[key].default_threshold)

    result: dict[str, Rate] = {}
    omissions = satisfaction = callbacks = None
    if "omission_rate" in keys or any(key in SUBRATES for key in keys):
        omissions = _omissions(t)
    if "dissatisfaction_rate" in keys or "satisfaction_top2" in keys:
        satisfaction = _satisfaction(t)
    if "callback_coverage" in keys or "callback_reach" in keys:
        callbacks = _callbacks(t)
    wanted_subrates = [key for key in keys if key in SUBRATES]
    if wanted_subrates:
        subrates = rates.omission_subrates(omissions, **{SUBRATES[key][1]: threshold(key) for key in SUBRATES})
        for key in wanted_subrates:
            result[key] = getattr(subrates, SUBRATES[key][0])
    for key in keys:
        if key in result:
            continue
        if key == "complaint_rate":
            counts = ComplaintCounts(
                valid_service_complaints=t.service_complaints, service_tickets_completed=t.service_completed
            )
            result[key] = rates.complaint_rate(counts, threshold(key))
        elif key == "omission_rate":
            result[key] = rates.omission_rate(omissions, threshold(key))
        elif key == "dissatisfaction_rate":
            result[key] = rates.dissatisfaction_rate(satisfaction, threshold(key))
        elif key == "satisfaction_top2":
            result[key] = rates.satisfaction_top2(satisfaction, threshold(key))
        elif key == "callback_coverage":
            result[key] = rates.callback_coverage(callbacks, threshold(key))
        elif key == "callback_reach":
            result[key] = rates.callback_reach(callbacks, threshold(key))
        elif key == "first_time_fix_rate":
            counts = FirstTimeFixCounts(repairs=t.repairs, fixed_first_time=t.fixed_first_time)
            result[key] = rates.first_time_fix_rate(counts, threshold(key))
        elif key == "contact_timeliness":
            counts = TimelinessCounts(due=t.contact_due, on_time=t.contact_on_time)
            result[key] = rates.contact_timeliness(counts, threshold(key))
        elif key == "arrival_timeliness":
            counts = TimelinessCounts(due=t.arrival_due, on_time=t.arrival_on_time)
            result[key] = rates.arrival_timeliness(counts, threshold(key))
        elif key == "completion_timeliness":
            counts = TimelinessCounts(due=t.completion_due, on_time=t.completion_on_time)
            result[key] = rates.completion_timeliness(counts, threshold(key))
        elif key == "complaints_closed_within_7_days":
            counts = ComplaintClosureCounts(
                complaints_opened=t.complaints_opened, closed_within_7_days=t.complaints_closed_7_days
            )
            result[key] = rates.complaints_closed_within_7_days(counts, threshold(key))
        else:
            raise KeyError(key)
    return {key: result[key] for key in keys}


def rates_for(
    period: Period,
    *,
    thresholds: Mapping[str, Decimal] | None = None,
    now: dt.datetime | None = None,
    **filters,
) -> dict[str, Rate]:
    """Every rate for one slice straight from the tickets; ``filters`` are :class:`Dimensions`
    fields. Ten queries, one per family and two for satisfaction."""
    return rates_of(totals(period, Dimensions(**filters), now=now), thresholds)


# --- Drill-downs: the tickets behind a figure ----------------------------------------------

DRILLDOWNS = {
    "omission": _("Cases with an omission"),
    "unrecorded": _("Not recorded within 2 hours"),
    "late": _("Dispatched or completed late"),
    "no_callback_attempt": _("No callback attempt within 72 hours"),
    "no_feedback": _("Quality fault not fed back and acknowledged within 7 days"),
    "dissatisfied": _("Dissatisfied customers"),
    "service_complaints": _("Service complaints"),
    "not_first_time": _("Repairs not fixed first time"),
}


def drilldown(
    kind: str, period: Period, dimensions: Dimensions = EVERYWHERE, *, now: dt.datetime | None = None
) -> QuerySet:
    """The tickets behind one figure, with the same anchors and conditions as its count, newest
    first. ``kind`` is a key of :data:`DRILLDOWNS`."""
    now = now or timezone.now()
    tickets = _tickets(dimensions)
    if kind in ("omission", "unrecorded", "late", "no_callback_attempt", "no_feedback"):
        conditions = omission_conditions(now)
        if kind == "omission":
            condition = Q()
            for part in conditions.values():
                condition |= part
        else:
            condition = conditions[kind]
        tickets = tickets.alias(anchor=case_anchor()).filter(period.q("anchor")).filter(condition)
    elif kind == "dissatisfied":
        # The rated tickets' ids first (a range of the ratings' index), then those tickets: as a
        # correlated EXISTS under the list's ORDER BY … LIMIT, PostgreSQL walks every recent ticket
        # backwards looking for ratings, which mostly come days after the ticket.
        rated = SatisfactionRating.objects.filter(period.q("created_at"), dissatisfied_q()).order_by()
        unrated = CallbackVisit.objects.filter(unrated_complaint_q(), period.q("completed_at")).order_by()
        ids = rated.values_list("ticket_id", flat=True).union(unrated.values_list("ticket_id", flat=True))
        tickets = tickets.filter(pk__in=list(ids))
    elif kind == "service_complaints":
        # Counted under the original ticket's values, as complaint_counts counts them.
        tickets = Ticket.objects.filter(counted_tickets_q(), attributed_q(dimensions)).filter(
            first_valid_complaint_q(), period.q("created_at"), fault_category__group=FaultGroup.SERVICE
        )
    elif kind == "not_first_time":
        tickets = tickets.filter(repair_outcome_q(), period.q("resolved_at")).exclude(fixed_first_time_q())
    else:
        raise ValueError(f"unknown drill-down {kind!r}")
    return tickets.order_by("-created_at", "-id")
