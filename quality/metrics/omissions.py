"""The omission rate and its four sub-rates, one per no-leak."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from followups.models import FeedbackItem
from quality.metrics.callbacks import CALLBACK_WINDOW, after_service_attempt
from quality.metrics.dimensions import EVERYWHERE, Dimensions
from quality.metrics.grouping import count_where, counted_tickets, grouped_counts, passed_by, shaped
from quality.metrics.period import Period
from quality.metrics.timeliness import running_q, step_missed_q
from quality.rates import OmissionCounts
from tickets.choices import SERVICE_KINDS, Kind, Status
from tickets.models import FaultCode

RECORDING_WINDOW = dt.timedelta(hours=2)
FEEDBACK_WINDOW = dt.timedelta(days=7)
COMPLETED_STATUSES = (Status.RESOLVED, Status.VERIFIED, Status.CLOSED)


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
    dispatch_late = passed_by("dispatch_due", now) & running_q("dispatch") & step_missed_q("dispatch")
    completion_late = passed_by("completion_due", now) & running_q("completion") & step_missed_q("completion")
    cancelled_in_time = Q(cancelled_at__isnull=False) & (
        Q(dispatch_due__isnull=True) | Q(cancelled_at__lte=F("dispatch_due"))
    )
    cancelled_before_completion = Q(cancelled_at__isnull=False, cancelled_at__lte=F("completion_due"))
    late = (dispatch_late & ~cancelled_in_time) | (completion_late & ~cancelled_before_completion)

    no_callback = Q(
        kind__in=SERVICE_KINDS, status__in=COMPLETED_STATUSES, resolved_at__lte=now - CALLBACK_WINDOW
    ) & ~after_service_attempt(reached=False)

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
    """Omission rate and its four sub-rates (docs/kpis.md): cases with at least one omission ÷
    cases with an obligation due. A case is a ticket, put in the period by when the customer
    first got in touch; it is due once its first obligation (recording it, 2 h after the
    contact) has passed or it already has an omission. Each case counts once however many
    omissions it has, and in each sub-rate it has."""
    now = now or timezone.now()
    conditions = omission_conditions(now)
    any_omission = conditions["unrecorded"] | conditions["late"]
    any_omission |= conditions["no_callback_attempt"] | conditions["no_feedback"]
    queryset = counted_tickets(dimensions).alias(anchor=case_anchor()).filter(period.q("anchor"))
    due = Q(anchor__lte=now - RECORDING_WINDOW) | any_omission
    rows = grouped_counts(
        queryset,
        case_anchor(),
        group_by,
        {
            "due": count_where(due),
            "with_omission": count_where(any_omission),
            **{kind: count_where(condition) for kind, condition in conditions.items()},
        },
    )
    return shaped(
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
