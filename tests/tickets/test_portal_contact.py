"""Public forms never change what is stored about a known customer; the desk takes typed details
over; the language of messages follows the page (tickets/customer_requests.py, tickets/submitted_contact.py)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer, ProductCategory, ProductUnit
from notifications.models import OutboundMessage
from tests import factories
from tickets.choices import EventKind
from tickets.customer_requests import customer_request_cancel
from tickets.models import Ticket, TicketEvent
from tickets.submitted_contact import Difference, contact_differences, customer_apply_submitted_contact

pytestmark = pytest.mark.django_db

ATTACKER = "attacker@evil.example"
VICTIM_PHONE = "+8613988887777"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def washer_model():
    return factories.ProductModelFactory(code="XQG80-P1", category=ProductCategory.objects.get(code="washing_machine"))


@pytest.fixture
def victim():
    """A customer the desk knows, without an email: the one an email hijack would aim at."""
    return factories.CustomerFactory(
        phone=VICTIM_PHONE,
        name="周敏",
        email="",
        address="青岛市崂山区海尔路1号",
        region="青岛",
        preferred_language="zh-hans",
    )


def _submit_data(product_model, **overrides):
    data = {
        "kind": "repair",
        "description": "The drum does not turn.",
        "model": product_model.code,
        "serial": "P1-000777",
        "purchase_date": (timezone.localdate() - dt.timedelta(days=20)).isoformat(),
        "name": "Zhou Min",
        "phone": "139 8888 7777",
        "email": "zhou@example.com",
        "address": "1 Haier Road",
        "region": "Qingdao",
        "language": "en",
        "website": "",
    }
    data.update(overrides)
    return data


def _register_data(product_model, **overrides):
    data = {
        "model": product_model.code,
        "serial": "REG-1",
        "purchase_date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "name": "Wu Lei",
        "phone": "13600001111",
        "email": "wu@example.com",
        "address": "2 Haier Road",
        "region": "Qingdao",
        "language": "en",
        "website": "",
    }
    data.update(overrides)
    return data


def _record(customer: Customer) -> tuple:
    customer.refresh_from_db()
    return (
        customer.name,
        customer.email,
        customer.email_verified,
        customer.address,
        customer.region,
        customer.preferred_language,
        customer.updated_at,
    )


def _mail_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


# --- the attacks ------------------------------------------------------------------------------


def test_an_email_hijack_through_the_request_form_fails(
    client, washer_model, victim, django_capture_on_commit_callbacks
):
    before = _record(victim)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:submit"), _submit_data(washer_model, email=ATTACKER))

    assert response.status_code == 302
    assert _record(victim) == before
    assert Customer.objects.count() == 1
    ticket = Ticket.objects.get()
    assert ticket.customer == victim
    # Nothing is queued to, nor sent to, the address the attacker typed.
    assert not OutboundMessage.objects.filter(recipient__iexact=ATTACKER).exists()
    assert _mail_to(ATTACKER) == []
    # Later messages about the request (its cancellation sends one) have nowhere to go but the
    # record's details: none to the attacker.
    with django_capture_on_commit_callbacks(execute=True):
        customer_request_cancel(ticket=ticket, customer=victim, reason="")
    ticket.refresh_from_db()
    assert ticket.status == "cancelled"
    assert not OutboundMessage.objects.filter(recipient__iexact=ATTACKER).exists()
    assert _mail_to(ATTACKER) == []


def test_an_email_hijack_of_a_customer_with_an_email_fails(client, washer_model, django_capture_on_commit_callbacks):
    customer = factories.CustomerFactory(
        phone=VICTIM_PHONE, email="zhou@example.com", email_verified=True, preferred_channel="email"
    )
    before = _record(customer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:submit"), _submit_data(washer_model, email=ATTACKER))

    assert _record(customer) == before
    assert not OutboundMessage.objects.filter(recipient__iexact=ATTACKER).exists()
    assert _mail_to(ATTACKER) == []
    assert [message.to for message in mail.outbox] == [["zhou@example.com"]]


def test_an_email_hijack_through_product_registration_fails(client, washer_model, victim):
    before = _record(victim)

    response = client.post(
        reverse("portal:register"), _register_data(washer_model, phone="139 8888 7777", email=ATTACKER)
    )

    assert response.status_code == 200
    assert _record(victim) == before
    assert ProductUnit.objects.get(serial="REG-1").owner == victim
    assert not OutboundMessage.objects.filter(recipient__iexact=ATTACKER).exists()
    assert _mail_to(ATTACKER) == []
    assert "the contact details we have for it stay as they are" in response.content.decode()


def test_a_name_and_address_overwrite_through_the_request_form_fails(client, washer_model, victim):
    before = _record(victim)

    response = client.post(
        reverse("portal:submit"),
        _submit_data(washer_model, name="Somebody Else", address="99 Fake Street", region="Shanghai", email=""),
    )

    assert response.status_code == 302
    assert _record(victim) == before
    # What was typed is kept on the request, as typed.
    assert Ticket.objects.get().submitted_contact == {
        "name": "Somebody Else",
        "address": "99 Fake Street",
        "region": "Shanghai",
        "language": "en",
    }


def test_a_name_and_address_overwrite_through_product_registration_fails(client, washer_model, victim):
    before = _record(victim)

    client.post(
        reverse("portal:register"),
        _register_data(washer_model, phone=VICTIM_PHONE, name="Somebody Else", address="99 Fake Street"),
    )

    assert _record(victim) == before
    assert Customer.objects.count() == 1


# --- new customers from a public form ---------------------------------------------------------


def test_a_new_customer_from_the_request_form_gets_the_typed_details_with_an_unconfirmed_email(client, washer_model):
    client.post(reverse("portal:submit"), _submit_data(washer_model))

    customer = Customer.objects.get()
    assert (
        customer.name,
        customer.phone,
        customer.email,
        customer.email_verified,
        customer.address,
        customer.region,
        customer.preferred_language,
    ) == ("Zhou Min", VICTIM_PHONE, "zhou@example.com", False, "1 Haier Road", "Qingdao", "en")


def test_a_new_customer_from_product_registration_gets_the_typed_details_with_an_unconfirmed_email(
    client, washer_model
):
    client.post(reverse("portal:register"), _register_data(washer_model))

    customer = Customer.objects.get()
    assert (customer.name, customer.email, customer.email_verified, customer.address, customer.preferred_language) == (
        "Wu Lei",
        "wu@example.com",
        False,
        "2 Haier Road",
        "en",
    )
    assert ProductUnit.objects.get().owner == customer


# --- the language of messages -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept_language", "selected"), [("zh-hans", "zh-hans"), ("zh-CN,zh;q=0.9", "zh-hans"), ("en", "en")]
)
@pytest.mark.parametrize("page", ["portal:submit", "portal:register"])
def test_the_language_of_messages_starts_as_the_page_language(client, washer_model, page, accept_language, selected):
    html = client.get(reverse(page), headers={"accept-language": accept_language}).content.decode()

    assert f'<option value="{selected}" selected>' in html
    other = "en" if selected == "zh-hans" else "zh-hans"
    assert f'<option value="{other}">' in html


@pytest.mark.parametrize(("accept_language", "stored"), [("zh-hans", "zh-hans"), ("en", "en")])
def test_a_request_without_a_language_takes_the_page_language(client, washer_model, accept_language, stored):
    data = _submit_data(washer_model)
    del data["language"]

    response = client.post(reverse("portal:submit"), data, headers={"accept-language": accept_language})

    assert response.status_code == 302
    assert Customer.objects.get().preferred_language == stored
    assert Ticket.objects.get().submitted_contact["language"] == stored


@pytest.mark.parametrize(("accept_language", "stored"), [("zh-hans", "zh-hans"), ("en", "en")])
def test_a_registration_without_a_language_takes_the_page_language(client, washer_model, accept_language, stored):
    data = _register_data(washer_model)
    del data["language"]

    client.post(reverse("portal:register"), data, headers={"accept-language": accept_language})

    assert Customer.objects.get().preferred_language == stored


def test_a_language_chosen_on_the_chinese_page_is_kept(client, washer_model):
    client.post(
        reverse("portal:submit"), _submit_data(washer_model, language="en"), headers={"accept-language": "zh-hans"}
    )

    assert Customer.objects.get().preferred_language == "en"


# --- the desk takes typed details over ---------------------------------------------------------


def _portal_request(client, washer_model, **overrides) -> Ticket:
    client.post(reverse("portal:submit"), _submit_data(washer_model, **overrides))
    return Ticket.objects.select_related("customer").get()


def test_the_ticket_page_offers_the_typed_details_that_differ(client, washer_model, victim, agent):
    ticket = _portal_request(client, washer_model, email=ATTACKER, region="青岛")
    client.force_login(agent)

    response = client.get(reverse("desk:ticket", args=[ticket.reference]))

    assert response.status_code == 200
    assert [(d.field, d.typed, d.stored) for d in response.context["contact_offer"]] == [
        ("name", "Zhou Min", "周敏"),
        ("email", ATTACKER, ""),
        ("address", "1 Haier Road", "青岛市崂山区海尔路1号"),
        ("language", "en", "zh-hans"),
    ]
    html = response.content.decode()
    assert "The customer typed other details on the portal." in html
    assert f'action="{reverse("desk:ticket_contact_apply", args=[ticket.reference])}"' in html
    assert "on file: Simplified Chinese" in html


def test_the_offer_costs_the_ticket_page_no_query(client, washer_model, victim, agent):
    ticket = _portal_request(client, washer_model)
    client.force_login(agent)
    url = reverse("desk:ticket", args=[ticket.reference])
    client.get(url)  # the session and roles are warm

    with CaptureQueriesContext(connection) as with_offer:
        response = client.get(url)
    Ticket.objects.filter(pk=ticket.pk).update(submitted_contact={})
    with CaptureQueriesContext(connection) as without_offer:
        plain = client.get(url)

    assert (len(response.context["contact_offer"]), plain.context["contact_offer"]) == (5, [])
    assert len(with_offer.captured_queries) == len(without_offer.captured_queries)


def test_no_offer_when_the_typed_details_are_on_the_record(client, washer_model, agent):
    factories.CustomerFactory(
        phone=VICTIM_PHONE,
        name="Zhou Min",
        email="zhou@example.com",
        email_verified=True,
        address="1 Haier Road",
        region="Qingdao",
        preferred_language="en",
    )
    ticket = _portal_request(client, washer_model)
    client.force_login(agent)

    response = client.get(reverse("desk:ticket", args=[ticket.reference]))

    assert response.context["contact_offer"] == []
    assert "The customer typed other details on the portal." not in response.content.decode()


def test_technicians_are_not_offered_the_typed_details(client, washer_model, victim, technician):
    ticket = _portal_request(client, washer_model)
    Ticket.objects.filter(pk=ticket.pk).update(assignee=technician)
    client.force_login(technician)

    response = client.get(reverse("desk:ticket", args=[ticket.reference]))

    assert response.status_code == 200
    assert response.context["contact_offer"] == []
    assert "The customer typed other details on the portal." not in response.content.decode()


def test_an_agent_takes_chosen_details_over(client, washer_model, victim, agent, django_assert_num_queries):
    ticket = _portal_request(client, washer_model)
    client.force_login(agent)
    url = reverse("desk:ticket_contact_apply", args=[ticket.reference])
    client.get(reverse("desk:ticket", args=[ticket.reference]))  # the session is warm

    # the ticket; the service's savepoint, the customer locked (the offer is
    # worked out on the locked row), customer_update's savepoint and its own lock, the save in a
    # savepoint (3), two releases, the timeline event, the service's release. The session comes
    # from the cache, the user and roles from the memo.
    with django_assert_num_queries(11):
        response = client.post(url, {"fields": ["email", "address"]})

    assert response.status_code == 302
    assert response["Location"] == reverse("desk:ticket", args=[ticket.reference])
    victim.refresh_from_db()
    assert (victim.name, victim.email, victim.email_verified, victim.address, victim.preferred_language) == (
        "周敏",
        "zhou@example.com",
        True,
        "1 Haier Road",
        "zh-hans",
    )
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.NOTE)
    assert (event.actor, event.is_public, event.note) == (
        agent,
        False,
        "Customer details taken over from this request: Email, Address.",
    )
    assert event.data == {
        "contact_applied": ["email", "address"],
        "previous": {"email": "", "address": "青岛市崂山区海尔路1号"},
    }
    page = client.get(reverse("desk:ticket", args=[ticket.reference]))
    assert [d.field for d in page.context["contact_offer"]] == ["name", "region", "language"]
    assert "The customer&#x27;s details are updated." in page.content.decode()


def test_an_agent_confirms_the_email_a_new_customer_typed(client, washer_model, agent):
    ticket = _portal_request(client, washer_model)
    client.force_login(agent)

    offer = client.get(reverse("desk:ticket", args=[ticket.reference])).context["contact_offer"]
    assert offer == [
        Difference(field="email", typed="zhou@example.com", stored="zhou@example.com", confirms_email=True)
    ]

    client.post(reverse("desk:ticket_contact_apply", args=[ticket.reference]), {"fields": ["email"]})

    customer = Customer.objects.get()
    assert (customer.email, customer.email_verified) == ("zhou@example.com", True)
    assert client.get(reverse("desk:ticket", args=[ticket.reference])).context["contact_offer"] == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ([], "Tick the details to use."),
        (["phone"], "Tick only the details offered."),
        (["region"], "These details are already on the customer&#x27;s record, or were not typed on this request."),
    ],
)
def test_details_not_offered_are_refused_and_nothing_changes(client, washer_model, victim, agent, fields, message):
    ticket = _portal_request(client, washer_model, region="青岛")
    before = _record(victim)
    events = TicketEvent.objects.filter(ticket=ticket).count()
    client.force_login(agent)

    response = client.post(
        reverse("desk:ticket_contact_apply", args=[ticket.reference]), {"fields": fields}, follow=True
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert _record(victim) == before
    assert TicketEvent.objects.filter(ticket=ticket).count() == events


@pytest.mark.parametrize("who", ["anonymous", "technician", "department_user", "portal_customer"])
def test_those_who_may_not_edit_customers_change_nothing(
    client, washer_model, victim, technician, department_user, who
):
    ticket = _portal_request(client, washer_model)
    Ticket.objects.filter(pk=ticket.pk).update(assignee=technician)
    before = _record(victim)
    events = TicketEvent.objects.filter(ticket=ticket).count()
    if who == "technician":
        client.force_login(technician)
    elif who == "department_user":
        client.force_login(department_user)
    elif who == "portal_customer":
        user = factories.UserFactory(username=VICTIM_PHONE)
        Customer.objects.filter(pk=victim.pk).update(user=user)
        before = _record(victim)
        client.force_login(user)

    response = client.post(
        reverse("desk:ticket_contact_apply", args=[ticket.reference]), {"fields": ["name", "email", "address"]}
    )

    assert response.status_code == (302 if who == "anonymous" else 403)
    if who == "anonymous":
        assert response["Location"].startswith(reverse("desk:login"))
    assert _record(victim) == before
    assert TicketEvent.objects.filter(ticket=ticket).count() == events


def test_the_desk_page_and_the_action_answer_only_post(client, washer_model, victim, agent):
    ticket = _portal_request(client, washer_model)
    client.force_login(agent)
    before = _record(victim)

    response = client.get(reverse("desk:ticket_contact_apply", args=[ticket.reference]), {"fields": ["name"]})

    assert response.status_code == 405
    assert _record(victim) == before


def test_the_service_refuses_staff_who_may_not_edit_customers(client, washer_model, victim, technician):
    ticket = _portal_request(client, washer_model)
    before = _record(victim)

    with pytest.raises(PermissionDenied):
        customer_apply_submitted_contact(ticket=ticket, fields=["email"], by=technician)

    assert _record(victim) == before


# --- the pure comparison ------------------------------------------------------------------------

STORED = {
    "name": "周敏",
    "email": "zhou@example.com",
    "address": "1 Haier Road",
    "region": "Qingdao",
    "language": "zh-hans",
}


@pytest.mark.parametrize(
    ("typed", "email_verified", "expected"),
    [
        ({}, True, []),
        (STORED, True, []),
        ({**STORED, "name": " 周敏 "}, True, []),
        ({"name": "", "email": "", "address": "  "}, False, []),
        ({"email": "zhou@example.com"}, False, [("email", "zhou@example.com", "zhou@example.com", True)]),
        ({"email": "other@example.com"}, True, [("email", "other@example.com", "zhou@example.com", False)]),
        ({"language": "fr"}, True, []),
        ({"language": "en"}, True, [("language", "en", "zh-hans", False)]),
        ({"phone": "+8613900000000", "user": "x"}, True, []),
        ({"name": 5}, True, []),
        (
            {"region": "Jinan", "name": "Zhou Min"},
            True,
            [("name", "Zhou Min", "周敏", False), ("region", "Jinan", "Qingdao", False)],
        ),
    ],
)
def test_contact_differences(typed, email_verified, expected):
    differences = contact_differences(typed=typed, stored=STORED, email_verified=email_verified)

    assert [(d.field, d.typed, d.stored, d.confirms_email) for d in differences] == expected
