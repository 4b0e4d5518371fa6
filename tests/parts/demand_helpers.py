"""Shared pieces of the parts demand and returns tests: a part, stock at a station, a repair in
progress assigned to a technician, and snapshots of every row the services may write."""

import datetime as dt
from decimal import Decimal

import factory

from parts.ledger import stock_move
from parts.models import (
    MovementKind,
    Part,
    PartReservation,
    PartReturn,
    PartsOrder,
    PartUsage,
    StockLevel,
    StockMovement,
)
from tests.factories import ServiceStationFactory, TicketFactory
from tickets.choices import Status
from tickets.models import Ticket, TicketEvent


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Part
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"P-{n:05d}")
    name = factory.Sequence(lambda n: f"Drain pump {n}")
    name_zh = "排水泵"
    standard_cost = Decimal("80.00")
    price = Decimal("120.00")


def station(code: str = "qd-north"):
    return ServiceStationFactory(code=code, name=f"Station {code}")


def stocked(station, part, quantity: int, by=None) -> StockLevel:
    """``quantity`` of ``part`` received at ``station``, through the ledger."""
    stock_move(station=station, part=part, kind=MovementKind.RECEIPT, by=by, quantity=quantity, reason="Opening stock")
    return StockLevel.objects.get(station=station, part=part)


def repair_in_progress(technician, station, **fields) -> Ticket:
    """A repair at ``station`` that ``technician`` is working on."""
    values = {
        "status": Status.IN_PROGRESS,
        "assignee": technician,
        "station": station,
        "started_at": dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC),
        **fields,
    }
    return TicketFactory(**values)


def level(station, part) -> tuple[int, int]:
    row = StockLevel.objects.filter(station=station, part=part).first()
    return (row.on_hand, row.reserved) if row else (0, 0)


def snapshot() -> dict:
    """Every row the demand and return services may write."""
    return {
        "levels": list(StockLevel.objects.order_by("pk").values()),
        "movements": list(StockMovement.objects.order_by("pk").values()),
        "reservations": list(PartReservation.objects.order_by("pk").values()),
        "orders": list(PartsOrder.objects.order_by("pk").values()),
        "usages": list(PartUsage.objects.order_by("pk").values()),
        "returns": list(PartReturn.objects.order_by("pk").values()),
        "tickets": list(Ticket.objects.order_by("pk").values()),
        "events": list(TicketEvent.objects.order_by("pk").values()),
    }


def events(ticket: Ticket) -> list[tuple[str, str, str]]:
    """The ticket's timeline as (kind, message code, text in the default language)."""
    return list(TicketEvent.objects.filter(ticket=ticket).order_by("id").values_list("kind", "message_code", "note"))
