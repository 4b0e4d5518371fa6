"""Using parts on a job: consumed from the station's stock in the job's transaction.

A part reserved for the ticket at that station is used from the reservation first; anything
beyond it must be free stock. Functions registered in ``after_use`` run in the same
transaction for each use (parts/returns.py opens the old-part return of a warranty replacement).
"""

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parts.ledger import stock_move
from parts.models import MovementKind, Part, PartReservation, PartUsage, ReservationStatus
from tickets.models import ServiceStation, Ticket

# Called as ``function(usage, by=...)`` after each use, inside its transaction.
after_use: list[Callable[..., None]] = []


@transaction.atomic
def part_use(
    *,
    ticket: Ticket,
    station: ServiceStation,
    part: Part,
    quantity: int,
    by: AbstractBaseUser,
    under_warranty: bool,
    failed_batch: str = "",
    batch: str = "",
    field: str = "part",
) -> PartUsage:
    """Consume ``quantity`` of ``part`` at ``station`` for ``ticket`` and record the use.

    Raises a field error on ``field`` (nothing written) when the part is inactive or not enough
    is in stock."""
    if quantity < 1:
        raise ValidationError({"quantity": _("Use at least one.")})
    if not part.is_active:
        raise ValidationError({field: _("This part is no longer in the catalogue.")})
    reserved_for_ticket = list(
        PartReservation.objects.select_for_update()
        .filter(ticket=ticket, station=station, part=part, status=ReservationStatus.RESERVED)
        .order_by("created_at", "id")
    )
    from_reservations = 0
    now = timezone.now()
    for reservation in reserved_for_ticket:
        if from_reservations >= quantity:
            break
        from_reservations += reservation.quantity
        reservation.status, reservation.closed_at = ReservationStatus.CONSUMED, now
        reservation.save(update_fields=["status", "closed_at"])
    # The whole of each reservation used comes off "reserved"; what it held beyond the use is
    # free stock again.
    stock_move(
        station=station,
        part=part,
        kind=MovementKind.CONSUME,
        by=by,
        quantity=-quantity,
        reserved_change=-from_reservations,
        reason=_("Used on %(reference)s") % {"reference": ticket.reference},
        ticket=ticket,
        batch=batch,
        field=field,
    )
    usage = PartUsage.objects.create(
        ticket=ticket,
        station=station,
        part=part,
        quantity=quantity,
        under_warranty=under_warranty,
        unit_cost=part.standard_cost,
        unit_price=part.price,
        failed_batch=failed_batch[:40],
        batch=batch[:40],
        by=by,
    )
    for function in after_use:
        function(usage, by=by)
    return usage
