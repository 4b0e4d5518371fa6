"""fieldwork/slots.py: a day's visit slots and their capacity, table-driven, no database.

2026 national days used: National Day 1–7 October (holidays), make-up working days Sunday
20 September and Saturday 10 October; 2 March 2026 is a Monday.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from customers.business_time import CalendarSpec
from fieldwork import slots
from fieldwork.slots import Slot

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
T = dt.time
HOLIDAYS = frozenset(dt.date(2026, 10, day) for day in range(1, 8))
WORKDAYS = frozenset({dt.date(2026, 9, 20), dt.date(2026, 10, 10)})


DAY = (T(8, 30), T(17, 30))
MAKEUP = (T(9, 0), T(17, 0))


def spec(*, weekdays=range(5), hours=DAY, makeup=MAKEUP, tz=SHANGHAI, always_open=False):
    return CalendarSpec(
        tz=tz,
        always_open=always_open,
        hours_by_weekday={day: hours if day in weekdays else None for day in range(7)},
        makeup_hours=makeup,
        holidays=HOLIDAYS,
        workdays=WORKDAYS,
    )


def sh(y, mo, d, h=0, mi=0):
    return dt.datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


def starts(day_slots):
    return [(slot.start.strftime("%H:%M"), slot.end.strftime("%H:%M")) for slot in day_slots]


OFFICE = spec()


@pytest.mark.parametrize(
    ("label", "day", "calendar", "minutes", "expected"),
    [
        (
            "half days in an 08:30-17:30 day",
            dt.date(2026, 3, 2),
            OFFICE,
            240,
            [("08:30", "12:30"), ("12:30", "16:30")],
        ),
        (
            "two-hour slots: the last hour is not offered",
            dt.date(2026, 3, 2),
            OFFICE,
            120,
            [("08:30", "10:30"), ("10:30", "12:30"), ("12:30", "14:30"), ("14:30", "16:30")],
        ),
        ("a slot exactly as long as the day", dt.date(2026, 3, 2), OFFICE, 540, [("08:30", "17:30")]),
        ("a slot longer than the day", dt.date(2026, 3, 2), OFFICE, 600, []),
        ("a Sunday the calendar closes", dt.date(2026, 3, 1), OFFICE, 240, []),
        ("a statutory holiday on a weekday", dt.date(2026, 10, 1), OFFICE, 240, []),
        ("the last day of the holiday", dt.date(2026, 10, 7), OFFICE, 240, []),
        (
            "a make-up Saturday opens with the make-up hours",
            dt.date(2026, 10, 10),
            OFFICE,
            240,
            [("09:00", "13:00"), ("13:00", "17:00")],
        ),
        (
            "a make-up Sunday opens too",
            dt.date(2026, 9, 20),
            OFFICE,
            480,
            [("09:00", "17:00")],
        ),
        ("a make-up day on a calendar closed on make-up days", dt.date(2026, 10, 10), spec(makeup=None), 240, []),
        (
            "a closing time of midnight",
            dt.date(2026, 3, 2),
            spec(hours=(T(16, 0), T(0, 0))),
            240,
            [("16:00", "20:00"), ("20:00", "00:00")],
        ),
        (
            "a calendar open around the clock, holidays included",
            dt.date(2026, 10, 1),
            spec(always_open=True),
            480,
            [("00:00", "08:00"), ("08:00", "16:00"), ("16:00", "00:00")],
        ),
    ],
)
def test_day_slots(label, day, calendar, minutes, expected):
    assert starts(slots.day_slots(day, calendar, minutes)) == expected


def test_slots_are_aware_in_the_calendars_zone():
    [first, second] = slots.day_slots(dt.date(2026, 3, 2), OFFICE, 240)
    assert first == Slot(sh(2026, 3, 2, 8, 30), sh(2026, 3, 2, 12, 30))
    assert second.start == first.end


def test_a_slot_on_the_day_the_clock_changes_keeps_its_wall_clock_hours():
    berlin = spec(tz=BERLIN, weekdays=range(7), hours=(T(0, 0), T(6, 0)))
    [slot] = slots.day_slots(dt.date(2026, 3, 29), berlin, 360)  # clocks go forward at 02:00
    assert (slot.start.hour, slot.end.hour) == (0, 6)
    assert slot.end.astimezone(dt.UTC) - slot.start.astimezone(dt.UTC) == dt.timedelta(hours=5)


def test_slots_between_runs_over_a_holiday_and_a_make_up_day():
    days = slots.slots_between(dt.date(2026, 9, 30), dt.date(2026, 10, 10), OFFICE, 540)
    # The holiday week has none; the make-up Saturday's 8 hours are too short for a 9-hour slot.
    assert [slot.start.date() for slot in days] == [dt.date(2026, 9, 30), dt.date(2026, 10, 8), dt.date(2026, 10, 9)]
    makeup = slots.slots_between(dt.date(2026, 10, 8), dt.date(2026, 10, 10), OFFICE, 480)
    assert [(slot.start.date(), slot.start.hour) for slot in makeup] == [
        (dt.date(2026, 10, 8), 8),
        (dt.date(2026, 10, 9), 8),
        (dt.date(2026, 10, 10), 9),
    ]


@pytest.mark.parametrize(
    ("label", "start", "expected"),
    [
        ("the first slot", sh(2026, 3, 2, 8, 30), Slot(sh(2026, 3, 2, 8, 30), sh(2026, 3, 2, 12, 30))),
        ("the second slot", sh(2026, 3, 2, 12, 30), Slot(sh(2026, 3, 2, 12, 30), sh(2026, 3, 2, 16, 30))),
        (
            "the same moment in another zone",
            dt.datetime(2026, 3, 2, 4, 30, tzinfo=dt.UTC),
            Slot(sh(2026, 3, 2, 12, 30), sh(2026, 3, 2, 16, 30)),
        ),
        ("not on a slot boundary", sh(2026, 3, 2, 9, 0), None),
        ("the leftover hour at the end of the day", sh(2026, 3, 2, 16, 30), None),
        ("a holiday", sh(2026, 10, 2, 8, 30), None),
        ("a Sunday", sh(2026, 3, 1, 8, 30), None),
    ],
)
def test_slot_starting(label, start, expected):
    assert slots.slot_starting(start, OFFICE, 240) == expected


def test_slot_starting_needs_an_aware_moment():
    with pytest.raises(ValueError, match="aware"):
        slots.slot_starting(dt.datetime(2026, 3, 2, 8, 30), OFFICE, 240)


def test_a_slot_length_must_be_positive():
    with pytest.raises(ValueError):
        slots.day_slots(dt.date(2026, 3, 2), OFFICE, 0)


MORNING = Slot(sh(2026, 3, 2, 8, 30), sh(2026, 3, 2, 12, 30))
AFTERNOON = Slot(sh(2026, 3, 2, 12, 30), sh(2026, 3, 2, 16, 30))


def test_holding_counts_count_every_visit_overlapping_a_slot():
    visits = [
        (MORNING.start, MORNING.end),
        (MORNING.start, MORNING.end),
        # A visit booked when the station had two-hour slots, across the half-day boundary.
        (sh(2026, 3, 2, 11, 30), sh(2026, 3, 2, 13, 30)),
        # Ends exactly when the morning starts: holds nothing.
        (sh(2026, 3, 2, 6, 30), sh(2026, 3, 2, 8, 30)),
    ]
    assert slots.holding_counts([MORNING, AFTERNOON], visits) == {MORNING: 3, AFTERNOON: 1}


@pytest.mark.parametrize(
    ("per_slot", "holding", "expected"),
    [(1, 0, 1), (1, 1, 0), (3, 1, 2), (2, 2, 0), (1, 3, 0)],
)
def test_free_places(per_slot, holding, expected):
    assert slots.free_places(per_slot, holding) == expected


@pytest.mark.parametrize(
    ("slot", "part", "expected"),
    [
        (MORNING, (9, 12), True),
        (MORNING, (13, 17), False),
        (AFTERNOON, (9, 12), False),
        (Slot(sh(2026, 3, 2, 10, 30), sh(2026, 3, 2, 14, 30)), (13, 17), True),
        (AFTERNOON, (13, 17), True),
        (AFTERNOON, (18, 21), False),
        (MORNING, None, True),
    ],
)
def test_in_day_part(slot, part, expected):
    assert slots.in_day_part(slot, part, SHANGHAI) is expected
