"""Maintenance plans book their included visits through the callback queue, by date or by
odometer whichever comes first (followups/plan_reminders.py): timing on the boundary days,
idempotence, used-up plans, the reminder, and the ordinary maintenance call left out."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from contracts.choices import ContractStatus
from customers.models import UnitStatus
from followups.choices import CallbackKind, CallbackStatus
from followups.models import CallbackVisit
from followups.plan_reminders import schedule_plan_visit_callbacks
from followups.reminders import schedule_maintenance_callbacks
from followups.tasks import plan_visit_callbacks_task
from notifications.models import OutboundMessage
from tests import factories
from tests.plans.factories_plans import ContractProductFactory, ServiceContractFactory, reading, visit_done

pytestmark = pytest.mark.django_db
D = dt.date
TZ = ZoneInfo(settings.TIME_ZONE)


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=TZ)


def home_plan(**kwargs):
    """Starts 1 Jan 2026, 4 visits every 6 months: the first is due 1 July 2026."""
    return ServiceContractFactory(starts_on=D(2026, 1, 1), ends_on=D(2027, 12, 31), **kwargs)


def car_plan():
    """4 visits every 6 months or 10,000 km from 5,000 km at the start."""
    product = ContractProductFactory(code="car-care", visit_interval_km=10_000)
    return ServiceContractFactory(product=product, start_km=5_000, starts_on=D(2026, 1, 1), ends_on=D(2027, 12, 31))


def test_the_first_visit_is_booked_two_weeks_before_six_months_from_the_start():
    plan = home_plan()
    # 1 July - 14 days = 17 June; on the 16th the visit is 15 days off.
    assert schedule_plan_visit_callbacks(today=D(2026, 6, 16)) == 0
    assert schedule_plan_visit_callbacks(today=D(2026, 6, 17)) == 1

    visit = CallbackVisit.objects.get()
    assert (visit.kind, visit.status, visit.contract, visit.unit, visit.customer, visit.ticket) == (
        CallbackKind.PLAN_VISIT,
        CallbackStatus.DUE,
        plan,
        plan.unit,
        plan.customer,
        None,
    )
    assert visit.due_at == midnight(D(2026, 6, 17))
    assert visit.dedupe_key == f"plan_visit:{plan.pk}:1"
    assert visit.extended_warranty_offer is False


def test_running_twice_creates_one_visit_and_the_repeat_costs_one_query(django_assert_num_queries):
    home_plan()
    assert schedule_plan_visit_callbacks(today=D(2026, 6, 20)) == 1
    with django_assert_num_queries(1):
        assert schedule_plan_visit_callbacks(today=D(2026, 6, 20)) == 0
    assert schedule_plan_visit_callbacks(today=D(2026, 6, 21)) == 0
    assert CallbackVisit.objects.count() == 1


def test_the_next_visit_counts_from_the_last_one_done():
    plan = home_plan()
    visit_done(plan, 1, D(2026, 7, 10))
    # 10 July + 6 months = 10 January 2027, booked from 27 December.
    assert schedule_plan_visit_callbacks(today=D(2026, 12, 26)) == 0
    assert schedule_plan_visit_callbacks(today=D(2026, 12, 27)) == 1
    visit = CallbackVisit.objects.get()
    assert (visit.dedupe_key, visit.due_at) == (f"plan_visit:{plan.pk}:2", midnight(D(2026, 12, 27)))


def test_a_used_up_plan_books_no_more_visits():
    plan = home_plan()
    for number, day in enumerate((D(2026, 7, 1), D(2027, 1, 1), D(2027, 7, 1), D(2027, 12, 1)), start=1):
        visit_done(plan, number, day)
    assert schedule_plan_visit_callbacks(today=D(2027, 12, 20)) == 0
    assert not CallbackVisit.objects.exists()


def test_a_cancelled_plan_or_a_unit_out_of_use_books_nothing():
    home_plan(status=ContractStatus.CANCELLED)
    returned = home_plan()
    returned.unit.status = UnitStatus.RETURNED
    returned.unit.save()
    assert schedule_plan_visit_callbacks(today=D(2026, 6, 30)) == 0


def test_a_car_reaching_its_distance_first_is_booked_at_once():
    plan = car_plan()
    # 5,000 + 10,000 km: 14,999 on 9 March is not there yet; 15,000 on 10 March is.
    reading(plan.unit, 14_999, D(2026, 3, 9))
    assert schedule_plan_visit_callbacks(today=D(2026, 3, 9)) == 0
    reading(plan.unit, 15_000, D(2026, 3, 10))
    assert schedule_plan_visit_callbacks(today=D(2026, 3, 10)) == 1
    visit = CallbackVisit.objects.get()
    assert (visit.dedupe_key, visit.due_at) == (f"plan_visit:{plan.pk}:1", midnight(D(2026, 3, 10)))


def test_a_car_driven_little_is_booked_by_date_and_the_next_counts_from_the_visits_km():
    plan = car_plan()
    reading(plan.unit, 9_000, D(2026, 6, 1))
    assert schedule_plan_visit_callbacks(today=D(2026, 6, 17)) == 1
    # Visit 1 on 1 July at 9,500 km: the next at 19,500 km or 1 January 2027.
    visit_done(plan, 1, D(2026, 7, 1), km=9_500)
    reading(plan.unit, 19_499, D(2026, 9, 1))
    assert schedule_plan_visit_callbacks(today=D(2026, 9, 1)) == 0
    reading(plan.unit, 19_500, D(2026, 9, 2))
    assert schedule_plan_visit_callbacks(today=D(2026, 9, 2)) == 1
    assert list(CallbackVisit.objects.order_by("pk").values_list("dedupe_key", "due_at")) == [
        (f"plan_visit:{plan.pk}:1", midnight(D(2026, 6, 17))),
        (f"plan_visit:{plan.pk}:2", midnight(D(2026, 9, 2))),
    ]


def test_the_customer_is_reminded_as_for_maintenance_unless_they_stopped_reminders(
    django_capture_on_commit_callbacks,
):
    reminded = home_plan(unit=factories.ProductUnitFactory(owner=factories.CustomerFactory(preferred_language="en")))
    home_plan(unit=factories.ProductUnitFactory(owner=factories.CustomerFactory(optional_messages=False)))
    # Opting out of offers is not opting out of what the customer bought.
    home_plan(unit=factories.ProductUnitFactory(owner=factories.CustomerFactory(offers_consent="refused")))
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_plan_visit_callbacks(today=D(2026, 6, 17)) == 3
    messages = OutboundMessage.objects.order_by("pk")
    assert [(m.customer_id, m.template, m.essential) for m in messages] == [
        (reminded.customer_id, "reminder_maintenance", False),
        (messages[1].customer_id, "reminder_maintenance", False),
    ]
    assert messages[1].customer.offers_consent == "refused"


def test_the_daily_task_uses_the_business_day():
    home_plan()
    # 16 June 23:30 in UTC is already 17 June in the business time zone (UTC+8).
    with time_machine.travel(dt.datetime(2026, 6, 16, 23, 30, tzinfo=dt.UTC), tick=False):
        assert timezone.localdate() == D(2026, 6, 17)
        assert plan_visit_callbacks_task() == 1
        assert plan_visit_callbacks_task() == 0


def test_a_unit_on_a_plan_gets_no_ordinary_maintenance_call():
    today = D(2026, 6, 17)
    # Running 360 days with a 365-day interval: maintenance due in 5 days.
    on_plan = factories.ProductUnitFactory(invoice_date=today - dt.timedelta(days=360))
    without = factories.ProductUnitFactory(invoice_date=today - dt.timedelta(days=360))
    home_plan(unit=on_plan)
    assert schedule_maintenance_callbacks(today=today) == 1
    assert CallbackVisit.objects.get(kind=CallbackKind.MAINTENANCE).unit == without
