"""Visit slots and their capacity. Pure: no ORM, no clock, no settings.

A technician's working day is the open time of their business calendar on that local day
(customers/business_time.py ``CalendarSpec.hours_on``): closed on weekends the calendar closes,
closed on statutory holidays, open with the make-up weekday's hours on a make-up working day
(调休上班). The day is cut into slots of the station's length from opening on; a last piece
shorter than a slot is not offered (a two-hour slot does not start at 16:30 in a day closing at
17:30). A calendar open around the clock works from midnight to midnight.

A visit holds a place in every slot its time overlaps (a visit booked before the station changed
its slot length still counts where it falls); a slot's free places are the technician's visits
per slot minus the visits holding it, never below zero.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from customers.business_time import MIDNIGHT, CalendarSpec

# The customer's preferred times of day (tickets.choices.SLOT_HOURS), as local hours.
DayPart = tuple[int, int]


@dataclass(frozen=True, order=True)
class Slot:
    """One visit slot: aware start and end in the calendar's time zone."""

    start: dt.datetime
    end: dt.datetime


def day_slots(day: dt.date, spec: CalendarSpec, slot_minutes: int) -> list[Slot]:
    """The slots of local ``day`` in ``spec``, in order; empty on a closed day."""
    if slot_minutes <= 0:
        raise ValueError("a slot lasts at least one minute")
    if spec.always_open:
        hours: tuple[dt.time, dt.time] | None = (MIDNIGHT, MIDNIGHT)
    else:
        hours = spec.hours_on(day)
    if hours is None:
        return []
    opens, closes = hours
    first = dt.datetime.combine(day, opens)
    last = dt.datetime.combine(day + dt.timedelta(days=1) if closes == MIDNIGHT else day, closes)
    length = dt.timedelta(minutes=slot_minutes)
    slots: list[Slot] = []
    start = first
    while start + length <= last:
        # Local wall-clock times, then the zone: a slot on a day the clock changes keeps its hours.
        slots.append(Slot(start.replace(tzinfo=spec.tz), (start + length).replace(tzinfo=spec.tz)))
        start += length
    return slots


def slots_between(first: dt.date, last: dt.date, spec: CalendarSpec, slot_minutes: int) -> list[Slot]:
    """The slots of every local day from ``first`` to ``last`` (both included), in order."""
    slots: list[Slot] = []
    day = first
    while day <= last:
        slots.extend(day_slots(day, spec, slot_minutes))
        day += dt.timedelta(days=1)
    return slots


def slot_starting(start: dt.datetime, spec: CalendarSpec, slot_minutes: int) -> Slot | None:
    """The slot that starts exactly at ``start`` (aware), None when no slot does: outside the
    working hours, on a closed day, or not on a slot boundary."""
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("a slot start must be an aware datetime")
    day = start.astimezone(spec.tz).date()
    for slot in day_slots(day, spec, slot_minutes):
        if slot.start == start:
            return slot
    return None


def overlaps(a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime) -> bool:
    """Whether two half-open intervals [start, end) share any time."""
    return a_start < b_end and b_start < a_end


def holding_counts(slots: Iterable[Slot], visits: Iterable[tuple[dt.datetime, dt.datetime]]) -> dict[Slot, int]:
    """How many of ``visits`` (start, end) hold a place in each slot: those overlapping it."""
    visits = list(visits)
    return {slot: sum(1 for start, end in visits if overlaps(slot.start, slot.end, start, end)) for slot in slots}


def free_places(visits_per_slot: int, holding: int) -> int:
    """The places left in a slot: the technician's visits per slot minus the visits holding it."""
    return max(0, visits_per_slot - holding)


def in_day_part(slot: Slot, part: DayPart | None, tz: dt.tzinfo) -> bool:
    """Whether ``slot`` overlaps the local hours ``part`` (start hour, end hour) of its day;
    every slot does when no part is preferred."""
    if part is None:
        return True
    local = slot.start.astimezone(tz)
    begin = dt.datetime.combine(local.date(), dt.time(part[0]), tzinfo=tz)
    end = dt.datetime.combine(local.date(), dt.time(part[1]), tzinfo=tz)
    return overlaps(slot.start, slot.end, begin, end)
