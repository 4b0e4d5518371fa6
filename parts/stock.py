"""A station's stock moves: goods received, transfers between stations, stock counts
(docs/parts.md#stock-and-its-ledger).

Every change is written by parts/ledger.py ``stock_move`` — one ledger row per change, the stock
level changed by the same amount in the same transaction. These services check what the
person asked for, then call it. Each is one transaction; a refusal is a field error and leaves
nothing written. Who may move which station's stock is checked by the caller (parts/scope.py),
except receiving a transfer, which only the receiving station's users may do.
"""

from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parts.ledger import locked_level, stock_move
from parts.models import MovementKind, Part, StockMovement, StockTransfer, TransferStatus
from parts.scope import may_use_station
from tickets.models import ServiceStation

MAX_QUANTITY = 100_000


def _check_quantity(quantity: int, field: str = "quantity") -> None:
    if quantity < 1:
        raise ValidationError({field: _("Enter at least one.")}, code="min_value")
    if quantity > MAX_QUANTITY:
        raise ValidationError({field: _("Enter at most %(max)d.") % {"max": MAX_QUANTITY}}, code="max_value")


def _check_part(part: Part, field: str = "part") -> None:
    if not part.is_active:
        raise ValidationError({field: _("This part is no longer in the catalogue.")}, code="inactive")


@transaction.atomic
def stock_receive(
    *,
    station: ServiceStation,
    part: Part,
    quantity: int,
    by: AbstractBaseUser,
    reason: str = "",
    batch: str = "",
    unit_cost: Decimal | None = None,
) -> StockMovement:
    """Goods received at ``station``: ``quantity`` more on hand, at ``unit_cost`` (the part's
    standard cost when not given). ``reason`` carries the delivery note or supplier reference."""
    _check_quantity(quantity)
    _check_part(part)
    if unit_cost is not None and unit_cost < 0:
        raise ValidationError({"unit_cost": _("A cost cannot be negative.")}, code="min_value")
    return stock_move(
        station=station,
        part=part,
        kind=MovementKind.RECEIPT,
        by=by,
        quantity=quantity,
        reason=reason.strip() or _("Goods received"),
        batch=batch.strip(),
        unit_cost=unit_cost,
    )


@transaction.atomic
def transfer_ship(
    *, from_station: ServiceStation, to_station: ServiceStation, part: Part, quantity: int, by: AbstractBaseUser
) -> StockTransfer:
    """Send ``quantity`` of ``part`` to another station: out of the sender's stock now, in transit
    until the receiving station receives it. Only free stock can be sent."""
    _check_quantity(quantity)
    _check_part(part)
    if from_station.pk == to_station.pk:
        raise ValidationError({"to_station": _("Choose another station than the sender.")}, code="same_station")
    if not to_station.is_active:
        raise ValidationError({"to_station": _("This station is no longer active.")}, code="inactive")
    transfer = StockTransfer.objects.create(
        from_station=from_station, to_station=to_station, part=part, quantity=quantity, shipped_by=by
    )
    stock_move(
        station=from_station,
        part=part,
        kind=MovementKind.TRANSFER_OUT,
        by=by,
        quantity=-quantity,
        reason=_("Sent to %(station)s") % {"station": to_station.display_name},
        transfer=transfer,
    )
    return transfer


def _locked_transfer(transfer: StockTransfer) -> StockTransfer:
    return (
        StockTransfer.objects.select_for_update()
        .select_related("from_station", "to_station", "part")
        .get(pk=transfer.pk)
    )


@transaction.atomic
def transfer_receive(*, transfer: StockTransfer, by: AbstractBaseUser) -> StockTransfer:
    """The receiving station takes the parts in: into its stock, the transfer received. Only
    users of the receiving station (or who see every station) may receive it; received once."""
    transfer = _locked_transfer(transfer)
    if not may_use_station(by, transfer.to_station):
        raise ValidationError(
            {"transfer": _("Only the receiving station can receive this transfer.")}, code="not_receiver"
        )
    if transfer.status != TransferStatus.IN_TRANSIT:
        raise ValidationError({"transfer": _("This transfer is no longer in transit.")}, code="not_in_transit")
    # The sender's row was written when the parts left; the cost carried is the sender's.
    sent = transfer.movements.filter(kind=MovementKind.TRANSFER_OUT).values_list("unit_cost", flat=True).first()
    stock_move(
        station=transfer.to_station,
        part=transfer.part,
        kind=MovementKind.TRANSFER_IN,
        by=by,
        quantity=transfer.quantity,
        reason=_("Received from %(station)s") % {"station": transfer.from_station.display_name},
        transfer=transfer,
        unit_cost=sent,
    )
    transfer.status, transfer.received_by, transfer.received_at = TransferStatus.RECEIVED, by, timezone.now()
    transfer.save(update_fields=["status", "received_by", "received_at"])
    return transfer


@transaction.atomic
def transfer_cancel(*, transfer: StockTransfer, by: AbstractBaseUser, reason: str) -> StockTransfer:
    """A transfer that will not arrive goes back into the sender's stock. Only while in transit,
    by a user of either station, with a reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the transfer is cancelled.")}, code="required")
    transfer = _locked_transfer(transfer)
    if not (may_use_station(by, transfer.from_station) or may_use_station(by, transfer.to_station)):
        raise ValidationError({"transfer": _("Only the two stations can cancel this transfer.")}, code="not_party")
    if transfer.status != TransferStatus.IN_TRANSIT:
        raise ValidationError({"transfer": _("This transfer is no longer in transit.")}, code="not_in_transit")
    stock_move(
        station=transfer.from_station,
        part=transfer.part,
        kind=MovementKind.TRANSFER_IN,
        by=by,
        quantity=transfer.quantity,
        reason=_("Transfer cancelled: %(reason)s") % {"reason": reason},
        transfer=transfer,
    )
    transfer.status = TransferStatus.CANCELLED
    transfer.save(update_fields=["status"])
    return transfer


@transaction.atomic
def stock_count(
    *, station: ServiceStation, part: Part, counted: int, by: AbstractBaseUser, reason: str
) -> StockMovement:
    """A stock count: the on-hand figure becomes what was counted, by one count row saying why
    (a count that agrees with the books is a row of 0, so the ledger shows it was counted).
    The count cannot go below what is reserved for tickets: release those reservations first."""
    reason = reason.strip()
    errors = {}
    if counted < 0:
        errors["counted"] = _("A count cannot be negative.")
    elif counted > MAX_QUANTITY:
        errors["counted"] = _("Enter at most %(max)d.") % {"max": MAX_QUANTITY}
    if not reason:
        errors["reason"] = _("Say why the stock differs (a count needs a reason).")
    if errors:
        raise ValidationError(errors, code="invalid")
    level = locked_level(station, part)
    change = counted - level.on_hand
    if counted < level.reserved:
        raise ValidationError(
            {
                "counted": _("%(reserved)d are reserved for tickets: release them before counting fewer.")
                % {"reserved": level.reserved}
            },
            code="reserved",
        )
    return stock_move(
        station=station,
        part=part,
        kind=MovementKind.COUNT,
        by=by,
        quantity=change,
        reason=reason,
        field="counted",
    )
