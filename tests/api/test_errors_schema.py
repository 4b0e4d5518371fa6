"""Answers the schema did not describe: a customer without an email was answered with "", which is
no email address, where the schema said ``format: email``. A missing email is now ``null`` in every
answer, the schema says so, and sending ``null`` or ``""`` clears it. Records with every optional
field left empty are checked against the schema, as an integration's validator would check them.

Each request goes through the whole WSGI stack, and its response is validated by Schemathesis
against the schema the API serves (tests/api/test_schemathesis.py), format checks included."""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from werkzeug.test import Client, TestResponse

from aftersales.roles import Role
from customers.models import Customer
from tests import factories
from tests.api.conftest import api_key, portal_customer
from tickets.choices import Status

pytestmark = pytest.mark.django_db

SCHEMA = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
APP = get_wsgi_application()


@pytest.fixture(autouse=True)
def wsgi_calls_keep_the_transaction():
    """As Django's test client does: a request does not close the connection inside the test's
    transaction (on PostgreSQL it would)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def call(user, method: str, path: str, body: dict | None = None) -> TestResponse:
    key = api_key(user)
    return Client(APP).open(
        path,
        method=method,
        base_url="http://testserver",
        headers={"Authorization": f"Token {key}"},
        data=None if body is None else json.dumps(body),
        content_type="application/json",
    )


def conforming(response: TestResponse, method: str, operation: str) -> dict:
    """The answer's body, after checking it against the operation's response schema."""
    assert response.status_code < 300, response.get_data(as_text=True)
    SCHEMA[operation][method].validate_response(response)
    return response.get_json()


@pytest.fixture
def admin():
    return factories.UserFactory(roles=[Role.ADMIN], username="admin1")


def test_a_customer_without_an_email_is_answered_with_null_as_the_schema_says(admin):
    nameless = factories.CustomerFactory(email="", address="", region="")

    one = conforming(call(admin, "GET", f"/api/customers/{nameless.pk}/"), "GET", "/api/customers/{id}/")
    listed = conforming(call(admin, "GET", "/api/customers/"), "GET", "/api/customers/")

    assert (one["email"], one["address"], one["region"]) == (None, "", "")
    assert [row["email"] for row in listed["results"]] == [None]


def test_a_customer_reads_their_own_record_without_an_email_as_the_schema_says():
    customer = portal_customer("+8613900000001", "Li Na")
    Customer.objects.filter(pk=customer.pk).update(email="")

    me = conforming(call(customer.user, "GET", "/api/customers/me/"), "GET", "/api/customers/me/")

    assert me["email"] is None


def test_a_customer_with_an_email_is_answered_with_it(admin):
    customer = factories.CustomerFactory(email="li.na@example.com")

    body = conforming(call(admin, "GET", f"/api/customers/{customer.pk}/"), "GET", "/api/customers/{id}/")

    assert body["email"] == "li.na@example.com"


@pytest.mark.parametrize("cleared", [None, ""])
def test_an_email_sent_as_null_or_blank_clears_it(admin, cleared):
    customer = factories.CustomerFactory(email="li.na@example.com")

    body = conforming(
        call(admin, "PATCH", f"/api/customers/{customer.pk}/", {"email": cleared}), "PATCH", "/api/customers/{id}/"
    )

    assert body["email"] is None
    assert Customer.objects.get(pk=customer.pk).email == ""


@pytest.mark.parametrize("missing", [{"email": None}, {"email": ""}, {}])
def test_a_customer_created_without_an_email_has_none(admin, missing):
    body = conforming(
        call(admin, "POST", "/api/customers/", {"name": "Chen Jie", "phone": "13812345678", **missing}),
        "POST",
        "/api/customers/",
    )

    assert body["email"] is None
    assert Customer.objects.get(pk=body["id"]).email == ""


def test_records_with_every_optional_field_empty_answer_as_the_schema_says(admin):
    """A walk-in: no email, address or region, a unit with no dates, batch, dealer or price, a
    ticket nobody has planned or assigned yet."""
    customer = factories.CustomerFactory(email="", address="", region="")
    unit = factories.ProductUnitFactory(owner=customer, batch="", invoice_date=None, price=None, has_invoice=False)
    ticket = factories.TicketFactory(customer=customer, unit=unit, status=Status.NEW)
    bare = factories.TicketFactory(customer=customer, unit=None, status=Status.NEW)

    conforming(call(admin, "GET", f"/api/units/{unit.pk}/"), "GET", "/api/units/{id}/")
    conforming(call(admin, "GET", "/api/units/"), "GET", "/api/units/")
    for reference in (ticket.reference, bare.reference):
        conforming(call(admin, "GET", f"/api/tickets/{reference}/"), "GET", "/api/tickets/{reference}/")
    listed = conforming(call(admin, "GET", "/api/tickets/"), "GET", "/api/tickets/")

    assert {row["reference"] for row in listed["results"]} == {ticket.reference, bare.reference}
