"""TODO docstring"""

from django.db.models import QuerySet

from customers.models import ProductUnit
from tickets.choices import Status
from tickets.models import Ticket
from warranty.models import WarrantyClaim


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
