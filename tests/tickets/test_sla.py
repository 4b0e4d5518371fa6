"""tickets/sla/clocks.py: deadlines from a target in business time, the business day, pauses, moving to a
station's calendar. No database: every calendar is built here, every expected moment worked out
by hand from the rules in the comments."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from customers.business_time import CalendarSpec
from tickets.choices import Kind, Priority, Status
from tickets.sla.clocks import (
    Deadlines,
    Target,
    deadlines_for,
    default_target,
    move_to_station,
    restart_after_reopen,
    shift_for_pause,
    stage_deadline,
    stage_of,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
H = dt.timedelta(hours=1)
OFFICE = (dt.time(8, 30), dt.time(17, 30))


def sh(month: int, day: int, hour: int, minute: int = 0, second: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def days(*dates: tuple[int, int, int]) -> frozenset[dt.date]:
    return frozenset(dt.date(*date) for date in dates)


# The national calendar as the State Council published it: National Day 2025 (1-8 October, with
# Sunday 28 September and Saturday 11 October worked), Qingming 2026 (4-6 April).
HOLIDAYS = days(*[(2025, 10, day) for day in range(1, 9)], (2026, 4, 4), (2026, 4, 5), (2026, 4, 6))
WORKDAYS = days((2025, 9, 28), (2025, 10, 11))

# The default calendar: 08:30-17:30 Monday to Saturday, make-up days with Monday's hours.
DEFAULT = CalendarSpec(
    tz=SHANGHAI,
    always_open=False,
    hours_by_weekday=dict.fromkeys(range(6), OFFICE),
    makeup_hours=OFFICE,
    holidays=HOLIDAYS,
    workdays=WORKDAYS,
)
# A 24×7 hotline: every hour counts, holidays included.
ALWAYS_OPEN = CalendarSpec(
    tz=SHANGHAI, always_open=True, hours_by_weekday={}, makeup_hours=None, holidays=HOLIDAYS, workdays=WORKDAYS
)
# A rural station: 09:00-17:00, Monday to Friday.
RURAL = CalendarSpec(
    tz=SHANGHAI,
    always_open=False,
    hours_by_weekday=dict.fromkeys(range(5), (dt.time(9), dt.time(17))),
    makeup_hours=(dt.time(9), dt.time(17)),
    holidays=HOLIDAYS,
    workdays=WORKDAYS,
)

# Monday 2 March 2026, 09:00 in Shanghai, written in UTC: the clocks must not care.
CREATED = dt.datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


# --- the organisation's first targets, around the clock -----------------------------------------


@pytest.mark.parametrize(
    ("kind", "priority", "expected"),
    [
        (Kind.REPAIR, Priority.NORMAL, Deadlines(sh(3, 2, 11), sh(3, 2, 17), sh(3, 3, 9), sh(3, 5, 9))),
        (Kind.REPAIR, Priority.URGENT, Deadlines(sh(3, 2, 9, 30), sh(3, 2, 11), sh(3, 2, 15), sh(3, 3, 3))),
        (Kind.REPAIR, Priority.HIGH, Deadlines(sh(3, 2, 10), sh(3, 2, 13), sh(3, 2, 21), sh(3, 3, 21))),
        (Kind.REPAIR, Priority.LOW, Deadlines(sh(3, 2, 13), sh(3, 3, 1), sh(3, 4, 9), sh(3, 8, 9))),
        (Kind.INSTALLATION, Priority.NORMAL, Deadlines(sh(3, 2, 13), sh(3, 3, 9), sh(3, 4, 9), sh(3, 5, 9))),
        (Kind.INSTALLATION, Priority.URGENT, Deadlines(sh(3, 2, 10), sh(3, 2, 15), sh(3, 2, 21), sh(3, 3, 3))),
        (Kind.MAINTENANCE, Priority.NORMAL, Deadlines(sh(3, 2, 17), sh(3, 4, 9), sh(3, 6, 9), sh(3, 7, 9))),
        (Kind.MAINTENANCE, Priority.LOW, Deadlines(sh(3, 3, 1), sh(3, 6, 9), sh(3, 10, 9), sh(3, 12, 9))),
        # Consultations are answered at the desk: no dispatch, no arrival.
        (Kind.CONSULTATION, Priority.NORMAL, Deadlines(sh(3, 2, 13), None, None, sh(3, 3, 9))),
        (Kind.CONSULTATION, Priority.HIGH, Deadlines(sh(3, 2, 11), None, None, sh(3, 2, 21))),
        # Complaints: a response by the end of the (calendar) day on a 24×7 line, urgent and
        # high sooner (2 and 4 hours); closed within 168 hours.
        (Kind.COMPLAINT, Priority.NORMAL, Deadlines(sh(3, 3, 0), None, None, sh(3, 9, 9))),
        (Kind.COMPLAINT, Priority.URGENT, Deadlines(sh(3, 2, 11), None, None, sh(3, 4, 3))),
        (Kind.COMPLAINT, Priority.HIGH, Deadlines(sh(3, 2, 13), None, None, sh(3, 5, 21))),
        (Kind.COMPLAINT, Priority.LOW, Deadlines(sh(3, 3, 0), None, None, sh(3, 16, 9))),
    ],
)
def test_a_24x7_calendar_counts_every_hour(kind, priority, expected):
    assert deadlines_for(default_target(kind, priority), CREATED, ALWAYS_OPEN) == expected


def test_a_24x7_calendar_counts_national_day_evening_as_working_time():
    # A hotline consultation at 20:00 on 1 October 2025: 4 and 24 hours later, holiday or not.
    created = sh(10, 1, 20, year=2025)
    deadlines = deadlines_for(default_target(Kind.CONSULTATION, Priority.NORMAL), created, ALWAYS_OPEN)
    assert (deadlines.response, deadlines.completion) == (sh(10, 2, 0, year=2025), sh(10, 2, 20, year=2025))


def test_the_first_targets_as_hours():
    assert default_target(Kind.REPAIR, Priority.URGENT) == Target(
        response=dt.timedelta(minutes=30), dispatch=2 * H, arrival=6 * H, completion=18 * H
    )
    assert default_target(Kind.COMPLAINT, Priority.NORMAL) == Target(
        response=None, dispatch=None, arrival=None, completion=168 * H, response_same_day=True
    )
    assert default_target(Kind.COMPLAINT, Priority.HIGH).response == 4 * H


# --- business time ----------------------------------------------------------------------------


def test_a_repair_logged_on_national_day_evening_is_due_on_the_first_working_day():
    # Wednesday 1 October 2025, 20:00: closed until Thursday 9 October 08:30 (1-8 October are
    # holidays). Response 2 h: 10:30. Dispatch 8 h: 16:30. Arrival 24 h: 9 h on the 9th, 9 on
    # Friday the 10th, 6 on Saturday the 11th (a make-up day, and a Saturday anyway): 14:30.
    # Completion 72 h: 9th, 10th, 11th (27 h), Sunday closed, 13th-17th (45 h): Friday 17th at
    # closing time, 17:30.
    created = sh(10, 1, 20, year=2025)
    deadlines = deadlines_for(default_target(Kind.REPAIR, Priority.NORMAL), created, DEFAULT)
    assert deadlines == Deadlines(
        response=sh(10, 9, 10, 30, year=2025),
        dispatch=sh(10, 9, 16, 30, year=2025),
        arrival=sh(10, 11, 14, 30, year=2025),
        completion=sh(10, 17, 17, 30, year=2025),
    )


def test_a_make_up_sunday_counts_as_a_working_day():
    # Saturday 27 September 2025, 16:00: 1.5 h left that day. Sunday 28 September is a make-up
    # working day (Monday's hours): the response (2 h) is due there at 09:00, dispatch (8 h) at
    # 15:00 (1.5 + 6.5).
    created = sh(9, 27, 16, year=2025)
    deadlines = deadlines_for(default_target(Kind.REPAIR, Priority.NORMAL), created, DEFAULT)
    assert (deadlines.response, deadlines.dispatch) == (sh(9, 28, 9, year=2025), sh(9, 28, 15, year=2025))
    # An ordinary Sunday is closed: a week earlier the same clocks end on Monday.
    earlier = deadlines_for(default_target(Kind.REPAIR, Priority.NORMAL), sh(9, 20, 16, year=2025), DEFAULT)
    assert (earlier.response, earlier.dispatch) == (sh(9, 22, 9, year=2025), sh(9, 22, 15, year=2025))


@pytest.mark.parametrize(
    ("created", "priority", "response"),
    [
        # Before closing time on a working day: that day's closing.
        (sh(3, 2, 7), Priority.NORMAL, sh(3, 2, 17, 30)),
        (sh(3, 2, 9), Priority.NORMAL, sh(3, 2, 17, 30)),
        (sh(3, 2, 17, 29, 59), Priority.NORMAL, sh(3, 2, 17, 30)),
        # Exactly at closing time and after it: the next business day's closing.
        (sh(3, 2, 17, 30), Priority.NORMAL, sh(3, 3, 17, 30)),
        (sh(3, 2, 23, 59), Priority.NORMAL, sh(3, 3, 17, 30)),
        # The business day is Shanghai's: 23:00 UTC on 1 March is 07:00 on Monday 2 March there.
        (dt.datetime(2026, 3, 1, 23, 0, tzinfo=UTC), Priority.NORMAL, sh(3, 2, 17, 30)),
        # Saturday evening: Sunday is closed, Monday's closing.
        (sh(3, 7, 18), Priority.NORMAL, sh(3, 9, 17, 30)),
        # Friday 3 April 2026 at 17:45, before Qingming: Saturday 4 to Monday 6 April are
        # holidays (the Saturday too), so the next business day is Tuesday 7 April.
        (sh(4, 3, 17, 45), Priority.NORMAL, sh(4, 7, 17, 30)),
        (sh(4, 3, 17, 45), Priority.LOW, sh(4, 7, 17, 30)),
        # Urgent: 2 business hours, or closing time when sooner.
        (sh(3, 2, 9), Priority.URGENT, sh(3, 2, 11)),
        (sh(3, 2, 16), Priority.URGENT, sh(3, 2, 17, 30)),
        (sh(4, 3, 17, 45), Priority.URGENT, sh(4, 7, 10, 30)),
        # High: 4 business hours, capped the same way.
        (sh(3, 2, 9), Priority.HIGH, sh(3, 2, 13)),
        (sh(3, 2, 15), Priority.HIGH, sh(3, 2, 17, 30)),
        (sh(3, 2, 20), Priority.HIGH, sh(3, 3, 12, 30)),
    ],
)
def test_a_complaint_is_answered_within_the_business_day(created, priority, response):
    assert deadlines_for(default_target(Kind.COMPLAINT, priority), created, DEFAULT).response == response


def test_a_complaint_on_national_day_is_answered_on_the_first_working_day():
    created = sh(10, 3, 11, year=2025)
    deadlines = deadlines_for(default_target(Kind.COMPLAINT, Priority.NORMAL), created, DEFAULT)
    assert deadlines.response == sh(10, 9, 17, 30, year=2025)


def test_deadlines_are_in_the_calendars_time_zone():
    response = deadlines_for(default_target(Kind.COMPLAINT, Priority.NORMAL), CREATED, DEFAULT).response
    assert response.utcoffset() == dt.timedelta(hours=8)
    assert response.astimezone(UTC) == dt.datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_a_station_calendar_counts_its_own_hours():
    # The rural station opens 09:00-17:00, Monday to Friday. A repair at 16:00 on Friday 6 March:
    # 1 h that day, none at the weekend; response (2 h) Monday 10:00, dispatch (8 h) Monday 16:00,
    # arrival (24 h) 1 + 8 + 8 + 7: Wednesday 16:00.
    deadlines = deadlines_for(default_target(Kind.REPAIR, Priority.NORMAL), sh(3, 6, 16), RURAL)
    assert (deadlines.response, deadlines.dispatch, deadlines.arrival) == (sh(3, 9, 10), sh(3, 9, 16), sh(3, 11, 16))


def test_a_target_with_fractional_hours():
    target = Target(response=dt.timedelta(hours=1.5), dispatch=None, arrival=None, completion=dt.timedelta(hours=10))
    deadlines = deadlines_for(target, sh(3, 2, 17), DEFAULT)
    # Half an hour on Monday, then Tuesday from 08:30: 09:30; 10 h: 0.5 + 9 + 0.5 on Wednesday.
    assert deadlines == Deadlines(sh(3, 3, 9, 30), None, None, sh(3, 4, 9))


# --- stages -------------------------------------------------------------------------------------

R, D_, A, C = sh(3, 2, 11), sh(3, 2, 17), sh(3, 3, 9), sh(3, 5, 9)
ALL_STAGES = Deadlines(response=R, dispatch=D_, arrival=A, completion=C)
DESK_ONLY = Deadlines(response=R, dispatch=None, arrival=None, completion=C)


@pytest.mark.parametrize(
    ("status", "deadlines", "stage", "expected"),
    [
        (Status.NEW, ALL_STAGES, "response", R),
        (Status.ACKNOWLEDGED, ALL_STAGES, "dispatch", D_),
        (Status.REOPENED, ALL_STAGES, "dispatch", D_),
        (Status.DISPATCHED, ALL_STAGES, "arrival", A),
        (Status.IN_PROGRESS, ALL_STAGES, "completion", C),
        # No clock runs while the customer holds things up, or once the work is done.
        (Status.ON_HOLD, ALL_STAGES, None, None),
        (Status.RESOLVED, ALL_STAGES, None, None),
        (Status.VERIFIED, ALL_STAGES, None, None),
        (Status.CLOSED, ALL_STAGES, None, None),
        (Status.CANCELLED, ALL_STAGES, None, None),
        (Status.MERGED, ALL_STAGES, None, None),
        # Stages that do not apply fall through to completion.
        (Status.NEW, DESK_ONLY, "response", R),
        (Status.ACKNOWLEDGED, DESK_ONLY, "completion", C),
        (Status.REOPENED, DESK_ONLY, "completion", C),
        (Status.DISPATCHED, DESK_ONLY, "completion", C),
        (Status.IN_PROGRESS, DESK_ONLY, "completion", C),
        (Status.ON_HOLD, DESK_ONLY, None, None),
        (Status.NEW, Deadlines(None, None, None, None), None, None),
    ],
)
def test_stage_and_its_deadline(status, deadlines, stage, expected):
    assert (stage_of(status, deadlines), stage_deadline(status, deadlines)) == (stage, expected)


# --- pauses -------------------------------------------------------------------------------------

PAUSE_START = sh(3, 2, 12)


@pytest.mark.parametrize(
    ("deadlines", "resumed", "expected"),
    [
        # Paused 12:00-15:00 Monday (3 business hours). Passed before the pause: stays. Ahead of it:
        # moves by 3 business hours (16:00 Monday + 3 h: 1.5 h Monday, 1.5 h Tuesday = 10:00).
        (
            Deadlines(sh(3, 2, 10), sh(3, 2, 14), sh(3, 2, 16), sh(3, 3, 9)),
            sh(3, 2, 15),
            Deadlines(sh(3, 2, 10), sh(3, 2, 17), sh(3, 3, 10), sh(3, 3, 12)),
        ),
        # Paused from Monday 12:00 to Wednesday 12:00: 5.5 + 9 + 3.5 = 18 business hours. A deadline
        # exactly at the start of the pause had no time left: it stays.
        (
            Deadlines(PAUSE_START, sh(3, 2, 12, 0, 1), None, sh(3, 4, 12)),
            sh(3, 4, 12),
            Deadlines(PAUSE_START, sh(3, 4, 12, 0, 1), None, sh(3, 6, 12)),
        ),
        # Every deadline passed: nothing moves.
        (
            Deadlines(sh(3, 1, 10), sh(3, 1, 11), sh(3, 1, 12), sh(3, 2, 11, 59)),
            sh(3, 2, 17),
            Deadlines(sh(3, 1, 10), sh(3, 1, 11), sh(3, 1, 12), sh(3, 2, 11, 59)),
        ),
        # Missing stages stay missing.
        (Deadlines(None, None, None, None), sh(3, 2, 17), Deadlines(None, None, None, None)),
        # A zero-length pause moves nothing.
        (
            Deadlines(sh(3, 2, 10), sh(3, 2, 14), sh(3, 2, 16), sh(3, 3, 9)),
            PAUSE_START,
            Deadlines(sh(3, 2, 10), sh(3, 2, 14), sh(3, 2, 16), sh(3, 3, 9)),
        ),
    ],
)
def test_shift_for_pause(deadlines, resumed, expected):
    assert shift_for_pause(deadlines, PAUSE_START, resumed, DEFAULT) == expected


def test_a_pause_wholly_outside_open_hours_moves_nothing():
    deadlines = Deadlines(None, sh(3, 3, 10), sh(3, 3, 15), sh(3, 5, 9))
    # Saturday 19:00 to Monday 08:00: closed throughout.
    assert shift_for_pause(deadlines, sh(3, 7, 19), sh(3, 9, 8), DEFAULT) == deadlines
    assert shift_for_pause(deadlines, sh(3, 2, 18), sh(3, 2, 23), DEFAULT) == deadlines


def test_a_reopened_case_restarts_its_clocks_in_business_time_and_keeps_its_response():
    before = Deadlines(sh(3, 2, 11), sh(3, 2, 17), sh(3, 3, 9), sh(3, 5, 9))
    # Reopened Saturday 7 March at 17:00: half an hour left, then Monday from 08:30. Dispatch 8 h:
    # Monday 16:00; arrival 24 h: 0.5 + 9 + 9 + 5.5 = Wednesday 14:00.
    restarted = restart_after_reopen(before, default_target(Kind.REPAIR, Priority.NORMAL), sh(3, 7, 17), DEFAULT)
    assert restarted.response == sh(3, 2, 11)
    assert (restarted.dispatch, restarted.arrival) == (sh(3, 9, 16), sh(3, 11, 14))


# --- moving to a station ------------------------------------------------------------------------


def test_moving_to_a_station_counts_the_time_left_in_its_calendar():
    # Created Monday 2 March 09:00 in the default calendar: dispatch Monday 17:00, arrival
    # Wednesday 15:00. Assigned at Monday 16:00 to the rural station (09:00-17:00 Mon-Fri).
    # Dispatch had 1 h left: Monday 17:00 in the station's hours too. Arrival had 1.5 + 9 + 6.5
    # = 17 h left: 1 h Monday, 8 Tuesday, 8 Wednesday: Wednesday 17:00, the station's closing.
    # The response (11:00) had passed: it stays.
    target = default_target(Kind.REPAIR, Priority.NORMAL)
    deadlines = Deadlines(sh(3, 2, 11), sh(3, 2, 17), sh(3, 4, 15), sh(3, 11, 9))
    moved = move_to_station(
        deadlines, sh(3, 2, 16), old_target=target, new_target=target, old_spec=DEFAULT, new_spec=RURAL
    )
    assert (moved.response, moved.dispatch, moved.arrival) == (sh(3, 2, 11), sh(3, 2, 17), sh(3, 4, 17))


def test_moving_to_a_station_with_a_longer_target_adds_the_difference():
    # The station's own target gives 48 h to arrive instead of 24: 17 h left + 24 = 41 h from
    # Monday 16:00 in the station's calendar: 1 + 8 + 8 + 8 + 8 (to Friday) + 8 on Monday 9 March:
    # 17:00.
    old = default_target(Kind.REPAIR, Priority.NORMAL)
    new = Target(response=2 * H, dispatch=8 * H, arrival=48 * H, completion=72 * H)
    deadlines = Deadlines(sh(3, 2, 11), sh(3, 2, 17), sh(3, 4, 15), sh(3, 11, 9))
    moved = move_to_station(deadlines, sh(3, 2, 16), old_target=old, new_target=new, old_spec=DEFAULT, new_spec=RURAL)
    assert moved.arrival == sh(3, 9, 17)


def test_moving_to_a_station_with_a_shorter_target_may_make_a_stage_due_at_once():
    old = default_target(Kind.REPAIR, Priority.NORMAL)
    new = Target(response=2 * H, dispatch=H, arrival=24 * H, completion=72 * H)
    deadlines = Deadlines(sh(3, 2, 11), sh(3, 2, 17), sh(3, 4, 15), sh(3, 11, 9))
    # Dispatch had 1 h left of 8; the station allows 1 h in all: 7 h already used, due now.
    moved = move_to_station(deadlines, sh(3, 2, 16), old_target=old, new_target=new, old_spec=DEFAULT, new_spec=DEFAULT)
    assert moved.dispatch == sh(3, 2, 16)
