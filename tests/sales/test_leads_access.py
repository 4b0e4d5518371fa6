"""Every lead object endpoint called by a caller who must not see the object (another dealer's
staff; for the offers consent, another customer) answers as for a missing id, and changes nothing
(in the style of tests/api/test_access_control.py)."""

import pytest
from django.utils import timezone

from aftersales.roles import Role
from customers.models import Customer
from sales.models import Lead, LeadEvent, LeadRule
from tests import factories
from tests.api.conftest import client_for, portal_customer
from tests.sales.factories_leads import LeadFactory, LeadRuleFactory

pytestmark = pytest.mark.django_db

MISSING = 999999
ENDPOINTS = [
    ("get", "/api/leads/{lead}/", None),
    ("post", "/api/leads/{lead}/contact/", {"note": "Called."}),
    ("post", "/api/leads/{lead}/win/", {"value": "10.00"}),
    ("post", "/api/leads/{lead}/lose/", {"reason": "Mine now."}),
    ("post", "/api/leads/{lead}/assign/", {"owner": None}),
    ("get", "/api/lead-rules/{rule}/", None),
    ("patch", "/api/lead-rules/{rule}/", {"is_active": False}),
    ("post", "/api/customers/{customer}/offers-consent/", {"consent": "refused"}),
]

# Lead rules are the network's, read by every desk user (a dealer's too): only a customer must not see one.
NETWORK_WIDE = {("get", "/api/lead-rules/{rule}/")}


@pytest.fixture
def world():
    owner = factories.ServiceProviderFactory(code="owner-dealer")
    other = factories.ServiceProviderFactory(code="other-dealer")
    lead = LeadFactory(owner_provider=owner)
    rule = LeadRuleFactory(code="rule-a")
    stranger = portal_customer("+8613900000099", "Stranger")
    Customer.objects.filter(pk=stranger.pk).update(account_verified_at=timezone.now())
    return {
        "ids": {"lead": lead.pk, "rule": rule.pk, "customer": lead.customer_id},
        "owner": client_for(factories.UserFactory(roles=[Role.AGENT], provider=owner)),
        "other": client_for(factories.UserFactory(roles=[Role.AGENT], provider=other)),
        "customer": client_for(stranger.user),
    }


def snapshot():
    return [list(model.objects.order_by("pk").values()) for model in (Lead, LeadEvent, LeadRule)] + [
        list(Customer.objects.order_by("pk").values("offers_consent", "offers_consent_source"))
    ]


def call(client, method, url, body):
    return getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)


@pytest.mark.parametrize("caller", ["other", "customer"])
@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_an_object_not_theirs_is_answered_like_a_missing_one(world, caller, method, path, body):
    before = snapshot()
    if caller == "other" and (method, path) in NETWORK_WIDE:
        # Every desk user reads the network's lead rules, another dealer's staff too.
        assert call(world[caller], method, path.format(**world["ids"]), body).status_code == 200
        assert snapshot() == before
        return
    theirs = call(world[caller], method, path.format(**world["ids"]), body)
    missing = call(world[caller], method, path.format(**dict.fromkeys(world["ids"], MISSING)), body)
    assert (theirs.status_code, theirs.json()) == (missing.status_code, missing.json())
    assert theirs.status_code in (403, 404)
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path", "body"), [e for e in ENDPOINTS if e[0] == "get"])
def test_the_owner_reads_the_same_object(world, method, path, body):
    assert call(world["owner"], method, path.format(**world["ids"]), body).status_code == 200
