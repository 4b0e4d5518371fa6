"""Versioned warranty policies: which version governs a unit, and the periods it derives.

customers/selectors.py (policy_in_force, holidays_between) and customers/units.py
(compute_unit_warranty, unit_register), on the statutory catalogue the migrations load.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from customers.models import ProductCategory, ProductUnit, WarrantyPolicy
from customers.selectors import holidays_between, policy_in_force
from customers.units import compute_unit_warranty, unit_register
from tests.factories import (
    CustomerFactory,
    ProductCategoryFactory,
    ProductModelFactory,
    ProductUnitFactory,
    WarrantyPolicyFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 3, 20)


@pytest.fixture
def washing_machine() -> ProductCategory:
    return ProductCategory.objects.get(code="washing_machine")


@pytest.fixture
def v1(washing_machine) -> WarrantyPolicy:
    return WarrantyPolicy.objects.get(category=washing_machine, version=1)


@pytest.fixture
def v2(washing_machine) -> WarrantyPolicy:
    """A brand that doubles the whole-unit period for products sold from 2026 on."""
    return WarrantyPolicyFactory(
        category=washing_machine, effective_from=D(2026, 1, 1), whole_unit_months=24, note="Two years from 2026"
    )


@pytest.fixture
def washer(washing_machine):
    return ProductModelFactory(code="XQG90-B", category=washing_machine)


def test_the_statutory_version_1_is_loaded_for_every_catalogue_code():
    rows = WarrantyPolicy.objects.filter(version=1).values_list(
        "category__code", "effective_from", "whole_unit_months", "main_component_months", "depreciation_rate_per_day"
    )
    assert sorted(rows) == [
        ("air_conditioner", D(1995, 8, 25), 12, 36, Decimal("0.00100")),
        ("car", D(1995, 8, 25), 36, 36, Decimal("0.00000")),
        ("crt_tv", D(1995, 8, 25), 12, 36, Decimal("0.00100")),
        ("desktop", D(1995, 8, 25), 12, 24, Decimal("0.00100")),
        ("flat_panel_tv", D(1995, 8, 25), 12, 36, Decimal("0.00100")),
        ("fridge", D(1995, 8, 25), 12, 36, Decimal("0.00100")),
        ("laptop", D(1995, 8, 25), 12, 24, Decimal("0.00100")),
        ("microwave", D(1995, 8, 25), 12, 36, Decimal("0.00100")),
        ("mobile_phone", D(1995, 8, 25), 12, 12, Decimal("0.00500")),
        ("washing_machine", D(1995, 8, 25), 12, 36, Decimal("0.00100")),
    ]


@pytest.mark.parametrize(
    ("start", "expected_version"),
    [
        pytest.param(D(2026, 3, 1), 2, id="warranty from 2026: the new version"),
        pytest.param(D(2026, 1, 1), 2, id="on its effective date: the new version"),
        pytest.param(D(2025, 12, 31), 1, id="the day before: still version 1"),
        pytest.param(D(2025, 6, 1), 1, id="warranty from 2025: version 1"),
        pytest.param(D(1990, 1, 1), 1, id="before every version: the first"),
        pytest.param(None, 1, id="no start date: the first"),
    ],
)
def test_policy_in_force_is_the_latest_version_effective_by_the_start(washing_machine, v1, v2, start, expected_version):
    assert policy_in_force(washing_machine.pk, start) == {1: v1, 2: v2}[expected_version]


def test_policy_in_force_prefers_the_higher_version_of_one_effective_date(washing_machine, v2):
    v3 = WarrantyPolicyFactory(category=washing_machine, effective_from=D(2026, 1, 1), whole_unit_months=18)
    assert v3.version == 3
    assert policy_in_force(washing_machine.pk, D(2026, 3, 1)) == v3


def test_policy_in_force_reads_only_the_category_asked_for(washing_machine, v1, v2):
    fridge = ProductCategory.objects.get(code="fridge")
    WarrantyPolicyFactory(category=fridge, effective_from=D(2025, 1, 1), whole_unit_months=60)
    assert policy_in_force(washing_machine.pk, D(2025, 6, 1)) == v1


def test_policy_in_force_of_a_category_without_policy_is_none():
    toaster = ProductCategoryFactory(code="toaster", name="Toaster")
    assert policy_in_force(toaster.pk, D(2026, 3, 1)) is None
    assert policy_in_force(toaster.pk, None) is None


@pytest.mark.parametrize("start", [D(2026, 3, 1), None, D(1990, 1, 1)])
def test_policy_in_force_reads_the_versions_once_then_nothing(washing_machine, v2, start, django_assert_num_queries):
    # Every category's versions, then the chosen one's row: both kept in the process's memo while
    # no policy changes (aftersales/table_memo.py).
    with django_assert_num_queries(2):
        chosen = policy_in_force(washing_machine.pk, start)
    with django_assert_num_queries(0):
        assert policy_in_force(washing_machine.pk, start) == chosen


@pytest.mark.parametrize(
    ("invoice_date", "warranty"),
    [
        pytest.param(D(2026, 3, 1), (D(2026, 3, 1), D(2028, 3, 1)), id="version 2: 24 months"),
        pytest.param(D(2025, 6, 1), (D(2025, 6, 1), D(2026, 6, 1)), id="version 1: 12 months"),
    ],
)
def test_unit_register_takes_the_period_of_the_version_in_force(washer, v2, invoice_date, warranty):
    unit = unit_register(owner=CustomerFactory(), model=washer, serial="SN-1", invoice_date=invoice_date, today=TODAY)
    unit.refresh_from_db()
    assert (unit.warranty_start, unit.warranty_end) == warranty


def test_compute_unit_warranty_without_a_policy_keeps_the_start_and_no_end():
    toaster = ProductModelFactory(code="TOAST-1", category=ProductCategoryFactory(code="toaster", name="Toaster"))
    unit = ProductUnit(owner=CustomerFactory(), model=toaster, serial="T-1", invoice_date=D(2026, 3, 1))
    compute_unit_warranty(unit)
    assert (unit.warranty_start, unit.warranty_end) == (D(2026, 3, 1), None)


def test_compute_unit_warranty_without_dates_has_no_period(washer):
    unit = ProductUnit(owner=CustomerFactory(), model=washer, serial="SN-1")
    compute_unit_warranty(unit)
    assert (unit.warranty_start, unit.warranty_end) == (None, None)


def test_a_replacement_date_restarts_the_period(washer):
    unit = unit_register(
        owner=CustomerFactory(),
        model=washer,
        serial="SN-NEW",
        invoice_date=D(2025, 3, 1),
        replacement_date=D(2025, 11, 12),
        has_warranty_card=True,
        today=TODAY,
    )
    unit.refresh_from_db()
    assert (unit.invoice_date, unit.replacement_date) == (D(2025, 3, 1), D(2025, 11, 12))
    assert (unit.warranty_start, unit.warranty_end) == (D(2025, 11, 12), D(2026, 11, 12))


def test_a_replacement_takes_the_version_in_force_on_its_replacement_date(washer, v2):
    # Bought under version 1, replaced under version 2: the new unit's 24 months run from the replacement.
    unit = unit_register(
        owner=CustomerFactory(),
        model=washer,
        serial="SN-NEW",
        invoice_date=D(2025, 6, 1),
        replacement_date=D(2026, 3, 10),
        today=TODAY,
    )
    assert (unit.warranty_start, unit.warranty_end) == (D(2026, 3, 10), D(2028, 3, 10))


def test_compute_unit_warranty_with_a_replacement_date_ignores_the_start_basis():
    tv = ProductModelFactory(code="LE55-R", category=ProductCategory.objects.get(code="flat_panel_tv"))
    unit = ProductUnitFactory(
        model=tv,
        invoice_date=D(2025, 1, 10),
        installation_date=D(2025, 1, 20),
        replacement_date=D(2025, 12, 31),
    )
    unit.refresh_from_db()
    assert (unit.warranty_start, unit.warranty_end) == (D(2025, 12, 31), D(2026, 12, 31))


def test_unit_register_refuses_a_replacement_date_in_the_future(washer):
    with pytest.raises(ValidationError) as excinfo:
        unit_register(
            owner=CustomerFactory(),
            model=washer,
            serial="SN-NEW",
            invoice_date=D(2025, 6, 1),
            replacement_date=TODAY + dt.timedelta(days=1),
            today=TODAY,
        )
    assert excinfo.value.message_dict == {"replacement_date": ["This date is in the future."]}
    assert not ProductUnit.objects.exists()


def test_holidays_between_is_the_national_day_run_of_2025(django_assert_num_queries):
    with django_assert_num_queries(1):
        days = holidays_between(D(2025, 9, 30), D(2025, 10, 9))
    assert days == frozenset(D(2025, 10, day) for day in range(1, 9))


def test_holidays_between_includes_both_ends():
    assert holidays_between(D(2026, 2, 15), D(2026, 2, 15)) == frozenset({D(2026, 2, 15)})
    assert holidays_between(D(2026, 2, 14), D(2026, 2, 14)) == frozenset()


def test_holidays_of_each_loaded_year():
    counts = {year: len(holidays_between(D(year, 1, 1), D(year, 12, 31))) for year in (2024, 2025, 2026)}
    # 2024: 1+8+3+5+1+3+7; 2025: 1+8+3+5+3+8; 2026: 3+9+3+5+3+3+7.
    assert counts == {2024: 28, 2025: 28, 2026: 33}
