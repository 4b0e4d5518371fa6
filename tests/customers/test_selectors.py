"""customers/selectors.py: finding callers by phone, and their units with the joins done."""

import pytest

from customers.models import UnitStatus
from customers.selectors import customer_by_phone, units_of
from tests.factories import CustomerFactory, ProductCategoryFactory, ProductModelFactory, ProductUnitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed",
    ["+8613812345678", "13812345678", "138 1234 5678", "138-1234-5678", "0086 138 1234 5678", "+86 138-1234-5678"],
)
def test_customer_by_phone_whatever_the_spelling(typed):
    wanted = CustomerFactory(phone="+8613812345678")
    CustomerFactory(phone="+8613812345679")
    assert customer_by_phone(typed) == wanted


def test_customer_by_phone_unknown_number():
    CustomerFactory(phone="+8613812345678")
    assert customer_by_phone("139 0000 0000") is None


@pytest.mark.parametrize("typed", ["", "abc", "12345"])
def test_customer_by_phone_not_a_number_asks_nothing_of_the_database(typed, django_assert_num_queries):
    CustomerFactory(phone="+8613812345678")
    with django_assert_num_queries(0):
        assert customer_by_phone(typed) is None


def test_customer_by_phone_is_one_query(django_assert_num_queries):
    wanted = CustomerFactory(phone="+8613812345678")
    with django_assert_num_queries(1):
        assert customer_by_phone("138 1234 5678") == wanted


def test_units_of_lists_only_the_customers_units_in_use_first():
    owner = CustomerFactory()
    older = ProductUnitFactory(owner=owner, serial="OLD")
    returned = ProductUnitFactory(owner=owner, serial="RET", status=UnitStatus.RETURNED)
    newer = ProductUnitFactory(owner=owner, serial="NEW")
    replaced = ProductUnitFactory(owner=owner, serial="REP", status=UnitStatus.REPLACED)
    ProductUnitFactory(serial="SOMEONE-ELSE")
    # Statuses sort by their stored value (in_use, replaced, returned); newest first within one.
    assert list(units_of(owner)) == [newer, older, replaced, returned]


@pytest.mark.parametrize("unit_count", [1, 5])
def test_units_of_loads_model_and_category_in_one_query(unit_count, django_assert_num_queries):
    owner = CustomerFactory()
    washer = ProductModelFactory(code="XQG100", category=ProductCategoryFactory(code="washing_machine"))
    fridge = ProductModelFactory(code="BCD470", category=ProductCategoryFactory(code="fridge", name="Fridge"))
    expected = []
    for number in range(unit_count):
        model = washer if number % 2 else fridge
        unit = ProductUnitFactory(owner=owner, model=model)
        expected.insert(0, (unit.serial, model.code, model.category.code))
    with django_assert_num_queries(1):
        rows = [(unit.serial, unit.model.code, unit.model.category.code) for unit in units_of(owner)]
    assert rows == expected
