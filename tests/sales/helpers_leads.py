"""Building the facts the lead rules look at: a model with a price and a design life, a unit,
resolved repairs with parts and a charge."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from aftersales.roles import Role
from customers.referral_choices import OffersConsent
from parts.models import Part, PartUsage
from tests import factories
from tickets.choices import Kind, Status

ZONE = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int = 15) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)


def unit(*, consent: str = OffersConsent.GIVEN, started: dt.date = dt.date(2026, 3, 15), **model):
    product = factories.ProductModelFactory(
        replacement_price=model.pop("replacement_price", Decimal("4000.00")),
        design_life_months=model.pop("design_life_months", 60),
        **model,
    )
    owner = factories.CustomerFactory(offers_consent=consent)
    return factories.ProductUnitFactory(owner=owner, model=product, invoice_date=started)


def repair(product_unit, *, resolved: dt.date, charge: str = "0.00", parts=(), provider=None, kind=Kind.REPAIR):
    """A resolved repair of ``product_unit`` with ``parts`` as (quantity, unit price)."""
    ticket = factories.TicketFactory(
        customer=product_unit.owner,
        unit=product_unit,
        kind=kind,
        status=Status.RESOLVED,
        resolved_at=at(resolved),
        charge=Decimal(charge),
        provider=provider,
    )
    if parts:
        station = factories.ServiceStationFactory(code="leads-st")
        tech = factories.UserFactory(username="leads-tech", roles=[Role.TECHNICIAN])
        for number, (quantity, price) in enumerate(parts):
            part, _ = Part.objects.get_or_create(number=f"P-{number}", defaults={"name": "Part", "name_zh": "配件"})
            PartUsage.objects.create(
                ticket=ticket,
                station=station,
                part=part,
                quantity=quantity,
                unit_cost=Decimal(price) / 2,
                unit_price=Decimal(price),
                by=tech,
            )
    return ticket
