"""The one writer of stock: every change of a station's on-hand or reserved quantity goes
through :func:`stock_move`, which appends a ledger row and changes the stock level by the same
amount in the same transaction.

The stock level row is locked (``select_for_update``) before it is read, so two technicians
taking the last unit at once are served one after the other: the first succeeds, the second
finds nothing free and gets a clear message. Database check constraints hold the same line
(no negative on-hand or reserved, nothing reserved beyond what is on hand).

A movement that takes free stock to the level's reorder point alerts the station once
(parts/reorder.py), in the same transaction.
"""

from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parts.models import MovementKind, Part, StockLevel, StockMovement, StockTransfer
from parts.reorder import reorder_check, send_reorder_alert
from tickets.models import ServiceStation, Ticket


def locked_level(station: ServiceStation, part: Part) -> StockLevel:
    """The station's stock level of ``part``, locked for this transaction; created at zero on first use."""
    level, _created = StockLevel.objects.get_or_create(station=station, part=part)
    return StockLevel.objects.select_for_update().get(pk=level.pk)


@transaction.atomic
def stock_move(
    *,
    station: ServiceStation,
    part: Part,
    kind: str,
    by: AbstractBaseUser | None,
    quantity: int = 0,
    reserved_change: int = 0,
    reason: str = "",
    ticket: Ticket | None = None,
    transfer: StockTransfer | None = None,
    batch: str = "",
    unit_cost: Decimal | None = None,
    field: str = "quantity",
) -> StockMovement:
    """Change ``station``'s stock of ``part`` by ``quantity`` on hand and ``reserved_change``
    reserved, and append the ledger row saying who, when, why and for which ticket.

    Refused with a field error on ``field`` (nothing written) when the result would leave less
    than nothing on hand, reserve more than is free, or release more than is reserved.
    """
    if kind not in MovementKind.values:
        raise ValueError(f"unknown stock movement {kind!r}")
    level = locked_level(station, part)
    on_hand = level.on_hand + quantity
    reserved = level.reserved + reserved_change
    if on_hand < 0 or reserved > on_hand:
        free = level.on_hand - level.reserved
        raise ValidationError(
            {
                field: _("Not enough %(part)s in stock at %(station)s: %(free)d free.")
                % {"part": part.number, "station": station.display_name, "free": max(free, 0)}
            },
            code="stock",
        )
    if reserved < 0:
        raise ValidationError({field: _("Less of this part is reserved than that.")}, code="stock")
    now = timezone.now()
    level.on_hand, level.reserved, level.last_moved_at = on_hand, reserved, now
    level.station, level.part = station, part
    alert = reorder_check(level, now)
    level.save(update_fields=["on_hand", "reserved", "last_moved_at", "reorder_alerted_at"])
    movement = StockMovement.objects.create(
        station=station,
        part=part,
        kind=kind,
        quantity=quantity,
        reserved_change=reserved_change,
        on_hand_after=on_hand,
        unit_cost=part.standard_cost if unit_cost is None else unit_cost,
        reason=reason[:255],
        batch=batch[:40],
        ticket=ticket,
        transfer=transfer,
        by=by,
    )
    if alert:
        send_reorder_alert(level)
    return movement
