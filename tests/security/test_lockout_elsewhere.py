"""Lock-outs cannot be used against the real user: failed sign-ins from one address never stop
the right password from another address, on the desk, the admin, the portal's password sign-in
and the API token endpoint (aftersales/lockout.py)."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests import factories
from tests.security.sign_in import (
    ATTACKER,
    OWNER,
    WRONG,
    admin_login,
    desk_login,
    obtain_token,
    portal_login,
    signed_in,
)

LIMIT = settings.AXES_FAILURE_LIMIT


def test_an_attacker_elsewhere_cannot_lock_an_agent_out_of_the_desk(client, agent):
    attacker = Client()
    statuses = [desk_login(attacker, agent.username, WRONG, address=ATTACKER).status_code for _ in range(LIMIT + 3)]

    response = desk_login(client, agent.username, factories.PASSWORD, address=OWNER)

    assert statuses == [200] * (LIMIT - 1) + [429] * 4
    assert response.status_code == 302
    assert signed_in(client)
    # The owner's sign-in forgot only their own address's failures: the attacker stays locked.
    assert list(AccessAttempt.objects.values_list("ip_address", "failures_since_start")) == [(ATTACKER, LIMIT)]
    assert desk_login(attacker, agent.username, factories.PASSWORD, address=ATTACKER).status_code == 429
    assert not signed_in(attacker)


def test_an_attacker_elsewhere_cannot_lock_an_administrator_out_of_the_admin(client, db):
    admin = factories.UserFactory(username="root-sec", is_staff=True, is_superuser=True)
    attacker = Client()
    statuses = [admin_login(attacker, admin.username, WRONG, address=ATTACKER).status_code for _ in range(LIMIT + 1)]

    response = admin_login(client, admin.username, factories.PASSWORD, address=OWNER)

    assert statuses == [200] * (LIMIT - 1) + [429, 429]
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert signed_in(client)
    assert not signed_in(attacker)


@pytest.fixture
def portal_user(db):
    user = factories.UserFactory(username="+8613900000001", email="")
    # A proven account: one linked before codes existed opens nothing with its password.
    factories.CustomerFactory(phone="+8613900000001", user=user, account_verified_at=timezone.now())
    return user


def test_an_attacker_elsewhere_cannot_lock_a_customer_out_of_the_portal_password_sign_in(client, portal_user):
    attacker = Client()
    statuses = [portal_login(attacker, "139 0000 0001", WRONG, address=ATTACKER).status_code for _ in range(LIMIT)]

    response = portal_login(client, "13900000001", factories.PASSWORD, address=OWNER)

    assert statuses == [400] * (LIMIT - 1) + [429]
    assert response.status_code == 302
    assert signed_in(client)
    assert portal_login(attacker, "13900000001", factories.PASSWORD, address=ATTACKER).status_code == 429


def test_a_flood_from_many_addresses_cannot_lock_a_customer_out_of_the_portal(client, portal_user):
    for n in range(20):
        portal_login(Client(), "13900000001", WRONG, address=f"203.0.113.{n + 1}")

    response = portal_login(client, "13900000001", factories.PASSWORD, address=OWNER)

    assert response.status_code == 302


def test_an_attacker_elsewhere_cannot_lock_a_user_out_of_the_api_token(agent):
    statuses = [obtain_token(agent.username, WRONG, address=ATTACKER).status_code for _ in range(LIMIT + 1)]

    response = obtain_token(agent.username, factories.PASSWORD, address=OWNER)

    assert statuses == [400] * (LIMIT - 1) + [429, 429]
    assert response.status_code == 201
    assert response.json()["token"] == Token.objects.get(user=agent).key
    locked = obtain_token(agent.username, factories.PASSWORD, address=ATTACKER)
    assert (locked.status_code, locked.json()["code"]) == (429, "locked_out")


def test_guesses_spread_over_many_addresses_do_not_lock_the_owner_out_of_the_api_token(agent):
    """No limit counts one username from every address at once: that would be a lock-out
    anyone could set off. Each address gets its own few tries."""
    statuses = [obtain_token(agent.username, WRONG, address=f"203.0.113.{n + 1}").status_code for n in range(15)]

    response = obtain_token(agent.username, factories.PASSWORD, address=OWNER)

    assert statuses == [400] * 15
    assert response.status_code == 201


def test_guesses_spread_over_many_addresses_do_not_lock_an_agent_out_of_the_desk(client, agent):
    for n in range(40):
        assert desk_login(Client(), agent.username, WRONG, address=f"203.0.113.{n + 1}").status_code == 200

    response = desk_login(client, agent.username, factories.PASSWORD, address=OWNER)

    assert response.status_code == 302
    assert signed_in(client)
