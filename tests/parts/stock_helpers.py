"""Building parts, stations with technicians, and stock for the stock tests."""

from decimal import Decimal

import factory

from fieldwork.models import TechnicianProfile
from parts.models import Part
from parts.stock import stock_receive
from tests import factories


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Part
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"P-{n:05d}")
    name = factory.Sequence(lambda n: f"Drain pump {n}")
    name_zh = "排水泵"
    standard_cost = Decimal("12.50")
    price = Decimal("30.00")
    warranty_days = 90


def technician_at(user, *stations) -> TechnicianProfile:
    """Make ``user`` a technician of ``stations``."""
    profile, _created = TechnicianProfile.objects.get_or_create(user=user)
    profile.stations.add(*stations)
    return profile


def stocked(station, part, quantity: int, by, unit_cost: Decimal | None = None):
    """``quantity`` of ``part`` received at ``station``."""
    return stock_receive(
        station=station, part=part, quantity=quantity, by=by, reason="opening stock", unit_cost=unit_cost
    )


def station(code: str = "", **kwargs):
    if code:
        kwargs["code"] = code
    return factories.ServiceStationFactory(**kwargs)
