"""customers/services.py: creating customers (their product units: tests/customers/test_units.py)."""

import pytest
from django.core.exceptions import ValidationError

from customers.models import Customer
from customers.services import customer_create
from tests.factories import (
    CustomerFactory,
)

pytestmark = pytest.mark.django_db

DUPLICATE_PHONE = "A customer with this phone number already exists."


# --- customer_create ---------------------------------------------------------------------------


def test_customer_create_stores_the_normalised_phone(agent):
    customer = customer_create(
        name="  Wang Fang ",
        phone="138 1234-5678",
        email=" wang@example.com ",
        address=" 1 Haier Road ",
        region=" Qingdao ",
        by=agent,
    )
    customer.refresh_from_db()
    assert customer.name == "Wang Fang"
    assert customer.phone == "+8613812345678"
    assert customer.phone_display == "138 1234 5678"
    assert (customer.email, customer.address, customer.region) == ("wang@example.com", "1 Haier Road", "Qingdao")
    assert customer.preferred_language == "zh-hans"
    assert Customer.objects.count() == 1


def test_customer_create_keeps_the_representative_and_no_referrer(agent):
    customer = customer_create(name="Li Lei", phone="+86 139 0000 1111", representative=agent, preferred_language="en")
    customer.refresh_from_db()
    assert customer.representative == agent
    # A referral is recorded from a code, with its date and channel (customers/referrals.py).
    assert (customer.referred_by, customer.referred_at, customer.referral_channel) == (None, None, "")
    assert customer.preferred_language == "en"


@pytest.mark.parametrize("same_number", ["+8613812345678", "0086 138 1234 5678", "138-1234-5678", "86 13812345678"])
def test_customer_create_rejects_a_phone_already_taken_in_another_format(same_number):
    first = customer_create(name="Wang Fang", phone="13812345678")
    with pytest.raises(ValidationError) as excinfo:
        customer_create(name="Someone Else", phone=same_number)
    assert excinfo.value.message_dict == {"phone": [DUPLICATE_PHONE]}
    assert list(Customer.objects.values_list("pk", "name")) == [(first.pk, "Wang Fang")]


@pytest.mark.parametrize("name", ["", "   ", None])
def test_customer_create_needs_a_name(name):
    with pytest.raises(ValidationError) as excinfo:
        customer_create(name=name, phone="13812345678")
    assert excinfo.value.message_dict == {"name": ["Enter the customer's name."]}
    assert Customer.objects.count() == 0


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("", "Enter a phone number."),
        ("call me", "A phone number contains digits only."),
        ("1381234567", "This phone number is not valid: check the digits and the country code."),
    ],
)
def test_customer_create_rejects_a_bad_phone(phone, message):
    with pytest.raises(ValidationError) as excinfo:
        customer_create(name="Wang Fang", phone=phone)
    assert excinfo.value.message_dict == {"phone": [message]}
    assert Customer.objects.count() == 0


def test_customer_create_reports_every_field_at_once():
    CustomerFactory(phone="+8613812345678")
    with pytest.raises(ValidationError) as excinfo:
        customer_create(name=" ", phone="138 1234 5678")
    assert excinfo.value.message_dict == {"name": ["Enter the customer's name."], "phone": [DUPLICATE_PHONE]}
    assert Customer.objects.count() == 1


def test_customer_create_for_a_number_just_looked_up_asks_no_more_and_is_still_refused_when_taken(
    django_assert_num_queries,
):
    with django_assert_num_queries(3):  # the savepoint, the insert, its release
        created = customer_create(name="Wang Fang", phone="13812345678", phone_is_new=True)
    # Taken meanwhile (by another request): the unique phone refuses it with the same field error,
    # and the caller's transaction goes on.
    with pytest.raises(ValidationError) as excinfo:
        customer_create(name="Someone Else", phone="138 1234 5678", phone_is_new=True)
    assert excinfo.value.message_dict == {"phone": [DUPLICATE_PHONE]}
    assert list(Customer.objects.values_list("pk", "name")) == [(created.pk, "Wang Fang")]


def test_customer_create_rejects_a_bad_email():
    with pytest.raises(ValidationError) as excinfo:
        customer_create(name="Wang Fang", phone="13812345678", email="not-an-address")
    assert excinfo.value.message_dict == {"email": ["Enter a valid email address."]}
    assert Customer.objects.count() == 0
