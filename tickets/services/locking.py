"""Taking a ticket for a write: the row lock and the version the user saw, who may act on it,
and the save that counts the version up.

Every service that changes a ticket locks it first (``lock_ticket``), checks the actor
(``ensure_may_act``) and saves through ``save_ticket``, so two people working on one ticket never
overwrite each other's change unnoticed.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from aftersales.roles import Role, roles_of, sees_all_tickets
from customers.models import Customer
from tickets.models import Ticket
from tickets.transitions import CUSTOMER


class TicketConflict(ValidationError):
    """Someone else changed the ticket since the user loaded it."""

    def __init__(self) -> None:
        super().__init__(
            _("Someone else changed this ticket while you were working on it. Reload it and try again."),
            code="conflict",
        )


def lock_ticket(ticket: Ticket, expected_version: int | None) -> Ticket:
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if expected_version is not None and locked.version != expected_version:
        raise TicketConflict()
    return locked


def ensure_may_act(ticket: Ticket, by: AbstractBaseUser | None, customer: Customer | None = None) -> frozenset[str]:
    """Desk roles act on every ticket; a technician only on their own jobs; a customer only
    on their own requests (through the portal)."""
    if customer is not None:
        if customer.pk != ticket.customer_id:
            raise PermissionDenied(_("You cannot change this request."))
        return frozenset({CUSTOMER})
    roles = roles_of(by)
    if sees_all_tickets(by):
        return roles
    if Role.TECHNICIAN in roles and ticket.assignee_id == by.pk:
        return roles
    raise PermissionDenied(_("You cannot change this ticket."))


def save_ticket(ticket: Ticket, fields: list[str]) -> None:
    ticket.version += 1
    ticket.save(update_fields=[*fields, "version", "updated_at"])
