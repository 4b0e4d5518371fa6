"""The offer on a warranty-expiry or renewal call (followups/offers.py and the call page's
form): accepted sells the contract on the callback channel at the catalogue's price, declined
needs a reason, an opted-out customer is never offered, and a refused request changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from contracts.choices import ContractKind, SaleChannel
from contracts.models import ServiceContract
from followups.choices import CallbackKind, OfferOutcome
from followups.models import CallbackVisit
from followups.reminders import schedule_warranty_expiry_callbacks
from notifications.models import OutboundMessage
from tests import factories
from tests.plans.factories_plans import ServiceContractFactory
from tests.plans.helpers_offers import extended_warranty, offer_world, snapshot

pytestmark = pytest.mark.django_db


def _post(client, visit, **data):
    return client.post(reverse("followups:offer", args=[visit.pk]), data)


def test_accepted_on_the_call_sells_the_contract_at_the_catalogue_price(client, agent):
    world = offer_world()
    client.force_login(agent)
    response = _post(
        client,
        world.visit,
        outcome="accepted",
        product=world.warranty.pk,
        payment_reference=" WX20261207001 ",
        price="1.00",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("followups:callback", args=[world.visit.pk])

    contract = ServiceContract.objects.get()
    # An extended warranty takes over the day after the statutory warranty ends, for 24 months.
    starts = world.unit.warranty_end + dt.timedelta(days=1)
    assert (
        contract.product,
        contract.unit,
        contract.customer,
        contract.channel,
        contract.price,
        contract.payment_reference,
        contract.sold_by,
        contract.renews,
        contract.starts_on,
        contract.ends_on,
    ) == (
        world.warranty,
        world.unit,
        world.customer,
        SaleChannel.CALLBACK,
        Decimal("399.00"),
        "WX20261207001",
        agent,
        None,
        starts,
        dt.date(starts.year + 2, starts.month, starts.day) - dt.timedelta(days=1),
    )
    world.visit.refresh_from_db()
    assert (world.visit.offer_outcome, world.visit.offer_contract, world.visit.offer_decline_reason) == (
        OfferOutcome.ACCEPTED,
        contract,
        "",
    )
    page = client.get(reverse("followups:callback", args=[world.visit.pk])).content.decode()
    assert (
        contract.number in page and 'action="/desk/callbacks/' not in page.split('id="offer"')[1].split("</section>")[0]
    )


def test_the_call_page_offers_only_the_units_category_and_a_product_of_another_is_refused(client, agent):
    world = offer_world()
    client.force_login(agent)
    page = client.get(reverse("followups:callback", args=[world.visit.pk])).content.decode()
    assert "Extended warranty 2 years · ¥399.00" in page
    assert "¥1.00" not in page

    before = snapshot()
    response = _post(
        client, world.visit, outcome="accepted", product=world.fridge_warranty.pk, payment_reference="WX-1"
    )
    assert response.status_code == 400
    assert response.context["offer_form"].errors == {"product": ["Choose a contract on sale for this product."]}
    assert snapshot() == before


def test_accepted_needs_a_product_and_a_payment_reference(client, agent):
    world = offer_world()
    client.force_login(agent)
    before = snapshot()
    response = _post(client, world.visit, outcome="accepted")
    assert response.status_code == 400
    assert response.context["offer_form"].errors == {"product": ["Choose the contract the customer accepted."]}
    response = _post(client, world.visit, outcome="accepted", product=world.warranty.pk)
    assert response.context["offer_form"].errors == {
        "payment_reference": ["Enter the payment reference: a contract is sold once it is paid."]
    }
    assert snapshot() == before


def test_declined_needs_a_reason(client, agent):
    world = offer_world()
    client.force_login(agent)
    before = snapshot()
    response = _post(client, world.visit, outcome="declined", reason="   ")
    assert response.status_code == 400
    assert response.context["offer_form"].errors == {"reason": ["Say why the customer declined the offer."]}
    assert snapshot() == before

    assert _post(client, world.visit, outcome="declined", reason="Buying a new one next year.").status_code == 302
    world.visit.refresh_from_db()
    assert (world.visit.offer_outcome, world.visit.offer_decline_reason, world.visit.offer_contract) == (
        OfferOutcome.DECLINED,
        "Buying a new one next year.",
        None,
    )
    assert not ServiceContract.objects.exists()


def test_thinking_it_over_then_accepting_and_nothing_after_accepted(client, agent):
    world = offer_world()
    client.force_login(agent)
    assert _post(client, world.visit, outcome="offered").status_code == 302
    world.visit.refresh_from_db()
    assert world.visit.offer_outcome == OfferOutcome.OFFERED
    assert (
        _post(client, world.visit, outcome="accepted", product=world.warranty.pk, payment_reference="WX-2").status_code
        == 302
    )
    before = snapshot()
    response = _post(client, world.visit, outcome="declined", reason="Changed their mind.")
    assert response.status_code == 400
    assert response.context["offer_form"].errors == {
        "outcome": ["The customer already accepted the offer on this call."]
    }
    assert snapshot() == before
    assert ServiceContract.objects.count() == 1


def test_a_customer_who_opted_out_is_not_offered_and_the_page_says_so(client, agent):
    world = offer_world(offers_consent="refused")
    client.force_login(agent)
    page = client.get(reverse("followups:callback", args=[world.visit.pk])).content.decode()
    assert "Opted out of offers — do not offer." in page
    assert 'class="offerform"' not in page

    before = snapshot()
    response = _post(client, world.visit, outcome="accepted", product=world.warranty.pk, payment_reference="WX-3")
    assert response.status_code == 400
    assert response.context["offer_form"].errors == {"outcome": ["The customer opted out of offers: do not offer."]}
    assert snapshot() == before


def test_a_call_that_carries_no_offer_is_refused(client, agent):
    world = offer_world(kind=CallbackKind.MAINTENANCE)
    client.force_login(agent)
    page = client.get(reverse("followups:callback", args=[world.visit.pk])).content.decode()
    assert 'id="offer"' not in page
    before = snapshot()
    response = _post(client, world.visit, outcome="offered")
    assert response.status_code == 400
    assert response.context["offer_form"].errors == {"outcome": ["This call carries no offer."]}
    assert snapshot() == before


def test_accepting_a_renewal_renews_the_contract_ending(client, agent):
    customer = factories.CustomerFactory(preferred_language="en")
    unit = factories.ProductUnitFactory(owner=customer)
    product = extended_warranty("ew-washer-2y", unit.model.category)
    ending = ServiceContractFactory(
        product=product, unit=unit, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    world = offer_world(kind=CallbackKind.CONTRACT_RENEWAL, contract=ending)
    client.force_login(agent)
    page = client.get(reverse("followups:callback", args=[world.visit.pk])).content.decode()
    assert ending.number in page and "Contract ending" in page
    response = _post(client, world.visit, outcome="accepted", product=product.pk, payment_reference="WX-4")
    assert response.status_code == 302
    renewal = ServiceContract.objects.exclude(pk=ending.pk).get()
    assert (renewal.renews, renewal.channel, renewal.kind) == (
        ending,
        SaleChannel.CALLBACK,
        ContractKind.EXTENDED_WARRANTY,
    )
    assert renewal.starts_on == max(dt.date(2027, 1, 1), renewal.created_at.date())


def test_a_plan_visit_call_shows_the_visits_used(client, agent):
    contract = ServiceContractFactory()
    visit = offer_world(kind=CallbackKind.PLAN_VISIT, contract=contract).visit
    client.force_login(agent)
    page = client.get(reverse("followups:callback", args=[visit.pk])).content.decode()
    assert contract.number in page
    assert '<dd class="plan-visits">0 of 4</dd>' in page
    assert 'id="offer"' not in page


def test_the_warranty_expiry_scheduler_never_flags_an_offer_to_an_opted_out_customer(
    django_capture_on_commit_callbacks,
):
    today = dt.date(2026, 11, 23)
    opted_out = factories.ProductUnitFactory(
        owner=factories.CustomerFactory(offers_consent="refused"), invoice_date=dt.date(2025, 12, 10)
    )
    willing = factories.ProductUnitFactory(invoice_date=dt.date(2025, 12, 10))
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_warranty_expiry_callbacks(today=today) == 2
    assert dict(CallbackVisit.objects.values_list("unit", "extended_warranty_offer")) == {
        opted_out.pk: False,
        willing.pk: True,
    }
    # The warranty-end reminder announces the offer: only the willing customer gets it.
    assert list(OutboundMessage.objects.values_list("customer", flat=True)) == [willing.owner_id]
