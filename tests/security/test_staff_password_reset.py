"""Staff reset a forgotten password by email from the desk's sign-in page
(aftersales/staff/password_views.py): the same answer whether or not the address is known, a link
built on SITE_URL whatever Host the request named, staff accounts only, limited per address and
per email, the email in the staff member's language."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests import factories
from tests.security.sign_in import ATTACKER, OWNER, desk_login, signed_in

SITE = "https://service.example.com"
NEW_PASSWORD = "Brand-new-passphrase-7"
LINK = re.compile(r"https?://\S+/desk/password-reset/\S+/\S+/")


@pytest.fixture(autouse=True)
def public_site(settings):
    settings.SITE_URL = SITE


def _ask(client, email: str, *, address: str = OWNER, **extra):
    return client.post(reverse("desk:password_reset"), {"email": email}, REMOTE_ADDR=address, **extra)


def _link(message) -> str:
    return LINK.search(message.body).group(0)


def test_the_desk_sign_in_page_offers_the_reset_and_so_does_the_admin(client, db):
    login_page = client.get(reverse("desk:login")).content.decode()
    admin_page = client.get(reverse("admin:login")).content.decode()

    assert f'href="{reverse("desk:password_reset")}"' in login_page
    assert "Forgot your password?" in login_page
    assert 'href="/admin/password-reset/"' in admin_page
    assert client.get("/admin/password-reset/")["Location"] == reverse("desk:password_reset")


def test_a_member_of_staff_resets_their_password_through_the_emailed_link(client, agent):
    response = _ask(client, "AGENT-SEC@example.com")

    assert response.status_code == 302
    assert response["Location"] == reverse("desk:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["agent-sec@example.com"]
    assert message.subject == "Reset your password at Aftersales Service"
    assert "staff account agent-sec at Aftersales Service" in message.body
    assert "The link works once, for 60 minutes." in message.body
    link = _link(message)
    uid = urlsafe_base64_encode(force_bytes(agent.pk))
    assert link.startswith(f"{SITE}/desk/password-reset/{uid}/")

    form = client.get(link.removeprefix(SITE), follow=True)
    assert form.status_code == 200
    assert "Choose a new password" in form.content.decode()
    set_password_url = form.redirect_chain[-1][0]
    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done["Location"] == reverse("desk:password_reset_complete")
    assert desk_login(Client(), agent.username, factories.PASSWORD, address=OWNER).status_code == 200
    signed = Client()
    assert desk_login(signed, agent.username, NEW_PASSWORD, address=OWNER).status_code == 302
    assert signed_in(signed)
    # The link works once.
    again = client.get(link.removeprefix(SITE), follow=True)
    assert "This link no longer works" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, agent):
    known = _ask(client, agent.email)
    unknown = _ask(Client(), "nobody@example.com")
    done_page = client.get(known["Location"]).content.decode()

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert "If this address belongs to a staff account" in done_page
    assert [message.to for message in mail.outbox] == [[agent.email]]


@override_settings(ALLOWED_HOSTS=["*"], USE_X_FORWARDED_HOST=True)
def test_a_forged_host_header_does_not_change_the_link(client, agent):
    """Host header poisoning: an attacker asks for a reset of a colleague's account naming their
    own server as Host, hoping the emailed link leaks the token to it when clicked."""
    _ask(client, agent.email, HTTP_HOST="evil.example", HTTP_X_FORWARDED_HOST="evil.example")

    (message,) = mail.outbox
    assert "evil.example" not in message.body + message.subject
    assert _link(message).startswith(f"{SITE}/desk/password-reset/")


def test_a_portal_customer_account_cannot_use_the_staff_reset(client, db):
    user = factories.UserFactory(username="+8613900000009", email="li.na@example.com")
    factories.CustomerFactory(phone="+8613900000009", user=user, email="li.na@example.com")
    before = get_user_model().objects.get(pk=user.pk).password

    response = _ask(client, "li.na@example.com")
    # Nor a link made for the account some other way.
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    confirm = client.get(reverse("desk:password_reset_confirm", args=[uid, token]), follow=True)
    posted = client.post(
        reverse("desk:password_reset_confirm", args=[uid, "set-password"]),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response["Location"] == reverse("desk:password_reset_done")
    assert mail.outbox == []
    assert "This link no longer works" in confirm.content.decode()
    assert posted.status_code == 200
    assert get_user_model().objects.get(pk=user.pk).password == before


@pytest.mark.parametrize(
    "account",
    [
        {"is_active": False, "roles": ["agent"]},
        {"roles": []},  # signs in nowhere as staff
    ],
)
def test_only_active_staff_accounts_get_a_link(client, db, account):
    factories.UserFactory(username="someone", email="someone@example.com", **account)

    assert _ask(client, "someone@example.com")["Location"] == reverse("desk:password_reset_done")
    assert mail.outbox == []


def test_administrators_and_department_users_get_a_link(client, db):
    factories.UserFactory(username="root-reset", email="root@example.com", is_superuser=True, is_staff=True)
    factories.UserFactory(username="quality", email="quality@example.com", roles=["department"])

    _ask(client, "root@example.com")
    _ask(client, "quality@example.com")

    assert [message.to for message in mail.outbox] == [["root@example.com"], ["quality@example.com"]]


def test_the_email_is_in_the_language_of_the_page(client, agent, settings):
    settings.ORGANISATION_NAME_ZH = "青岛售后服务中心"

    _ask(client, agent.email, HTTP_ACCEPT_LANGUAGE="zh-hans")

    (message,) = mail.outbox
    assert "青岛售后服务中心" in message.subject
    assert "青岛售后服务中心" in message.body


def test_the_link_expires_after_an_hour(client, agent):
    _ask(client, agent.email)
    link = _link(mail.outbox[0]).removeprefix(SITE)

    later = dt.datetime.now() + dt.timedelta(minutes=61)
    with mock.patch("django.contrib.auth.tokens.PasswordResetTokenGenerator._now", return_value=later):
        response = client.get(link, follow=True)

    assert "This link no longer works" in response.content.decode()


def test_requests_are_limited_per_address(client, agent):
    statuses = [_ask(client, f"guess-{n}@example.com", address=ATTACKER).status_code for n in range(10)]

    refused = _ask(client, agent.email, address=ATTACKER)
    elsewhere = _ask(Client(), agent.email, address=OWNER)

    assert statuses == [302] * 10
    assert refused.status_code == 429
    assert "Too many password reset requests from here" in refused.content.decode()
    assert elsewhere.status_code == 302
    assert [message.to for message in mail.outbox] == [[agent.email]]


def test_requests_for_one_email_are_limited_from_every_address_without_saying_so(agent):
    """Nobody can flood a colleague's mailbox; the answer stays the same, so it tells nothing."""
    answers = [_ask(Client(), agent.email, address=f"203.0.113.{n + 1}") for n in range(5)]

    assert {(answer.status_code, answer["Location"]) for answer in answers} == {
        (302, reverse("desk:password_reset_done"))
    }
    assert len(mail.outbox) == 3
