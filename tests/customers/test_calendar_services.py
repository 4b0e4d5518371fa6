"""customers/calendar_services.py and ``manage.py load_holidays``: the national calendar loaded
from chinese-calendar, and exactly one default business calendar."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from customers.calendar_services import business_calendar_save, national_days_load, package_days, package_years
from customers.models import BusinessCalendar, DayKind, NationalCalendarDay

pytestmark = pytest.mark.django_db

D = dt.date


def rows(year: int) -> set[tuple[dt.date, str, str]]:
    return set(NationalCalendarDay.objects.filter(date__year=year).values_list("date", "kind", "name"))


def test_the_package_knows_2004_to_2026():
    assert package_years() == range(2004, 2027)


def test_package_days_of_2026():
    days = package_days(2026)
    assert len([day for day in days if day.kind == DayKind.HOLIDAY]) == 33
    assert [(day.date, day.name) for day in days if day.kind == DayKind.WORKDAY] == [
        (D(2026, 1, 4), "元旦 New Year's Day"),
        (D(2026, 2, 14), "春节 Spring Festival"),
        (D(2026, 2, 28), "春节 Spring Festival"),
        (D(2026, 5, 9), "劳动节 Labour Day"),
        (D(2026, 9, 20), "国庆节 National Day"),
        (D(2026, 10, 10), "国庆节 National Day"),
    ]


def test_loading_a_deleted_year_puts_every_day_back():
    before = rows(2026)
    NationalCalendarDay.objects.filter(date__year=2026).delete()

    [loaded] = national_days_load(years=[2026])

    assert loaded.year == 2026
    assert (loaded.created, loaded.corrected, loaded.unchanged, loaded.kept) == (39, 0, 0, 0)
    # The same days; 2026's names were the package's names from the start.
    assert rows(2026) == before


def test_loading_again_changes_nothing_and_keeps_what_an_administrator_did(django_assert_num_queries):
    NationalCalendarDay.objects.filter(date=D(2026, 10, 1)).update(name="国庆节 National Day (corrected)")
    NationalCalendarDay.objects.create(date=D(2026, 12, 31), kind=DayKind.HOLIDAY, name="Company day")
    NationalCalendarDay.objects.filter(date=D(2026, 5, 9)).update(kind=DayKind.HOLIDAY)  # a wrong kind
    NationalCalendarDay.objects.filter(date=D(2026, 4, 4)).delete()

    [loaded] = national_days_load(years=[2026])

    assert (loaded.created, loaded.corrected, loaded.unchanged, loaded.kept) == (1, 1, 37, 1)
    assert NationalCalendarDay.objects.get(date=D(2026, 10, 1)).name == "国庆节 National Day (corrected)"
    assert NationalCalendarDay.objects.get(date=D(2026, 12, 31)).name == "Company day"
    assert NationalCalendarDay.objects.get(date=D(2026, 5, 9)).kind == DayKind.WORKDAY
    assert NationalCalendarDay.objects.get(date=D(2026, 4, 4)).name == "清明节 Qingming Festival"


def test_a_year_the_package_does_not_know_changes_nothing():
    NationalCalendarDay.objects.filter(date__year=2026).delete()
    with pytest.raises(ValueError, match="chinese-calendar knows 2004–2026, not 2027"):
        national_days_load(years=[2026, 2027])
    assert not NationalCalendarDay.objects.filter(date__year=2026).exists()


def test_the_command_loads_one_year():
    NationalCalendarDay.objects.filter(date__year=2025).delete()
    out = StringIO()
    call_command("load_holidays", "--year", "2025", stdout=out)
    assert out.getvalue() == "2025: 33 added, 0 corrected, 0 already right\n"
    assert NationalCalendarDay.objects.filter(date__year=2025, kind=DayKind.WORKDAY).count() == 5


def test_the_command_without_a_year_loads_every_year_the_package_knows():
    NationalCalendarDay.objects.filter(date__year__in=[2004, 2026]).delete()
    NationalCalendarDay.objects.create(date=D(2024, 12, 31), name="Company day")
    out = StringIO()
    call_command("load_holidays", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 23
    assert lines[0].startswith("2004: ") and "0 already right" in lines[0]
    assert lines[20] == "2024: 0 added, 0 corrected, 36 already right, 1 not in the package kept"
    assert lines[22] == "2026: 39 added, 0 corrected, 0 already right"


def test_the_command_refuses_an_unknown_year_clearly():
    with pytest.raises(CommandError, match="not 2031: add the State Council's days in the admin"):
        call_command("load_holidays", "--year", "2031", stdout=StringIO())


def test_making_a_calendar_the_default_makes_the_previous_one_ordinary():
    previous = BusinessCalendar.objects.get(is_default=True)
    hotline = business_calendar_save(calendar=BusinessCalendar(name="Hotline", always_open=True, is_default=True))
    previous.refresh_from_db()
    assert not previous.is_default
    assert list(BusinessCalendar.objects.filter(is_default=True)) == [hotline]


def test_the_database_refuses_a_second_default():
    with pytest.raises(IntegrityError):
        BusinessCalendar.objects.create(name="Second", is_default=True)
