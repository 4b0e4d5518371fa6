"""Reads of the business calendars and the national calendar (docs/architecture.md#house-rules).

SLA clocks count in a :class:`~customers.business_time.CalendarSpec`: a station's own calendar,
else the organisation's default, with the statutory holidays and make-up working days of every
loaded year. The three-guarantees engine reads the same rows (selectors.holidays_between,
warranty/evaluation.holidays_from).

A :class:`CalendarSpecs` reads the national days once and each calendar once, and lives as long
as one task run or one report (ask it for every ticket in a list). The spec of one station
(:func:`calendar_spec_for`, what a request needs) is kept in the process until a calendar or a
national day changes (aftersales/table_memo.py), so an edit in the admin still counts from the
next request on in every process. The national calendar is a few hundred rows per decade, read
in one query.
"""

import datetime as dt

from aftersales import table_memo
from customers.business_time import CalendarSpec
from customers.calendar_models import BusinessCalendar, DayKind, NationalCalendarDay


class CalendarSpecs:
    """The calendar specs of stations, each calendar and the national days read at most once."""

    def __init__(self) -> None:
        self._national: tuple[frozenset[dt.date], frozenset[dt.date]] | None = None
        self._by_calendar: dict[int | None, CalendarSpec] = {}
        self._default: BusinessCalendar | None = None

    def national_days(self) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
        """(statutory holidays, make-up working days) of every loaded year: one query."""
        if self._national is None:
            holidays: set[dt.date] = set()
            workdays: set[dt.date] = set()
            for date, kind in NationalCalendarDay.objects.values_list("date", "kind"):
                (holidays if kind == DayKind.HOLIDAY else workdays).add(date)
            self._national = frozenset(holidays), frozenset(workdays)
        return self._national

    def default_calendar(self) -> BusinessCalendar:
        """The organisation's default calendar. Should none exist (the migration creates one
        and the admin keeps one), an unsaved calendar with the standard hours stands in."""
        if self._default is None:
            self._default = BusinessCalendar.objects.filter(is_default=True).first() or BusinessCalendar()
        return self._default

    def for_calendar(self, calendar: BusinessCalendar) -> CalendarSpec:
        key = calendar.pk
        if key not in self._by_calendar:
            self._by_calendar[key] = calendar.spec(*self.national_days())
        return self._by_calendar[key]

    def for_station(self, station) -> CalendarSpec:
        """The spec of ``station``'s calendar (a ServiceStation or None: the default's).

        A station's own calendar is read once per calendar, unless the station came with
        ``select_related("calendar")``."""
        if station is None or station.calendar_id is None:
            return self.for_calendar(self.default_calendar())
        if station.calendar_id in self._by_calendar:
            return self._by_calendar[station.calendar_id]
        return self.for_calendar(station.calendar)


# What a calendar spec is worked out from (aftersales/table_memo.py).
CALENDAR_TABLES = ("customers.businesscalendar", "customers.nationalcalendarday")


def calendar_spec_for(station=None) -> CalendarSpec:
    """The business calendar ``station``'s SLA clocks count in: its own, else the organisation's
    default, observing every loaded statutory holiday and make-up working day.

    Every ticket created or moved needs one: the spec (immutable) is kept in the process until a
    calendar or a national day changes anywhere (aftersales/table_memo.py), so an edit in the admin
    still counts from the next request on. For many tickets at once in a task or a report, share
    one :class:`CalendarSpecs`."""
    key = ("calendar-spec", station.calendar_id if station is not None else None)
    return table_memo.derived(CALENDAR_TABLES, key, lambda: CalendarSpecs().for_station(station))


def calendar_gaps(today: dt.date) -> list[int]:
    """The years among this one and the next for which the national calendar has no day at
    all: their holidays and make-up working days still have to be loaded (``manage.py
    load_holidays``, or by hand in the admin once the State Council publishes them)."""
    wanted = [today.year, today.year + 1]
    loaded = set(
        NationalCalendarDay.objects.filter(date__year__in=wanted).values_list("date__year", flat=True).distinct()
    )
    return [year for year in wanted if year not in loaded]
