"""Factories of the contracts' catalogue, and a sale through the service (contracts are only
ever made by ``contract_sell``, so the tests make them the same way)."""

import datetime as dt
from decimal import Decimal

import factory

from contracts import services
from contracts.choices import ContractKind, Coverage, SaleChannel
from contracts.models import ContractProduct
from customers.models import ProductCategory, WarrantyPolicy
from tests import factories


class ContractProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractProduct
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ew-{n}")
    name = "Extended warranty, 2 years"
    name_zh = "延保两年"
    kind = ContractKind.EXTENDED_WARRANTY
    category = factory.SubFactory(factories.ProductCategoryFactory)
    term_months = 24
    price = Decimal("399.00")
    coverage = Coverage.BOTH


class MaintenancePlanFactory(ContractProductFactory):
    code = factory.Sequence(lambda n: f"plan-{n}")
    name = "Maintenance plan, 3 visits"
    name_zh = "保养套餐"
    kind = ContractKind.MAINTENANCE_PLAN
    term_months = 36
    included_visits = 3
    visit_interval_months = 12


def car_category() -> ProductCategory:
    """The statutory catalogue's car category (loaded by the migrations) with its policy."""
    category = factories.ProductCategoryFactory(code="car", name="Car", name_zh="汽车")
    assert WarrantyPolicy.objects.filter(category=category, family="car").exists()
    return category


def car_unit(**kwargs):
    model = factories.ProductModelFactory(category=car_category(), name="Sedan", name_zh="轿车")
    return factories.ProductUnitFactory(model=model, **kwargs)


def sell(product, unit, *, by=None, channel=SaleChannel.DESK, reference="PAY-1", **kwargs):
    return services.contract_sell(
        product=product,
        unit=unit,
        customer=unit.owner,
        channel=channel,
        payment_reference=reference,
        by=by,
        **kwargs,
    )


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)
