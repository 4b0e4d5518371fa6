"""customers/business_time.py: open time counted, table-driven, no database.

The national days are the State Council's schedules as the chinese-calendar package holds them
(the package the migration and ``load_holidays`` load from). 2026: New Year 1–3 January with a
make-up Sunday on 4 January; Spring Festival 15–23 February with make-up Saturdays 14 and 28
February; National Day 1–7 October with make-up Sunday 20 September and Saturday 10 October.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from chinese_calendar import constants as chinese_calendar

from customers.business_time import (
    CalendarSpec,
    add_business_time,
    business_time_between,
    end_of_business_day,
    is_open,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
H = dt.timedelta(hours=1)
T = dt.time
DAY = (T(8, 30), T(17, 30))
HOLIDAYS = frozenset(chinese_calendar.holidays)
WORKDAYS = frozenset(chinese_calendar.workdays)


def spec(
    *,
    tz=SHANGHAI,
    weekdays=range(6),
    hours=DAY,
    makeup=DAY,
    holidays=HOLIDAYS,
    workdays=WORKDAYS,
    always_open=False,
) -> CalendarSpec:
    return CalendarSpec(
        tz=tz,
        always_open=always_open,
        hours_by_weekday={day: hours if day in weekdays else None for day in range(7)},
        makeup_hours=makeup,
        holidays=holidays,
        workdays=workdays,
    )


MON_SAT = spec()
MON_FRI = spec(weekdays=range(5))
MON_FRI_NO_MAKEUP = spec(weekdays=range(5), workdays=frozenset())
HOTLINE = spec(always_open=True)
BERLIN_SHOP = spec(tz=BERLIN, holidays=frozenset(), workdays=frozenset())
BERLIN_HOTLINE = spec(tz=BERLIN, always_open=True, holidays=frozenset(), workdays=frozenset())


def sh(y, mo, d, h=0, mi=0, s=0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, s, tzinfo=SHANGHAI)


def be(y, mo, d, h=0, mi=0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=BERLIN)


def test_the_package_holds_the_published_2026_schedule():
    assert {day for day in WORKDAYS if day.year == 2026} == {
        dt.date(2026, 1, 4),
        dt.date(2026, 2, 14),
        dt.date(2026, 2, 28),
        dt.date(2026, 5, 9),
        dt.date(2026, 9, 20),
        dt.date(2026, 10, 10),
    }
    assert {dt.date(2026, 2, day) for day in range(15, 24)} <= HOLIDAYS
    assert {dt.date(2026, 10, day) for day in range(1, 8)} <= HOLIDAYS


@pytest.mark.parametrize(
    "label, moment, calendar, expected",
    [
        ("a minute before opening", sh(2026, 3, 2, 8, 29, 59), MON_SAT, False),
        ("exactly at opening", sh(2026, 3, 2, 8, 30), MON_SAT, True),
        ("a second before closing", sh(2026, 3, 2, 17, 29, 59), MON_SAT, True),
        ("exactly at closing", sh(2026, 3, 2, 17, 30), MON_SAT, False),
        ("a Saturday, Monday to Saturday", sh(2026, 3, 7, 10), MON_SAT, True),
        ("a Saturday, Monday to Friday", sh(2026, 3, 7, 10), MON_FRI, False),
        ("a Sunday", sh(2026, 3, 8, 10), MON_SAT, False),
        ("National Day 2026", sh(2026, 10, 1, 10), MON_SAT, False),
        ("the last day of National Day", sh(2026, 10, 7, 10), MON_SAT, False),
        ("the first day after National Day", sh(2026, 10, 8, 10), MON_SAT, True),
        ("make-up Sunday before National Day", sh(2026, 9, 20, 10), MON_SAT, True),
        ("Spring Festival's eve make-up Saturday, Monday to Friday", sh(2026, 2, 14, 10), MON_FRI, True),
        ("the same Saturday with no make-up days loaded", sh(2026, 2, 14, 10), MON_FRI_NO_MAKEUP, False),
        ("a Monday inside Spring Festival", sh(2026, 2, 16, 10), MON_SAT, False),
        ("a Saturday inside Spring Festival", sh(2026, 2, 21, 10), MON_SAT, False),
        ("the last day of Spring Festival", sh(2026, 2, 23, 10), MON_SAT, False),
        ("the make-up Saturday after Spring Festival", sh(2026, 2, 28, 10), MON_FRI, True),
        ("an ordinary Saturday after it, Monday to Friday", sh(2026, 3, 7, 10), MON_FRI, False),
        ("New Year's make-up Sunday", sh(2026, 1, 4, 9), MON_SAT, True),
        ("a 24×7 hotline on National Day at 03:00", sh(2026, 10, 1, 3), HOTLINE, True),
        ("the same moment given in UTC", dt.datetime(2026, 3, 2, 0, 30, tzinfo=dt.UTC), MON_SAT, True),
        ("Berlin: 08:30 local is open", be(2026, 3, 30, 8, 30), BERLIN_SHOP, True),
        ("Berlin: 08:29 local is not", be(2026, 3, 30, 8, 29), BERLIN_SHOP, False),
    ],
)
def test_is_open(label, moment, calendar, expected):
    assert is_open(moment, calendar) is expected, label


def test_make_up_days_open_with_the_make_up_weekday_hours():
    # Monday to Friday 09:00–18:00, Saturday 09:00–12:00: the make-up Saturday keeps Monday's hours.
    calendar = CalendarSpec(
        tz=SHANGHAI,
        always_open=False,
        hours_by_weekday={0: (T(9), T(18)), 1: (T(9), T(18)), 2: (T(9), T(18)), 3: (T(9), T(18)), 4: (T(9), T(18)),
                          5: (T(9), T(12)), 6: None},
        makeup_hours=(T(9), T(18)),
        holidays=HOLIDAYS,
        workdays=WORKDAYS,
    )  # fmt: skip
    assert is_open(sh(2026, 2, 14, 15), calendar)
    assert not is_open(sh(2026, 3, 7, 15), calendar)
    assert not is_open(sh(2026, 1, 4, 8, 59), calendar)
    assert is_open(sh(2026, 1, 4, 9), calendar)


@pytest.mark.parametrize(
    "label, start, duration, calendar, expected",
    [
        ("National Day evening, 8 h to dispatch", sh(2026, 10, 1, 20), 8 * H, MON_SAT, sh(2026, 10, 8, 16, 30)),
        ("spills over the holiday run", sh(2026, 9, 30, 16), 8 * H, MON_SAT, sh(2026, 10, 8, 15)),
        ("ends exactly at closing", sh(2026, 3, 2, 8, 30), 9 * H, MON_SAT, sh(2026, 3, 2, 17, 30)),
        ("starts exactly at closing", sh(2026, 3, 2, 17, 30), 1 * H, MON_SAT, sh(2026, 3, 3, 9, 30)),
        ("starts before opening", sh(2026, 3, 3, 6), 1 * H, MON_SAT, sh(2026, 3, 3, 9, 30)),
        ("Saturday evening over Sunday", sh(2026, 3, 7, 17), 2 * H, MON_SAT, sh(2026, 3, 9, 10)),
        ("Friday evening, Monday to Friday", sh(2026, 3, 6, 17), 2 * H, MON_FRI, sh(2026, 3, 9, 10)),
        ("spills over several days", sh(2026, 3, 2, 12), 24 * H, MON_SAT, sh(2026, 3, 5, 9)),
        ("into the make-up Saturday before Spring Festival", sh(2026, 2, 13, 17), 4 * H, MON_FRI, sh(2026, 2, 14, 12)),
        ("without make-up days: after Spring Festival", sh(2026, 2, 13, 17), 4 * H, MON_FRI_NO_MAKEUP,
         sh(2026, 2, 24, 12)),
        ("from the make-up Saturday over Spring Festival", sh(2026, 2, 14, 17), 1 * H, MON_SAT, sh(2026, 2, 24, 9)),
        ("over the year end to the make-up Sunday", sh(2025, 12, 31, 17), 2 * H, MON_SAT, sh(2026, 1, 4, 10)),
        ("24×7: National Day counts", sh(2026, 10, 1, 20), 8 * H, HOTLINE, sh(2026, 10, 2, 4)),
        ("zero: the start itself, even when closed", sh(2026, 10, 1, 20), dt.timedelta(0), MON_SAT,
         sh(2026, 10, 1, 20)),
        ("Berlin: over the spring clock change", be(2026, 3, 28, 17), 2 * H, BERLIN_SHOP, be(2026, 3, 30, 10)),
        ("Berlin 24×7: the short night has 23 hours", be(2026, 3, 28, 12), 24 * H, BERLIN_HOTLINE,
         be(2026, 3, 29, 13)),
        ("Berlin 24×7: the long night has 25 hours", be(2026, 10, 24, 12), 24 * H, BERLIN_HOTLINE,
         be(2026, 10, 25, 11)),
    ],
)  # fmt: skip
def test_add_business_time(label, start, duration, calendar, expected):
    due = add_business_time(start, duration, calendar)
    assert due == expected, label
    assert due.tzinfo == calendar.tz, label
    assert due.utcoffset() == expected.utcoffset(), label


def test_berlin_deadlines_carry_the_offset_of_their_day():
    due = add_business_time(be(2026, 3, 28, 17), 2 * H, BERLIN_SHOP)
    assert due.utcoffset() == 2 * H
    assert due.astimezone(dt.UTC) == dt.datetime(2026, 3, 30, 8, 0, tzinfo=dt.UTC)


def test_add_business_time_refuses_a_negative_duration():
    with pytest.raises(ValueError, match="negative"):
        add_business_time(sh(2026, 3, 2, 10), -H, MON_SAT)


@pytest.mark.parametrize(
    "label, moment, calendar, expected",
    [
        ("before opening: that day's close", sh(2026, 3, 2, 8), MON_SAT, sh(2026, 3, 2, 17, 30)),
        ("during the day", sh(2026, 3, 2, 12), MON_SAT, sh(2026, 3, 2, 17, 30)),
        ("a minute before closing", sh(2026, 3, 2, 17, 29), MON_SAT, sh(2026, 3, 2, 17, 30)),
        ("exactly at closing: the next day's", sh(2026, 3, 2, 17, 30), MON_SAT, sh(2026, 3, 3, 17, 30)),
        ("Saturday evening: Monday's", sh(2026, 3, 7, 18), MON_SAT, sh(2026, 3, 9, 17, 30)),
        ("Sunday: Monday's", sh(2026, 3, 8, 11), MON_SAT, sh(2026, 3, 9, 17, 30)),
        ("National Day: the first working day after", sh(2026, 10, 1, 10), MON_SAT, sh(2026, 10, 8, 17, 30)),
        ("the evening before National Day", sh(2026, 9, 30, 20), MON_SAT, sh(2026, 10, 8, 17, 30)),
        ("New Year's Eve evening: the make-up Sunday", sh(2025, 12, 31, 18), MON_SAT, sh(2026, 1, 4, 17, 30)),
        ("24×7: local midnight", sh(2026, 10, 1, 10), HOTLINE, sh(2026, 10, 2)),
    ],
)
def test_end_of_business_day(label, moment, calendar, expected):
    assert end_of_business_day(moment, calendar) == expected, label


@pytest.mark.parametrize(
    "label, a, b, calendar, expected",
    [
        ("a whole day", sh(2026, 3, 2, 8, 30), sh(2026, 3, 2, 17, 30), MON_SAT, 9 * H),
        ("the night counts nothing", sh(2026, 3, 2, 17, 30), sh(2026, 3, 3, 8, 30), MON_SAT, dt.timedelta(0)),
        ("over a Sunday", sh(2026, 3, 7, 17), sh(2026, 3, 9, 10), MON_SAT, 2 * H),
        ("over National Day", sh(2026, 9, 30, 16), sh(2026, 10, 8, 15), MON_SAT, 8 * H),
        ("backwards is negative", sh(2026, 10, 8, 15), sh(2026, 9, 30, 16), MON_SAT, -8 * H),
        ("over the year end", sh(2025, 12, 31, 17), sh(2026, 1, 4, 10), MON_SAT, 2 * H),
        ("Spring Festival: the make-up Saturday and the day after the run", sh(2026, 2, 14), sh(2026, 2, 25),
         MON_SAT, 18 * H),
        ("the same moment", sh(2026, 3, 2, 10), sh(2026, 3, 2, 10), MON_SAT, dt.timedelta(0)),
        ("24×7 counts a holiday night", sh(2026, 10, 1, 20), sh(2026, 10, 2, 4), HOTLINE, 8 * H),
        ("Berlin 24×7: the spring Sunday has 23 hours", be(2026, 3, 29), be(2026, 3, 30), BERLIN_HOTLINE, 23 * H),
        ("Berlin 24×7: the autumn Sunday has 25 hours", be(2026, 10, 25), be(2026, 10, 26), BERLIN_HOTLINE,
         25 * H),
    ],
)  # fmt: skip
def test_business_time_between(label, a, b, calendar, expected):
    assert business_time_between(a, b, calendar) == expected, label


@pytest.mark.parametrize(
    "start",
    [sh(2026, 9, 30, 16), sh(2026, 2, 13, 9, 45), sh(2025, 12, 31, 23, 30), sh(2026, 3, 7, 17, 30), sh(2026, 5, 8, 12)],
)
@pytest.mark.parametrize("hours", [0.5, 2, 9, 30, 100])
def test_between_a_start_and_its_deadline_is_the_duration(start, hours):
    duration = dt.timedelta(hours=hours)
    assert business_time_between(start, add_business_time(start, duration, MON_SAT), MON_SAT) == duration


def test_a_whole_day_calendar_closes_at_midnight():
    # Sundays 00:00–00:00 (24:00): a whole day, 23 hours long on Berlin's spring Sunday.
    calendar = CalendarSpec(
        tz=BERLIN,
        always_open=False,
        hours_by_weekday={6: (T(0), T(0))},
        makeup_hours=None,
        holidays=frozenset(),
        workdays=frozenset(),
    )
    assert business_time_between(be(2026, 3, 28), be(2026, 3, 31), calendar) == 23 * H
    assert end_of_business_day(be(2026, 3, 29, 10), calendar) == be(2026, 3, 30)
    assert not is_open(be(2026, 3, 30), calendar)


def test_a_calendar_with_no_hours_is_never_open():
    closed = spec(weekdays=(), makeup=None)
    assert not is_open(sh(2026, 3, 2, 10), closed)
    assert business_time_between(sh(2026, 1, 1), sh(2026, 12, 31), closed) == dt.timedelta(0)
    with pytest.raises(ValueError, match="no opening hours"):
        add_business_time(sh(2026, 3, 2, 10), H, closed)


@pytest.mark.parametrize(
    "hours_by_weekday, makeup, message",
    [
        ({0: (T(17), T(9))}, None, "not after"),
        ({0: (T(9), T(9))}, None, "not after"),
        ({7: DAY}, None, "weekday 7"),
        ({}, (T(18), T(8)), "not after"),
    ],
)
def test_a_spec_refuses_hours_that_close_before_they_open(hours_by_weekday, makeup, message):
    with pytest.raises(ValueError, match=message):
        CalendarSpec(
            tz=SHANGHAI,
            always_open=False,
            hours_by_weekday=hours_by_weekday,
            makeup_hours=makeup,
            holidays=frozenset(),
            workdays=frozenset(),
        )


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        is_open(dt.datetime(2026, 3, 2, 10), MON_SAT)
    with pytest.raises(ValueError, match="aware"):
        add_business_time(dt.datetime(2026, 3, 2, 10), H, MON_SAT)
