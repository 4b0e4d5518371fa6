"""Reading stock: a user's stock levels, a part's ledger at a station, transfers, and the
figures of the stock report. Every query is scoped by parts/scope.py and brings its joins, so
pages and serializers never query per row."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, IntegerField, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from aftersales.money import CENT
from parts.models import MovementKind, Part, StockLevel, StockMovement, StockTransfer, TransferStatus
from parts.scope import sees_every_station, stations_for
from tickets.models import ServiceStation

SLOW_MOVER_DAYS = 90


def parts_search(queryset: QuerySet[Part], text: str) -> QuerySet[Part]:
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(Q(number__icontains=text) | Q(name__icontains=text) | Q(name_zh__icontains=text))


def levels_search(levels: QuerySet[StockLevel], text: str) -> QuerySet[StockLevel]:
    text = text.strip()
    if not text:
        return levels
    return levels.filter(
        Q(part__number__icontains=text) | Q(part__name__icontains=text) | Q(part__name_zh__icontains=text)
    )


def _in_scope(queryset: QuerySet, user: AbstractBaseUser, *fields: str) -> QuerySet:
    """``queryset`` limited to rows of ``user``'s stations on any of ``fields``; untouched for
    those who see every station (no subquery over every station)."""
    if sees_every_station(user):
        return queryset
    stations = stations_for(user)
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__in": stations})
    return queryset.filter(condition)


def stock_levels_for(
    user: AbstractBaseUser,
    *,
    station: int | None = None,
    part: int | None = None,
    text: str = "",
    below_reorder: bool = False,
) -> QuerySet[StockLevel]:
    """The stock levels ``user`` may see, with ``free`` and ``below_reorder`` annotated, by
    station and part number."""
    levels = (
        _in_scope(StockLevel.objects.all(), user, "station")
        .select_related("station", "part")
        .annotate(free_stock=ExpressionWrapper(F("on_hand") - F("reserved"), output_field=IntegerField()))
        .annotate(
            is_below_reorder=ExpressionWrapper(
                Q(reorder_point__gt=0, free_stock__lte=F("reorder_point")), output_field=BooleanField()
            )
        )
        .order_by("station__region", "station__name", "part__number")
    )
    if station is not None:
        levels = levels.filter(station_id=station)
    if part is not None:
        levels = levels.filter(part_id=part)
    levels = levels_search(levels, text)
    if below_reorder:
        levels = levels.filter(reorder_point__gt=0, free_stock__lte=F("reorder_point"))
    return levels


def movements_for(
    user: AbstractBaseUser,
    *,
    station: int | None = None,
    part: int | None = None,
    kind: str = "",
    ticket: str = "",
) -> QuerySet[StockMovement]:
    """The ledger rows ``user`` may see, oldest first, with who, the ticket and the transfer."""
    rows = _in_scope(StockMovement.objects.all(), user, "station").select_related("station", "part", "by", "ticket")
    if station is not None:
        rows = rows.filter(station_id=station)
    if part is not None:
        rows = rows.filter(part_id=part)
    if kind:
        rows = rows.filter(kind=kind)
    if ticket:
        rows = rows.filter(ticket__reference=ticket)
    return rows.order_by("created_at", "id")


def transfers_for(user: AbstractBaseUser, *, status: str = "") -> QuerySet[StockTransfer]:
    """Transfers from or to a station ``user`` may see, newest first."""
    rows = (
        _in_scope(StockTransfer.objects.all(), user, "from_station", "to_station")
        .select_related("from_station", "to_station", "part", "shipped_by", "received_by")
        .order_by("-shipped_at", "-id")
    )
    if status:
        rows = rows.filter(status=status)
    return rows


def in_transit_to(user: AbstractBaseUser) -> QuerySet[StockTransfer]:
    """Transfers on their way to one of ``user``'s stations: those they may receive."""
    return _in_scope(transfers_for(user, status=TransferStatus.IN_TRANSIT), user, "to_station")


@dataclass(frozen=True)
class ValueRow:
    number: str
    name: str
    on_hand: int
    reserved: int
    standard_cost: Decimal
    value: Decimal


@dataclass(frozen=True)
class SlowMover:
    number: str
    name: str
    on_hand: int
    value: Decimal
    last_used: dt.datetime | None


@dataclass(frozen=True)
class StockReport:
    station: ServiceStation
    rows: list[ValueRow]
    total: Decimal
    slow_movers: list[SlowMover]
    days: int
    made_at: dt.datetime


def stock_report(
    station: ServiceStation, *, days: int = SLOW_MOVER_DAYS, now: dt.datetime | None = None
) -> StockReport:
    """A station's stock at standard cost (each part and the total, to the cent), and its slow
    movers: parts on hand that no job used in the last ``days`` days (with when one last
    was). Two queries."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=days)
    used = StockMovement.objects.filter(station=station, part=OuterRef("part"), kind=MovementKind.CONSUME)
    levels = list(
        StockLevel.objects.filter(station=station, on_hand__gt=0)
        .select_related("part")
        .annotate(used_recently=Exists(used.filter(created_at__gte=since)))
        .order_by("part__number")
    )
    last_used = dict(
        StockMovement.objects.filter(
            station=station, kind=MovementKind.CONSUME, part__in=[level.part_id for level in levels]
        )
        .order_by()
        .values("part")
        .annotate(last=Max("created_at"))
        .values_list("part", "last")
    )
    rows, slow = [], []
    for level in levels:
        value = (level.part.standard_cost * level.on_hand).quantize(CENT)
        rows.append(
            ValueRow(
                level.part.number,
                level.part.display_name,
                level.on_hand,
                level.reserved,
                level.part.standard_cost,
                value,
            )
        )
        if not level.used_recently:
            slow.append(
                SlowMover(
                    level.part.number, level.part.display_name, level.on_hand, value, last_used.get(level.part_id)
                )
            )
    total = sum((row.value for row in rows), Decimal("0.00")).quantize(CENT)
    return StockReport(station=station, rows=rows, total=total, slow_movers=slow, days=days, made_at=now)
