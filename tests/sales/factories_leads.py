"""Factories of the leads' models: rules, consumables, leads."""

from decimal import Decimal

import factory

from customers.referral_choices import OffersConsent
from sales.choices import LeadKind, LeadStatus, Trigger
from sales.models import Consumable, Lead, LeadRule
from tests import factories


class LeadRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadRule
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"rule-{n}")
    name = factory.Sequence(lambda n: f"Rule {n}")
    name_zh = factory.Sequence(lambda n: f"规则{n}")
    trigger = Trigger.REPAIR_COST_SHARE
    lead_kind = LeadKind.UPGRADE
    cost_share_percent = Decimal("30.00")


class ConsumableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consumable

    code = factory.Sequence(lambda n: f"filter-{n}")
    name = "Water filter"
    name_zh = "滤芯"
    model = factory.SubFactory(factories.ProductModelFactory)
    every_months = 6
    price = Decimal("89.00")


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    kind = LeadKind.UPGRADE
    rule = factory.SubFactory(LeadRuleFactory)
    unit = factory.SubFactory(factories.ProductUnitFactory)
    customer = factory.SelfAttribute("unit.owner")
    consent = OffersConsent.GIVEN
    reason = factory.LazyFunction(lambda: {"trigger": "repair_cost_share", "cost": "1300.00"})
    status = LeadStatus.NEW
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")
