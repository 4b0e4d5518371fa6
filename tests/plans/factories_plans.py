"""Factories for service contracts in the plans tests (contract products, contracts, visits,
odometer readings). A contract made here is what ``contract_sell`` would have written on the
dates given, so tests can set any past dates."""

import datetime as dt
from decimal import Decimal

import factory

from contracts.choices import ContractKind, Coverage, SaleChannel
from contracts.models import ContractProduct, ContractVisit, OdometerReading, ServiceContract
from tests import factories


class ContractProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractProduct
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"plan-{n}")
    kind = ContractKind.MAINTENANCE_PLAN
    category = factory.SubFactory(factories.ProductCategoryFactory)
    name = "Care plan"
    name_zh = "保养套餐"
    term_months = 24
    price = Decimal("599.00")
    coverage = Coverage.LABOUR
    included_visits = 4
    visit_interval_months = 6
    exclusions = "Wear parts."
    exclusions_zh = "易损件。"


class ServiceContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceContract

    # Not the service's SC-<year>-<id>: a contract sold through it in the same test never meets this one's number.
    number = factory.Sequence(lambda n: f"SC-F-{n:06d}")
    product = factory.SubFactory(ContractProductFactory)
    kind = factory.SelfAttribute("product.kind")
    unit = factory.SubFactory(factories.ProductUnitFactory)
    customer = factory.SelfAttribute("unit.owner")
    starts_on = dt.date(2026, 1, 1)
    ends_on = dt.date(2027, 12, 31)
    coverage = factory.SelfAttribute("product.coverage")
    included_visits = factory.SelfAttribute("product.included_visits")
    visit_interval_months = factory.SelfAttribute("product.visit_interval_months")
    visit_interval_km = factory.SelfAttribute("product.visit_interval_km")
    price = factory.SelfAttribute("product.price")
    channel = SaleChannel.DESK
    payment_reference = "PAY-1"
    paid_at = factory.LazyFunction(lambda: dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    payment_confirmed_at = factory.SelfAttribute("paid_at")


def visit_done(contract: ServiceContract, number: int, done_on: dt.date, km: int | None = None) -> ContractVisit:
    if km is not None:
        OdometerReading.objects.create(unit=contract.unit, km=km, read_on=done_on)
    return ContractVisit.objects.create(contract=contract, number=number, done_on=done_on, odometer_km=km)


def reading(unit, km: int, read_on: dt.date) -> OdometerReading:
    return OdometerReading.objects.create(unit=unit, km=km, read_on=read_on)
