"""An agent sells an extended warranty on the warranty-expiry call, and the customer's next repair,
after the statutory warranty has ended, shows on the ticket page as free under that contract."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from aftersales.roles import Role
from contracts.choices import SaleChannel
from contracts.models import ServiceContract
from customers.models import ProductCategory
from followups.choices import CallbackKind, OfferOutcome
from followups.models import CallbackVisit
from followups.reminders import schedule_warranty_expiry_callbacks
from tests import factories
from tests.browser.conftest import screenshot, sign_in
from tests.contracts.factories_contracts import ContractProductFactory
from tickets.choices import Kind
from tickets.services import ticket_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_extended_warranty_sold_on_the_expiry_call_covers_the_next_repair(page, live_server):
    today = timezone.localdate()
    agent = factories.UserFactory(username="agent-offers", first_name="Fang", last_name="Wang", roles=[Role.AGENT])
    customer = factories.CustomerFactory(name="周敏", phone="+8613955554444")
    fridges = ProductCategory.objects.get(code="fridge")
    model = factories.ProductModelFactory(code="BCD-470", name="470 L fridge", category=fridges)
    # Bought a year ago less 20 days: the one-year whole-unit warranty ends in 20 days.
    invoice = today.replace(year=today.year - 1) + dt.timedelta(days=20)
    unit = factories.ProductUnitFactory(owner=customer, model=model, serial="BCD2025000777", invoice_date=invoice)
    ContractProductFactory(
        code="ew-fridge-36", name="Refrigerator extended warranty, 3 years", category=fridges, term_months=36,
        price=Decimal("399.00"),
    )  # fmt: skip
    assert schedule_warranty_expiry_callbacks(today=today) == 1
    visit = CallbackVisit.objects.get(kind=CallbackKind.WARRANTY_EXPIRY, unit=unit)

    sign_in(page, live_server, agent.username, factories.PASSWORD)
    page.click("nav >> text=Callbacks")
    page.wait_for_selector("table.callbacks")
    page.locator("table.callbacks tbody tr", has_text="周敏").locator("text=Call").click()
    page.wait_for_selector("#offer")
    screenshot(page, "expiry-call-offer")
    page.check("#offer input[name=outcome][value=accepted]")
    options = page.locator("#offer select[name=product] option").all_inner_texts()
    assert options[1:] == ["Refrigerator extended warranty, 3 years · ¥399.00"]
    page.select_option("#offer select[name=product]", index=1)
    page.fill("#offer input[name=payment_reference]", "WX4200001234")
    page.click("#offer button[type=submit]")
    page.wait_for_selector("text=SC-")
    screenshot(page, "expiry-call-offer-accepted")

    contract = ServiceContract.objects.get(unit=unit)
    visit.refresh_from_db()
    assert (visit.offer_outcome, visit.offer_contract_id) == (OfferOutcome.ACCEPTED, contract.pk)
    assert (contract.channel, contract.price, contract.payment_reference, contract.sold_by_id) == (
        SaleChannel.CALLBACK, Decimal("399.00"), "WX4200001234", agent.pk,
    )  # fmt: skip
    # It takes over the day after the statutory warranty ends, for 36 months.
    assert contract.starts_on == unit.warranty_end + dt.timedelta(days=1)

    # Forty days on, the statutory warranty has ended and the fridge stops cooling. The agent's
    # session (two weeks) has long expired, in the browser too.
    page.context.clear_cookies()
    with time_machine.travel(timezone.now() + dt.timedelta(days=40), tick=True):
        repair = ticket_create(
            customer=customer, unit=unit, kind=Kind.REPAIR, channel="phone", description="Not cooling.", by=agent
        )
        sign_in(page, live_server, agent.username, factories.PASSWORD)
        page.goto(f"{live_server.url}/desk/tickets/{repair.reference}/")
        card = page.locator("#entitlement")
        card.wait_for()
        screenshot(page, "next-repair-covered-by-contract")
        text = card.inner_text()
        assert "entitlement-contract" in card.get_attribute("class")
        assert contract.number in text
        assert card.locator(".badge").inner_text() == "Covered by a service contract"
        assert card.locator("dt:text-is('Parts') + dd").inner_text() == "free"
        assert card.locator("dt:text-is('Labour') + dd").inner_text() == "free"
        assert f"Contract {contract.number} (Extended warranty" in text
