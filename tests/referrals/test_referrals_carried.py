"""A code carried by the portal's request form, the desk's new ticket and the customers API; a
refused code is a field error with nothing saved; trying codes on the portal is rate-limited."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from aftersales.roles import Role
from customers.models import Customer, ProductCategory
from customers.referral_choices import ReferralChannel
from customers.referrals import CODE_REFUSED
from tests import factories
from tests.api.conftest import client_for, field_errors
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def referrer():
    return factories.CustomerFactory(name="Referrer Li", phone="+8613700000001", referral_code="7KQ2MX9P")


@pytest.fixture
def washer_model():
    return factories.ProductModelFactory(code="XQG80-P1", category=ProductCategory.objects.get(code="washing_machine"))


def _portal_data(model, **overrides):
    data = {
        "kind": "repair",
        "description": "The drum does not turn.",
        "model": model.code,
        "serial": "P1-000777",
        "purchase_date": (timezone.localdate() - dt.timedelta(days=20)).isoformat(),
        "name": "Zhou Min",
        "phone": "139 8888 7777",
        "address": "1 Haier Road",
        "region": "Qingdao",
        "website": "",
    }
    return data | overrides


def test_the_portal_request_carries_a_code_for_a_new_customer(client, referrer, washer_model):
    response = client.post(reverse("portal:submit"), _portal_data(washer_model, referral_code="7kq2 mx9p"))

    assert response.status_code == 302
    customer = Customer.objects.get(phone="+8613988887777")
    assert (customer.referred_by_id, customer.referral_channel) == (referrer.pk, ReferralChannel.PORTAL)


@pytest.mark.parametrize("code", ["22222222", "self"])
def test_a_refused_code_on_the_portal_saves_nothing_and_names_no_one(client, referrer, washer_model, code):
    if code == "self":
        code = factories.CustomerFactory(phone="+8613988887777").referral_code
    customers = Customer.objects.count()

    response = client.post(reverse("portal:submit"), _portal_data(washer_model, referral_code=code))

    assert response.status_code == 400
    assert response.context["form"].errors["referral_code"] == [str(CODE_REFUSED)]
    assert (Customer.objects.count(), Ticket.objects.count()) == (customers, 0)
    assert b"Referrer Li" not in response.content and b"13700000001" not in response.content


def test_trying_codes_on_the_portal_is_rate_limited(client, referrer, washer_model):
    """Someone guessing codes: each try costs the form's limit (5 an hour per address and phone)."""
    for index in range(5):
        tried = client.post(reverse("portal:submit"), _portal_data(washer_model, referral_code=f"2222222{index + 2}"))
        assert tried.status_code == 400
    response = client.post(reverse("portal:submit"), _portal_data(washer_model, referral_code=referrer.referral_code))

    assert response.status_code == 429
    assert not Customer.objects.filter(referred_by=referrer).exists()


def test_the_desk_intake_carries_a_code_for_a_new_caller(client, referrer):
    agent = factories.UserFactory(roles=[Role.AGENT])
    client.force_login(agent)
    data = {
        "phone": "13988887777",
        "customer_name": "Zhou Min",
        "customer_language": "zh-hans",
        "kind": "repair",
        "channel": "phone",
        "priority": "normal",
        "description": "Noisy",
        "unit": "",
        "referral_code": "7KQ2-MX9P",
    }
    response = client.post(reverse("desk:ticket_new"), data)

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    customer = Customer.objects.get(phone="+8613988887777")
    assert (customer.referred_by_id, customer.referral_channel) == (referrer.pk, ReferralChannel.DESK)

    # A known caller with a ticket already is not new: refused, the ticket not logged.
    data |= {"referral_code": referrer.referral_code, "description": "Again"}
    again = client.post(reverse("desk:ticket_new"), data)
    assert again.status_code == 400
    assert again.context["form"].errors["referral_code"] == [str(CODE_REFUSED)]
    assert Ticket.objects.filter(customer=customer).count() == 1


def test_the_customers_api_carries_a_code_and_refuses_one_with_nothing_created(referrer):
    api = client_for(factories.UserFactory(roles=[Role.AGENT]))
    created = api.post(
        "/api/customers/", {"name": "Zhou Min", "phone": "13988887777", "referral_code": "7kq2mx9p"}, format="json"
    )
    assert created.status_code == 201
    customer = Customer.objects.get(phone="+8613988887777")
    assert (customer.referred_by_id, customer.referral_channel) == (referrer.pk, ReferralChannel.API)

    refused = api.post(
        "/api/customers/", {"name": "Qian Lei", "phone": "13988886666", "referral_code": "22222222"}, format="json"
    )
    assert refused.status_code == 400
    assert field_errors(refused) == {"referral_code": [str(CODE_REFUSED)]}
    assert not Customer.objects.filter(phone="+8613988886666").exists()
