"""Who confirms a customer's email, and the language of desk-created customers.

An email staff enter (desk, API, admin) is confirmed; one typed on a public form is not, until
staff or the proven customer confirm it (customers/services.py, customers/admin.py).
"""

import pytest
from django.urls import reverse

from customers.models import Customer
from customers.services import customer_create, customer_update
from tests import factories
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

CUSTOMERS = "/api/customers/"


@pytest.fixture
def superuser():
    user = factories.UserFactory(username="root")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def _email(customer: Customer) -> tuple[str, bool]:
    customer.refresh_from_db()
    return customer.email, customer.email_verified


# --- the services -----------------------------------------------------------------------------


def test_an_email_staff_enter_on_a_new_customer_is_confirmed(agent):
    customer = customer_create(name="Chen Jie", phone="13812345678", email="chen@example.com", by=agent)

    assert _email(customer) == ("chen@example.com", True)


@pytest.mark.parametrize("by", [None, "portal_user"])
def test_an_email_from_anyone_else_on_a_new_customer_is_unconfirmed(by):
    user = factories.UserFactory(username="+8613800000000") if by == "portal_user" else None

    customer = customer_create(name="Chen Jie", phone="13812345678", email="chen@example.com", by=user)

    assert _email(customer) == ("chen@example.com", False)


def test_a_customer_without_an_email_has_nothing_confirmed(agent):
    customer = customer_create(name="Chen Jie", phone="13812345678", by=agent)

    assert _email(customer) == ("", False)


def test_a_staff_edit_that_changes_the_email_keeps_it_confirmed(agent):
    customer = factories.CustomerFactory(email="old@example.com", email_verified=True)

    customer_update(customer=customer, changes={"email": "new@example.com"}, by=agent)

    assert _email(customer) == ("new@example.com", True)


def test_staff_entering_an_unconfirmed_email_again_confirm_it(agent):
    customer = factories.CustomerFactory(email="typed@example.com", email_verified=False)

    customer_update(customer=customer, changes={"email": "typed@example.com"}, by=agent)

    assert _email(customer) == ("typed@example.com", True)


def test_an_email_changed_by_anyone_else_is_unconfirmed():
    customer = factories.CustomerFactory(email="old@example.com", email_verified=True)

    customer_update(customer=customer, changes={"email": "new@example.com"}, by=None)

    assert _email(customer) == ("new@example.com", False)


def test_an_unchanged_email_sent_by_anyone_else_stays_as_it_was():
    customer = factories.CustomerFactory(email="same@example.com", email_verified=True)

    customer_update(customer=customer, changes={"email": "same@example.com", "region": "Jinan"}, by=None)

    assert _email(customer) == ("same@example.com", True)


def test_an_emptied_email_is_not_confirmed(agent):
    customer = factories.CustomerFactory(email="old@example.com", email_verified=True)

    customer_update(customer=customer, changes={"email": ""}, by=agent)

    assert _email(customer) == ("", False)


def test_an_edit_without_the_email_leaves_its_confirmation(agent):
    customer = factories.CustomerFactory(email="typed@example.com", email_verified=False)

    customer_update(customer=customer, changes={"address": "1 Haier Road"}, by=agent)

    assert _email(customer) == ("typed@example.com", False)


# --- the desk -----------------------------------------------------------------------------------


def _intake(**overrides) -> dict:
    data = {
        "kind": "repair",
        "channel": "phone",
        "priority": "normal",
        "description": "Leaks water.",
        "phone": "186 0000 1234",
        "customer_name": "Chen Jie",
        "customer_email": "chen@example.com",
    }
    data.update(overrides)
    return data


def test_a_customer_the_desk_creates_has_a_confirmed_email_and_chinese_by_default(client, agent):
    client.force_login(agent)
    data = _intake()

    response = client.post(reverse("desk:ticket_new"), data)

    assert response.status_code == 302
    customer = Customer.objects.get()
    assert (customer.email, customer.email_verified, customer.preferred_language) == (
        "chen@example.com",
        True,
        "zh-hans",
    )


def test_the_agent_chooses_the_language_of_a_new_caller(client, agent):
    client.force_login(agent)

    client.post(reverse("desk:ticket_new"), _intake(customer_language="en"))

    assert Customer.objects.get().preferred_language == "en"


def test_the_desk_form_offers_chinese_first_for_a_new_caller(client, agent):
    client.force_login(agent)

    html = client.get(reverse("desk:caller_lookup"), {"phone": "186 0000 1234"}).content.decode()

    assert '<option value="zh-hans" selected>' in html


# --- the API ------------------------------------------------------------------------------------


def test_a_customer_created_through_the_api_has_a_confirmed_email_and_chinese_by_default(agent):
    response = client_for(agent).post(
        CUSTOMERS, {"name": "Chen Jie", "phone": "138 1234 5678", "email": "chen@example.com"}, format="json"
    )

    assert response.status_code == 201
    customer = Customer.objects.get()
    assert (customer.email, customer.email_verified, customer.preferred_language) == (
        "chen@example.com",
        True,
        "zh-hans",
    )
    assert response.json()["preferred_language"] == "zh-hans"


def test_an_api_correction_of_the_email_keeps_it_confirmed_and_the_language_as_it_was(agent):
    customer = factories.CustomerFactory(email="old@example.com", email_verified=True, preferred_language="en")

    response = client_for(agent).patch(f"{CUSTOMERS}{customer.pk}/", {"email": "new@example.com"}, format="json")

    assert response.status_code == 200
    assert _email(customer) == ("new@example.com", True)
    assert customer.preferred_language == "en"


def test_a_refused_api_correction_changes_no_confirmation(technician):
    customer = factories.CustomerFactory(email="typed@example.com", email_verified=False)

    response = client_for(technician).patch(f"{CUSTOMERS}{customer.pk}/", {"email": "x@example.com"}, format="json")

    assert response.status_code == 403
    assert _email(customer) == ("typed@example.com", False)


# --- the admin ------------------------------------------------------------------------------


def _admin_form(**overrides) -> dict:
    data = {
        "name": "Chen Jie",
        "phone": "+8613812345678",
        "email": "chen@example.com",
        "address": "",
        "region": "",
        "preferred_language": "zh-hans",
        "preferred_channel": "sms",
        "optional_messages": "on",
        "phone_verified_at_0": "",
        "phone_verified_at_1": "",
        "account_verified_at_0": "",
        "account_verified_at_1": "",
        "representative": "",
        "referred_by": "",
        "user": "",
    }
    data.update(overrides)
    return data


def test_an_email_an_administrator_enters_is_confirmed(client, superuser):
    client.force_login(superuser)

    response = client.post(reverse("admin:customers_customer_add"), _admin_form())

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert _email(Customer.objects.get()) == ("chen@example.com", True)


def test_an_administrator_changing_the_email_keeps_it_confirmed(client, superuser):
    customer = factories.CustomerFactory(phone="+8613812345678", email="typed@example.com", email_verified=False)
    client.force_login(superuser)

    response = client.post(
        reverse("admin:customers_customer_change", args=[customer.pk]),
        _admin_form(name=customer.name, email="new@example.com"),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert _email(customer) == ("new@example.com", True)


def test_an_administrator_may_leave_a_new_email_unconfirmed_on_purpose(client, superuser):
    customer = factories.CustomerFactory(phone="+8613812345678", email="old@example.com", email_verified=True)
    client.force_login(superuser)

    client.post(
        reverse("admin:customers_customer_change", args=[customer.pk]),
        _admin_form(name=customer.name, email="new@example.com"),  # "email confirmed" unticked
    )

    assert _email(customer) == ("new@example.com", False)
