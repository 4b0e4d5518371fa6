"""followups/reminders.py and its tasks: maintenance and warranty-expiry callbacks (issue 5 point 3)."""

import contextlib
import datetime as dt
from unittest import mock

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from customers.models import ProductUnit, UnitStatus
from followups import reminders as scheduling
from followups.choices import CallbackKind, CallbackStatus
from followups.models import CallbackVisit
from followups.reminders import (
    schedule_maintenance_callbacks,
    schedule_warranty_expiry_callbacks,
    warranty_expiry_candidates,
)
from followups.tasks import maintenance_callbacks_task, warranty_expiry_callbacks_task
from tests import factories
from tests.concurrency import run_at_once

TODAY = dt.date(2026, 3, 5)
DAY = dt.timedelta(days=1)


def _unit(*, interval=365, status=UnitStatus.IN_USE, warranty_end=None, owner=None, **dates):
    """A unit whose dates are exactly the given ones (the factory's invoice date cleared)."""
    model = factories.ProductModelFactory(maintenance_interval_days=interval)
    unit = factories.ProductUnitFactory(model=model, owner=owner or factories.CustomerFactory())
    fields = {"invoice_date": None, "installation_date": None, "replacement_date": None, **dates}
    fields |= {"status": status, "warranty_end": warranty_end}
    ProductUnit.objects.filter(pk=unit.pk).update(**fields)
    return unit


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _keys(kind):
    return sorted(CallbackVisit.objects.filter(kind=kind).values_list("dedupe_key", flat=True))


# --- maintenance ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_maintenance_is_called_when_the_next_date_is_within_two_weeks():
    year = 365
    due_today = _unit(installation_date=TODAY - year * DAY)
    last_window_day = _unit(installation_date=TODAY + 14 * DAY - year * DAY)
    just_outside = _unit(installation_date=TODAY + 15 * DAY - year * DAY)
    just_passed = _unit(installation_date=TODAY - DAY - year * DAY)
    second_year = _unit(installation_date=TODAY + 3 * DAY - 2 * year * DAY)
    by_invoice = _unit(invoice_date=TODAY + 5 * DAY - year * DAY)
    # A replacement keeps the original's installation date; its own interval starts on hand-over.
    replacement = _unit(installation_date=TODAY + 7 * DAY - year * DAY, replacement_date=TODAY + 9 * DAY - year * DAY)
    short_interval = _unit(interval=20, installation_date=TODAY - 10 * DAY)
    installed_today = _unit(interval=10, installation_date=TODAY)
    _unit(interval=None, installation_date=TODAY - year * DAY)
    _unit(interval=0, installation_date=TODAY - year * DAY)
    _unit(status=UnitStatus.REPLACED, installation_date=TODAY - year * DAY)
    _unit(status=UnitStatus.RETURNED, installation_date=TODAY - year * DAY)
    _unit()  # no date to count from

    assert schedule_maintenance_callbacks(today=TODAY) == 6

    expected = {
        due_today: TODAY,
        last_window_day: TODAY + 14 * DAY,
        second_year: TODAY + 3 * DAY,
        by_invoice: TODAY + 5 * DAY,
        replacement: TODAY + 9 * DAY,
        short_interval: TODAY + 10 * DAY,
    }
    assert _keys(CallbackKind.MAINTENANCE) == sorted(
        f"maintenance:{unit.pk}:{day.isoformat()}" for unit, day in expected.items()
    )
    assert not CallbackVisit.objects.filter(unit__in=[just_outside, just_passed, installed_today]).exists()
    visit = CallbackVisit.objects.get(unit=due_today)
    assert (visit.kind, visit.status, visit.customer, visit.ticket, visit.extended_warranty_offer) == (
        CallbackKind.MAINTENANCE,
        CallbackStatus.DUE,
        due_today.owner,
        None,
        False,
    )
    # The call is due at once: two weeks ahead of the visit, so there is time to book it.
    assert set(CallbackVisit.objects.values_list("due_at", flat=True)) == {_start_of(TODAY)}


@pytest.mark.django_db
def test_a_unit_installed_today_waits_a_day_and_then_gets_its_first_maintenance_call():
    unit = _unit(interval=10, installation_date=TODAY)
    assert schedule_maintenance_callbacks(today=TODAY - DAY) == 0
    assert schedule_maintenance_callbacks(today=TODAY) == 0
    assert schedule_maintenance_callbacks(today=TODAY + DAY) == 1
    assert _keys(CallbackKind.MAINTENANCE) == [f"maintenance:{unit.pk}:2026-03-15"]


@pytest.mark.django_db
def test_maintenance_goes_to_the_customers_representative(agent):
    customer = factories.CustomerFactory(representative=agent)
    _unit(owner=customer, installation_date=TODAY - 360 * DAY)
    schedule_maintenance_callbacks(today=TODAY)
    assert CallbackVisit.objects.get().assigned_to == agent


@pytest.mark.django_db
def test_maintenance_run_twice_creates_nothing_new_and_the_second_run_is_one_query(django_assert_num_queries):
    _unit(installation_date=TODAY - 360 * DAY)
    _unit(installation_date=TODAY - 355 * DAY)
    assert schedule_maintenance_callbacks(today=TODAY) == 2
    with django_assert_num_queries(1):
        assert schedule_maintenance_callbacks(today=TODAY) == 0
    # The next day the same maintenance dates are still in the window: still one call each.
    assert schedule_maintenance_callbacks(today=TODAY + DAY) == 0
    assert CallbackVisit.objects.count() == 2


@pytest.mark.django_db
def test_the_next_maintenance_of_the_same_unit_gets_its_own_call():
    unit = _unit(interval=100, installation_date=TODAY - 95 * DAY)
    assert schedule_maintenance_callbacks(today=TODAY) == 1
    assert schedule_maintenance_callbacks(today=TODAY + 95 * DAY) == 1
    assert _keys(CallbackKind.MAINTENANCE) == [
        f"maintenance:{unit.pk}:2026-03-10",
        f"maintenance:{unit.pk}:2026-06-18",
    ]


@pytest.mark.django_db
def test_the_unique_key_not_the_prior_read_decides(django_assert_num_queries):
    _unit(installation_date=TODAY - 360 * DAY)
    _unit(warranty_end=TODAY + 20 * DAY)
    assert schedule_maintenance_callbacks(today=TODAY) == 1
    assert schedule_warranty_expiry_callbacks(today=TODAY) == 1
    # Even when the read cannot see the existing visits (as a worker racing another one),
    # the insert is refused by the unique key and nothing is created twice.
    with mock.patch.object(scheduling, "_not_yet_scheduled", lambda units: units):
        assert schedule_maintenance_callbacks(today=TODAY) == 0
        assert schedule_warranty_expiry_callbacks(today=TODAY) == 0
    assert CallbackVisit.objects.count() == 2


# --- warranty expiry ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_warranty_expiry_is_called_in_the_last_30_days_with_an_extended_warranty_offer():
    ends_in_30 = _unit(interval=None, warranty_end=TODAY + 30 * DAY)
    ends_today = _unit(interval=None, warranty_end=TODAY)
    ends_in_10 = _unit(interval=None, warranty_end=TODAY + 10 * DAY)
    _unit(interval=None, warranty_end=TODAY + 31 * DAY)
    _unit(interval=None, warranty_end=TODAY - DAY)
    _unit(interval=None, warranty_end=TODAY + 5 * DAY, status=UnitStatus.REPLACED)
    _unit(interval=None, warranty_end=TODAY + 5 * DAY, status=UnitStatus.RETURNED)
    _unit(interval=None, warranty_end=None)

    assert schedule_warranty_expiry_callbacks(today=TODAY) == 3

    assert _keys(CallbackKind.WARRANTY_EXPIRY) == sorted(
        [
            f"warranty_expiry:{ends_in_30.pk}:2026-04-04",
            f"warranty_expiry:{ends_today.pk}:2026-03-05",
            f"warranty_expiry:{ends_in_10.pk}:2026-03-15",
        ]
    )
    visits = CallbackVisit.objects.filter(kind=CallbackKind.WARRANTY_EXPIRY)
    assert {(v.unit_id, v.customer_id, v.extended_warranty_offer, v.status) for v in visits} == {
        (unit.pk, unit.owner_id, True, CallbackStatus.DUE) for unit in (ends_in_30, ends_today, ends_in_10)
    }
    # Due 30 days before the end; a unit that came into the window late is due today.
    assert {v.due_at for v in visits} == {_start_of(TODAY)}


@pytest.mark.django_db
def test_warranty_expiry_is_due_30_days_before_the_end():
    unit = _unit(interval=None, warranty_end=TODAY + 31 * DAY)
    assert schedule_warranty_expiry_callbacks(today=TODAY) == 0
    assert schedule_warranty_expiry_callbacks(today=TODAY + DAY) == 1
    visit = CallbackVisit.objects.get()
    assert (visit.unit, visit.due_at) == (unit, _start_of(TODAY + DAY))


@pytest.mark.django_db
def test_warranty_expiry_run_twice_creates_nothing_new(django_assert_num_queries):
    _unit(interval=None, warranty_end=TODAY + 30 * DAY)
    _unit(interval=None, warranty_end=TODAY + 2 * DAY)
    assert schedule_warranty_expiry_callbacks(today=TODAY) == 2
    with django_assert_num_queries(1):
        assert schedule_warranty_expiry_callbacks(today=TODAY) == 0
    assert schedule_warranty_expiry_callbacks(today=TODAY + 2 * DAY) == 0
    assert CallbackVisit.objects.count() == 2


@pytest.mark.django_db
def test_a_changed_warranty_end_is_a_new_period_with_its_own_call():
    unit = _unit(interval=None, warranty_end=TODAY + 5 * DAY)
    assert schedule_warranty_expiry_callbacks(today=TODAY) == 1
    ProductUnit.objects.filter(pk=unit.pk).update(warranty_end=TODAY + 25 * DAY)
    assert schedule_warranty_expiry_callbacks(today=TODAY) == 1
    assert CallbackVisit.objects.filter(unit=unit).count() == 2


@pytest.mark.django_db
def test_the_warranty_filter_reads_the_warranty_end_index():
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A tiny test table is cheaper to scan: ask whether the index can be used at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = warranty_expiry_candidates(today=TODAY).explain()
    assert "customers_productunit_warranty_end" in plan, plan


# --- tasks and the beat schedule -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_tasks_schedule_for_the_business_day_through_celery():
    today = timezone.localdate()
    maintained = _unit(installation_date=today - 360 * DAY)
    expiring = _unit(interval=None, warranty_end=today + 3 * DAY)

    assert maintenance_callbacks_task.delay().get() == 1
    assert warranty_expiry_callbacks_task.delay().get() == 1
    assert maintenance_callbacks_task.delay().get() == 0

    assert _keys(CallbackKind.MAINTENANCE) == [f"maintenance:{maintained.pk}:{today + 5 * DAY}"]
    assert _keys(CallbackKind.WARRANTY_EXPIRY) == [f"warranty_expiry:{expiring.pk}:{today + 3 * DAY}"]


def test_tasks_are_registered_under_their_names():
    assert maintenance_callbacks_task.name == "followups.maintenance_callbacks_task"
    assert warranty_expiry_callbacks_task.name == "followups.warranty_expiry_callbacks_task"


@pytest.mark.django_db
def test_migrate_schedules_both_tasks_daily_at_night_in_business_time(settings):
    tasks = {
        task.task: task
        for task in PeriodicTask.objects.select_related("crontab").filter(
            task__in=["followups.maintenance_callbacks_task", "followups.warranty_expiry_callbacks_task"]
        )
    }
    assert sorted(tasks) == ["followups.maintenance_callbacks_task", "followups.warranty_expiry_callbacks_task"]
    schedules = {
        name: (
            task.enabled,
            task.crontab.hour,
            task.crontab.minute,
            task.crontab.day_of_week,
            task.crontab.day_of_month,
            task.crontab.month_of_year,
            str(task.crontab.timezone),
        )
        for name, task in tasks.items()
    }
    assert schedules == {
        "followups.maintenance_callbacks_task": (True, "2", "0", "*", "*", "*", "Asia/Shanghai"),
        "followups.warranty_expiry_callbacks_task": (True, "2", "15", "*", "*", "*", "Asia/Shanghai"),
    }
    assert settings.TIME_ZONE == "Asia/Shanghai"


# --- PostgreSQL: two workers at once -------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("blind_read", [False, True], ids=["as-is", "read-sees-nothing"])
def test_two_workers_at_once_create_each_visit_once(blind_read):
    units = 25
    for offset in range(units):
        _unit(installation_date=TODAY - (351 + offset % 14) * DAY, warranty_end=TODAY + (offset + 1) * DAY)

    def both():
        return schedule_maintenance_callbacks(today=TODAY) + schedule_warranty_expiry_callbacks(today=TODAY)

    patch = (
        mock.patch.object(scheduling, "_not_yet_scheduled", lambda qs: qs) if blind_read else contextlib.nullcontext()
    )
    with patch:
        results = run_at_once(both, both, both)

    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 2 * units
    assert CallbackVisit.objects.filter(kind=CallbackKind.MAINTENANCE).count() == units
    assert CallbackVisit.objects.filter(kind=CallbackKind.WARRANTY_EXPIRY).count() == units
