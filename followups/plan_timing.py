"""When a maintenance plan's next included visit is due (docs/contract-plans-and-offers.md).

Pure: the caller hands in the plan's facts and the day; nothing here reads the database, the
settings or the clock.

A plan's visits are spaced ``interval_months`` apart, counted from the last visit done (the
plan's start before the first); a car plan's visits are also spaced ``interval_km`` apart on the
odometer, counted from the reading at the last visit (the reading at the start before the
first). The next visit is due on whichever comes first: the date, or the day the odometer was
read at or past the distance. A plan with every included visit used, or whose next visit would
fall after the plan ends, has no next visit.
"""

import datetime as dt
from dataclasses import dataclass

from customers.warranty_periods import add_months


@dataclass(frozen=True)
class PlanFacts:
    """What the timing of a plan's next visit depends on."""

    starts_on: dt.date
    ends_on: dt.date
    included_visits: int
    visits_used: int
    interval_months: int | None
    interval_km: int | None
    # The day and odometer of the last visit done; None before the first.
    last_visit_on: dt.date | None = None
    last_visit_km: int | None = None
    # The odometer at the plan's start (car plans).
    start_km: int | None = None
    # The unit's latest odometer reading and its day; None when never read.
    latest_km: int | None = None
    latest_read_on: dt.date | None = None


@dataclass(frozen=True)
class NextVisit:
    number: int
    due_on: dt.date
    # "date" when the months fall due first, "distance" when the odometer does.
    by: str


BY_DATE = "date"
BY_DISTANCE = "distance"


def due_by_date(facts: PlanFacts) -> dt.date | None:
    if not facts.interval_months:
        return None
    return add_months(facts.last_visit_on or facts.starts_on, facts.interval_months)


def due_by_distance(facts: PlanFacts) -> dt.date | None:
    """The day the odometer was read at or past the next visit's distance; None when it has not
    been yet (or the plan is not timed by distance, or no distance to count from is known)."""
    if not facts.interval_km or facts.latest_km is None or facts.latest_read_on is None:
        return None
    base_km = facts.last_visit_km if facts.last_visit_km is not None else facts.start_km
    if base_km is None or facts.latest_km < base_km + facts.interval_km:
        return None
    return facts.latest_read_on


def next_visit(facts: PlanFacts) -> NextVisit | None:
    """The plan's next included visit and the day it is due, whichever of date and distance
    comes first; None when the plan is used up, is timed by neither, or would end first."""
    if facts.visits_used >= facts.included_visits:
        return None
    by_date, by_distance = due_by_date(facts), due_by_distance(facts)
    candidates = [(day, by) for day, by in ((by_date, BY_DATE), (by_distance, BY_DISTANCE)) if day is not None]
    if not candidates:
        return None
    # On a tie the date wins: the customer was told the date first.
    due_on, by = min(candidates, key=lambda candidate: (candidate[0], candidate[1] != BY_DATE))
    if due_on > facts.ends_on:
        return None
    return NextVisit(number=facts.visits_used + 1, due_on=due_on, by=by)


def call_on(due_on: dt.date, *, today: dt.date, lookahead_days: int) -> dt.date | None:
    """The day the agent calls to book a visit due ``due_on``: ``lookahead_days`` before it, or
    today when that has passed; None when the visit is further off than the lookahead."""
    if due_on > today + dt.timedelta(days=lookahead_days):
        return None
    return max(due_on - dt.timedelta(days=lookahead_days), today)
