"""Reads of warranty claims: the claims a user may read, a ticket's claims, a unit's printed
three-guarantees record (docs/architecture.md#house-rules)."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from aftersales.roles import Role, roles_of, sees_all_tickets
from customers.models import Customer, ProductUnit
from tickets.choices import Status
from tickets.models import Ticket
from warranty.models import WarrantyClaim

CLAIM_RELATED = (
    "ticket",
    "unit__model",
    "policy__category",
    "decided_by",
    "chosen_by",
    "executed_by",
    "replacement_unit__model",
)


def claim_of(ticket: Ticket, pk: int) -> WarrantyClaim:
    return WarrantyClaim.objects.select_related(
        "unit__model__category", "policy", "decided_by", "chosen_by", "executed_by", "replacement_unit"
    ).get(ticket=ticket, pk=pk)


def claims_of(ticket: Ticket) -> QuerySet[WarrantyClaim]:
    return WarrantyClaim.objects.filter(ticket=ticket).order_by("-decided_at", "-id")


def warranty_record(unit: ProductUnit) -> dict:
    """A unit's repairs and claims, oldest first, for the printed three-guarantees record.

    A replacement unit's record carries on from the unit it replaced.
    """
    units = [unit.pk]
    earlier = unit
    while (earlier := ProductUnit.objects.filter(replaced_by=earlier).first()) is not None:
        units.append(earlier.pk)
    repairs = (
        Ticket.objects.filter(unit__in=units)
        .exclude(status__in=[Status.CANCELLED, Status.MERGED])
        .select_related("unit__model", "fault_category")
        .order_by("created_at", "id")
    )
    claims = (
        WarrantyClaim.objects.filter(unit__in=units)
        .select_related("ticket", "replacement_unit", "policy")
        .order_by("decided_at", "id")
    )
    return {"repairs": list(repairs), "claims": list(claims)}


def claims_visible_to(user: AbstractBaseUser, *, customer: Customer | None = None) -> QuerySet[WarrantyClaim]:
    """The claims ``user`` may read, with everything a claim's answer shows joined in.

    Agents, managers and administrators read every claim; a technician the claims of their own
    jobs; a customer (``customer``, their portal account's record) those of their own tickets;
    anyone else none. Another's claim is then simply not there, so asking for it is a 404.
    """
    claims = WarrantyClaim.objects.select_related(*CLAIM_RELATED)
    if sees_all_tickets(user):
        return claims
    if Role.TECHNICIAN in roles_of(user):
        return claims.filter(ticket__assignee=user)
    if customer is not None:
        return claims.filter(ticket__customer=customer)
    return claims.none()
