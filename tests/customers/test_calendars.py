"""customers/calendars.py: the calendar a station's clocks count in, on the rows the migrations load."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from customers.business_time import add_business_time
from customers.calendars import CalendarSpecs, calendar_gaps, calendar_spec_for
from customers.models import BusinessCalendar, DayKind, NationalCalendarDay
from customers.selectors import holidays_between
from tests.factories import ServiceStationFactory
from warranty.evaluation import holidays_from

pytestmark = pytest.mark.django_db

D = dt.date
T = dt.time
SHANGHAI = ZoneInfo("Asia/Shanghai")
STANDARD = (T(8, 30), T(17, 30))


@pytest.fixture
def hotline() -> BusinessCalendar:
    return BusinessCalendar.objects.create(name="Hotline", always_open=True, time_zone="Europe/Berlin")


def test_the_migration_leaves_one_default_calendar_with_the_standard_hours():
    default = BusinessCalendar.objects.get()
    assert default.is_default
    assert default.time_zone == "Asia/Shanghai"
    assert [default.hours_of(day) for day in range(7)] == [STANDARD] * 6 + [None]
    assert default.makeup_weekday == 0


def test_the_migration_loads_every_year_of_the_package_with_its_make_up_days():
    years = set(NationalCalendarDay.objects.values_list("date__year", flat=True))
    assert years == set(range(2004, 2027))
    workdays_2026 = NationalCalendarDay.objects.filter(kind=DayKind.WORKDAY, date__year=2026)
    assert {(day.date, day.name) for day in workdays_2026} == {
        (D(2026, 1, 4), "元旦 New Year's Day"),
        (D(2026, 2, 14), "春节 Spring Festival"),
        (D(2026, 2, 28), "春节 Spring Festival"),
        (D(2026, 5, 9), "劳动节 Labour Day"),
        (D(2026, 9, 20), "国庆节 National Day"),
        (D(2026, 10, 10), "国庆节 National Day"),
    }
    # The rows loaded before make-up days existed are kept with their names.
    assert (
        NationalCalendarDay.objects.get(date=D(2025, 10, 6)).name
        == "国庆节、中秋节 National Day and Mid-Autumn Festival"
    )
    assert NationalCalendarDay.objects.get(date=D(2015, 9, 3)).name.startswith("中国人民抗日战争")


def test_make_up_working_days_are_not_holidays_for_the_three_guarantees():
    assert D(2026, 2, 14) not in holidays_between(D(2026, 2, 1), D(2026, 2, 28))
    assert D(2026, 2, 15) in holidays_between(D(2026, 2, 1), D(2026, 2, 28))
    assert D(2026, 10, 10) not in holidays_from(D(2026, 9, 1))
    assert D(2026, 10, 7) in holidays_from(D(2026, 9, 1))


def test_a_station_without_a_calendar_counts_in_the_default(django_assert_num_queries):
    station = ServiceStationFactory()
    with django_assert_num_queries(2):
        spec = calendar_spec_for(station)
    assert spec.tz == SHANGHAI
    assert not spec.always_open
    assert spec.hours_by_weekday[5] == STANDARD
    assert spec.hours_by_weekday[6] is None
    assert spec.makeup_hours == STANDARD
    assert D(2026, 10, 1) in spec.holidays and D(2026, 10, 1) not in spec.workdays
    assert D(2026, 10, 10) in spec.workdays and D(2026, 10, 10) not in spec.holidays
    # National Day evening, 8 business hours to dispatch: the afternoon of 8 October.
    due = add_business_time(dt.datetime(2026, 10, 1, 20, tzinfo=SHANGHAI), dt.timedelta(hours=8), spec)
    assert due == dt.datetime(2026, 10, 8, 16, 30, tzinfo=SHANGHAI)


def test_no_station_is_the_default_too():
    assert calendar_spec_for(None) == calendar_spec_for(ServiceStationFactory())


def test_a_station_counts_in_its_own_calendar(hotline, django_assert_num_queries):
    station = ServiceStationFactory(calendar=hotline)
    station.refresh_from_db()
    with django_assert_num_queries(2):
        spec = calendar_spec_for(station)
    assert spec.always_open
    assert spec.tz == ZoneInfo("Europe/Berlin")


def test_one_calendar_specs_reads_each_calendar_and_the_national_days_once(hotline, django_assert_num_queries):
    own = [ServiceStationFactory(calendar=hotline) for _ in range(3)]
    plain = [ServiceStationFactory() for _ in range(3)]
    stations = list(type(own[0]).objects.filter(pk__in=[s.pk for s in own + plain]))
    specs = CalendarSpecs()
    with django_assert_num_queries(3):  # the national days, the default, the hotline
        answers = [specs.for_station(station) for station in stations]
    assert sum(spec.always_open for spec in answers) == 3
    with django_assert_num_queries(0):
        specs.for_station(stations[0])
        specs.for_station(None)


def test_a_selected_calendar_costs_no_query(hotline, django_assert_num_queries):
    station = ServiceStationFactory(calendar=hotline)
    station = type(station).objects.select_related("calendar").get(pk=station.pk)
    specs = CalendarSpecs()
    specs.national_days()
    with django_assert_num_queries(0):
        assert specs.for_station(station).always_open


def test_make_up_days_open_with_the_chosen_weekday_hours():
    calendar = BusinessCalendar.objects.create(
        name="Short Saturdays", saturday_opens=T(9), saturday_closes=T(12), makeup_weekday=5
    )
    spec = CalendarSpecs().for_calendar(calendar)
    assert spec.makeup_hours == (T(9), T(12))


def test_with_no_default_the_standard_hours_stand_in():
    BusinessCalendar.objects.all().delete()
    spec = calendar_spec_for(None)
    assert spec.hours_by_weekday[0] == STANDARD
    assert spec.tz == SHANGHAI


@pytest.mark.parametrize(
    "today, deleted_years, expected",
    [
        (D(2026, 3, 1), [], [2027]),
        (D(2025, 12, 31), [], []),
        (D(2026, 3, 1), [2026], [2026, 2027]),
        (D(2030, 1, 1), [], [2030, 2031]),
    ],
)
def test_calendar_gaps(today, deleted_years, expected, django_assert_num_queries):
    NationalCalendarDay.objects.filter(date__year__in=deleted_years).delete()
    with django_assert_num_queries(1):
        assert calendar_gaps(today) == expected


def test_a_year_with_a_single_row_is_no_gap():
    NationalCalendarDay.objects.create(date=D(2027, 1, 1), name="元旦 New Year's Day")
    assert calendar_gaps(D(2026, 6, 1)) == []
