"""How a customer is reached: the rules of customers/preferences.py and customer_update, the
desk's customer page, the customers API, and an opt-out that stops reminders but never a
message a case needs."""

import datetime as dt
import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer, ProductCategory
from customers.preferences import customer_preferences_set
from customers.services import customer_create, customer_update, email_channel_error
from followups.reminders import schedule_maintenance_callbacks
from notifications.models import OutboundMessage
from notifications.sms.locmem import outbox as sms_outbox
from tests import factories
from tests.api.conftest import client_for, field_errors
from tickets.services import ticket_transition

pytestmark = pytest.mark.django_db

CHANNEL_ERROR = "Messages go by email only to a confirmed email address: enter the email, or choose SMS."
FIELDS = ("preferred_language", "preferred_channel", "optional_messages", "email", "email_verified")


def _holder(*, proven: bool = True, email: str = "", email_verified: bool = False, phone="+8613900000001"):
    """A customer with a portal account, proven with a code unless ``proven`` is False."""
    user = factories.UserFactory(username=phone, email=email)
    return factories.CustomerFactory(
        phone=phone,
        user=user,
        email=email,
        email_verified=email_verified,
        preferred_language="zh-hans",
        account_verified_at=timezone.now() if proven else None,
    )


def _prefs(customer: Customer) -> tuple:
    customer.refresh_from_db()
    return tuple(getattr(customer, field) for field in FIELDS)


def _set(customer: Customer, by, **fields):
    values = {"preferred_language": "en", "preferred_channel": "sms", "optional_messages": True} | fields
    return customer_preferences_set(customer=customer, **values, by=by)


def test_email_channel_error_text():
    assert email_channel_error() == CHANNEL_ERROR


# --- the customer's own choices -----------------------------------------------------------------


def test_the_proven_customer_sets_their_choices_and_confirms_the_email_they_type():
    customer = _holder()

    _set(customer, customer.user, preferred_channel="email", optional_messages=False, email=" li@example.com ")

    assert _prefs(customer) == ("en", "email", False, "li@example.com", True)
    customer.user.refresh_from_db()
    assert customer.user.email == "li@example.com"  # the account signs in with its email too
    entry = LogEntry.objects.get()
    assert (entry.user_id, entry.object_id, entry.action_flag) == (customer.user_id, str(customer.pk), CHANGE)
    assert json.loads(entry.change_message) == [
        {
            "changed": {
                "fields": [
                    "preferred language",
                    "preferred channel",
                    "reminders and offers",
                    "email",
                    "email confirmed",
                ]
            }
        }
    ]


def test_saving_the_same_choices_records_nothing():
    customer = _holder(email="li@example.com", email_verified=True)

    _set(customer, customer.user, preferred_language="zh-hans")

    assert _prefs(customer) == ("zh-hans", "sms", True, "li@example.com", True)
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize(
    ("email", "stored", "verified"),
    [
        (None, "typed@example.com", False),  # not typed again: an email someone else typed stays unconfirmed
        ("", "typed@example.com", False),
    ],
)
def test_email_is_the_channel_only_with_a_confirmed_email(email, stored, verified):
    customer = _holder(email="typed@example.com")
    if email == "":
        customer.email = ""
        customer.save()
        stored = ""
    before = _prefs(customer)

    with pytest.raises(ValidationError) as exc:
        _set(customer, customer.user, preferred_channel="email", email=email)

    assert exc.value.message_dict == {"preferred_channel": [CHANNEL_ERROR]}
    assert _prefs(customer) == before
    assert (customer.email, customer.email_verified) == (stored, verified)
    assert not LogEntry.objects.exists()


def test_typing_an_unconfirmed_email_again_confirms_it():
    customer = _holder(email="typed@example.com")

    _set(customer, customer.user, preferred_channel="email", email="typed@example.com")

    assert _prefs(customer) == ("en", "email", True, "typed@example.com", True)


def test_an_email_of_another_account_is_refused():
    _holder(phone="+8613900000002", email="taken@example.com", email_verified=True)
    customer = _holder()
    before = _prefs(customer)

    with pytest.raises(ValidationError) as exc:
        _set(customer, customer.user, email="TAKEN@example.com")

    assert exc.value.message_dict == {"email": ["This email address is already used by another account."]}
    assert _prefs(customer) == before


@pytest.mark.parametrize("who", ["unproven", "other_customer", "anonymous_login"])
def test_nobody_else_sets_a_customers_choices(who):
    customer = _holder(proven=who != "unproven")
    by = {
        "unproven": customer.user,
        "other_customer": _holder(phone="+8613900000002").user,
        "anonymous_login": factories.UserFactory(username="someone"),
    }[who]
    before = _prefs(customer)

    with pytest.raises(PermissionDenied):
        _set(customer, by, preferred_channel="sms", optional_messages=False, email="attacker@example.com")

    assert _prefs(customer) == before
    assert not LogEntry.objects.exists()


def test_staff_set_the_choices_and_the_email_they_enter_is_confirmed(agent):
    customer = factories.CustomerFactory(email="", preferred_language="zh-hans")

    _set(customer, agent, preferred_language="zh-hans", preferred_channel="email", email="chen@example.com")

    assert _prefs(customer) == ("zh-hans", "email", True, "chen@example.com", True)
    assert LogEntry.objects.get().user_id == agent.pk


# --- customer_update and customer_create (desk API) ---------------------------------------------


def test_staff_correct_the_channel_and_reminders_with_customer_update(agent):
    customer = factories.CustomerFactory(email="chen@example.com", email_verified=True)

    customer_update(customer=customer, changes={"preferred_channel": "email", "optional_messages": False}, by=agent)

    assert _prefs(customer)[1:3] == ("email", False)


def test_customer_update_refuses_email_as_channel_without_a_confirmed_email(agent):
    customer = factories.CustomerFactory(email="typed@example.com", email_verified=False)

    with pytest.raises(ValidationError) as exc:
        customer_update(customer=customer, changes={"preferred_channel": "email"}, by=agent)

    assert exc.value.message_dict == {"preferred_channel": [CHANNEL_ERROR]}
    assert _prefs(customer)[1] == "sms"
    # The email entered by staff in the same change is confirmed: then email is the channel.
    customer_update(customer=customer, changes={"preferred_channel": "email", "email": "typed@example.com"}, by=agent)
    assert _prefs(customer)[1:] == ("email", True, "typed@example.com", True)


def test_an_emptied_email_sends_the_messages_back_to_sms(agent):
    customer = factories.CustomerFactory(email="chen@example.com", email_verified=True, preferred_channel="email")

    customer_update(customer=customer, changes={"email": ""}, by=agent)

    assert _prefs(customer)[1:] == ("sms", True, "", False)


def test_a_new_customer_has_email_as_channel_only_with_an_email_staff_entered(agent):
    with pytest.raises(ValidationError) as exc:
        customer_create(name="Chen", phone="13812345678", email="chen@example.com", preferred_channel="email")
    assert exc.value.message_dict == {"preferred_channel": [CHANNEL_ERROR]}
    assert not Customer.objects.exists()

    customer = customer_create(
        name="Chen",
        phone="13812345678",
        email="chen@example.com",
        preferred_channel="email",
        optional_messages=False,
        by=agent,
    )
    assert _prefs(customer)[1:] == ("email", False, "chen@example.com", True)


# --- an opt-out stops reminders, never the messages a case needs --------------------------------

TODAY = dt.date(2026, 11, 23)


def test_after_opting_out_no_reminder_is_sent_but_a_cancellation_still_is(
    client, agent, django_capture_on_commit_callbacks
):
    customer = _holder()
    client.force_login(customer.user)
    response = client.post(
        reverse("portal:account_preferences"),
        {"preferred_language": "en", "preferred_channel": "sms", "email": ""},  # the box left unticked
    )
    assert response.status_code == 302
    assert _prefs(customer)[:3] == ("en", "sms", False)

    washer = factories.ProductModelFactory(
        code="XQG-M", maintenance_interval_days=180, category=ProductCategory.objects.get(code="washing_machine")
    )
    factories.ProductUnitFactory(owner=customer, model=washer, invoice_date=TODAY - dt.timedelta(days=170))
    ticket = factories.TicketFactory(customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_maintenance_callbacks(today=TODAY) == 1  # the call is still planned
        ticket_transition(ticket=ticket, move="cancel", by=agent, note="Asked by the customer")

    message = OutboundMessage.objects.get()
    assert (message.template, message.essential, message.channel, message.recipient) == (
        "status_cancelled",
        True,
        "sms",
        customer.phone,
    )
    assert [sms.template for sms in sms_outbox] == ["status_cancelled"]
    assert mail.outbox == []


def test_a_customer_who_keeps_reminders_gets_one_with_the_way_to_stop_them(django_capture_on_commit_callbacks):
    customer = _holder()
    washer = factories.ProductModelFactory(
        code="XQG-M",
        name="Washer",
        maintenance_interval_days=180,
        category=ProductCategory.objects.get(code="washing_machine"),
    )
    factories.ProductUnitFactory(owner=customer, model=washer, invoice_date=TODAY - dt.timedelta(days=170))
    customer.preferred_language = "en"
    customer.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_maintenance_callbacks(today=TODAY) == 1

    (sms,) = sms_outbox
    assert sms.text == (
        "Your Washer is due for maintenance. Book a visit: http://127.0.0.1:8000/request/ "
        "Stop reminders: http://127.0.0.1:8000/account/"
    )


# --- the desk's customer page -------------------------------------------------------------------


def _desk_post(client, customer, **fields):
    data = {"preferred_language": "zh-hans", "preferred_channel": "sms", "optional_messages": "on", "email": ""}
    data.update(fields)
    return client.post(reverse("desk:customer_preferences", args=[customer.pk]), data)


def test_an_agent_sets_the_channel_and_reminders_on_the_customer_page(client, agent):
    customer = factories.CustomerFactory(email="", preferred_language="en")
    client.force_login(agent)

    response = _desk_post(client, customer, preferred_channel="email", email="chen@example.com", optional_messages="")

    assert response.status_code == 302
    assert response["Location"] == reverse("desk:customer", args=[customer.pk]) + "#messages"
    assert _prefs(customer) == ("zh-hans", "email", False, "chen@example.com", True)
    page = client.get(response["Location"])
    assert "The customer&#x27;s message settings are saved." in page.content.decode()


def test_the_desk_refuses_email_as_channel_without_an_email_and_changes_nothing(client, agent):
    customer = factories.CustomerFactory(email="", preferred_language="en")
    before = _prefs(customer)
    client.force_login(agent)

    response = _desk_post(client, customer, preferred_channel="email")

    assert response.status_code == 400
    assert response.context["preferences_form"].errors == {"preferred_channel": [CHANNEL_ERROR]}
    assert _prefs(customer) == before


def test_the_desk_does_not_confirm_an_email_it_did_not_type(client, agent):
    customer = factories.CustomerFactory(email="typed@example.com", email_verified=False)
    client.force_login(agent)

    page = client.get(reverse("desk:customer", args=[customer.pk]))
    assert page.context["preferences_form"]["email"].value() == ""
    assert "On record, not confirmed: typed@example.com." in page.content.decode()

    assert _desk_post(client, customer, optional_messages="").status_code == 302
    assert _prefs(customer)[2:] == (False, "typed@example.com", False)


def test_technicians_may_not_set_a_customers_choices(client, technician):
    customer = factories.CustomerFactory(email="")
    before = _prefs(customer)
    client.force_login(technician)

    assert _desk_post(client, customer, optional_messages="").status_code == 403
    assert client.get(reverse("desk:customer_preferences", args=[customer.pk])).status_code == 403
    assert _prefs(customer) == before


def test_the_customer_page_shows_the_choices_in_a_fixed_number_of_queries(client, agent, django_assert_num_queries):
    customer = factories.CustomerFactory(optional_messages=False)
    client.force_login(agent)
    # User, roles, customer, products, tickets: the form reads nothing more.
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(5):
        response = client.get(reverse("desk:customer", args=[customer.pk]))
    body = response.content.decode()
    assert f'action="/desk/customers/{customer.pk}/messages/"' in body
    assert "not wanted" in body


# --- the customers API --------------------------------------------------------------------------


def test_the_api_shows_and_corrects_the_channel_and_reminders(agent, django_assert_num_queries):
    customer = factories.CustomerFactory(email="chen@example.com", email_verified=False)
    api = client_for(agent)
    url = f"/api/customers/{customer.pk}/"

    body = api.get(url).json()
    assert (body["preferred_channel"], body["optional_messages"], body["email_verified"]) == ("sms", True, False)

    response = api.patch(url, {"preferred_channel": "email"}, format="json")
    assert field_errors(response) == {"preferred_channel": [CHANNEL_ERROR]}
    assert _prefs(customer)[1:] == ("sms", True, "chen@example.com", False)

    response = api.patch(
        url,
        {
            "preferred_channel": "email",
            "email": "chen@example.com",
            "optional_messages": False,
            "email_verified": False,
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["preferred_channel"], body["optional_messages"], body["email_verified"]) == ("email", False, True)
    assert _prefs(customer)[1:] == ("email", False, "chen@example.com", True)


def test_the_api_refuses_an_unknown_channel(agent):
    customer = factories.CustomerFactory()
    before = _prefs(customer)

    response = client_for(agent).patch(
        f"/api/customers/{customer.pk}/", {"preferred_channel": "fax", "optional_messages": "maybe"}, format="json"
    )

    assert field_errors(response) == {
        "preferred_channel": ['"fax" is not a valid choice.'],
        "optional_messages": ["Must be a valid boolean."],
    }
    assert _prefs(customer) == before
