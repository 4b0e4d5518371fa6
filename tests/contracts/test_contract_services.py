"""The write path of contracts (contracts/services.py): a sale and what it refuses, the renewal,
a plan's visits and the odometer. Every refusal is a field error and writes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from contracts import services
from contracts.choices import ContractStatus, SaleChannel
from contracts.models import ContractVisit, OdometerReading, ServiceContract
from customers.models import UnitStatus
from tests import factories
from tests.contracts.factories_contracts import (
    ContractProductFactory,
    MaintenancePlanFactory,
    car_unit,
    days,
    sell,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 4)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


def errors_of(call) -> dict:
    before = (ServiceContract.objects.count(), OdometerReading.objects.count(), ContractVisit.objects.count())
    with pytest.raises(ValidationError) as caught:
        call()
    assert (ServiceContract.objects.count(), OdometerReading.objects.count(), ContractVisit.objects.count()) == before
    return {field: [str(m) for m in messages] for field, messages in caught.value.message_dict.items()}


def test_an_extended_warranty_takes_over_the_day_after_the_warranty_ends():
    unit = factories.ProductUnitFactory(invoice_date=TODAY - days(30))
    product = ContractProductFactory(price=Decimal("399.00"), term_months=24)
    seller = factories.UserFactory()
    contract = sell(product, unit, by=seller)
    assert contract.starts_on == unit.warranty_end + days(1)
    # 24 months from the start, the day before the same date two years on.
    start = contract.starts_on
    assert contract.ends_on == dt.date(start.year + 2, start.month, start.day) - days(1)
    assert (contract.price, contract.coverage, contract.customer, contract.sold_by) == (
        Decimal("399.00"),
        "both",
        unit.owner,
        seller,
    )
    assert contract.number == f"SC-2026-{contract.pk:06d}"
    assert contract.status == ContractStatus.ACTIVE and contract.payment_reference == "PAY-1"


def test_a_catalogue_change_never_changes_a_contract_sold():
    product = ContractProductFactory(price=Decimal("399.00"))
    contract = sell(product, factories.ProductUnitFactory())
    product.price = Decimal("999.00")
    product.coverage = "parts"
    product.save()
    contract.refresh_from_db()
    assert (contract.price, contract.coverage) == (Decimal("399.00"), "both")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ("wrong_category", "product", "This contract is not sold for this kind of product."),
        ("off_sale", "product", "This contract is no longer on sale."),
        ("other_owner", "unit", "This unit is registered to another customer."),
        ("not_in_use", "unit", "A contract can only be sold on a unit in use."),
        ("no_reference", "payment_reference", "Enter the payment reference: a contract is sold once it is paid."),
        ("long_reference", "payment_reference", "Keep the payment reference to 80 characters."),
        ("past", "starts_on", "A contract cannot start in the past."),
        ("bad_channel", "channel", "Choose where the contract was sold."),
    ],
)
def test_a_sale_is_refused_with_a_field_error(change, field, message):
    unit = factories.ProductUnitFactory()
    product = ContractProductFactory(category=unit.model.category)
    customer = unit.owner
    kwargs = {"channel": SaleChannel.DESK, "payment_reference": "PAY-1", "starts_on": None}
    if change == "wrong_category":
        product = ContractProductFactory(category=factories.ProductCategoryFactory(code="fridge"))
    elif change == "off_sale":
        product.is_active = False
        product.save()
    elif change == "other_owner":
        customer = factories.CustomerFactory()
    elif change == "not_in_use":
        unit.status = UnitStatus.RETURNED
        unit.save()
    elif change == "no_reference":
        kwargs["payment_reference"] = "   "
    elif change == "long_reference":
        kwargs["payment_reference"] = "x" * 81
    elif change == "past":
        kwargs["starts_on"] = TODAY - days(2)
    elif change == "bad_channel":
        kwargs["channel"] = "door-to-door"
    errors = errors_of(lambda: services.contract_sell(product=product, unit=unit, customer=customer, by=None, **kwargs))
    assert errors[field] == [message]


def test_two_contracts_of_a_kind_cannot_overlap_but_a_plan_and_a_warranty_can():
    unit = factories.ProductUnitFactory()
    warranty = ContractProductFactory()
    sell(warranty, unit)
    errors = errors_of(lambda: sell(ContractProductFactory(), unit))
    assert errors == {"product": ["This unit already has a contract of this kind for these dates."]}
    assert sell(MaintenancePlanFactory(), unit).kind == "maintenance_plan"


def test_a_cancelled_contract_no_longer_blocks_a_new_one():
    unit = factories.ProductUnitFactory()
    first = sell(ContractProductFactory(), unit)
    services.contract_cancel(contract=first, reason="Customer changed their mind", by=None)
    assert sell(ContractProductFactory(), unit).pk != first.pk


def test_a_car_contract_needs_the_odometer_and_records_it():
    unit = car_unit()
    product = ContractProductFactory(category=unit.model.category, term_km=100_000)
    assert errors_of(lambda: sell(product, unit)) == {
        "start_km": ["Enter the odometer reading: this contract also ends by distance."]
    }
    contract = sell(product, unit, start_km=12_000)
    assert (contract.start_km, contract.end_km) == (12_000, 112_000)
    assert list(OdometerReading.objects.filter(unit=unit).values_list("km", "read_on")) == [(12_000, TODAY)]


def test_a_car_contract_takes_the_latest_reading_and_refuses_a_lower_one():
    unit = car_unit()
    services.odometer_record(unit=unit, km=30_000, read_on=TODAY - days(3), by=None)
    product = ContractProductFactory(category=unit.model.category, term_km=50_000)
    errors = errors_of(lambda: sell(product, unit, start_km=29_000))
    assert list(errors) == ["start_km"]
    contract = sell(product, unit)
    assert (contract.start_km, contract.end_km) == (30_000, 80_000)
    assert OdometerReading.objects.filter(unit=unit).count() == 1  # the same reading, not written twice


def test_the_renewal_starts_the_day_after_and_is_sold_once():
    unit = factories.ProductUnitFactory(invoice_date=TODAY - days(800))  # out of warranty: starts today
    product = ContractProductFactory(term_months=12)
    first = sell(product, unit)
    assert (first.starts_on, first.ends_on) == (TODAY, dt.date(2027, 5, 3))
    renewal = sell(product, unit, channel=SaleChannel.RENEWAL, renews=first, reference="PAY-2")
    assert (renewal.starts_on, renewal.ends_on, renewal.renews) == (dt.date(2027, 5, 4), dt.date(2028, 5, 3), first)
    assert errors_of(lambda: sell(product, unit, renews=first, reference="PAY-3"))["renews"] == [
        "This contract was already renewed."
    ]


def test_a_cancelled_or_other_units_contract_is_not_renewed():
    unit = factories.ProductUnitFactory()
    product = ContractProductFactory()
    first = sell(product, unit)
    other = sell(product, factories.ProductUnitFactory(model=unit.model))
    assert errors_of(lambda: sell(product, unit, renews=other)) == {
        "renews": ["A renewal is a contract of the same kind on the same unit."]
    }
    services.contract_cancel(contract=first, reason="Sold by mistake", by=None)
    assert errors_of(lambda: sell(product, unit, renews=first))["renews"] == ["A cancelled contract cannot be renewed."]


def test_cancel_needs_a_reason_and_happens_once():
    contract = sell(ContractProductFactory(), factories.ProductUnitFactory())
    assert errors_of(lambda: services.contract_cancel(contract=contract, reason=" ", by=None)) == {
        "reason": ["Say why the contract is cancelled."]
    }
    services.contract_cancel(contract=contract, reason="Refunded", by=None)
    contract.refresh_from_db()
    assert (contract.status, contract.cancel_reason) == ("cancelled", "Refunded")
    assert errors_of(lambda: services.contract_cancel(contract=contract, reason="Again", by=None)) == {
        "status": ["This contract is already cancelled."]
    }


def test_plan_visits_are_numbered_in_order_until_used_up():
    unit = factories.ProductUnitFactory()
    plan = sell(MaintenancePlanFactory(included_visits=2), unit)
    first = services.plan_visit_record(contract=plan, done_on=TODAY, by=None)
    second = services.plan_visit_record(contract=plan, done_on=TODAY, by=None)
    assert (first.number, second.number) == (1, 2)
    assert errors_of(lambda: services.plan_visit_record(contract=plan, done_on=TODAY, by=None)) == {
        "contract": ["All the visits this plan includes have been used."]
    }


def test_a_visit_outside_the_plan_or_on_a_warranty_is_refused():
    unit = factories.ProductUnitFactory()
    plan = sell(MaintenancePlanFactory(), unit)
    assert errors_of(lambda: services.plan_visit_record(contract=plan, done_on=TODAY - days(1), by=None)) == {
        "done_on": ["The plan was not in force on that day."]
    }
    warranty = sell(ContractProductFactory(), unit)
    assert errors_of(lambda: services.plan_visit_record(contract=warranty, done_on=TODAY, by=None)) == {
        "contract": ["Only a maintenance plan includes visits."]
    }


def test_a_car_plan_visit_records_the_odometer_which_never_goes_backwards():
    unit = car_unit()
    plan = sell(
        MaintenancePlanFactory(category=unit.model.category, term_km=60_000, visit_interval_km=10_000),
        unit,
        start_km=5_000,
    )
    assert errors_of(lambda: services.plan_visit_record(contract=plan, done_on=TODAY, by=None)) == {
        "odometer_km": ["Enter the odometer reading: this plan's visits are timed by distance too."]
    }
    assert list(
        errors_of(lambda: services.plan_visit_record(contract=plan, done_on=TODAY, by=None, odometer_km=4_000))
    ) == ["odometer_km"]
    visit = services.plan_visit_record(contract=plan, done_on=TODAY, by=None, odometer_km=15_000)
    assert (visit.number, visit.odometer_km) == (1, 15_000)
    assert services.latest_odometer(unit).km == 15_000


def test_in_force_on_reads_every_sellers_contracts_but_not_cancelled_ones():
    unit = factories.ProductUnitFactory(invoice_date=TODAY - days(800))
    provider = factories.ServiceProviderFactory()
    contract = sell(ContractProductFactory(), unit, provider=provider)
    assert list(services.in_force_on(unit, TODAY)) == [contract]
    assert list(services.in_force_on(unit, TODAY - days(1))) == []
    services.contract_cancel(contract=contract, reason="Refunded", by=None)
    assert list(services.in_force_on(unit, TODAY)) == []
