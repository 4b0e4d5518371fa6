"""Every contracts object endpoint called by another provider's staff answers as for a missing id,
and changes nothing (in the style of tests/api/test_access_control.py). Contract products are the
catalogue every provider reads; only headquarters changes them (a 403 whatever the id)."""

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.roles import Role
from contracts.models import ContractProduct, ContractVisit, OdometerReading, ServiceContract
from customers.models import Customer
from tests import factories
from tests.api.conftest import client_for, portal_customer
from tests.contracts.factories_contracts import ContractProductFactory, MaintenancePlanFactory, sell

pytestmark = pytest.mark.django_db

MISSING = 999999
ENDPOINTS = [
    ("get", "/api/contracts/{contract}/", None),
    ("post", "/api/contracts/{contract}/cancel/", {"reason": "Refunded"}),
    ("post", "/api/contracts/{contract}/confirm-payment/", {}),
    ("post", "/api/contracts/{plan}/visits/", {"done_on": "2026-05-04"}),
    ("get", "/api/tickets/{ticket}/entitlement/", None),
]
# The catalogue every desk user reads, another provider's staff too; a customer is answered as for a missing one.
NETWORK_WIDE = [("get", "/api/contract-products/{product}/", None)]
# Catalogue writes only headquarters managers make: a 403 for every provider, whatever the id.
HQ_WRITES = [
    ("put", "/api/contract-products/{product}/", {"code": "x", "name": "X", "kind": "extended_warranty",
                                                  "category": "washing_machine", "term_months": 12, "price": "1.00"}),
    ("patch", "/api/contract-products/{product}/", {"price": "1.00"}),
]  # fmt: skip


@pytest.fixture
def world():
    owner = factories.ServiceProviderFactory(code="owner-net")
    other = factories.ServiceProviderFactory(code="other-net")
    unit = factories.ProductUnitFactory(invoice_date=dt.date.today() - dt.timedelta(days=800))
    ticket = factories.TicketFactory(customer=unit.owner, unit=unit, provider=owner)
    product = ContractProductFactory(category=unit.model.category)
    contract = sell(product, unit, provider=owner)
    plan = sell(MaintenancePlanFactory(category=unit.model.category), unit, provider=owner)
    ids = {"contract": contract.pk, "plan": plan.pk, "product": product.pk, "ticket": ticket.reference}
    return {
        "ids": ids,
        "missing": {**dict.fromkeys(ids, MISSING), "ticket": "AS-2026-999999"},
        "owner": client_for(factories.UserFactory(roles=[Role.MANAGER], provider=owner)),
        "other": client_for(factories.UserFactory(roles=[Role.MANAGER], provider=other)),
    }


def snapshot():
    return [
        list(model.objects.order_by("pk").values())
        for model in (ContractProduct, ServiceContract, ContractVisit, OdometerReading)
    ]


def call(client, method, url, body):
    return getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS + HQ_WRITES)
def test_another_providers_object_is_answered_like_a_missing_one(world, method, path, body):
    before = snapshot()
    theirs = call(world["other"], method, path.format(**world["ids"]), body)
    missing = call(world["other"], method, path.format(**world["missing"]), body)
    assert (theirs.status_code, theirs.json()) == (missing.status_code, missing.json())
    assert theirs.status_code in (403, 404)
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path", "body"), NETWORK_WIDE)
def test_the_catalogue_is_read_by_every_provider_and_by_no_customer(world, method, path, body):
    stranger = portal_customer("+8613900000099", "Stranger")
    Customer.objects.filter(pk=stranger.pk).update(account_verified_at=timezone.now())
    customer = client_for(stranger.user)
    before = snapshot()

    assert call(world["other"], method, path.format(**world["ids"]), body).status_code == 200
    theirs = call(customer, method, path.format(**world["ids"]), body)
    missing = call(customer, method, path.format(**world["missing"]), body)
    assert (theirs.status_code, theirs.json()) == (missing.status_code, missing.json())
    assert theirs.status_code in (403, 404)
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path", "body"), [e for e in ENDPOINTS if e[0] == "get"])
def test_the_owner_reads_the_same_object(world, method, path, body):
    assert call(world["owner"], method, path.format(**world["ids"]), body).status_code == 200


def test_another_providers_unit_cannot_be_sold_on():
    """A sale names the unit by id in the body: one the caller may not see is an unknown id."""
    unit = factories.ProductUnitFactory()
    factories.TicketFactory(customer=unit.owner, unit=unit, provider=factories.ServiceProviderFactory())
    product = ContractProductFactory(category=unit.model.category)
    outsider = client_for(factories.UserFactory(roles=[Role.AGENT], provider=factories.ServiceProviderFactory()))
    body = {"unit": unit.pk, "product": product.code, "payment_reference": "P"}
    theirs = outsider.post("/api/contracts/", body, format="json")
    missing = outsider.post("/api/contracts/", {**body, "unit": MISSING}, format="json")
    assert theirs.status_code == missing.status_code == 400
    assert theirs.json()["errors"]["unit"] == [f'Invalid pk "{unit.pk}" - object does not exist.']
    assert not ServiceContract.objects.exists()
