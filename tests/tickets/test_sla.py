"""tickets/sla.py: deadlines per kind and priority, the business day, pauses. No database."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tickets.choices import Kind, Priority, Status
from tickets.sla import Deadlines, deadlines_for, end_of_business_day, shift_for_pause, stage_deadline

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
DAY_END = 18


def sh(month: int, day: int, hour: int, minute: int = 0, second: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


# Monday 2 March 2026, 09:00 in Shanghai, written in UTC: the clocks must not care.
CREATED = dt.datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "priority", "expected"),
    [
        (Kind.REPAIR, Priority.NORMAL, Deadlines(sh(3, 2, 11), sh(3, 2, 17), sh(3, 3, 9), sh(3, 5, 9))),
        (Kind.REPAIR, Priority.URGENT, Deadlines(sh(3, 2, 9, 30), sh(3, 2, 11), sh(3, 2, 15), sh(3, 3, 3))),
        (Kind.REPAIR, Priority.HIGH, Deadlines(sh(3, 2, 10), sh(3, 2, 13), sh(3, 2, 21), sh(3, 3, 21))),
        (Kind.REPAIR, Priority.LOW, Deadlines(sh(3, 2, 13), sh(3, 3, 1), sh(3, 4, 9), sh(3, 8, 9))),
        (Kind.INSTALLATION, Priority.NORMAL, Deadlines(sh(3, 2, 13), sh(3, 3, 9), sh(3, 4, 9), sh(3, 5, 9))),
        (Kind.INSTALLATION, Priority.URGENT, Deadlines(sh(3, 2, 10), sh(3, 2, 15), sh(3, 2, 21), sh(3, 3, 3))),
        (Kind.INSTALLATION, Priority.HIGH, Deadlines(sh(3, 2, 11), sh(3, 2, 21), sh(3, 3, 9), sh(3, 3, 21))),
        (Kind.INSTALLATION, Priority.LOW, Deadlines(sh(3, 2, 17), sh(3, 4, 9), sh(3, 6, 9), sh(3, 8, 9))),
        (Kind.MAINTENANCE, Priority.NORMAL, Deadlines(sh(3, 2, 17), sh(3, 4, 9), sh(3, 6, 9), sh(3, 7, 9))),
        (Kind.MAINTENANCE, Priority.URGENT, Deadlines(sh(3, 2, 11), sh(3, 2, 21), sh(3, 3, 9), sh(3, 3, 15))),
        (Kind.MAINTENANCE, Priority.HIGH, Deadlines(sh(3, 2, 13), sh(3, 3, 9), sh(3, 4, 9), sh(3, 4, 21))),
        (Kind.MAINTENANCE, Priority.LOW, Deadlines(sh(3, 3, 1), sh(3, 6, 9), sh(3, 10, 9), sh(3, 12, 9))),
        # Consultations are answered at the desk: no dispatch, no arrival.
        (Kind.CONSULTATION, Priority.NORMAL, Deadlines(sh(3, 2, 13), None, None, sh(3, 3, 9))),
        (Kind.CONSULTATION, Priority.URGENT, Deadlines(sh(3, 2, 10), None, None, sh(3, 2, 15))),
        (Kind.CONSULTATION, Priority.HIGH, Deadlines(sh(3, 2, 11), None, None, sh(3, 2, 21))),
        (Kind.CONSULTATION, Priority.LOW, Deadlines(sh(3, 2, 17), None, None, sh(3, 4, 9))),
        # Complaints: a response by the end of the business day (urgent and high sooner), closed within 7 days.
        (Kind.COMPLAINT, Priority.NORMAL, Deadlines(sh(3, 2, 18), None, None, sh(3, 9, 9))),
        (Kind.COMPLAINT, Priority.URGENT, Deadlines(sh(3, 2, 11), None, None, sh(3, 4, 3))),
        (Kind.COMPLAINT, Priority.HIGH, Deadlines(sh(3, 2, 13), None, None, sh(3, 5, 21))),
        (Kind.COMPLAINT, Priority.LOW, Deadlines(sh(3, 2, 18), None, None, sh(3, 16, 9))),
    ],
)
def test_deadlines_for_each_kind_and_priority(kind, priority, expected):
    assert deadlines_for(kind, priority, CREATED, tz=SHANGHAI, day_end_hour=DAY_END) == expected


@pytest.mark.parametrize(
    ("created", "priority", "response"),
    [
        # Before closing time: today's end.
        (sh(3, 2, 0, 30), Priority.NORMAL, sh(3, 2, 18)),
        (sh(3, 2, 9), Priority.NORMAL, sh(3, 2, 18)),
        (sh(3, 2, 17, 59, 59), Priority.NORMAL, sh(3, 2, 18)),
        # Exactly at closing time and after it: the next business day's end.
        (sh(3, 2, 18), Priority.NORMAL, sh(3, 3, 18)),
        (sh(3, 2, 18, 0, 1), Priority.NORMAL, sh(3, 3, 18)),
        (sh(3, 2, 23, 59), Priority.NORMAL, sh(3, 3, 18)),
        # The business day is Shanghai's: 23:00 UTC on 1 March is 07:00 on 2 March there.
        (dt.datetime(2026, 3, 1, 23, 0, tzinfo=UTC), Priority.NORMAL, sh(3, 2, 18)),
        # 10:00 UTC is 18:00 in Shanghai: already closed.
        (dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC), Priority.NORMAL, sh(3, 3, 18)),
        (dt.datetime(2026, 3, 2, 9, 59, tzinfo=UTC), Priority.NORMAL, sh(3, 2, 18)),
        # Month and year ends.
        (sh(2, 28, 20), Priority.NORMAL, sh(3, 1, 18)),
        (sh(12, 31, 19), Priority.NORMAL, sh(1, 1, 18, year=2027)),
        # Low priority waits until closing time like normal.
        (sh(3, 2, 9), Priority.LOW, sh(3, 2, 18)),
        (sh(3, 2, 18, 30), Priority.LOW, sh(3, 3, 18)),
        # Urgent: two hours, but never later than closing time.
        (sh(3, 2, 9), Priority.URGENT, sh(3, 2, 11)),
        (sh(3, 2, 16), Priority.URGENT, sh(3, 2, 18)),
        (sh(3, 2, 17), Priority.URGENT, sh(3, 2, 18)),
        (sh(3, 2, 18), Priority.URGENT, sh(3, 2, 20)),
        (sh(3, 2, 23), Priority.URGENT, sh(3, 3, 1)),
        # High: four hours, capped the same way.
        (sh(3, 2, 9), Priority.HIGH, sh(3, 2, 13)),
        (sh(3, 2, 15), Priority.HIGH, sh(3, 2, 18)),
        (sh(3, 2, 20), Priority.HIGH, sh(3, 3, 0)),
    ],
)
def test_complaint_response_by_the_end_of_the_business_day(created, priority, response):
    assert deadlines_for(Kind.COMPLAINT, priority, created, tz=SHANGHAI, day_end_hour=DAY_END).response == response


@pytest.mark.parametrize(
    ("moment", "day_end_hour", "expected"),
    [
        (sh(3, 2, 16, 59), 17, sh(3, 2, 17)),
        (sh(3, 2, 17), 17, sh(3, 3, 17)),
        (sh(3, 2, 17, 30), 17, sh(3, 3, 17)),
        (sh(3, 2, 17, 30), 20, sh(3, 2, 20)),
    ],
)
def test_end_of_business_day_follows_the_closing_hour(moment, day_end_hour, expected):
    assert end_of_business_day(moment, SHANGHAI, day_end_hour) == expected


def test_complaint_response_deadline_is_in_the_business_time_zone():
    response = deadlines_for(Kind.COMPLAINT, Priority.NORMAL, CREATED, tz=SHANGHAI, day_end_hour=DAY_END).response
    assert response.utcoffset() == dt.timedelta(hours=8)
    assert response.astimezone(UTC) == dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


R, D_, A, C = sh(3, 2, 11), sh(3, 2, 17), sh(3, 3, 9), sh(3, 5, 9)
ALL_STAGES = Deadlines(response=R, dispatch=D_, arrival=A, completion=C)
DESK_ONLY = Deadlines(response=R, dispatch=None, arrival=None, completion=C)


@pytest.mark.parametrize(
    ("status", "deadlines", "expected"),
    [
        (Status.NEW, ALL_STAGES, R),
        (Status.ACKNOWLEDGED, ALL_STAGES, D_),
        (Status.REOPENED, ALL_STAGES, D_),
        (Status.DISPATCHED, ALL_STAGES, A),
        (Status.IN_PROGRESS, ALL_STAGES, C),
        # No clock runs while the customer holds things up, or once the work is done.
        (Status.ON_HOLD, ALL_STAGES, None),
        (Status.RESOLVED, ALL_STAGES, None),
        (Status.VERIFIED, ALL_STAGES, None),
        (Status.CLOSED, ALL_STAGES, None),
        (Status.CANCELLED, ALL_STAGES, None),
        (Status.MERGED, ALL_STAGES, None),
        # Stages that do not apply fall through to completion.
        (Status.NEW, DESK_ONLY, R),
        (Status.ACKNOWLEDGED, DESK_ONLY, C),
        (Status.REOPENED, DESK_ONLY, C),
        (Status.DISPATCHED, DESK_ONLY, C),
        (Status.IN_PROGRESS, DESK_ONLY, C),
        (Status.ON_HOLD, DESK_ONLY, None),
        (Status.NEW, Deadlines(None, None, None, None), None),
    ],
)
def test_stage_deadline(status, deadlines, expected):
    assert stage_deadline(status, deadlines) == expected


PAUSE_START = sh(3, 2, 12)


@pytest.mark.parametrize(
    ("deadlines", "paused", "expected"),
    [
        # Passed before the pause: stays. Ahead of it: moves by the pause.
        (
            Deadlines(sh(3, 2, 10), sh(3, 2, 14), sh(3, 2, 16), sh(3, 3, 9)),
            dt.timedelta(hours=3),
            Deadlines(sh(3, 2, 10), sh(3, 2, 17), sh(3, 2, 19), sh(3, 3, 12)),
        ),
        # A deadline exactly at the start of the pause had no time left: it stays.
        (
            Deadlines(PAUSE_START, sh(3, 2, 12, 0, 1), None, sh(3, 4, 12)),
            dt.timedelta(days=2),
            Deadlines(PAUSE_START, sh(3, 4, 12, 0, 1), None, sh(3, 6, 12)),
        ),
        # Every deadline passed: nothing moves.
        (
            Deadlines(sh(3, 1, 10), sh(3, 1, 11), sh(3, 1, 12), sh(3, 2, 11, 59)),
            dt.timedelta(hours=5),
            Deadlines(sh(3, 1, 10), sh(3, 1, 11), sh(3, 1, 12), sh(3, 2, 11, 59)),
        ),
        # Missing stages stay missing.
        (
            Deadlines(None, None, None, None),
            dt.timedelta(hours=5),
            Deadlines(None, None, None, None),
        ),
        # A zero-length pause moves nothing.
        (
            Deadlines(sh(3, 2, 10), sh(3, 2, 14), sh(3, 2, 16), sh(3, 3, 9)),
            dt.timedelta(0),
            Deadlines(sh(3, 2, 10), sh(3, 2, 14), sh(3, 2, 16), sh(3, 3, 9)),
        ),
    ],
)
def test_shift_for_pause(deadlines, paused, expected):
    assert shift_for_pause(deadlines, PAUSE_START, paused) == expected
