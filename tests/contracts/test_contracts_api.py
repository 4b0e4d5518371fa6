"""The contracts API: the catalogue (headquarters writes), contracts listed, sold, cancelled and a
plan's visits recorded; every bad value a field error (400) with nothing written."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from aftersales.roles import Role
from contracts.models import ContractProduct, ContractVisit, ServiceContract
from tests import factories
from tests.api.conftest import client_for, field_errors
from tests.contracts.factories_contracts import ContractProductFactory, MaintenancePlanFactory, car_unit, sell

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 4)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def hq():
    return client_for(factories.UserFactory(roles=[Role.MANAGER], username="hq-api"))


@pytest.fixture
def sales():
    return client_for(factories.UserFactory(roles=[Role.SALES], username="sales-api"))


def old_unit(**kwargs):
    return factories.ProductUnitFactory(invoice_date=TODAY - dt.timedelta(days=800), **kwargs)


PRODUCT = {
    "code": "wm-ew-2y",
    "name": "Washer extended warranty, 2 years",
    "name_zh": "洗衣机延保两年",
    "kind": "extended_warranty",
    "category": "washing_machine",
    "term_months": 24,
    "price": "399.00",
    "coverage": "both",
}


def test_headquarters_adds_a_product_and_staff_read_it(hq, sales):
    factories.ProductCategoryFactory(code="washing_machine")
    response = hq.post("/api/contract-products/", PRODUCT, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert {key: body[key] for key in PRODUCT} == PRODUCT
    assert ContractProduct.objects.get(code="wm-ew-2y").price == Decimal("399.00")
    page = sales.get("/api/contract-products/").json()
    assert [item["code"] for item in page["results"]] == ["wm-ew-2y"]
    assert set(page) == {"next", "previous", "results"}


def test_a_provider_manager_and_sales_staff_cannot_change_the_catalogue(sales):
    factories.ProductCategoryFactory(code="washing_machine")
    provider_manager = client_for(
        factories.UserFactory(roles=[Role.MANAGER], provider=factories.ServiceProviderFactory())
    )
    for client in (provider_manager, sales):
        assert client.post("/api/contract-products/", PRODUCT, format="json").status_code == 403
    assert not ContractProduct.objects.exists()


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"price": "-1.00"}, {"price": ["Ensure this value is greater than or equal to 0."]}),
        ({"kind": "lifetime"}, {"kind": ['"lifetime" is not a valid choice.']}),
        ({"category": "spaceship"}, {"category": ["Object with code=spaceship does not exist."]}),
        ({"term_months": 0}, {"term_months": ["Ensure this value is greater than or equal to 1."]}),
        ({"currency": "C1Y"}, {"currency": ["Give a three-letter currency code, e.g. CNY."]}),
        ({"kind": "maintenance_plan"}, {"included_visits": ["A maintenance plan includes at least one visit."]}),
        ({"included_visits": 2}, {"included_visits": ["An extended warranty includes no maintenance visits."]}),
        (
            {"visit_interval_km": 5000},
            {"visit_interval_km": ["Visits timed by distance need a term in km too (a car's plan)."]},
        ),
    ],
)
def test_bad_products_are_field_errors(hq, change, errors):
    factories.ProductCategoryFactory(code="washing_machine")
    assert field_errors(hq.post("/api/contract-products/", {**PRODUCT, **change}, format="json")) == errors
    assert not ContractProduct.objects.exists()


def test_a_product_sold_keeps_its_kind(hq):
    product = ContractProductFactory()
    sell(product, old_unit(model=factories.ProductModelFactory(category=product.category)))
    response = hq.patch(
        f"/api/contract-products/{product.pk}/",
        {"kind": "maintenance_plan", "included_visits": 2, "visit_interval_months": 6},
        format="json",
    )
    assert field_errors(response) == {"kind": ["This product was sold already: its kind cannot change."]}
    assert hq.patch(f"/api/contract-products/{product.pk}/", {"is_active": False}, format="json").status_code == 200
    product.refresh_from_db()
    assert (product.kind, product.is_active) == ("extended_warranty", False)


def test_sell_through_the_api(sales):
    unit = old_unit()
    product = ContractProductFactory(category=unit.model.category, price=Decimal("399.00"))
    response = sales.post(
        "/api/contracts/", {"unit": unit.pk, "product": product.code, "payment_reference": "WX-1"}, format="json"
    )
    assert response.status_code == 201, response.content
    contract = ServiceContract.objects.get()
    body = response.json()
    assert {key: body[key] for key in ("id", "number", "product", "unit", "customer", "channel", "price")} == {
        "id": contract.pk,
        "number": contract.number,
        "product": product.code,
        "unit": unit.pk,
        "customer": unit.owner.pk,
        "channel": "api",
        "price": "399.00",
    }
    assert (body["starts_on"], body["ends_on"], body["visits_used"], body["sold_by"]) == (
        "2026-05-04",
        "2028-05-03",
        0,
        "sales-api",
    )


@pytest.mark.parametrize("case", ["wrong_category", "no_reference", "overlap", "car_no_km", "bad_date", "no_unit"])
def test_bad_sales_are_field_errors(sales, case):
    unit = old_unit()
    product = ContractProductFactory(category=unit.model.category)
    body = {"unit": unit.pk, "product": product.code, "payment_reference": "P"}
    if case == "wrong_category":
        body["product"] = ContractProductFactory(category=factories.ProductCategoryFactory(code="fridge")).code
        expected = {"product": ["This contract is not sold for this kind of product."]}
    elif case == "no_reference":
        body["payment_reference"] = ""
        expected = {"payment_reference": ["This field may not be blank."]}
    elif case == "overlap":
        sell(product, unit)
        expected = {"product": ["This unit already has a contract of this kind for these dates."]}
    elif case == "car_no_km":
        car = car_unit()
        body = {"unit": car.pk, "payment_reference": "P"}
        body["product"] = ContractProductFactory(category=car.model.category, term_km=100_000).code
        expected = {"start_km": ["Enter the odometer reading: this contract also ends by distance."]}
    elif case == "bad_date":
        body["starts_on"] = "04/05/2026"
        expected = {"starts_on": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}
    else:
        body.pop("unit")
        expected = {"unit": ["This field is required."]}
    before = ServiceContract.objects.count()
    assert field_errors(sales.post("/api/contracts/", body, format="json")) == expected
    assert ServiceContract.objects.count() == before


def test_the_list_filters(sales):
    ending = sell(ContractProductFactory(term_months=1), old_unit(serial="SN-API-1"))
    later = sell(ContractProductFactory(), old_unit())
    assert [c["id"] for c in sales.get("/api/contracts/").json()["results"]] == [later.pk, ending.pk]
    assert [c["id"] for c in sales.get("/api/contracts/?when=ending_soon").json()["results"]] == [ending.pk]
    assert [c["id"] for c in sales.get("/api/contracts/?q=sn-api-1").json()["results"]] == [ending.pk]
    assert field_errors(sales.get("/api/contracts/?when=someday")) == {
        "when": ["Select a valid choice. someday is not one of the available choices."]
    }
    assert field_errors(sales.get("/api/contracts/?unit=0"))["unit"]


def test_cancel_and_visits(sales):
    unit = old_unit()
    plan = sell(MaintenancePlanFactory(included_visits=1), unit)
    assert field_errors(sales.post(f"/api/contracts/{plan.pk}/visits/", {"done_on": "soon"}, format="json")) == {
        "done_on": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]
    }
    visit = sales.post(f"/api/contracts/{plan.pk}/visits/", {"done_on": "2026-05-04"}, format="json")
    assert visit.status_code == 201
    assert (visit.json()["number"], visit.json()["contract"]) == (1, plan.pk)
    assert field_errors(sales.post(f"/api/contracts/{plan.pk}/visits/", {"done_on": "2026-05-04"}, format="json")) == {
        "contract": ["All the visits this plan includes have been used."]
    }
    assert ContractVisit.objects.count() == 1
    assert field_errors(sales.post(f"/api/contracts/{plan.pk}/cancel/", {}, format="json")) == {
        "reason": ["This field is required."]
    }
    cancelled = sales.post(f"/api/contracts/{plan.pk}/cancel/", {"reason": "Refunded"}, format="json")
    assert (cancelled.status_code, cancelled.json()["status"], cancelled.json()["visits_used"]) == (200, "cancelled", 1)
    assert field_errors(sales.post(f"/api/contracts/{plan.pk}/cancel/", {"reason": "Again"}, format="json")) == {
        "status": ["This contract is already cancelled."]
    }


def test_a_technician_cannot_work_contracts(technician):
    assert client_for(technician).get("/api/contracts/").status_code == 403
    assert client_for(technician).get("/api/contract-products/").status_code == 200
