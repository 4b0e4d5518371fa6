"""The desk's and the admin's sign-in are limited per address too: after
SIGN_IN_ADDRESS_FAILURE_LIMIT failed sign-ins from one address within the window, whatever the
usernames, that address is refused until the window ends; nobody else is (aftersales/lockout.py)."""

import time
from unittest import mock

from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests import factories
from tests.security.sign_in import ATTACKER, OWNER, WRONG, admin_login, desk_login, obtain_token, signed_in

WINDOW = 15 * 60


def _window_later(seconds: float):
    """Travel forward for django-ratelimit, whose windows follow ``time.time``."""
    return mock.patch("django_ratelimit.core.time.time", return_value=time.time() + seconds)


def test_the_limit_is_thirty_failures_in_fifteen_minutes_by_default():
    assert (settings.SIGN_IN_ADDRESS_FAILURE_LIMIT, settings.SIGN_IN_ADDRESS_WINDOW_MINUTES) == (30, 15)


def test_one_address_trying_many_usernames_is_refused_and_nobody_else_is(client, agent):
    attacker = Client()
    statuses = [desk_login(attacker, f"guess-{n}", WRONG, address=ATTACKER).status_code for n in range(30)]

    refused = desk_login(attacker, agent.username, factories.PASSWORD, address=ATTACKER)
    form = attacker.get(reverse("desk:login"), REMOTE_ADDR=ATTACKER)
    elsewhere = desk_login(client, agent.username, factories.PASSWORD, address=OWNER)

    # Thirty different usernames: no username reached django-axes's limit, the address did.
    assert statuses == [200] * 30
    assert not AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).exists()
    assert refused.status_code == 429
    assert "locked_out.html" in [template.name for template in refused.templates]
    body = refused.content.decode()
    assert "Too many sign-ins failed from your network address" in body
    assert "Signing in from elsewhere is not affected." in body
    assert 0 < int(refused["Retry-After"]) <= WINDOW
    assert not signed_in(attacker)
    # The form is still shown; the refusal is of sign-ins from that address only.
    assert form.status_code == 200
    assert elsewhere.status_code == 302
    assert signed_in(client)


@override_settings(SIGN_IN_ADDRESS_FAILURE_LIMIT=3)
def test_the_refusal_checks_no_password_and_counts_nothing_more(client, agent):
    for n in range(3):
        desk_login(client, f"guess-{n}", WRONG, address=ATTACKER)
    attempts = AccessAttempt.objects.count()

    with mock.patch("django.contrib.auth.authenticate") as authenticate:
        response = desk_login(client, agent.username, WRONG, address=ATTACKER)

    assert response.status_code == 429
    authenticate.assert_not_called()
    assert AccessAttempt.objects.count() == attempts


@override_settings(SIGN_IN_ADDRESS_FAILURE_LIMIT=3)
def test_the_address_is_accepted_again_when_the_window_ends(client, agent):
    for n in range(3):
        desk_login(client, f"guess-{n}", WRONG, address=ATTACKER)
    assert desk_login(client, agent.username, factories.PASSWORD, address=ATTACKER).status_code == 429

    with _window_later(WINDOW + 1):
        response = desk_login(client, agent.username, factories.PASSWORD, address=ATTACKER)

    assert response.status_code == 302
    assert signed_in(client)


@override_settings(SIGN_IN_ADDRESS_FAILURE_LIMIT=3)
def test_successful_sign_ins_from_one_address_never_count(agent):
    """An office behind one address: many people signing in is not an attack."""
    for _ in range(10):
        office = Client()
        assert desk_login(office, agent.username, factories.PASSWORD, address=OWNER).status_code == 302


@override_settings(SIGN_IN_ADDRESS_FAILURE_LIMIT=3)
def test_the_desk_the_admin_and_the_api_token_share_one_count_per_address(client, agent):
    admin = factories.UserFactory(username="root-addr", is_staff=True, is_superuser=True)
    assert desk_login(client, "guess-1", WRONG, address=ATTACKER).status_code == 200
    assert admin_login(client, "guess-2", WRONG, address=ATTACKER).status_code == 200
    assert obtain_token("guess-3", WRONG, address=ATTACKER).status_code == 400

    admin_refused = admin_login(client, admin.username, factories.PASSWORD, address=ATTACKER)
    token_refused = obtain_token(agent.username, factories.PASSWORD, address=ATTACKER)

    assert admin_refused.status_code == 429
    assert "Too many sign-ins failed from your network address" in admin_refused.content.decode()
    assert token_refused.status_code == 429
    body = token_refused.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == "locked_out"
    assert body["detail"].startswith("Too many failed sign-in attempts from this address: signing in from here")
    assert 0 < int(token_refused["Retry-After"]) <= WINDOW
    assert not Token.objects.exists()
    assert admin_login(Client(), admin.username, factories.PASSWORD, address=OWNER).status_code == 302
    assert obtain_token(agent.username, factories.PASSWORD, address=OWNER).status_code == 201


@override_settings(SIGN_IN_ADDRESS_FAILURE_LIMIT=0)
def test_zero_turns_the_per_address_limit_off(client, agent):
    for n in range(40):
        desk_login(client, f"guess-{n}", WRONG, address=ATTACKER)

    assert desk_login(client, agent.username, factories.PASSWORD, address=ATTACKER).status_code == 302
