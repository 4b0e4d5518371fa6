"""SLA clocks per ticket kind and priority. Pure: no ORM, no clock, no settings.

DESIGN.md section 4, no-leak 2: every ticket gets response, dispatch, arrival and completion
deadlines when it is created. A complaint gets its first response before the end of the
business day it came in on (the seeds: complaints are answered the same day). Customer-caused
pauses stop the clock: the remaining deadlines move by the length of the pause.
"""

import datetime as dt
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from tickets.choices import Kind, Priority, Status

H = dt.timedelta(hours=1)

# Hours from creation, for a normal-priority ticket; None: that stage does not apply.
BASE_HOURS: dict[str, dict[str, int | None]] = {
    Kind.REPAIR: {"response": 2, "dispatch": 8, "arrival": 24, "completion": 72},
    Kind.INSTALLATION: {"response": 4, "dispatch": 24, "arrival": 48, "completion": 72},
    Kind.MAINTENANCE: {"response": 8, "dispatch": 48, "arrival": 96, "completion": 120},
    Kind.CONSULTATION: {"response": 4, "dispatch": None, "arrival": None, "completion": 24},
    # Complaints: response by the end of the business day (below); closed within 7 days.
    Kind.COMPLAINT: {"response": None, "dispatch": None, "arrival": None, "completion": 168},
}

# Urgent work runs on a quarter of the normal clock, low priority on twice it.
PRIORITY_FACTOR: dict[str, float] = {
    Priority.URGENT: 0.25,
    Priority.HIGH: 0.5,
    Priority.NORMAL: 1.0,
    Priority.LOW: 2.0,
}


@dataclass(frozen=True)
class Deadlines:
    response: dt.datetime | None
    dispatch: dt.datetime | None
    arrival: dt.datetime | None
    completion: dt.datetime | None


def end_of_business_day(moment: dt.datetime, tz: ZoneInfo, day_end_hour: int) -> dt.datetime:
    """The end of the business day ``moment`` falls in; after closing time, the next day's end."""
    local = moment.astimezone(tz)
    end = local.replace(hour=day_end_hour, minute=0, second=0, microsecond=0)
    if local >= end:
        end = (local + dt.timedelta(days=1)).replace(hour=day_end_hour, minute=0, second=0, microsecond=0)
    return end


def deadlines_for(kind: str, priority: str, created_at: dt.datetime, *, tz: ZoneInfo, day_end_hour: int) -> Deadlines:
    factor = PRIORITY_FACTOR[priority]
    hours = BASE_HOURS[kind]

    def after(stage: str) -> dt.datetime | None:
        value = hours[stage]
        return None if value is None else created_at + value * factor * H

    response = after("response")
    if kind == Kind.COMPLAINT:
        same_day = end_of_business_day(created_at, tz, day_end_hour)
        # An urgent complaint may not wait until closing time either.
        response = min(same_day, created_at + 8 * factor * H) if factor < 1 else same_day
    return Deadlines(
        response=response, dispatch=after("dispatch"), arrival=after("arrival"), completion=after("completion")
    )


def stage_deadline(status: str, deadlines: Deadlines) -> dt.datetime | None:
    """The deadline that the ticket's current status is racing against (None: no clock runs)."""
    if status == Status.NEW:
        return deadlines.response
    if status in (Status.ACKNOWLEDGED, Status.REOPENED):
        return deadlines.dispatch or deadlines.completion
    if status == Status.DISPATCHED:
        return deadlines.arrival or deadlines.completion
    if status == Status.IN_PROGRESS:
        return deadlines.completion
    return None


def shift_for_pause(deadlines: Deadlines, paused_from: dt.datetime, paused: dt.timedelta) -> Deadlines:
    """Move every deadline still ahead when the pause began by the length of the pause."""

    def moved(value: dt.datetime | None) -> dt.datetime | None:
        return value + paused if value is not None and value > paused_from else value

    return replace(
        deadlines,
        response=moved(deadlines.response),
        dispatch=moved(deadlines.dispatch),
        arrival=moved(deadlines.arrival),
        completion=moved(deadlines.completion),
    )


def restart_after_reopen(
    deadlines: Deadlines, kind: str, priority: str, reopened_at: dt.datetime, *, tz: ZoneInfo, day_end_hour: int
) -> Deadlines:
    """A reopened case gets fresh dispatch, arrival and completion clocks from the reopening;
    the response already happened, so its deadline stays as it was."""
    fresh = deadlines_for(kind, priority, reopened_at, tz=tz, day_end_hour=day_end_hour)
    return replace(fresh, response=deadlines.response)
