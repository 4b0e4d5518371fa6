"""The desk's contract pages: the list and its filters, a contract's page with its visits,
cancel and renew, and selling on a unit; field errors on a 400, a fixed number of queries, and
a provider's staff kept to their own provider's contracts and units."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from aftersales.roles import Role
from contracts.models import ContractVisit, ServiceContract
from tests import factories
from tests.contracts.factories_contracts import ContractProductFactory, MaintenancePlanFactory, car_unit, sell

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 4)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def seller(db):
    return factories.UserFactory(roles=[Role.SALES], username="seller")


def old_unit(**kwargs):
    return factories.ProductUnitFactory(invoice_date=TODAY - dt.timedelta(days=800), **kwargs)


def test_the_list_filters_and_searches(client, seller, django_assert_num_queries):
    ending = sell(ContractProductFactory(term_months=1), old_unit(serial="SN-ENDING"))
    later = sell(ContractProductFactory(term_months=24), old_unit())
    plan = sell(MaintenancePlanFactory(), old_unit())
    client.force_login(seller)
    url = reverse("contracts:list")
    # user, roles, the contracts with their product, unit, model, customer, provider, station
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(3):
        page = client.get(url)
    assert [c.pk for c in page.context["contracts"]] == [plan.pk, later.pk, ending.pk]
    assert [c.pk for c in client.get(url, {"when": "ending_soon"}).context["contracts"]] == [ending.pk]
    assert [c.pk for c in client.get(url, {"kind": "maintenance_plan"}).context["contracts"]] == [plan.pk]
    assert [c.pk for c in client.get(url, {"q": "sn-ending"}).context["contracts"]] == [ending.pk]
    assert [c.pk for c in client.get(url, {"q": later.number}).context["contracts"]] == [later.pk]
    phone = later.customer.phone.removeprefix("+86")
    assert [c.pk for c in client.get(url, {"q": phone}).context["contracts"]] == [later.pk]
    assert list(client.get(url, {"status": "cancelled"}).context["contracts"]) == []


def test_the_list_needs_a_contracts_role(client, technician):
    client.force_login(technician)
    assert client.get(reverse("contracts:list")).status_code == 403


def test_a_plan_page_records_its_visits(client, seller, django_assert_num_queries):
    plan = sell(MaintenancePlanFactory(included_visits=2), old_unit())
    client.force_login(seller)
    url = reverse("contracts:detail", args=[plan.pk])
    # user, roles, the contract with its visits counted, its renewal, its visits
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(5):
        page = client.get(url)
    assert "0 of 2 used" in page.content.decode()
    response = client.post(reverse("contracts:visit", args=[plan.pk]), {"done_on": "2026-05-04"})
    assert response.status_code == 302
    assert list(ContractVisit.objects.filter(contract=plan).values_list("number", "done_on")) == [(1, TODAY)]
    refused = client.post(reverse("contracts:visit", args=[plan.pk]), {"done_on": "2026-05-05"})
    assert refused.status_code == 400
    assert "A visit cannot be recorded before it is done." in refused.content.decode()
    assert ContractVisit.objects.filter(contract=plan).count() == 1


def test_a_car_plan_visit_with_a_lower_odometer_is_a_field_error(client, seller):
    unit = car_unit(invoice_date=TODAY - dt.timedelta(days=800))
    plan = sell(
        MaintenancePlanFactory(category=unit.model.category, term_km=60_000, visit_interval_km=10_000),
        unit,
        start_km=40_000,
    )
    client.force_login(seller)
    response = client.post(
        reverse("contracts:visit", args=[plan.pk]), {"done_on": "2026-05-04", "odometer_km": "39000"}
    )
    assert response.status_code == 400
    assert response.context["visit_form"].errors["odometer_km"] == [
        "The odometer read 40000 km on 2026-05-04; a later reading cannot be lower."
    ]
    assert not ContractVisit.objects.exists()


def test_cancel_with_a_reason(client, seller):
    contract = sell(ContractProductFactory(), old_unit())
    client.force_login(seller)
    url = reverse("contracts:cancel", args=[contract.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and refused.context["cancel_form"].errors["reason"]
    assert client.post(url, {"reason": "Refunded"}).status_code == 302
    contract.refresh_from_db()
    assert (contract.status, contract.cancel_reason) == ("cancelled", "Refunded")


def test_renew_sells_the_renewal(client, seller):
    contract = sell(ContractProductFactory(term_months=12), old_unit())
    client.force_login(seller)
    response = client.post(reverse("contracts:renew", args=[contract.pk]), {"payment_reference": "PAY-R"})
    renewal = ServiceContract.objects.get(renews=contract)
    assert response.url == reverse("contracts:detail", args=[renewal.pk])
    assert (renewal.starts_on, renewal.channel, renewal.sold_by, renewal.payment_reference) == (
        dt.date(2027, 5, 4),
        "renewal",
        seller,
        "PAY-R",
    )
    again = client.post(reverse("contracts:renew", args=[contract.pk]), {"payment_reference": "PAY-S"})
    assert again.status_code == 400 and "This contract was already renewed." in again.content.decode()
    assert ServiceContract.objects.count() == 2


def test_sell_on_a_unit(client, seller, django_assert_num_queries):
    unit = old_unit()
    product = ContractProductFactory(category=unit.model.category)
    ContractProductFactory(category=factories.ProductCategoryFactory(code="fridge"), code="fridge-ew")
    client.force_login(seller)
    url = reverse("contracts:sell", args=[unit.pk])
    # user, roles, the unit with its model, category and owner, the products (for the table,
    # and again for the form's choices), the stations
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(6):
        page = client.get(url)
    assert list(page.context["form"].fields["product"].queryset) == [product]
    missing = client.post(url, {"product": product.pk, "payment_reference": ""})
    assert missing.status_code == 400 and missing.context["form"].errors["payment_reference"]
    assert not ServiceContract.objects.exists()
    response = client.post(url, {"product": product.pk, "payment_reference": "WX-123"})
    contract = ServiceContract.objects.get()
    assert response.url == reverse("contracts:detail", args=[contract.pk])
    assert (contract.unit, contract.customer, contract.channel, contract.provider, contract.starts_on) == (
        unit,
        unit.owner,
        "desk",
        None,
        TODAY,
    )


def test_a_car_sale_without_odometer_is_a_field_error(client, seller):
    unit = car_unit(invoice_date=TODAY - dt.timedelta(days=800))
    product = ContractProductFactory(category=unit.model.category, term_km=100_000)
    client.force_login(seller)
    response = client.post(reverse("contracts:sell", args=[unit.pk]), {"product": product.pk, "payment_reference": "P"})
    assert response.status_code == 400
    assert response.context["form"].errors["start_km"] == [
        "Enter the odometer reading: this contract also ends by distance."
    ]


def test_a_providers_staff_sell_as_their_provider_and_see_only_their_own(client):
    provider = factories.ServiceProviderFactory()
    station = factories.ServiceStationFactory(provider=provider)
    staff = factories.UserFactory(roles=[Role.AGENT], provider=provider)
    unit = old_unit()
    factories.TicketFactory(
        customer=unit.owner, unit=unit, provider=provider
    )  # their provider's job: they see the unit
    hidden = old_unit()
    theirs = sell(ContractProductFactory(), hidden, provider=factories.ServiceProviderFactory())
    product = ContractProductFactory(category=unit.model.category)
    client.force_login(staff)
    assert client.get(reverse("contracts:sell", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("contracts:detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("contracts:cancel", args=[theirs.pk]), {"reason": "x"}).status_code == 404
    response = client.post(
        reverse("contracts:sell", args=[unit.pk]),
        {"product": product.pk, "payment_reference": "P", "station": station.pk},
    )
    assert response.status_code == 302
    contract = ServiceContract.objects.get(unit=unit)
    assert (contract.provider, contract.station) == (provider, station)
    assert [c.pk for c in client.get(reverse("contracts:list")).context["contracts"]] == [contract.pk]
    theirs.refresh_from_db()
    assert theirs.status == "active"
