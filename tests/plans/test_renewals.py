"""Renewal calls and reminders in a contract's last 30 days (followups/plan_reminders.py): timing,
idempotence, nothing for a contract renewed or cancelled, and never for a customer who opted
out of offers."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from contracts.choices import ContractKind, ContractStatus
from followups.choices import CallbackKind
from followups.models import CallbackVisit
from followups.plan_reminders import schedule_renewal_callbacks
from followups.tasks import contract_renewal_callbacks_task
from notifications.models import OutboundMessage
from notifications.sms.locmem import outbox as sms_outbox
from tests import factories
from tests.plans.factories_plans import ContractProductFactory, ServiceContractFactory

pytestmark = pytest.mark.django_db
D = dt.date
TZ = ZoneInfo(settings.TIME_ZONE)
ENDS = D(2026, 12, 31)


def warranty(customer=None, **kwargs):
    """An extended warranty ending 31 December 2026."""
    product = ContractProductFactory(
        code="ew-2y", kind=ContractKind.EXTENDED_WARRANTY, name="Extended warranty", included_visits=0
    )
    unit = factories.ProductUnitFactory(owner=customer or factories.CustomerFactory(preferred_language="en"))
    return ServiceContractFactory(product=product, unit=unit, starts_on=D(2025, 1, 1), ends_on=ENDS, **kwargs)


def test_the_renewal_call_comes_30_days_before_the_end_once(django_capture_on_commit_callbacks):
    contract = warranty()
    with django_capture_on_commit_callbacks(execute=True):
        # 31 December - 30 days = 1 December.
        assert schedule_renewal_callbacks(today=D(2026, 11, 30)) == 0
        assert schedule_renewal_callbacks(today=D(2026, 12, 1)) == 1
        assert schedule_renewal_callbacks(today=D(2026, 12, 1)) == 0
        assert schedule_renewal_callbacks(today=D(2026, 12, 2)) == 0

    visit = CallbackVisit.objects.get()
    assert (visit.kind, visit.contract, visit.unit, visit.customer, visit.dedupe_key) == (
        CallbackKind.CONTRACT_RENEWAL,
        contract,
        contract.unit,
        contract.customer,
        f"contract_renewal:{contract.pk}",
    )
    assert visit.due_at == dt.datetime(2026, 12, 1, tzinfo=TZ)
    (sms,) = sms_outbox
    assert (sms.to, sms.template) == (contract.customer.phone, "reminder_renewal")
    assert sms.text == (
        "The service contract of your Drum washer ends on 31 Dec 2026. Renew it or stop reminders on your "
        "account: http://127.0.0.1:8000/account/"
    )
    assert OutboundMessage.objects.get().essential is False


def test_a_contract_found_late_is_called_today_and_an_ended_one_not_at_all():
    contract = warranty()
    assert schedule_renewal_callbacks(today=D(2027, 1, 1)) == 0
    assert schedule_renewal_callbacks(today=D(2026, 12, 31)) == 1
    assert CallbackVisit.objects.get(contract=contract).due_at == dt.datetime(2026, 12, 31, tzinfo=TZ)


def test_the_email_reminder_links_to_the_units_contracts_on_the_portal(django_capture_on_commit_callbacks):
    customer = factories.CustomerFactory(
        email="li@example.com", email_verified=True, preferred_channel="email", preferred_language="en"
    )
    contract = warranty(customer)
    with django_capture_on_commit_callbacks(execute=True):
        schedule_renewal_callbacks(today=D(2026, 12, 1))
    (email,) = mail.outbox
    assert email.subject == "The service contract of your Drum washer ends soon"
    assert f"Your Extended warranty ({contract.number}) on your Drum washer" in email.body
    assert "ends on 2026-12-31." in email.body
    assert f"http://127.0.0.1:8000/account/units/{contract.unit_id}/contracts/" in email.body
    assert sms_outbox == []


def test_a_customer_who_opted_out_of_offers_is_never_offered_a_renewal(django_capture_on_commit_callbacks):
    warranty(factories.CustomerFactory(offers_consent="refused"))
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_renewal_callbacks(today=D(2026, 12, 1)) == 0
        assert schedule_renewal_callbacks(today=D(2026, 12, 31)) == 0
    assert not CallbackVisit.objects.exists()
    assert not OutboundMessage.objects.exists()
    assert sms_outbox == [] and mail.outbox == []


def test_a_customer_who_stopped_reminders_gets_the_call_but_no_message(django_capture_on_commit_callbacks):
    warranty(factories.CustomerFactory(optional_messages=False))
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_renewal_callbacks(today=D(2026, 12, 1)) == 1
    assert not OutboundMessage.objects.exists()


def test_a_renewed_or_cancelled_contract_gets_no_renewal_call():
    renewed = warranty()
    ServiceContractFactory(
        product=renewed.product, unit=renewed.unit, starts_on=D(2027, 1, 1), ends_on=D(2028, 12, 31), renews=renewed
    )
    warranty(status=ContractStatus.CANCELLED)
    assert schedule_renewal_callbacks(today=D(2026, 12, 15)) == 0


def test_the_daily_task_runs_on_the_business_day():
    warranty()
    with time_machine.travel(dt.datetime(2026, 11, 30, 16, 30, tzinfo=dt.UTC), tick=False):
        # 00:30 on 1 December in UTC+8.
        assert contract_renewal_callbacks_task() == 1
        assert contract_renewal_callbacks_task() == 0
