"""A ticket's entitlement (warranty/entitlement.py) from the database: decided from the latest
claim, or a fresh evaluation of the facts on record, plus the unit's contracts whoever sold them;
shown on the ticket page, the claim page and ``GET /api/tickets/{reference}/entitlement/``."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from aftersales.roles import Role
from contracts import services
from tests import factories
from tests.api.conftest import client_for
from tests.contracts.factories_contracts import ContractProductFactory, MaintenancePlanFactory, car_unit, sell
from tickets.choices import Kind
from warranty.entitlement import ticket_entitlement

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 4)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


def ticket_on(days_old: int, **kwargs):
    unit = factories.ProductUnitFactory(invoice_date=TODAY - dt.timedelta(days=days_old))
    return factories.TicketFactory(customer=unit.owner, unit=unit, **kwargs)


def test_a_new_unit_without_a_claim_is_free_under_the_three_guarantees():
    found = ticket_entitlement(ticket_on(30))
    assert (found.source, found.entitlement.basis, found.day) == ("evaluation", "statutory", TODAY)
    assert found.entitlement.remedies == ("repair_free",)
    assert found.reasons == ["The three guarantees make this job free of charge; the remedies they allow are kept."]


def test_an_old_unit_is_paid_unless_a_contract_covers_it():
    ticket = ticket_on(800)
    assert ticket_entitlement(ticket).entitlement.basis == "paid"
    # Sold by another provider: cover belongs to the unit.
    contract = sell(ContractProductFactory(coverage="parts"), ticket.unit, provider=factories.ServiceProviderFactory())
    found = ticket_entitlement(ticket)
    assert (found.entitlement.basis, found.entitlement.parts_free, found.entitlement.labour_free) == (
        "contract",
        True,
        False,
    )
    assert found.contract == contract
    assert found.reasons[-1].startswith(f"Contract {contract.number} (Extended warranty, until ")


def test_the_latest_claim_decides_the_statutory_side():
    ticket = ticket_on(30)
    sell(ContractProductFactory(), ticket.unit, starts_on=TODAY)
    factories.WarrantyClaimFactory(ticket=ticket, free=False, rule="exclusion.misuse", remedies=["repair_paid"],
                                   facts={"claim_date": TODAY.isoformat(), "fault_kind": "misuse"})  # fmt: skip
    found = ticket_entitlement(ticket)
    assert (found.source, found.entitlement.basis) == ("claim", "paid")
    assert [reason.code for reason in found.entitlement.reasons] == ["statutory.paid", "contract.fault_excluded"]


def test_a_plan_covers_a_maintenance_job_until_its_visits_are_used():
    unit = factories.ProductUnitFactory(invoice_date=TODAY - dt.timedelta(days=800))
    ticket = factories.TicketFactory(customer=unit.owner, unit=unit, kind=Kind.MAINTENANCE)
    plan = sell(MaintenancePlanFactory(included_visits=1), unit)
    assert ticket_entitlement(ticket).entitlement.basis == "contract"
    services.plan_visit_record(contract=plan, done_on=TODAY, by=None)
    assert ticket_entitlement(ticket).entitlement.reasons[-1].code == "contract.visits_used"


def test_a_car_past_its_contract_km_pays():
    unit = car_unit(invoice_date=TODAY - dt.timedelta(days=1300))
    sell(ContractProductFactory(category=unit.model.category, term_km=20_000), unit, start_km=70_000)
    ticket = factories.TicketFactory(customer=unit.owner, unit=unit)
    assert ticket_entitlement(ticket).entitlement.basis == "contract"
    services.odometer_record(unit=unit, km=95_000, read_on=TODAY, by=None)
    found = ticket_entitlement(ticket)
    assert (found.entitlement.basis, found.entitlement.reasons[-1].code) == ("paid", "contract.km_exceeded")


def test_a_ticket_without_a_unit_has_no_entitlement():
    assert ticket_entitlement(factories.TicketFactory(unit=None)) is None


def test_the_ticket_page_and_the_claim_page_show_who_pays(client, agent):
    ticket = ticket_on(800)
    contract = sell(ContractProductFactory(), ticket.unit)
    client.force_login(agent)
    page = client.get(reverse("desk:ticket", args=[ticket.reference])).content.decode()
    assert 'id="entitlement"' in page and "Covered by a service contract" in page
    assert f'href="{reverse("contracts:detail", args=[contract.pk])}"' in page
    claim = factories.WarrantyClaimFactory(ticket=ticket, free=False, rule="general.out_of_period",
                                           remedies=["repair_paid"], facts={"claim_date": TODAY.isoformat()})  # fmt: skip
    page = client.get(reverse("warranty:claim", args=[ticket.reference, claim.pk])).content.decode()
    assert "Covered by a service contract" in page and "the latest warranty claim" in page


def test_the_ticket_page_in_chinese(client, agent):
    ticket = ticket_on(30)
    client.force_login(agent)
    page = client.get(reverse("desk:ticket", args=[ticket.reference]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200


def test_the_api_answers_who_pays():
    ticket = ticket_on(800)
    contract = sell(ContractProductFactory(coverage="labour"), ticket.unit)
    response = client_for(factories.UserFactory(roles=[Role.AGENT])).get(
        f"/api/tickets/{ticket.reference}/entitlement/"
    )
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("basis", "parts_free", "labour_free", "contract", "contract_number")} == {
        "basis": "contract",
        "parts_free": False,
        "labour_free": True,
        "contract": contract.pk,
        "contract_number": contract.number,
    }
    assert (body["source"], body["claim"], body["day"], body["remedies"]) == (
        "evaluation",
        None,
        "2026-05-04",
        ["repair_paid"],
    )
    assert [reason["code"] for reason in body["reasons"]] == ["statutory.paid", "contract.covers_labour"]


def test_another_providers_ticket_is_answered_as_a_missing_one():
    provider = factories.ServiceProviderFactory()
    ticket = ticket_on(30, provider=factories.ServiceProviderFactory())
    outsider = client_for(factories.UserFactory(roles=[Role.AGENT], provider=provider))
    theirs = outsider.get(f"/api/tickets/{ticket.reference}/entitlement/")
    missing = outsider.get("/api/tickets/AS-2026-999999/entitlement/")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    customer = factories.UserFactory()
    assert client_for(customer).get(f"/api/tickets/{ticket.reference}/entitlement/").status_code == 403
