"""SLA clocks: a ticket's deadlines from its SLA target, counted in business time. Pure: no ORM,
no clock, no settings.

docs/lifecycle.md#sla-clocks-in-business-time: every ticket gets response, dispatch, arrival and completion
deadlines when it is created, from the SLA target it is created under (tickets/sla/models.py:
per kind and priority, optionally per region or station, versioned). Each stage's hours are
business hours of the ticket's calendar (customers/business_time.py): closed time, weekends,
statutory holidays do not count; make-up working days do. A complaint is answered by the end
of the business day it came in on (the next one when it came after closing or on a closed day).
Customer-caused pauses stop the clock: the remaining deadlines move by the business time the
pause lasted.

``BASE_HOURS`` × ``PRIORITY_FACTOR`` are the organisation's first targets: the data migration
that created the targets table seeded them from these values, and the seed and demo commands
use them for tickets they build without a target.
"""

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from customers.business_time import (
    CalendarSpec,
    add_business_time,
    business_time_between,
    end_of_business_day,
)
from tickets.choices import Kind, Priority, Status

H = dt.timedelta(hours=1)
STAGES = ("response", "dispatch", "arrival", "completion")

# Business hours after creation, for a normal-priority ticket; None: that stage does not apply.
BASE_HOURS: dict[str, dict[str, int | None]] = {
    Kind.REPAIR: {"response": 2, "dispatch": 8, "arrival": 24, "completion": 72},
    Kind.INSTALLATION: {"response": 4, "dispatch": 24, "arrival": 48, "completion": 72},
    Kind.MAINTENANCE: {"response": 8, "dispatch": 48, "arrival": 96, "completion": 120},
    Kind.CONSULTATION: {"response": 4, "dispatch": None, "arrival": None, "completion": 24},
    # Complaints: response by the end of the business day (below); closed within 168 hours.
    Kind.COMPLAINT: {"response": None, "dispatch": None, "arrival": None, "completion": 168},
}

# Urgent work runs on a quarter of the normal clock, low priority on twice it.
PRIORITY_FACTOR: dict[str, float] = {
    Priority.URGENT: 0.25,
    Priority.HIGH: 0.5,
    Priority.NORMAL: 1.0,
    Priority.LOW: 2.0,
}

# An urgent or high-priority complaint may not wait until closing time either: it is answered
# within this many hours × its priority factor, or by closing time, whichever comes first.
COMPLAINT_PROMPT_RESPONSE_HOURS = 8


@dataclass(frozen=True)
class Target:
    """The business time each stage may take from the start of the clock (None: the stage does
    not apply). ``response_same_day``: the response is due by the end of the business day as
    well (the earlier of the two when ``response`` is set too)."""

    response: dt.timedelta | None
    dispatch: dt.timedelta | None
    arrival: dt.timedelta | None
    completion: dt.timedelta | None
    response_same_day: bool = False


@dataclass(frozen=True)
class Deadlines:
    response: dt.datetime | None
    dispatch: dt.datetime | None
    arrival: dt.datetime | None
    completion: dt.datetime | None


def hours(value: Decimal | float | int | None) -> dt.timedelta | None:
    """A stage's hours as a duration; None (blank) stays None: the stage does not apply."""
    return None if value is None else dt.timedelta(hours=float(value))


def default_hours(kind: str, priority: str) -> dict[str, Decimal | None]:
    """The organisation's first target of a kind and priority, in hours (two decimals)."""
    factor = Decimal(str(PRIORITY_FACTOR[priority]))
    base = BASE_HOURS[kind]
    values = {stage: None if base[stage] is None else base[stage] * factor for stage in STAGES}
    if kind == Kind.COMPLAINT and factor < 1:
        values["response"] = COMPLAINT_PROMPT_RESPONSE_HOURS * factor
    return values


def default_target(kind: str, priority: str) -> Target:
    """``default_hours`` as a Target: what a ticket created without a target in the table gets."""
    values = default_hours(kind, priority)
    return Target(
        response=hours(values["response"]),
        dispatch=hours(values["dispatch"]),
        arrival=hours(values["arrival"]),
        completion=hours(values["completion"]),
        response_same_day=kind == Kind.COMPLAINT,
    )


def deadlines_for(target: Target, start: dt.datetime, spec: CalendarSpec) -> Deadlines:
    """Each stage's deadline: its business time after ``start`` in the calendar ``spec``.

    A repair logged at 20:00 on National Day with 8 hours to dispatch is due 8 open hours
    after the first opening after the holiday. A same-day response is due at the closing of
    the business day ``start`` falls in (after closing or on a closed day, the next one's).
    """

    def after(duration: dt.timedelta | None) -> dt.datetime | None:
        return None if duration is None else add_business_time(start, duration, spec)

    response = after(target.response)
    if target.response_same_day:
        same_day = end_of_business_day(start, spec)
        response = same_day if response is None else min(same_day, response)
    return Deadlines(
        response=response,
        dispatch=after(target.dispatch),
        arrival=after(target.arrival),
        completion=after(target.completion),
    )


def stage_of(status: str, deadlines: Deadlines) -> str | None:
    """The stage whose deadline the ticket's current status is racing against (None: no clock runs)."""
    if status == Status.NEW:
        return "response" if deadlines.response is not None else None
    if status in (Status.ACKNOWLEDGED, Status.REOPENED):
        return "dispatch" if deadlines.dispatch is not None else _completion(deadlines)
    if status == Status.DISPATCHED:
        return "arrival" if deadlines.arrival is not None else _completion(deadlines)
    if status == Status.IN_PROGRESS:
        return _completion(deadlines)
    return None


def _completion(deadlines: Deadlines) -> str | None:
    return "completion" if deadlines.completion is not None else None


def stage_deadline(status: str, deadlines: Deadlines) -> dt.datetime | None:
    """The deadline that the ticket's current status is racing against (None: no clock runs)."""
    stage = stage_of(status, deadlines)
    return None if stage is None else getattr(deadlines, stage)


def shift_for_pause(
    deadlines: Deadlines, paused_from: dt.datetime, resumed_at: dt.datetime, spec: CalendarSpec
) -> Deadlines:
    """Move every deadline still ahead when the pause began by the business time the pause
    lasted: a pause that falls wholly outside open hours moves nothing."""
    paused = business_time_between(paused_from, resumed_at, spec)

    def moved(value: dt.datetime | None) -> dt.datetime | None:
        if value is None or value <= paused_from or paused <= dt.timedelta(0):
            return value
        return add_business_time(value, paused, spec)

    return replace(
        deadlines,
        response=moved(deadlines.response),
        dispatch=moved(deadlines.dispatch),
        arrival=moved(deadlines.arrival),
        completion=moved(deadlines.completion),
    )


def restart_after_reopen(
    deadlines: Deadlines, target: Target, reopened_at: dt.datetime, spec: CalendarSpec
) -> Deadlines:
    """A reopened case gets fresh dispatch, arrival and completion clocks from the reopening,
    under the target it was created under; the response already happened, so its deadline
    stays as it was."""
    fresh = deadlines_for(target, reopened_at, spec)
    return replace(fresh, response=deadlines.response)


def move_to_station(
    deadlines: Deadlines,
    now: dt.datetime,
    *,
    old_target: Target,
    new_target: Target,
    old_spec: CalendarSpec,
    new_spec: CalendarSpec,
) -> Deadlines:
    """The deadlines after the ticket moves to a station with its own calendar (and maybe its
    own target), at ``now``.

    A deadline already passed stays as it was: a missed stage is not undone by assigning. A
    deadline still ahead keeps the business time it had left (counted in the old calendar),
    lengthened or shortened by the difference between the new and the old target's hours for
    that stage, and is counted from ``now`` in the station's calendar; when the new target
    leaves no time, it is due now. A stage the new target does not apply any more is dropped;
    a stage the old target did not apply stays without a deadline.
    """

    def moved(stage: str) -> dt.datetime | None:
        value: dt.datetime | None = getattr(deadlines, stage)
        if value is None or value <= now:
            return value
        new_hours: dt.timedelta | None = getattr(new_target, stage)
        old_hours: dt.timedelta | None = getattr(old_target, stage)
        same_day = stage == "response" and new_target.response_same_day and old_target.response_same_day
        if new_hours is None and not (stage == "response" and new_target.response_same_day):
            return None
        left = business_time_between(now, value, old_spec)
        if new_hours is not None and old_hours is not None and not same_day:
            left += new_hours - old_hours
        return add_business_time(now, max(left, dt.timedelta(0)), new_spec)

    return Deadlines(**{stage: moved(stage) for stage in STAGES})
