"""The business calendars and the national calendar in the admin, and the warning the admin and
the quality dashboard show while this year or the next has no national calendar."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import BusinessCalendar, NationalCalendarDay
from tests import factories
from tests.factories import ServiceStationFactory

pytestmark = pytest.mark.django_db

WARNING = "has no statutory holidays or make-up working days for"
ADMIN_WARNING = "The national calendar has no holidays or make-up working days for"


@pytest.fixture
def superuser():
    user = factories.UserFactory(username="root")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def signed_in(client, superuser):
    client.force_login(superuser)
    return client


def calendar_form(**changes) -> dict:
    data = {
        "name": "Rural stations",
        "time_zone": "Asia/Shanghai",
        "makeup_weekday": "0",
        **{f"{day}_opens": "08:00" for day in ("monday", "tuesday", "wednesday", "thursday", "friday")},
        **{f"{day}_closes": "18:00" for day in ("monday", "tuesday", "wednesday", "thursday", "friday")},
        "saturday_opens": "",
        "saturday_closes": "",
        "sunday_opens": "",
        "sunday_closes": "",
    }
    data.update(changes)
    return data


def both_years_loaded() -> None:
    year = timezone.localdate().year
    for day in (dt.date(year, 1, 1), dt.date(year + 1, 1, 1)):
        NationalCalendarDay.objects.get_or_create(date=day, defaults={"name": "元旦 New Year's Day"})


def test_a_calendar_is_added_with_its_hours(signed_in):
    response = signed_in.post(reverse("admin:customers_businesscalendar_add"), calendar_form())
    assert response.status_code == 302
    rural = BusinessCalendar.objects.get(name="Rural stations")
    assert rural.hours_of(0) == (dt.time(8), dt.time(18))
    assert rural.hours_of(5) is None
    assert not rural.is_default


@pytest.mark.parametrize(
    "changes, errors",
    [
        ({"monday_closes": "07:00"}, {"monday_closes": ["The closing time must be after the opening time."]}),
        (
            {"tuesday_closes": ""},
            {"tuesday_closes": ["Give both the opening and the closing time, or neither when closed."]},
        ),
        ({"time_zone": "Mars/Olympus"}, {"time_zone": ["Mars/Olympus is not a time zone name such as Asia/Shanghai."]}),
        (
            {f"{day}_{end}": "" for day in ("monday", "tuesday", "wednesday", "thursday", "friday") for end in ("opens", "closes")},
            {"always_open": ["Give opening hours for at least one weekday, or make it open around the clock."]},
        ),
    ],
)  # fmt: skip
def test_bad_hours_get_a_field_error_and_nothing_is_saved(signed_in, changes, errors):
    response = signed_in.post(reverse("admin:customers_businesscalendar_add"), calendar_form(**changes))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == errors
    assert not BusinessCalendar.objects.filter(name="Rural stations").exists()


def test_a_whole_day_closing_at_midnight_is_accepted(signed_in):
    response = signed_in.post(
        reverse("admin:customers_businesscalendar_add"), calendar_form(sunday_opens="00:00", sunday_closes="00:00")
    )
    assert response.status_code == 302
    assert BusinessCalendar.objects.get(name="Rural stations").hours_of(6) == (dt.time(0), dt.time(0))


def test_making_a_calendar_the_default_in_the_admin_replaces_the_previous_default(signed_in):
    previous = BusinessCalendar.objects.get(is_default=True)
    response = signed_in.post(reverse("admin:customers_businesscalendar_add"), calendar_form(is_default="on"))
    assert response.status_code == 302
    assert list(BusinessCalendar.objects.filter(is_default=True).values_list("name", flat=True)) == ["Rural stations"]
    previous.refresh_from_db()
    assert not previous.is_default


def test_the_default_cannot_stop_being_the_default_nor_be_deleted(signed_in):
    default = BusinessCalendar.objects.get(is_default=True)
    change = reverse("admin:customers_businesscalendar_change", args=[default.pk])
    response = signed_in.post(change, calendar_form(name=default.name))
    assert response.context["adminform"].form.errors == {
        "is_default": ["Make another calendar the default instead: there is always one default."]
    }
    delete = reverse("admin:customers_businesscalendar_delete", args=[default.pk])
    assert signed_in.post(delete, {"post": "yes"}).status_code == 403
    default.refresh_from_db()
    assert default.is_default


def test_a_calendar_a_station_uses_cannot_be_deleted(signed_in):
    rural = BusinessCalendar.objects.create(name="Rural stations")
    ServiceStationFactory(calendar=rural)
    response = signed_in.post(reverse("admin:customers_businesscalendar_delete", args=[rural.pk]), {"post": "yes"})
    assert response.status_code == 200
    assert "Cannot delete" in response.content.decode()
    assert BusinessCalendar.objects.filter(pk=rural.pk).exists()


def test_a_station_names_its_calendar_in_the_admin(signed_in):
    rural = BusinessCalendar.objects.create(name="Rural stations")
    station = ServiceStationFactory()
    response = signed_in.get(reverse("admin:tickets_servicestation_change", args=[station.pk]))
    assert f'<option value="{rural.pk}">Rural stations</option>' in response.content.decode()


def test_the_admin_warns_while_next_year_has_no_national_calendar(signed_in):
    next_year = timezone.localdate().year + 1
    NationalCalendarDay.objects.filter(date__year=next_year).delete()
    for name in ("nationalcalendarday", "businesscalendar"):
        response = signed_in.get(reverse(f"admin:customers_{name}_changelist"))
        messages = [str(message) for message in response.context["messages"]]
        assert any(message.startswith(ADMIN_WARNING) and str(next_year) in message for message in messages), name


def test_the_admin_says_nothing_when_both_years_are_loaded(signed_in):
    both_years_loaded()
    response = signed_in.get(reverse("admin:customers_nationalcalendarday_changelist"))
    assert not any(ADMIN_WARNING in str(message) for message in response.context["messages"])


def test_the_dashboard_warns_while_the_calendar_has_a_gap(client):
    next_year = timezone.localdate().year + 1
    NationalCalendarDay.objects.filter(date__year=next_year).delete()
    client.force_login(factories.UserFactory(roles=["manager"], username="manager1"))
    page = client.get("/dashboard/").content.decode()
    assert WARNING in page
    assert f"{WARNING} {next_year}" in page or f", {next_year}:" in page


def test_the_dashboard_says_nothing_when_both_years_are_loaded(client):
    both_years_loaded()
    client.force_login(factories.UserFactory(roles=["manager"], username="manager1"))
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert WARNING not in response.content.decode()


def test_other_pages_make_no_query_for_the_warning(client, django_assert_num_queries):
    # The login page renders with every context processor and makes no query at all.
    with django_assert_num_queries(0):
        assert client.get(reverse("desk:login")).status_code == 200
