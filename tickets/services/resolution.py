"""Recording a ticket's resolution: the work done, the fault analysis a repair needs (no-leak 4),
the parts and the charge."""

from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tickets.choices import EventKind, Kind, Status
from tickets.fault_codes import normalise_fault_code
from tickets.models import Ticket
from tickets.services.locking import ensure_may_act, lock_ticket, save_ticket
from tickets.services.timeline import append_event

# Money columns hold 10 digits, 2 of them decimals.
AMOUNT_LIMIT = Decimal("100000000")


def parse_amount(raw: object, *, field: str) -> Decimal:
    """A non-negative amount of money that fits the money columns, or a field error."""
    try:
        value = Decimal(str(raw if raw not in (None, "") else "0"))
    except InvalidOperation as exc:
        raise ValidationError({field: _("Enter an amount such as 120.00.")}) from exc
    if not value.is_finite():  # "NaN" and "Infinity" parse, but are no amount
        raise ValidationError({field: _("Enter an amount such as 120.00.")})
    if value < 0:
        raise ValidationError({field: _("The amount cannot be negative.")})
    # Compared before rounding too: quantize() itself fails on amounts of 27 digits and more.
    if value >= AMOUNT_LIMIT or value.quantize(Decimal("0.01")) >= AMOUNT_LIMIT:
        raise ValidationError({field: _("The amount is too large.")})
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def ticket_record_resolution(
    *,
    ticket: Ticket,
    by: AbstractBaseUser,
    work_done: str,
    fault_code: str = "",
    fault_component: str = "",
    root_cause: str = "",
    parts_used: str = "",
    charge: object = "0",
    expected_version: int | None = None,
) -> Ticket:
    """Record what was found and done. Repairs need the fault analysis (no-leak 4).

    The fault code is stored in its one spelling (:func:`normalise_fault_code`: upper case, no
    spaces), the spelling the fault-code catalogue and the feedback items use."""
    ticket = lock_ticket(ticket, expected_version)
    ensure_may_act(ticket, by)
    if ticket.status in (Status.CLOSED, Status.CANCELLED, Status.MERGED):
        raise ValidationError({"work_done": _("The resolution of a closed ticket cannot change.")})
    errors: dict[str, str] = {}
    if not (work_done or "").strip():
        errors["work_done"] = _("Describe the work done.")
    if ticket.kind == Kind.REPAIR:
        for field, value, message in (
            ("fault_code", fault_code, _("A repair needs a fault code.")),
            ("fault_component", fault_component, _("Name the faulty component.")),
            ("root_cause", root_cause, _("Give the root cause.")),
        ):
            if not (value or "").strip():
                errors[field] = message
    fault_code = normalise_fault_code(fault_code)
    for field, value in (("fault_code", fault_code), ("fault_component", fault_component)):
        limit = Ticket._meta.get_field(field).max_length
        if len((value or "").strip()) > limit:
            errors[field] = _("At most %(limit)d characters.") % {"limit": limit}
    try:
        amount = parse_amount(charge, field="charge")
    except ValidationError as exc:
        errors.update({key: value[0] for key, value in exc.message_dict.items()})
        amount = Decimal("0")
    if errors:
        raise ValidationError(errors)
    ticket.work_done = work_done.strip()
    ticket.fault_code = fault_code
    ticket.fault_component = (fault_component or "").strip()
    ticket.root_cause = (root_cause or "").strip()
    ticket.parts_used = (parts_used or "").strip()
    ticket.charge = amount
    save_ticket(ticket, ["work_done", "fault_code", "fault_component", "root_cause", "parts_used", "charge"])
    append_event(
        ticket,
        EventKind.RESOLUTION,
        by,
        data={
            "fault_code": ticket.fault_code,
            "component": ticket.fault_component,
            "charge": str(ticket.charge),
        },
    )
    return ticket
