"""Factories of the revenue tests' catalogue rows: contract products and leads."""

from decimal import Decimal

import factory

from contracts.choices import ContractKind
from contracts.models import ContractProduct
from customers.models import OffersConsent
from sales.choices import LeadKind, LeadStatus
from sales.models import Lead
from tests.factories import ProductCategoryFactory


class ContractProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractProduct
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"contract-{n}")
    kind = ContractKind.EXTENDED_WARRANTY
    name = "Extended warranty, 12 months"
    name_zh = "延保十二个月"
    category = factory.SubFactory(ProductCategoryFactory)
    term_months = 12
    price = Decimal("300.00")


class LeadFactory(factory.django.DjangoModelFactory):
    """A lead row as the sales services would leave it (none are on this branch yet)."""

    class Meta:
        model = Lead

    kind = LeadKind.UPGRADE
    customer = factory.LazyAttribute(lambda o: o.unit.owner if o.unit else None)
    unit = None
    consent = OffersConsent.GIVEN
    status = LeadStatus.NEW
    dedupe_key = factory.Sequence(lambda n: f"lead-{n}")
