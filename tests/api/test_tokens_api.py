"""/api/auth/token/: a user obtains, inspects and revokes their own API token; admins manage any."""

import pytest
from django.urls import reverse
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories
from tests.api.conftest import client_for, error, field_errors

pytestmark = pytest.mark.django_db

TOKEN = "/api/auth/token/"
BAD_LOGIN = "Unable to log in with provided credentials."


def iso(value) -> str:
    return serializers.DateTimeField().to_representation(value)


def obtain(client: APIClient, username: str, password: str = factories.PASSWORD, **extra):
    return client.post(TOKEN, {"username": username, "password": password}, format="json", **extra)


def test_the_first_request_creates_a_token_and_the_next_returns_it(anonymous, agent):
    first = obtain(anonymous, "agent1")
    again = obtain(anonymous, "agent1")

    token = Token.objects.get(user=agent)
    assert first.status_code == 201
    assert first.json() == {"token": token.key, "created": iso(token.created)}
    assert again.status_code == 200
    assert again.json() == first.json()


def test_the_token_authenticates_the_api(anonymous, agent):
    key = obtain(anonymous, "agent1").json()["token"]
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert anonymous.get("/api/tickets/").status_code == 200


def test_a_customer_obtains_theirs_with_their_phone_in_any_format(anonymous, customer):
    response = obtain(anonymous, "139 0000 0001")

    assert response.status_code == 201
    assert Token.objects.get(key=response.json()["token"]).user == customer.user


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"username": "agent1", "password": "wrong"}, {"non_field_errors": [BAD_LOGIN]}),
        ({"username": "nobody", "password": "x"}, {"non_field_errors": [BAD_LOGIN]}),
        ({}, {"username": ["This field is required."], "password": ["This field is required."]}),
        (
            {"username": "", "password": ""},
            {
                "username": ["This field may not be blank."],
                "password": ["This field may not be blank."],
            },
        ),
    ],
)
def test_wrong_credentials_are_a_400_and_create_no_token(anonymous, agent, body, errors):
    assert field_errors(anonymous.post(TOKEN, body, format="json")) == errors
    assert not Token.objects.exists()


def test_an_inactive_user_gets_no_token_and_their_old_one_stops_working(anonymous, agent):
    client = client_for(agent)
    agent.is_active = False
    agent.save()

    assert field_errors(obtain(anonymous, "agent1")) == {"non_field_errors": [BAD_LOGIN]}
    assert error(client.get("/api/tickets/"), 401, "authentication_failed") == "User inactive or deleted."


def test_the_status_never_shows_the_key(agent):
    client = client_for(agent)
    token = Token.objects.get(user=agent)

    response = client.get(TOKEN)

    assert response.status_code == 200
    assert response.json() == {"exists": True, "created": iso(token.created)}


def test_a_session_without_a_token_says_there_is_none(client, agent):
    client.force_login(agent)

    assert client.get(TOKEN).json() == {"exists": False, "created": None}


def test_revoking_ends_the_token_and_the_next_request_creates_a_fresh_key(anonymous, agent):
    client = client_for(agent)
    old_key = Token.objects.get(user=agent).key

    response = client.delete(TOKEN)

    assert response.status_code == 204
    assert not Token.objects.filter(user=agent).exists()
    assert error(client.get(TOKEN), 401, "authentication_failed") == "Invalid token."
    fresh = obtain(anonymous, "agent1")
    assert fresh.status_code == 201
    assert fresh.json()["token"] != old_key


def test_revoking_touches_only_the_callers_token(agent, manager):
    Token.objects.create(user=manager)

    assert client_for(agent).delete(TOKEN).status_code == 204
    assert Token.objects.filter(user=manager).exists()


def test_a_session_revocation_needs_the_csrf_token(agent):
    Token.objects.create(user=agent)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(agent)

    response = client.delete(TOKEN)

    assert error(response, 403, "permission_denied").startswith("CSRF Failed")
    assert Token.objects.filter(user=agent).exists()


@pytest.mark.parametrize("method", ["get", "delete"])
def test_anonymous_callers_cannot_inspect_or_revoke(anonymous, method):
    response = getattr(anonymous, method)(TOKEN)

    assert error(response, 401, "not_authenticated") == "Authentication credentials were not provided."


def test_obtaining_is_throttled_per_address(anonymous, agent, manager):
    for attempt in range(10):
        obtain(anonymous, "agent1" if attempt % 2 else "manager1", "wrong")

    response = obtain(anonymous, "agent1")

    assert error(response, 429, "throttled").startswith("Request was throttled.")
    assert response["Retry-After"]
    assert not Token.objects.exists()


def test_guesses_from_many_addresses_never_throttle_the_owner(anonymous, customer):
    """No limit counts one username from every address at once, or anyone could lock its owner
    out; each address has its own limits (tests/security/)."""
    for attempt in range(10):
        assert obtain(anonymous, "13900000001", "wrong", REMOTE_ADDR=f"10.0.0.{attempt}").status_code == 400

    # The same login typed another way, from yet another address, with the right password.
    response = obtain(anonymous, "+86 139 0000 0001", REMOTE_ADDR="10.0.1.1")

    assert response.status_code == 201


# --- the admin --------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    admin = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_admins_create_and_revoke_any_users_token(admin_client, agent):
    listed = admin_client.get(reverse("admin:authtoken_tokenproxy_changelist"))
    created = admin_client.post(reverse("admin:authtoken_tokenproxy_add"), {"user": agent.pk})

    assert listed.status_code == 200
    assert created.status_code == 302
    token = Token.objects.get(user=agent)
    assert client_for(agent).get(TOKEN).json()["exists"] is True

    revoked = admin_client.post(reverse("admin:authtoken_tokenproxy_delete", args=[agent.pk]), {"post": "yes"})

    assert revoked.status_code == 302
    assert not Token.objects.filter(key=token.key).exists()
