"""Filters of the ticket list: the desk queue's filters (tickets/filters.py), for the API.

The search and the overdue rule are the desk's own (tickets.selectors). Objects are named by
id and matched without being looked up, so a filter never tells a customer or technician
whether someone else's station, technician, customer or unit exists. The order is the
cursor pagination's (newest first), not a filter.
"""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from aftersales.api.filters import DateTimeFilter, IdFilter
from tickets import selectors
from tickets.choices import Kind, Priority, Status
from tickets.models import Ticket


class TicketFilter(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        help_text="A reference (AS-2026-000123), the caller's phone in any format, a unit's exact serial, or part "
        "of the customer's name.",
    )
    # A ticket has one status: no DISTINCT needed (it would sort the whole table).
    status = filters.MultipleChoiceFilter(
        choices=Status.choices,
        label=_("Status"),
        distinct=False,
        help_text="Repeat for several: ?status=new&status=acknowledged",
    )
    kind = filters.ChoiceFilter(choices=Kind.choices, label=_("Kind"))
    priority = filters.ChoiceFilter(choices=Priority.choices, label=_("Priority"))
    station = IdFilter(field_name="station_id", label=_("Station"), help_text="Service station id.")
    assignee = IdFilter(field_name="assignee_id", label=_("Technician"), help_text="The technician's user id.")
    customer = IdFilter(field_name="customer_id", label=_("Customer"), help_text="Customer id.")
    unit = IdFilter(field_name="unit_id", label=_("Product unit"), help_text="Product unit id.")
    overdue = filters.BooleanFilter(
        method="filter_overdue", label=_("Overdue only"), help_text="true: only tickets past their current deadline."
    )
    created_after = DateTimeFilter(
        field_name="created_at", lookup_expr="gte", label=_("Created from"), help_text="ISO 8601, inclusive."
    )
    created_before = DateTimeFilter(
        field_name="created_at", lookup_expr="lt", label=_("Created before"), help_text="ISO 8601, exclusive."
    )

    class Meta:
        model = Ticket
        fields = [
            "q",
            "status",
            "kind",
            "priority",
            "station",
            "assignee",
            "customer",
            "unit",
            "overdue",
            "created_after",
            "created_before",
        ]

    def filter_search(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return selectors.search_tickets(queryset, value)

    def filter_overdue(self, queryset: QuerySet[Ticket], name: str, value: bool) -> QuerySet[Ticket]:
        return queryset.filter(selectors.overdue_q(timezone.now())) if value else queryset
