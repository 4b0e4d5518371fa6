"""customers/units.py: registering customers' product units and deriving their warranty period."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from customers.models import ProductUnit
from customers.selectors import policy_in_force
from customers.units import unit_register
from customers.warranty_periods import StartBasis
from tests.factories import (
    CustomerFactory,
    ProductCategoryFactory,
    ProductModelFactory,
    ProductUnitFactory,
    WarrantyPolicyFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)
DUPLICATE_SERIAL = "A unit of this model with this serial number is already registered."
IN_FUTURE = "This date is in the future."


# --- unit_register -----------------------------------------------------------------------------


@pytest.fixture
def washer():
    category = ProductCategoryFactory(code="washer_test", warranty_start_basis=StartBasis.INVOICE)
    WarrantyPolicyFactory(category=category, whole_unit_months=12)
    return ProductModelFactory(code="XQG100", category=category)


@pytest.fixture
def tv():
    category = ProductCategoryFactory(
        code="tv_test", name="Flat-panel TV", warranty_start_basis=StartBasis.INSTALLATION
    )
    WarrantyPolicyFactory(category=category, whole_unit_months=24)
    return ProductModelFactory(code="LE55A", category=category)


@pytest.fixture
def car():
    category = ProductCategoryFactory(code="car_test", name="Car", warranty_start_basis=StartBasis.DELIVERY)
    WarrantyPolicyFactory(category=category, whole_unit_months=36)
    return ProductModelFactory(code="SUV-1", category=category)


@pytest.fixture
def owner():
    return CustomerFactory()


def test_unit_register_derives_the_warranty_from_the_invoice(owner, washer, agent):
    unit = unit_register(
        owner=owner,
        model=washer,
        serial="  SN-0001 ",
        batch=" B2026-02 ",
        invoice_date=dt.date(2025, 6, 30),
        dealer=" Suning ",
        price=Decimal("3999.00"),
        has_invoice=True,
        today=TODAY,
        by=agent,
    )
    unit.refresh_from_db()
    assert (unit.owner, unit.model, unit.serial, unit.batch, unit.dealer) == (
        owner,
        washer,
        "SN-0001",
        "B2026-02",
        "Suning",
    )
    assert (unit.warranty_start, unit.warranty_end) == (dt.date(2025, 6, 30), dt.date(2026, 6, 30))
    assert unit.price == Decimal("3999.00")
    assert unit.has_invoice is True
    assert unit.has_warranty_card is False


def test_unit_register_29_february_invoice_ends_on_28_february(owner, washer):
    unit = unit_register(owner=owner, model=washer, serial="SN-LEAP", invoice_date=dt.date(2024, 2, 29), today=TODAY)
    assert (unit.warranty_start, unit.warranty_end) == (dt.date(2024, 2, 29), dt.date(2025, 2, 28))


@pytest.mark.parametrize(
    ("installation_date", "warranty"),
    [
        (dt.date(2025, 1, 20), (dt.date(2025, 1, 20), dt.date(2027, 1, 20))),
        # Installation not recorded yet: the invoice date stands in.
        (None, (dt.date(2025, 1, 10), dt.date(2027, 1, 10))),
    ],
)
def test_unit_register_tv_warranty_starts_at_installation(owner, tv, installation_date, warranty):
    unit = unit_register(
        owner=owner,
        model=tv,
        serial="TV-1",
        invoice_date=dt.date(2025, 1, 10),
        delivery_date=dt.date(2025, 1, 15),
        installation_date=installation_date,
        today=TODAY,
    )
    assert (unit.warranty_start, unit.warranty_end) == warranty


def test_unit_register_car_warranty_starts_at_delivery(owner, car):
    unit = unit_register(
        owner=owner,
        model=car,
        serial="LSVAB4182E2000001",
        invoice_date=dt.date(2025, 8, 30),
        delivery_date=dt.date(2025, 8, 31),
        today=TODAY,
    )
    assert (unit.warranty_start, unit.warranty_end) == (dt.date(2025, 8, 31), dt.date(2028, 8, 31))


def test_unit_register_without_dates_has_no_warranty_period(owner, washer):
    unit = unit_register(owner=owner, model=washer, serial="SN-NODATE", today=TODAY)
    unit.refresh_from_db()
    assert (unit.warranty_start, unit.warranty_end) == (None, None)


@pytest.mark.parametrize("same_serial", ["SN-ABC-001", "sn-abc-001", "  Sn-Abc-001  "])
def test_unit_register_serial_is_unique_per_model_whatever_the_case(owner, washer, same_serial):
    first = ProductUnitFactory(model=washer, serial="SN-ABC-001")
    with pytest.raises(ValidationError) as excinfo:
        unit_register(owner=owner, model=washer, serial=same_serial, invoice_date=dt.date(2026, 1, 5), today=TODAY)
    assert excinfo.value.message_dict == {"serial": [DUPLICATE_SERIAL]}
    assert list(ProductUnit.objects.values_list("pk", flat=True)) == [first.pk]


def test_unit_register_of_a_serial_just_looked_up_asks_no_more_and_is_still_refused_when_taken(
    owner, washer, django_assert_num_queries
):
    # The policy versions, as a running server holds them (aftersales/table_memo.py).
    policy_in_force(washer.category_id, dt.date(2026, 1, 5))
    with django_assert_num_queries(3):  # the savepoint, the insert, its release
        unit = unit_register(
            owner=owner,
            model=washer,
            serial="SN-ABC-001",
            invoice_date=dt.date(2026, 1, 5),
            today=TODAY,
            serial_is_new=True,
        )
    assert unit.warranty_end == dt.date(2027, 1, 5)
    # Registered meanwhile (by another request): the unique serial refuses it with the same field error.
    with pytest.raises(ValidationError) as excinfo:
        unit_register(owner=owner, model=washer, serial="SN-ABC-001", today=TODAY, serial_is_new=True)
    assert excinfo.value.message_dict == {"serial": [DUPLICATE_SERIAL]}
    assert list(ProductUnit.objects.values_list("pk", flat=True)) == [unit.pk]


def test_unit_register_same_serial_is_fine_for_another_model(owner, washer, tv):
    ProductUnitFactory(model=washer, serial="SN-ABC-001")
    unit = unit_register(owner=owner, model=tv, serial="sn-abc-001", invoice_date=dt.date(2026, 1, 5), today=TODAY)
    assert unit.serial == "sn-abc-001"
    assert ProductUnit.objects.count() == 2


@pytest.mark.parametrize(
    ("dates", "errors"),
    [
        ({"invoice_date": dt.date(2026, 3, 3)}, {"invoice_date": [IN_FUTURE]}),
        (
            {"invoice_date": dt.date(2026, 3, 1), "delivery_date": dt.date(2026, 3, 3)},
            {"delivery_date": [IN_FUTURE]},
        ),
        (
            {"invoice_date": dt.date(2026, 3, 1), "installation_date": dt.date(2027, 1, 1)},
            {"installation_date": [IN_FUTURE]},
        ),
        (
            {
                "invoice_date": dt.date(2026, 3, 3),
                "delivery_date": dt.date(2026, 3, 4),
                "installation_date": dt.date(2026, 3, 5),
            },
            {"invoice_date": [IN_FUTURE], "delivery_date": [IN_FUTURE], "installation_date": [IN_FUTURE]},
        ),
        # A future date is reported as such, not also as before the invoice.
        (
            {"invoice_date": dt.date(2026, 3, 10), "delivery_date": dt.date(2026, 3, 5)},
            {"invoice_date": [IN_FUTURE], "delivery_date": [IN_FUTURE]},
        ),
        (
            {"invoice_date": dt.date(2026, 2, 10), "delivery_date": dt.date(2026, 2, 9)},
            {"delivery_date": ["Delivery cannot be before the invoice date."]},
        ),
        (
            {"invoice_date": dt.date(2026, 2, 10), "installation_date": dt.date(2026, 1, 31)},
            {"installation_date": ["Installation cannot be before the invoice date."]},
        ),
        (
            {
                "invoice_date": dt.date(2026, 2, 10),
                "delivery_date": dt.date(2026, 2, 1),
                "installation_date": dt.date(2026, 2, 2),
            },
            {
                "delivery_date": ["Delivery cannot be before the invoice date."],
                "installation_date": ["Installation cannot be before the invoice date."],
            },
        ),
    ],
)
def test_unit_register_rejects_impossible_dates(owner, washer, dates, errors):
    with pytest.raises(ValidationError) as excinfo:
        unit_register(owner=owner, model=washer, serial="SN-DATES", today=TODAY, **dates)
    assert excinfo.value.message_dict == errors
    assert ProductUnit.objects.count() == 0


def test_unit_register_accepts_today_and_same_day_delivery_and_installation(owner, washer):
    unit = unit_register(
        owner=owner,
        model=washer,
        serial="SN-TODAY",
        invoice_date=TODAY,
        delivery_date=TODAY,
        installation_date=TODAY,
        today=TODAY,
    )
    assert (unit.warranty_start, unit.warranty_end) == (TODAY, dt.date(2027, 3, 2))


def test_unit_register_unknown_model(owner):
    with pytest.raises(ValidationError) as excinfo:
        unit_register(owner=owner, model=None, serial="SN-1", invoice_date=dt.date(2026, 1, 5), today=TODAY)
    assert excinfo.value.message_dict == {"model": ["Choose a known product model."]}
    assert ProductUnit.objects.count() == 0


def test_unit_register_reports_every_field_at_once(owner):
    with pytest.raises(ValidationError) as excinfo:
        unit_register(
            owner=owner, model=None, serial="   ", invoice_date=dt.date(2026, 4, 1), price=Decimal("-1"), today=TODAY
        )
    assert excinfo.value.message_dict == {
        "model": ["Choose a known product model."],
        "serial": ["Enter the serial number."],
        "invoice_date": [IN_FUTURE],
        "price": ["The price cannot be negative."],
    }
    assert ProductUnit.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"serial": "S" * 65}, {"serial": ["Ensure this value has at most 64 characters (it has 65)."]}),
        ({"batch": "B" * 41}, {"batch": ["Ensure this value has at most 40 characters (it has 41)."]}),
        ({"dealer": "D" * 121}, {"dealer": ["Ensure this value has at most 120 characters (it has 121)."]}),
        ({"price": Decimal("123456789.00")}, {"price": ["Ensure that there are no more than 10 digits in total."]}),
        ({"price": Decimal("12.345")}, {"price": ["Ensure that there are no more than 2 decimal places."]}),
    ],
)
def test_unit_register_rejects_values_the_columns_cannot_hold(owner, washer, fields, errors):
    values = {"serial": "SN-LONG", **fields}
    with pytest.raises(ValidationError) as excinfo:
        unit_register(owner=owner, model=washer, invoice_date=dt.date(2026, 1, 5), today=TODAY, **values)
    assert excinfo.value.message_dict == errors
    assert ProductUnit.objects.count() == 0


def test_unit_register_keeps_the_longest_values_that_fit(owner, washer):
    unit = unit_register(
        owner=owner,
        model=washer,
        serial="S" * 64,
        batch="B" * 40,
        dealer="D" * 120,
        price=Decimal("99999999.99"),
        invoice_date=dt.date(2026, 1, 5),
        today=TODAY,
    )
    unit.refresh_from_db()
    assert (len(unit.serial), len(unit.batch), len(unit.dealer), unit.price) == (64, 40, 120, Decimal("99999999.99"))
