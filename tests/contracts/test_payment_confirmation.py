"""A contract bought on the portal with a payment reference the customer typed covers nothing
until staff find the payment (contracts/services.py ``contract_payment_confirm``): someone who
knows only their own account cannot buy cover with a made-up reference. Staff sales are paid at
the sale. The desk and the API confirm; confirming twice, or a cancelled contract, is refused and
changes nothing."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from aftersales.roles import Role
from contracts import services
from contracts.choices import SaleChannel
from contracts.models import ServiceContract
from followups.plan_reminders import schedule_plan_visit_callbacks
from tests import factories
from tests.api.conftest import client_for
from tests.contracts.factories_contracts import ContractProductFactory, MaintenancePlanFactory, sell
from warranty.entitlement import ticket_entitlement

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 5, 4)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _old_unit_ticket():
    unit = factories.ProductUnitFactory(invoice_date=TODAY - dt.timedelta(days=800))
    return factories.TicketFactory(customer=unit.owner, unit=unit)


def _confirmed(contract: ServiceContract) -> tuple:
    contract.refresh_from_db()
    return contract.payment_confirmed_at, contract.payment_confirmed_by_id


def test_a_staff_sale_is_paid_at_the_sale_and_covers_at_once():
    agent = factories.UserFactory(roles=[Role.AGENT])
    ticket = _old_unit_ticket()
    contract = sell(ContractProductFactory(), ticket.unit, by=agent)

    assert _confirmed(contract) == (NOW, agent.pk)
    assert ticket_entitlement(ticket).entitlement.basis == "contract"


def test_a_portal_purchase_covers_nothing_until_its_payment_is_confirmed():
    ticket = _old_unit_ticket()
    contract = sell(ContractProductFactory(), ticket.unit, channel=SaleChannel.PORTAL, reference="MADE-UP-123")

    assert _confirmed(contract) == (None, None)
    assert ticket_entitlement(ticket).entitlement.basis == "paid"

    agent = factories.UserFactory(roles=[Role.AGENT])
    services.contract_payment_confirm(contract=contract, by=agent)

    assert _confirmed(contract) == (NOW, agent.pk)
    found = ticket_entitlement(ticket)
    assert (found.entitlement.basis, found.contract) == ("contract", contract)


def test_a_plan_bought_on_the_portal_books_no_visit_before_its_payment_is_found():
    unit = factories.ProductUnitFactory(invoice_date=TODAY - dt.timedelta(days=400))
    plan = sell(
        MaintenancePlanFactory(category=unit.model.category, visit_interval_months=1),
        unit,
        channel=SaleChannel.PORTAL,
        starts_on=TODAY,
    )
    with time_machine.travel(NOW + dt.timedelta(days=25), tick=False):
        assert schedule_plan_visit_callbacks(today=TODAY + dt.timedelta(days=25)) == 0
        services.contract_payment_confirm(contract=plan, by=factories.UserFactory(roles=[Role.AGENT]))
        assert schedule_plan_visit_callbacks(today=TODAY + dt.timedelta(days=25)) == 1


@pytest.mark.parametrize("state", ["confirmed", "cancelled"])
def test_confirming_a_confirmed_or_cancelled_contract_is_refused_and_changes_nothing(state):
    unit = factories.ProductUnitFactory()
    contract = sell(ContractProductFactory(category=unit.model.category), unit, channel=SaleChannel.PORTAL)
    agent = factories.UserFactory(roles=[Role.AGENT])
    if state == "confirmed":
        services.contract_payment_confirm(contract=contract, by=agent)
    else:
        services.contract_cancel(contract=contract, reason="No payment found.", by=agent)
    before = list(ServiceContract.objects.values())

    with pytest.raises(services.ValidationError) as raised:
        services.contract_payment_confirm(contract=contract, by=factories.UserFactory(roles=[Role.MANAGER]))

    assert set(raised.value.message_dict) == {"payment_reference" if state == "confirmed" else "status"}
    assert list(ServiceContract.objects.values()) == before


def test_the_desk_lists_the_payments_to_confirm_and_confirms_one(client):
    unit = factories.ProductUnitFactory()
    product = ContractProductFactory(category=unit.model.category)
    waiting = sell(product, unit, channel=SaleChannel.PORTAL, reference="WX-777")
    other_unit = factories.ProductUnitFactory(model=unit.model)
    sell(product, other_unit, by=factories.UserFactory(roles=[Role.AGENT]))
    agent = factories.UserFactory(roles=[Role.AGENT])
    client.force_login(agent)

    listed = client.get(reverse("contracts:list"), {"when": "payment_to_confirm"}).content.decode()
    assert waiting.number in listed and listed.count("SC-") == 1
    page = client.get(reverse("contracts:detail", args=[waiting.pk])).content.decode()
    assert "payment to confirm" in page and "WX-777" in page

    response = client.post(reverse("contracts:confirm_payment", args=[waiting.pk]))

    assert response.status_code == 302
    assert _confirmed(waiting) == (NOW, agent.pk)
    assert "payment confirmed" in client.get(reverse("contracts:detail", args=[waiting.pk])).content.decode()


def test_the_api_confirms_once():
    unit = factories.ProductUnitFactory()
    contract = sell(ContractProductFactory(category=unit.model.category), unit, channel=SaleChannel.PORTAL)
    api = client_for(factories.UserFactory(roles=[Role.MANAGER]))
    url = f"/api/contracts/{contract.pk}/confirm-payment/"

    first = api.post(url)
    assert first.status_code == 200
    assert first.json()["payment_confirmed_at"] == "2026-05-04T10:00:00+08:00"
    second = api.post(url)
    assert second.status_code == 400
    assert list(second.json()["errors"]) == ["payment_reference"]


def test_a_customer_cannot_confirm_their_own_payment():
    unit = factories.ProductUnitFactory()
    contract = sell(ContractProductFactory(category=unit.model.category), unit, channel=SaleChannel.PORTAL)
    owner = unit.owner
    owner.user = factories.UserFactory(username=owner.phone)
    owner.save(update_fields=["user"])

    answer = client_for(owner.user).post(f"/api/contracts/{contract.pk}/confirm-payment/")

    assert answer.status_code in (403, 404)
    assert _confirmed(contract) == (None, None)
