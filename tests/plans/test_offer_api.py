"""POST /api/callbacks/{id}/offer/: the same rules as the call page's form, in the API's one error
shape (followups/api/offer_views.py)."""

from decimal import Decimal

import pytest

from contracts.choices import SaleChannel
from contracts.models import ServiceContract
from followups.choices import CallbackKind, OfferOutcome
from tests.api.conftest import client_for
from tests.plans.helpers_offers import offer_world, snapshot

pytestmark = pytest.mark.django_db


def _url(visit) -> str:
    return f"/api/callbacks/{visit.pk}/offer/"


def test_accepted_sells_on_the_callback_channel_and_answers_the_visit(agent):
    world = offer_world()
    client = client_for(agent)
    response = client.post(
        _url(world.visit),
        {"outcome": "accepted", "product": "ew-washer-2y", "payment_reference": "WX20261207001", "price": "0.01"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    contract = ServiceContract.objects.get()
    assert (contract.channel, contract.price, contract.sold_by, contract.product) == (
        SaleChannel.CALLBACK,
        Decimal("399.00"),
        agent,
        world.warranty,
    )
    body = response.json()
    assert (body["id"], body["kind"], body["offer_outcome"], body["offer_decline_reason"]) == (
        world.visit.pk,
        "warranty_expiry",
        "accepted",
        "",
    )
    assert body["offer_contract"] == {"id": contract.pk, "number": contract.number}
    assert body["contract"] is None


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"outcome": "declined"}, {"reason": ["Say why the customer declined the offer."]}),
        (
            {"outcome": "accepted", "payment_reference": "WX-1"},
            {"product": ["Choose the contract the customer accepted."]},
        ),
        (
            {"outcome": "accepted", "product": "no-such", "payment_reference": "WX-1"},
            {"product": ["No contract on sale has this code."]},
        ),
        # A product of another category: the contracts' own rule.
        (
            {"outcome": "accepted", "product": "ew-fridge-2y", "payment_reference": "WX-1"},
            {"product": ["This contract is not sold for this kind of product."]},
        ),
        ({"outcome": "maybe"}, {"outcome": ["Choose what the customer said to the offer."]}),
    ],
)
def test_bad_input_is_a_field_error_and_changes_nothing(agent, body, errors):
    world = offer_world()
    before = snapshot()
    response = client_for(agent).post(_url(world.visit), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert snapshot() == before


def test_an_opted_out_customer_is_refused(agent):
    world = offer_world(offers_consent="refused")
    before = snapshot()
    response = client_for(agent).post(_url(world.visit), {"outcome": "offered"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"outcome": ["The customer opted out of offers: do not offer."]}
    assert snapshot() == before


def test_a_call_without_an_offer_and_an_offer_already_accepted_are_refused(agent):
    client = client_for(agent)
    maintenance = offer_world(kind=CallbackKind.MAINTENANCE)
    response = client.post(_url(maintenance.visit), {"outcome": "offered"}, format="json")
    assert (response.status_code, response.json()["errors"]) == (400, {"outcome": ["This call carries no offer."]})

    world = offer_world(email="other@example.com")
    accepted = {"outcome": "accepted", "product": "ew-washer-2y", "payment_reference": "WX-1"}
    assert client.post(_url(world.visit), accepted, format="json").status_code == 200
    before = snapshot()
    response = client.post(_url(world.visit), accepted, format="json")
    assert response.json()["errors"] == {"outcome": ["The customer already accepted the offer on this call."]}
    assert snapshot() == before
    world.visit.refresh_from_db()
    assert world.visit.offer_outcome == OfferOutcome.ACCEPTED
