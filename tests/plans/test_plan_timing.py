"""followups/plan_timing.py: a plan's next visit by date or by distance, whichever comes first,
and the day of the booking call. Pure: no database; dates computed by hand."""

import datetime as dt

import pytest

from followups.plan_timing import BY_DATE, BY_DISTANCE, NextVisit, PlanFacts, call_on, next_visit

D = dt.date
HOME = {
    "starts_on": D(2026, 1, 1),
    "ends_on": D(2027, 12, 31),
    "included_visits": 4,
    "visits_used": 0,
    "interval_months": 6,
    "interval_km": None,
}
CAR = HOME | {"interval_km": 10_000, "start_km": 5_000}


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        # First visit: six months after the start.
        (HOME, NextVisit(1, D(2026, 7, 1), BY_DATE)),
        # Then six months after the last visit done, whenever it was done.
        (HOME | {"visits_used": 1, "last_visit_on": D(2026, 7, 10)}, NextVisit(2, D(2027, 1, 10), BY_DATE)),
        # 31 August + 6 months is the last day of February.
        (HOME | {"starts_on": D(2026, 8, 31)}, NextVisit(1, D(2027, 2, 28), BY_DATE)),
        # Every included visit used: no more.
        (HOME | {"visits_used": 4, "last_visit_on": D(2027, 7, 1)}, None),
        # The next visit would come after the plan ends: none.
        (HOME | {"ends_on": D(2026, 6, 30)}, None),
        # The last day of the plan is still in force.
        (HOME | {"ends_on": D(2026, 7, 1)}, NextVisit(1, D(2026, 7, 1), BY_DATE)),
        # Timed by neither months nor km: visits on request only.
        (HOME | {"interval_months": None}, None),
        # A car: 5,000 + 10,000 = 15,000 km reached on 2 April, before 1 July.
        (CAR | {"latest_km": 15_000, "latest_read_on": D(2026, 4, 2)}, NextVisit(1, D(2026, 4, 2), BY_DISTANCE)),
        # One km short: the date.
        (CAR | {"latest_km": 14_999, "latest_read_on": D(2026, 4, 2)}, NextVisit(1, D(2026, 7, 1), BY_DATE)),
        # Reached on the very day the months fall due: the date, told first, wins the tie.
        (CAR | {"latest_km": 16_000, "latest_read_on": D(2026, 7, 1)}, NextVisit(1, D(2026, 7, 1), BY_DATE)),
        # After a visit at 15,000 km on 2 April the next is at 25,000 km or 2 October.
        (
            CAR
            | {"visits_used": 1, "last_visit_on": D(2026, 4, 2), "last_visit_km": 15_000}
            | {"latest_km": 24_999, "latest_read_on": D(2026, 9, 1)},
            NextVisit(2, D(2026, 10, 2), BY_DATE),
        ),
        (
            CAR
            | {"visits_used": 1, "last_visit_on": D(2026, 4, 2), "last_visit_km": 15_000}
            | {"latest_km": 25_000, "latest_read_on": D(2026, 9, 1)},
            NextVisit(2, D(2026, 9, 1), BY_DISTANCE),
        ),
        # A distance-only plan never read: no visit due yet.
        (CAR | {"interval_months": None}, None),
        (
            CAR | {"interval_months": None, "latest_km": 15_000, "latest_read_on": D(2026, 3, 3)},
            NextVisit(1, D(2026, 3, 3), BY_DISTANCE),
        ),
    ],
)
def test_next_visit(facts, expected):
    assert next_visit(PlanFacts(**facts)) == expected


@pytest.mark.parametrize(
    ("due_on", "today", "expected"),
    [
        # Exactly 14 days ahead: called today, two weeks before.
        (D(2026, 7, 1), D(2026, 6, 17), D(2026, 6, 17)),
        # 15 days ahead: not yet.
        (D(2026, 7, 1), D(2026, 6, 16), None),
        # Due today, or already past (a distance reached, a run missed): today.
        (D(2026, 7, 1), D(2026, 7, 1), D(2026, 7, 1)),
        (D(2026, 6, 1), D(2026, 6, 17), D(2026, 6, 17)),
    ],
)
def test_call_on(due_on, today, expected):
    assert call_on(due_on, today=today, lookahead_days=14) == expected
