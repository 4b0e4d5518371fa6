"""An agent opens a three-guarantees claim for a washing machine bought 5 days ago, records
the customer's choice of a replacement, and the new unit appears on the customer's record."""

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.roles import Role
from customers.models import ProductCategory, ProductUnit, UnitStatus
from tests import factories
from tests.browser.conftest import screenshot, sign_in
from tickets.choices import Kind
from warranty.models import ClaimStatus, WarrantyClaim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_replacement_within_7_days_shows_on_the_customer_record(page, live_server):
    agent = factories.UserFactory(username="agent-claims", roles=[Role.AGENT])
    customer = factories.CustomerFactory(name="李娜", phone="+8613766665555")
    washer = factories.ProductModelFactory(
        code="XQG100-B14", category=ProductCategory.objects.get(code="washing_machine")
    )
    unit = factories.ProductUnitFactory(
        owner=customer, model=washer, serial="WM-OLD-0001", invoice_date=timezone.localdate() - dt.timedelta(days=5)
    )
    ticket = factories.TicketFactory(customer=customer, unit=unit, kind=Kind.REPAIR)

    sign_in(page, live_server, agent.username, factories.PASSWORD)
    page.goto(f"{live_server.url}/desk/tickets/{ticket.reference}/")
    page.click("text=Open a warranty claim")
    assert page.input_value("input[name=start_date]") == unit.invoice_date.isoformat()
    page.select_option("select[name=fault_kind]", "performance")
    page.click("text=Evaluate the claim")

    page.wait_for_selector("#decision")
    offered = page.locator(".remedies li").all_inner_texts()
    assert offered == ["Return with a full refund", "Replacement with the same model", "Free repair"]
    assert "5 days ago" in page.inner_text(".reasons")
    screenshot(page, "claim-decision")

    page.check("input[name=remedy][value=replace]")
    page.click("text=Record the choice")
    page.wait_for_selector("text=The customer's choice is recorded.")
    page.fill("input[name=new_serial]", "WM-NEW-0002")
    page.click("#execute button[type=submit]")
    page.wait_for_selector("#outcome")
    screenshot(page, "claim-executed")

    page.goto(f"{live_server.url}/desk/customers/{customer.pk}/")
    rows = page.locator("table.plain").first.inner_text()
    assert "WM-NEW-0002" in rows
    assert "WM-OLD-0001" in rows
    screenshot(page, "customer-after-replacement")

    claim = WarrantyClaim.objects.get(ticket=ticket)
    new_unit = ProductUnit.objects.get(serial="WM-NEW-0002")
    unit.refresh_from_db()
    assert (claim.status, claim.chosen_remedy, claim.replacement_unit) == (ClaimStatus.EXECUTED, "replace", new_unit)
    assert (unit.status, unit.replaced_by) == (UnitStatus.REPLACED, new_unit)
    assert (new_unit.owner, new_unit.warranty_start) == (customer, timezone.localdate())
