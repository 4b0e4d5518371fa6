"""Who sees which ticket through the API, and one ticket's answer (shared by the ticket endpoints).

The same role rules as the pages. Agents, managers and administrators see every ticket; a
technician only the jobs assigned to them; a customer (a portal account) only their own
requests. A view's queryset holds only those, so every other ticket is a 404, exactly like a
reference that does not exist.
"""

from dataclasses import replace

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from aftersales.api.permissions import IsDeskUserOrCustomer, customer_of
from aftersales.roles import is_desk_user, roles_of
from customers.models import Customer
from tickets import selectors, services
from tickets.api.ticket_output import TicketSerializer
from tickets.models import Ticket
from tickets.transitions import CUSTOMER, blockers, moves_for

# Everything the ticket serializer shows, joined in one query.
DETAIL_RELATED = (
    "customer",
    "unit__model__category",
    "fault_category",
    "station",
    "assignee",
    "provider",
    "suspected_duplicate_of",
    "merged_into",
    "complaint_about",
)
REFERENCE = OpenApiParameter(
    "reference", str, OpenApiParameter.PATH, description="The ticket's reference, e.g. AS-2026-000123."
)


def tickets_for(user) -> QuerySet[Ticket]:
    """The tickets the caller may see: the desk's rule for staff, their own for a customer."""
    if is_desk_user(user):
        return selectors.visible_tickets(user)
    customer = customer_of(user)
    return Ticket.objects.filter(customer=customer) if customer is not None else Ticket.objects.none()


def acting_customer(user) -> Customer | None:
    """The customer the caller acts as, or None when they act as staff."""
    return None if is_desk_user(user) else customer_of(user)


def roles_for_moves(user) -> frozenset[str]:
    return frozenset({CUSTOMER}) if acting_customer(user) is not None else roles_of(user)


def by_reference(tickets: QuerySet[Ticket], text: str) -> Ticket | None:
    """The ticket with this reference however it is typed (case, leading zeros), or None."""
    text = (text or "").strip()
    if not selectors.REFERENCE_RE.match(text):
        return None
    year, number = text.upper().split("-")[1:]
    return tickets.filter(reference=f"AS-{year}-{int(number):06d}").first()


def move_options(ticket: Ticket, roles: frozenset[str]) -> list[dict]:
    """The moves the roles allow from here, each with what still blocks it. The note and the
    merge target come with the move itself, so the reasons they would clear are not listed."""
    state = replace(services.state_of(ticket), has_merge_target=True)
    return [
        {
            "move": move.name,
            "label": str(move.label),
            "needs_note": move.needs_note,
            "blocked_by": blockers(move, state, roles, note="-" if move.needs_note else ""),
        }
        for move in moves_for(state, roles)
    ]


class TicketScope:
    """A view on the caller's tickets; ``{reference}`` in the path names one of them."""

    permission_classes = [IsAuthenticated, IsDeskUserOrCustomer]

    def get_queryset(self) -> QuerySet[Ticket]:
        return tickets_for(self.request.user)

    def ticket(self, reference: str | None = None) -> Ticket:
        """The caller's ticket named in the path (or ``reference``), with everything shown joined in."""
        found = by_reference(
            tickets_for(self.request.user).select_related(*DETAIL_RELATED), reference or self.kwargs["reference"]
        )
        if found is None:
            raise NotFound()
        return found

    def answer(self, ticket: Ticket, status_code: int = status.HTTP_200_OK, **headers) -> Response:
        """The ticket with its version and the moves the caller may make from here."""
        context = {
            "now": timezone.now(),
            "today": timezone.localdate(),
            "moves": move_options(ticket, roles_for_moves(self.request.user)),
            "request": self.request,
            "customer_view": acting_customer(self.request.user) is not None,
        }
        return Response(TicketSerializer(ticket, context=context).data, status=status_code, headers=headers)
