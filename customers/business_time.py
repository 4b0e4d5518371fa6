"""Business time: the open hours of a business calendar, counted. Pure: no ORM, no clock, no settings.

A calendar is open, on each local day, from its opening to its closing time, except on the
national calendar's statutory holidays (closed all day) and with the hours of its make-up weekday
on the make-up working days (调休上班), whatever weekday they fall on. A calendar that is always
open (a 24×7 hotline) counts every moment and ignores holidays.

Durations are real elapsed time: an hour of open time on a day a clock changes (daylight saving
time in Europe/Berlin) is still sixty minutes, and every answer is an aware datetime in the
calendar's time zone. Opening is inside the open time, closing is not: at 08:30 a calendar open
08:30–17:30 is open, at 17:30 it is closed. A closing time of 00:00 means midnight at the end of
the day (open until 24:00).
"""

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

Hours = tuple[dt.time, dt.time]

MIDNIGHT = dt.time(0, 0)
UTC = dt.UTC
# More consecutive closed days than this and a calendar is taken to be never open: the longest
# statutory holiday run is nine days, so this only stops a calendar with no opening hours at all.
LONGEST_CLOSURE_DAYS = 366


@dataclass(frozen=True)
class CalendarSpec:
    """One business calendar, with the national holidays and make-up working days it observes.

    ``hours_by_weekday`` maps Monday=0 … Sunday=6 to (opens, closes); a weekday missing or
    mapped to None is closed. ``makeup_hours`` are the hours of a make-up working day (None:
    closed on those days too). A date in ``holidays`` is closed even if it is also listed in
    ``workdays``.
    """

    tz: dt.tzinfo
    always_open: bool
    hours_by_weekday: Mapping[int, Hours | None]
    makeup_hours: Hours | None
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]

    def __post_init__(self) -> None:
        for weekday, hours in self.hours_by_weekday.items():
            if weekday not in range(7):
                raise ValueError(f"weekday {weekday!r} is not 0 (Monday) to 6 (Sunday)")
            _check_hours(hours)
        _check_hours(self.makeup_hours)

    def hours_on(self, day: dt.date) -> Hours | None:
        """The (opens, closes) of a local day, None when the calendar is closed all day."""
        if day in self.holidays:
            return None
        if day in self.workdays:
            return self.makeup_hours
        return self.hours_by_weekday.get(day.weekday())


def _check_hours(hours: Hours | None) -> None:
    if hours is None:
        return
    opens, closes = hours
    if closes != MIDNIGHT and closes <= opens:
        raise ValueError(f"closing time {closes} is not after opening time {opens}")


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("business time needs an aware datetime")
    return moment.astimezone(UTC)


def _local_day(moment: dt.datetime, spec: CalendarSpec) -> dt.date:
    return _utc(moment).astimezone(spec.tz).date()


def _at(day: dt.date, time: dt.time, spec: CalendarSpec) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=spec.tz).astimezone(UTC)


def _window(day: dt.date, spec: CalendarSpec) -> tuple[dt.datetime, dt.datetime] | None:
    """The open time of a local day as (start, end) in UTC, None when closed all day."""
    if spec.always_open:
        return _at(day, MIDNIGHT, spec), _at(day + dt.timedelta(days=1), MIDNIGHT, spec)
    hours = spec.hours_on(day)
    if hours is None:
        return None
    opens, closes = hours
    end = _at(day + dt.timedelta(days=1), MIDNIGHT, spec) if closes == MIDNIGHT else _at(day, closes, spec)
    return _at(day, opens, spec), end


def _windows(
    first: dt.date, spec: CalendarSpec, last: dt.date | None = None
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The open windows from local day ``first`` on (through ``last`` when given).

    Without ``last`` the days run on until the caller stops; a calendar closed for longer than
    :data:`LONGEST_CLOSURE_DAYS` in a row raises ValueError instead of running forever."""
    day, closed_run = first, 0
    while last is None or day <= last:
        window = _window(day, spec)
        if window is None:
            closed_run += 1
            if last is None and closed_run > LONGEST_CLOSURE_DAYS:
                raise ValueError("the calendar has no opening hours")
        else:
            closed_run = 0
            yield window
        day += dt.timedelta(days=1)


def is_open(moment: dt.datetime, spec: CalendarSpec) -> bool:
    """Whether ``moment`` is open time: from opening (included) to closing (excluded)."""
    window = _window(_local_day(moment, spec), spec)
    return window is not None and window[0] <= _utc(moment) < window[1]


def add_business_time(start: dt.datetime, duration: dt.timedelta, spec: CalendarSpec) -> dt.datetime:
    """The moment ``duration`` of open time after ``start``.

    Closed time does not count: a repair logged on National Day evening with 8 business hours
    to dispatch is due on the first working day after the holiday, 8 open hours after opening,
    spilling over into the following days when a day has fewer open hours left. Time that ends
    exactly at closing is due at closing, not at the next opening. A zero duration is ``start``.
    """
    if duration < dt.timedelta(0):
        raise ValueError("a duration of business time cannot be negative")
    at = _utc(start)
    if spec.always_open or not duration:
        return (at + duration).astimezone(spec.tz)
    remaining = duration
    for window_start, window_end in _windows(_local_day(start, spec), spec):
        if window_end <= at:
            continue
        begin = max(window_start, at)
        available = window_end - begin
        if remaining <= available:
            return (begin + remaining).astimezone(spec.tz)
        remaining -= available
    raise AssertionError("unreachable: _windows runs until it finds a window or raises")


def end_of_business_day(moment: dt.datetime, spec: CalendarSpec) -> dt.datetime:
    """The closing time of the business day ``moment`` falls in.

    Before opening on a working day, that day's closing; after closing or on a closed day
    (a Sunday, a statutory holiday), the closing of the next business day. For a calendar that
    is always open the business day is the local calendar day: it ends at the next midnight.
    """
    at = _utc(moment)
    for _start, end in _windows(_local_day(moment, spec), spec):
        if at < end:
            return end.astimezone(spec.tz)
    raise AssertionError("unreachable: _windows runs until it finds a window or raises")


def business_time_between(a: dt.datetime, b: dt.datetime, spec: CalendarSpec) -> dt.timedelta:
    """The open time from ``a`` to ``b``; negative when ``b`` is before ``a`` (time still left
    before a deadline reads as the negative of the time it is overdue)."""
    if b < a:
        return -business_time_between(b, a, spec)
    start, end = _utc(a), _utc(b)
    if spec.always_open:
        return end - start
    total = dt.timedelta(0)
    for window_start, window_end in _windows(_local_day(a, spec), spec, last=_local_day(b, spec)):
        overlap = min(window_end, end) - max(window_start, start)
        if overlap > dt.timedelta(0):
            total += overlap
    return total
