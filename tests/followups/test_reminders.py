"""Reminder emails go out with the maintenance and warranty-expiry callbacks."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import translation

from customers.models import ProductCategory
from followups.scheduling import schedule_maintenance_callbacks, schedule_warranty_expiry_callbacks
from tests import factories
from tickets.models import OutboundEmail

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


def test_a_warranty_expiry_callback_sends_one_reminder_with_the_offer(django_capture_on_commit_callbacks):
    customer = factories.CustomerFactory(email="li@example.com", preferred_language="en")
    fridge = factories.ProductModelFactory(
        code="BCD-1", name="Fridge", category=ProductCategory.objects.get(code="fridge")
    )
    factories.ProductUnitFactory(owner=customer, model=fridge, serial="F-1", invoice_date=dt.date(2025, 12, 10))
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_warranty_expiry_callbacks(today=TODAY) == 1
        assert schedule_warranty_expiry_callbacks(today=TODAY) == 0
    email = OutboundEmail.objects.get()
    assert (email.template, email.to_email, email.status) == ("tickets/reminder_warranty", "li@example.com", "sent")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "The warranty of your Fridge ends soon"
    assert "ends on 2026-12-10" in mail.outbox[0].body
    assert "extend the warranty" in mail.outbox[0].body


def test_a_maintenance_reminder_is_in_the_customers_language(django_capture_on_commit_callbacks):
    customer = factories.CustomerFactory(email="wang@example.com", preferred_language="zh-hans")
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


def test_no_email_address_means_no_reminder():
    customer = factories.CustomerFactory(email="")
    fridge = factories.ProductModelFactory(code="BCD-2", category=ProductCategory.objects.get(code="fridge"))
    factories.ProductUnitFactory(owner=customer, model=fridge, invoice_date=dt.date(2025, 12, 10))
    assert schedule_warranty_expiry_callbacks(today=TODAY) == 1
    assert not OutboundEmail.objects.exists()
