"""The "Messages" section of the portal account: a signed-in customer with a proven account
chooses language, channel and reminders, and their email; nobody else changes anything."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone, translation

from customers.models import Customer
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/account/messages/"
CHANNEL_ERROR = "Messages go by email only to a confirmed email address: enter the email, or choose SMS."
FIELDS = ("preferred_language", "preferred_channel", "optional_messages", "email", "email_verified")


def _holder(*, proven: bool = True, email: str = "", email_verified: bool = False, phone="+8613900000001"):
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


def _post(client, **fields):
    data = {"preferred_language": "en", "preferred_channel": "sms", "optional_messages": "on", "email": ""}
    data.update(fields)
    return client.post(URL, data)


def test_the_url_is_the_account_pages_messages_form():
    assert reverse("portal:account_preferences") == URL


def test_a_proven_customer_chooses_email_and_stops_reminders(client):
    customer = _holder()
    client.force_login(customer.user)

    response = _post(client, preferred_channel="email", email="li@example.com", optional_messages="")

    assert response.status_code == 302
    assert response["Location"] == "/account/#messages"
    # The email a customer who proved their phone types for themselves is confirmed.
    assert _prefs(customer) == ("en", "email", False, "li@example.com", True)
    assert LogEntry.objects.get().user_id == customer.user_id
    page = client.get(response["Location"])
    assert "Your message settings are saved." in page.content.decode()
    form = page.context["preferences_form"]
    assert (form["preferred_channel"].value(), form["optional_messages"].value(), form["email"].value()) == (
        "email",
        False,
        "li@example.com",
    )


def test_email_as_channel_without_an_email_is_a_field_error_and_changes_nothing(client):
    customer = _holder()
    before = _prefs(customer)
    client.force_login(customer.user)

    response = _post(client, preferred_channel="email", optional_messages="")

    assert response.status_code == 400
    assert response.context["preferences_form"].errors == {"preferred_channel": [CHANNEL_ERROR]}
    assert CHANNEL_ERROR in response.content.decode()
    assert _prefs(customer) == before
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"email": "not-mail"}, {"email": ["Enter a valid email address."]}),
        (
            {"preferred_language": "fr", "preferred_channel": "fax"},
            {
                "preferred_language": ["Select a valid choice. fr is not one of the available choices."],
                "preferred_channel": ["Select a valid choice. fax is not one of the available choices."],
            },
        ),
    ],
)
def test_bad_input_is_a_400_with_field_errors(client, fields, errors):
    customer = _holder()
    before = _prefs(customer)
    client.force_login(customer.user)

    response = _post(client, **fields)

    assert response.status_code == 400
    assert response.context["preferences_form"].errors == errors
    assert _prefs(customer) == before


def test_an_unconfirmed_email_is_not_confirmed_by_saving_the_other_choices(client):
    customer = _holder(email="typed@example.com")
    client.force_login(customer.user)

    page = client.get(reverse("portal:account"))
    assert page.context["preferences_form"]["email"].value() == ""
    assert "We have typed@example.com, not confirmed" in page.content.decode()

    assert _post(client, optional_messages="").status_code == 302
    assert _prefs(customer) == ("en", "sms", False, "typed@example.com", False)
    # Typed by the customer: now it is theirs, confirmed.
    assert _post(client, email="typed@example.com", preferred_channel="email").status_code == 302
    assert _prefs(customer) == ("en", "email", True, "typed@example.com", True)


@pytest.mark.parametrize("who", ["anonymous", "unproven_account", "staff"])
def test_nobody_but_the_proven_customer_changes_the_choices(client, who, agent):
    customer = _holder(proven=who != "unproven_account")
    before = _prefs(customer)
    if who == "unproven_account":
        client.force_login(customer.user)
    elif who == "staff":
        client.force_login(agent)

    response = _post(client, preferred_channel="email", email="attacker@example.com", optional_messages="")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))
    assert _prefs(customer) == before
    assert not LogEntry.objects.exists()


def test_a_signed_in_customer_changes_only_their_own_choices(client):
    mine, other = _holder(), _holder(phone="+8613900000002", email="wang@example.com", email_verified=True)
    other_before = _prefs(other)
    client.force_login(mine.user)

    # The form names no customer: whatever is posted, the account's own record changes.
    response = client.post(
        URL,
        {
            "preferred_language": "en",
            "preferred_channel": "sms",
            "email": "",
            "customer": other.pk,
            "pk": other.pk,
        },
    )

    assert response.status_code == 302
    assert _prefs(other) == other_before
    assert _prefs(mine)[:3] == ("en", "sms", False)


def test_the_form_takes_posts_only(client):
    customer = _holder()
    client.force_login(customer.user)

    assert client.get(URL).status_code == 405
    assert _prefs(customer)[:3] == ("zh-hans", "sms", True)


def test_the_form_needs_the_csrf_token(client):
    from django.test import Client

    customer = _holder()
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(customer.user)
    before = _prefs(customer)

    response = csrf_client.post(URL, {"preferred_language": "en", "preferred_channel": "sms", "email": ""})

    assert response.status_code == 403
    assert _prefs(customer) == before


def test_the_messages_section_in_chinese(client):
    customer = _holder(email="li@example.com", email_verified=True)
    client.force_login(customer.user)

    response = client.get(reverse("portal:account"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    body = response.content.decode()
    with translation.override("zh-hans"):
        for text in (
            "Messages",
            "Send me maintenance reminders and offers",
            "Messages about your requests (received, visit, done) are always sent.",
            "Save message settings",
        ):
            assert translation.gettext(text) in body
    assert 'lang="zh-hans"' in body
    assert '<option value="zh-hans" selected>中文</option>' in body
    assert '<option value="en">English</option>' in body
    assert 'id="id_optional_messages" checked' in body
    assert "<h2>消息</h2>" in body
    assert 'value="li@example.com"' in body


def test_the_account_page_with_the_form_reads_no_more(client, django_assert_num_queries):
    customer = _holder()
    client.force_login(customer.user)
    # User, roles, customer, requests, products, contracts.
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(6):
        response = client.get(reverse("portal:account"))
    assert 'action="/account/messages/"' in response.content.decode()
