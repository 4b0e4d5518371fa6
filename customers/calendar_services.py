"""Writes of the business calendars and the national calendar (docs/architecture.md#house-rules).

The national calendar is seeded from the maintained ``chinese-calendar`` package, which follows
the State Council's yearly notices; an administrator adds or corrects days in the admin when a
notice comes out before the package does.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from chinese_calendar import constants as chinese_calendar
from django.db import transaction

from aftersales import table_memo
from customers.calendar_models import BusinessCalendar, DayKind, NationalCalendarDay

# The names the national calendar has used since it was first loaded, by the package's English
# name; a holiday not listed here is named "中文 English" as the package gives it.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦 New Year's Day",
    "Spring Festival": "春节 Spring Festival",
    "Tomb-sweeping Day": "清明节 Qingming Festival",
    "Labour Day": "劳动节 Labour Day",
    "Dragon Boat Festival": "端午节 Dragon Boat Festival",
    "National Day": "国庆节 National Day",
    "Mid-autumn Festival": "中秋节 Mid-Autumn Festival",
}
NAME_LENGTH = NationalCalendarDay._meta.get_field("name").max_length


@dataclass(frozen=True)
class PackageDay:
    date: dt.date
    kind: DayKind
    name: str


@dataclass(frozen=True)
class YearLoaded:
    """What loading one year changed: days added, days whose kind the package corrected, days
    already right, and days of that year the package does not list (added by an administrator,
    left as they are)."""

    year: int
    created: int
    corrected: int
    unchanged: int
    kept: int


def package_years() -> range:
    """The years the installed chinese-calendar package has the State Council's schedule for."""
    years = [day.year for day in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


def holiday_name(english: str) -> str:
    if english in HOLIDAY_NAMES:
        return HOLIDAY_NAMES[english]
    return f"{chinese_calendar.Holiday(english).chinese} {english}"[:NAME_LENGTH]


def package_days(year: int) -> list[PackageDay]:
    """The statutory holidays and make-up working days of ``year`` as the package lists them."""
    days = [
        PackageDay(date, DayKind.HOLIDAY, holiday_name(name))
        for date, name in chinese_calendar.holidays.items()
        if date.year == year
    ]
    days += [
        PackageDay(date, DayKind.WORKDAY, holiday_name(name))
        for date, name in chinese_calendar.workdays.items()
        if date.year == year
    ]
    return sorted(days, key=lambda day: day.date)


def national_days_load(*, years: Iterable[int]) -> list[YearLoaded]:
    """Load the package's schedule for each of ``years`` into the national calendar, in one
    transaction: missing days are added, a day whose kind differs takes the package's kind (and
    name); a day already of the right kind keeps its name, which an administrator may have
    corrected; days the package does not list are kept.

    Raises ValueError, changing nothing, for a year the package does not know."""
    years = sorted(set(years))
    known = package_years()
    unknown = [year for year in years if year not in known]
    if unknown:
        raise ValueError(
            f"chinese-calendar knows {known.start}–{known.stop - 1}, not {', '.join(map(str, unknown))}: "
            "add the State Council's days in the admin, or install a newer chinese-calendar."
        )
    results = []
    with transaction.atomic():
        for year in years:
            stored = {day.date: day for day in NationalCalendarDay.objects.filter(date__year=year)}
            created, corrected, unchanged = [], [], 0
            for day in package_days(year):
                row = stored.pop(day.date, None)
                if row is None:
                    created.append(NationalCalendarDay(date=day.date, kind=day.kind, name=day.name))
                elif row.kind != day.kind:
                    row.kind, row.name = day.kind, day.name
                    corrected.append(row)
                else:
                    unchanged += 1
            NationalCalendarDay.objects.bulk_create(created)
            NationalCalendarDay.objects.bulk_update(corrected, ["kind", "name"])
            # Bulk writes send no signal: the processes' memo of holidays is told here.
            table_memo.bump(NationalCalendarDay)
            results.append(YearLoaded(year, len(created), len(corrected), unchanged, kept=len(stored)))
    return results


def business_calendar_save(*, calendar: BusinessCalendar) -> BusinessCalendar:
    """Save a validated calendar. Making it the default makes the previous default an ordinary
    calendar in the same transaction, so there is always exactly one."""
    with transaction.atomic():
        if calendar.is_default:
            BusinessCalendar.objects.filter(is_default=True).exclude(pk=calendar.pk).update(is_default=False)
            table_memo.bump(BusinessCalendar)  # an update sends no signal
        calendar.save()
    return calendar
