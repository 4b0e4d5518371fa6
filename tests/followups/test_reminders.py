"""Reminders go out with the maintenance and warranty-expiry callbacks, on the customer's channel,
unless the customer opted out of reminders and offers."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import translation

from customers.models import ProductCategory
from followups.models import CallbackVisit
from followups.reminders import schedule_maintenance_callbacks, schedule_warranty_expiry_callbacks
from notifications.models import OutboundMessage
from notifications.sms.locmem import outbox as sms_outbox
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


def _fridge(customer, code="BCD-1"):
    fridge = factories.ProductModelFactory(
        code=code, name="Fridge", category=ProductCategory.objects.get(code="fridge")
    )
    return factories.ProductUnitFactory(owner=customer, model=fridge, serial="F-1", invoice_date=dt.date(2025, 12, 10))


def test_a_warranty_expiry_callback_emails_one_reminder_with_the_offer(django_capture_on_commit_callbacks):
    customer = factories.CustomerFactory(
        email="li@example.com", email_verified=True, preferred_channel="email", preferred_language="en"
    )
    _fridge(customer)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_warranty_expiry_callbacks(today=TODAY) == 1
        assert schedule_warranty_expiry_callbacks(today=TODAY) == 0
    message = OutboundMessage.objects.get()
    assert (message.channel, message.template, message.recipient, message.status, message.essential) == (
        "email",
        "reminder_warranty",
        "li@example.com",
        "sent",
        False,
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "The warranty of your Fridge ends soon"
    assert "ends on 2026-12-10" in mail.outbox[0].body
    assert "extend the warranty" in mail.outbox[0].body
    assert (
        "To stop reminders and offers, or to choose SMS or email, go to your account:\nhttp://127.0.0.1:8000/account/\n"
    ) in mail.outbox[0].body
    assert sms_outbox == []


def test_a_customer_without_a_confirmed_email_gets_the_reminder_by_sms(django_capture_on_commit_callbacks):
    customer = factories.CustomerFactory(phone="+8613812345678", email="li@example.com", preferred_language="en")
    _fridge(customer)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_warranty_expiry_callbacks(today=TODAY) == 1

    (sms,) = sms_outbox
    assert (sms.to, sms.template, sms.params) == (
        "+8613812345678",
        "reminder_warranty",
        {
            "product": "Fridge",
            "warranty_end": "10 Dec 2026",
            "request_url": "http://127.0.0.1:8000/request/",
            "account_url": "http://127.0.0.1:8000/account/",
        },
    )
    assert sms.text == (
        "The warranty of your Fridge ends on 10 Dec 2026. Ask us about an extended warranty: "
        "http://127.0.0.1:8000/request/ Stop reminders: http://127.0.0.1:8000/account/"
    )
    assert mail.outbox == []


def test_a_maintenance_reminder_is_in_the_customers_language(django_capture_on_commit_callbacks):
    customer = factories.CustomerFactory(
        email="wang@example.com", email_verified=True, preferred_channel="email", preferred_language="zh-hans"
    )
    washer = factories.ProductModelFactory(
        code="XQG-M",
        name="Washer",
        name_zh="洗衣机",
        maintenance_interval_days=180,
        category=ProductCategory.objects.get(code="washing_machine"),
    )
    factories.ProductUnitFactory(owner=customer, model=washer, invoice_date=TODAY - dt.timedelta(days=170))
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_maintenance_callbacks(today=TODAY) == 1
    assert len(mail.outbox) == 1
    with translation.override("zh-hans"):
        expected = translation.gettext("Time for the maintenance of your %(product)s") % {"product": "洗衣机"}
    assert mail.outbox[0].subject == expected


def test_a_customer_who_opted_out_gets_the_call_but_no_reminder(django_capture_on_commit_callbacks):
    customer = factories.CustomerFactory(optional_messages=False)
    _fridge(customer, code="BCD-2")
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_warranty_expiry_callbacks(today=TODAY) == 1

    assert CallbackVisit.objects.filter(customer=customer).count() == 1
    assert not OutboundMessage.objects.exists()
    assert sms_outbox == [] and mail.outbox == []
