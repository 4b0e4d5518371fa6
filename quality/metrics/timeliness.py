"""The SLA clocks' timeliness: contact, arrival and completion deadlines met, and tickets late right now."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, F, Q
from django.utils import timezone

from quality.metrics.dimensions import EVERYWHERE, Dimensions
from quality.metrics.grouping import count_where, counted_tickets, grouped_counts, passed_by, shaped
from quality.metrics.period import Period
from quality.rates import TimelinessCounts
from tickets.choices import OPEN_STATUSES, Status

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
    due = (passed_by(deadline, now) & running_q(clock)) | on_time_q(clock)
    released = Q(cancelled_at__isnull=False, **{"cancelled_at__lte": F(deadline)})
    return Q(**{f"{deadline}__isnull": False}) & due & ~released


def overdue_now_q(now: dt.datetime) -> Q:
    """An open ticket that is late right now: some clock's deadline has passed while it ran and
    its step is not taken in the current round. The desk's overdue list (the current stage's
    ``next_due`` passed) names the same tickets; a ticket on hold is late for neither."""
    late = Q()
    for clock in CLOCKS:
        deadline, _steps = CLOCKS[clock]
        late |= passed_by(deadline, now) & running_q(clock) & ~step_taken_q(clock)
    return Q(status__in=OPEN_STATUSES) & ~Q(status=Status.ON_HOLD) & late


def timeliness_counts(
    clock: str,
    period: Period,
    dimensions: Dimensions = EVERYWHERE,
    group_by: Iterable[str] = (),
    *,
    now: dt.datetime | None = None,
) -> TimelinessCounts | dict:
    """Contact, arrival or completion timeliness (docs/kpis.md): deadlines falling in the period
    that are due (:func:`timeliness_due_q`), and those met (:func:`on_time_q`: acknowledged or
    dispatched, technician arrived, resolved by the deadline — arrival and completion in the
    current round of a reopened ticket). A deadline passed without the step is due and late."""
    now = now or timezone.now()
    deadline, _steps = CLOCKS[clock]
    queryset = counted_tickets(dimensions).filter(period.q(deadline), timeliness_due_q(clock, now))
    rows = grouped_counts(
        queryset, F(deadline), group_by, {"due": Count("pk"), "on_time": count_where(on_time_q(clock))}
    )
    return shaped(rows, group_by, lambda row: TimelinessCounts(due=row["due"], on_time=row["on_time"]))
