"""A customer who opted out of offers is contacted about none, wherever an offer could go: no lead
is found, no lead is worked, the warranty-expiry call and its reminder carry no extended-warranty
offer, and a call scheduled before the opt-out loses its offer (docs/sales.md#consent-and-opting-out)."""

import datetime as dt

import pytest
from django.core import mail

from aftersales.roles import Role
from customers.models import ProductCategory
from customers.referral_choices import OffersConsent, ReferralChannel
from followups.choices import CallbackKind
from followups.models import CallbackVisit
from followups.reminders import schedule_warranty_expiry_callbacks
from notifications.models import OutboundMessage
from sales.leads import offers_consent_record
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


def _fridge(consent: str):
    customer = factories.CustomerFactory(
        email="li@example.com",
        email_verified=True,
        preferred_channel="email",
        preferred_language="en",
        offers_consent=consent,
    )
    fridge = factories.ProductModelFactory(
        code="BCD-1", name="Fridge", category=ProductCategory.objects.get(code="fridge")
    )
    factories.ProductUnitFactory(owner=customer, model=fridge, serial="F-1", invoice_date=dt.date(2025, 12, 10))
    return customer


def test_the_warranty_expiry_call_of_an_owner_who_opted_out_offers_nothing(django_capture_on_commit_callbacks):
    _fridge(OffersConsent.REFUSED)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_warranty_expiry_callbacks(today=TODAY) == 1
    visit = CallbackVisit.objects.get(kind=CallbackKind.WARRANTY_EXPIRY)
    assert visit.extended_warranty_offer is False
    # The warranty-end reminder announces the offer (its SMS names it), so none is sent: the
    # agent's call tells the customer the warranty ends, and offers nothing.
    assert mail.outbox == []
    assert not OutboundMessage.objects.filter(customer=visit.customer).exists()


def test_an_owner_who_agreed_or_was_not_asked_is_offered(django_capture_on_commit_callbacks):
    _fridge(OffersConsent.NOT_ASKED)
    with django_capture_on_commit_callbacks(execute=True):
        schedule_warranty_expiry_callbacks(today=TODAY)
    assert CallbackVisit.objects.get().extended_warranty_offer is True
    assert "extend the warranty" in mail.outbox[0].body


def test_opting_out_takes_the_offer_off_the_calls_still_to_make():
    customer = _fridge(OffersConsent.GIVEN)
    schedule_warranty_expiry_callbacks(today=TODAY)
    offers_consent_record(
        customer=customer,
        consent=OffersConsent.REFUSED,
        source=ReferralChannel.PHONE,
        by=factories.UserFactory(roles=[Role.AGENT]),
    )
    assert CallbackVisit.objects.get().extended_warranty_offer is False
