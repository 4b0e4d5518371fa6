"""Factories for the rows a unit's history reads that tests/factories.py has no factory for."""

import datetime as dt
from decimal import Decimal

import factory

from tests.factories import (
    ProductCategoryFactory,
    ProductModelFactory,
    ServiceStationFactory,
    TicketFactory,
    UserFactory,
)


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "parts.Part"
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"P-{n:05d}")
    name = factory.Sequence(lambda n: f"Part {n}")
    name_zh = "配件"
    standard_cost = Decimal("100.00")
    price = Decimal("180.00")


class PartUsageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "parts.PartUsage"

    ticket = factory.SubFactory(TicketFactory)
    station = factory.SubFactory(ServiceStationFactory)
    part = factory.SubFactory(PartFactory)
    quantity = 1
    under_warranty = True
    unit_cost = factory.SelfAttribute("part.standard_cost")
    unit_price = factory.SelfAttribute("part.price")
    by = factory.SubFactory(UserFactory)


class FieldVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "fieldwork.Visit"

    ticket = factory.SubFactory(TicketFactory)
    technician = factory.SubFactory(UserFactory)
    station = factory.SubFactory(ServiceStationFactory)
    start = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=2))
    status = "done"


class SatisfactionRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "followups.SatisfactionRating"

    ticket = factory.SubFactory(TicketFactory)
    source = "callback"
    score = 5


class SurveyProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "followups.SurveyProgram"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"program-{n}")
    name = "After repair"
    name_zh = "维修回访"


class ContractProductFactory(factory.django.DjangoModelFactory):
    """A maintenance plan for washing machines, two visits in a year."""

    class Meta:
        model = "contracts.ContractProduct"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"plan-{n}")
    kind = "maintenance_plan"
    name = "Care plan"
    name_zh = "保养套餐"
    category = factory.SubFactory(ProductCategoryFactory)
    term_months = 12
    price = Decimal("299.00")
    coverage = "both"
    included_visits = 2
    visit_interval_months = 6


class RecallCampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "quality.RecallCampaign"

    title = factory.Sequence(lambda n: f"Recall {n}")
    model = factory.SubFactory(ProductModelFactory)
    reason = "Door lock may not close: replace the lock."
    started_by = factory.SubFactory(UserFactory)


class RecallUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "quality.RecallUnit"

    campaign = factory.SubFactory(RecallCampaignFactory)
    ticket = factory.SubFactory(TicketFactory, kind="repair")
    unit = factory.SelfAttribute("ticket.unit")
