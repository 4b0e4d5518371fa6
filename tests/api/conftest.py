"""Shared pieces of the API tests: clients holding a token, portal customers, the error shape."""

import pytest
from django.core.cache.backends.locmem import LocMemCache
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from customers.models import Customer
from tests import factories

INVALID = "The request has errors; see the fields."
# A technician's resolution of a washing machine repair, as the resolution endpoint takes it.
RESOLUTION = {
    "work_done": "Replaced the drain pump.",
    "fault_code": "WM-PUMP",
    "fault_component": "drain pump",
    "root_cause": "Pump impeller cracked.",
    "parts_used": "Drain pump",
    "charge": "0.00",
}


@pytest.fixture(autouse=True)
def throttle_counts_per_test(monkeypatch):
    """Each test counts its requests afresh, in its own cache, without touching the shared one."""
    monkeypatch.setattr(SimpleRateThrottle, "cache", LocMemCache("api-throttle-tests", {}))
    SimpleRateThrottle.cache.clear()


def api_key(user) -> str:
    """A new API key of ``user``'s. Straight from the token store rather than the service, which
    would revoke the key of a client the test already holds for the same user."""
    _token, key = AuthToken.objects.create(user=user, expiry=None)
    return key


def client_for(user) -> APIClient:
    """A client that authenticates as ``user`` with an API token, as an integration does."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


def portal_customer(phone: str, name: str) -> Customer:
    """A customer with a portal account: a login named by the phone, linked to the customer."""
    user = factories.UserFactory(username=phone, first_name=name, last_name="")
    return factories.CustomerFactory(phone=phone, name=name, user=user)


def field_errors(response) -> dict[str, list[str]]:
    """The field errors of a 400 in the one error shape."""
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert (body["detail"], body["code"]) == (INVALID, "invalid")
    return body["errors"]


def error(response, status: int, code: str) -> str:
    """The detail of an error response that is not a validation error, checking its shape."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "code"}, body
    assert body["code"] == code
    return body["detail"]


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


@pytest.fixture
def customer(db) -> Customer:
    return portal_customer("+8613900000001", "Li Na")


@pytest.fixture
def other_customer(db) -> Customer:
    return portal_customer("+8613900000002", "Wang Fang")


@pytest.fixture
def as_customer(customer) -> APIClient:
    return client_for(customer.user)


@pytest.fixture
def as_other_customer(other_customer) -> APIClient:
    return client_for(other_customer.user)


@pytest.fixture
def as_agent(agent) -> APIClient:
    return client_for(agent)


@pytest.fixture
def as_technician(technician) -> APIClient:
    return client_for(technician)


@pytest.fixture
def as_other_technician(other_technician) -> APIClient:
    return client_for(other_technician)
