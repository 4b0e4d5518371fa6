"""The ticket list's rows written directly, the same JSON as ``TicketListSerializer`` writes.

A page of the list is 25 to 100 rows of 14 fields, four of them nested objects: DRF's fields
worked out each cell on their own (attribute lookups, a copy of each nested serializer, a
timezone conversion per date), which took longer than reading the rows. The serializer stays
the description of the list (the OpenAPI schema, the tests compare the two); only its rows are
written here, and ``tests/api/test_ticket_rows.py`` checks that both write the same.
"""

from django.utils import timezone
from rest_framework import serializers
from rest_framework.fields import DateTimeField

from tickets.api.serializers import display_name

# What a customer's own token is not shown (ticket_output.CUSTOMER_HIDDEN_AS_NULL), among the
# list's fields.
HIDDEN_FROM_CUSTOMERS = ("next_due", "overdue")


class TicketRows(serializers.ListSerializer):
    """The list of a serializer whose ``direct_rows`` is true: its rows written by
    :func:`ticket_row`; any other (the whole ticket's subclass) as DRF writes it."""

    def to_representation(self, data):
        if not getattr(self.child, "direct_rows", False):
            return super().to_representation(data)
        context = self.child.context
        when = _datetime_writer()
        return [ticket_row(ticket, context, when) for ticket in data]


def _datetime_writer():
    """A moment as DRF's DateTimeField writes it, in the current time zone, looked up once."""
    field = DateTimeField()
    zone = timezone.get_current_timezone()
    field.timezone = zone
    return lambda value: None if value is None else field.to_representation(value)


def ticket_row(ticket, context: dict, when) -> dict:
    customer, unit, station, assignee = ticket.customer, ticket.unit, ticket.station, ticket.assignee
    customer_view = bool(context.get("customer_view"))
    row = {
        "reference": str(ticket.reference),
        "kind": str(ticket.kind),
        "channel": str(ticket.channel),
        "status": str(ticket.status),
        "priority": str(ticket.priority),
        "description": str(ticket.description),
        "customer": {"id": customer.pk, "name": str(customer.name), "phone": str(customer.phone)},
        "unit": None
        if unit is None
        else {
            "id": unit.pk,
            "serial": str(unit.serial),
            "model": str(unit.model.code),
            "model_name": str(unit.model.display_name),
        },
        "station": None
        if station is None
        else {"id": station.pk, "code": str(station.code), "name": str(station.display_name)},
        "assignee": None
        if assignee is None
        else {
            "id": assignee.pk,
            "name": (assignee.first_name or assignee.get_username()) if customer_view else display_name(assignee),
        },
        "created_at": when(ticket.created_at),
        "next_due": when(ticket.next_due),
        "overdue": ticket.next_due is not None and ticket.next_due < context["now"],
        "version": ticket.version,
    }
    if customer_view:
        for name in HIDDEN_FROM_CUSTOMERS:
            row[name] = None
    return row
