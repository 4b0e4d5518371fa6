"""The desk queue's filters, search and sorting (django-filter)."""

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets import selectors
from tickets.choices import OPEN_STATUSES, Kind, Priority, Status
from tickets.models import Ticket

SORTS = {
    "-created": (_("Newest first"), ["-created_at", "-id"]),
    "created": (_("Oldest first"), ["created_at", "id"]),
    "due": (_("Deadline soonest"), [F("next_due").asc(nulls_last=True), "-id"]),
    "visit": (_("Visit soonest"), [F("appointment_start").asc(nulls_last=True), "-id"]),
    "priority": (_("Priority"), ["priority_rank", "-created_at", "-id"]),
    "reference": (_("Reference"), ["reference"]),
}


# The dispatch to service providers (docs/network-dispatch.md): headquarters follows its offers
# and the jobs given back; a provider's staff see only their own provider's jobs anyway, so
# "offered" is, for them, what waits for their acceptance.
OFFERED, ACCEPTED, RETURNED = "offered", "accepted", "returned"
HEADQUARTERS_DISPATCH = [
    (OFFERED, _("Offered, not accepted")),
    (ACCEPTED, _("Accepted by a provider")),
    (RETURNED, _("Returned by a provider")),
]
PROVIDER_DISPATCH = [(OFFERED, _("Offered to my provider, not yet accepted")), (ACCEPTED, _("Accepted"))]
DISPATCH_FILTERS = {
    OFFERED: Q(provider__isnull=False, provider_accepted_at__isnull=True),
    ACCEPTED: Q(provider__isnull=False, provider_accepted_at__isnull=False),
    RETURNED: Q(provider__isnull=True, provider_returned_at__isnull=False, status__in=OPEN_STATUSES),
}


class TicketQueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    # One IN list, without DISTINCT (a ticket has one status; it would sort the whole table).
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"), method="filter_status")
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("Kind"), empty_label=_("Any kind"))
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label=_("Priority"), empty_label=_("Any priority"))
    station = django_filters.ModelChoiceFilter(
        queryset=selectors.active_stations(), label=_("Station"), empty_label=_("Any station")
    )
    assignee = django_filters.ModelChoiceFilter(
        queryset=selectors.technicians(), label=_("Technician"), empty_label=_("Anyone")
    )
    dispatch = django_filters.ChoiceFilter(
        choices=HEADQUARTERS_DISPATCH,
        method="filter_dispatch",
        label=_("Service provider"),
        empty_label=_("Any dispatch"),
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue only"), widget=forms.CheckboxInput)
    sort = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        method="filter_sort",
        label=_("Sort"),
        empty_label=None,
    )

    class Meta:
        model = Ticket
        fields = ["q", "status", "kind", "priority", "station", "assignee", "dispatch", "overdue", "sort"]

    def __init__(self, *args, provider_staff: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if provider_staff:
            self.filters["dispatch"].extra["choices"] = PROVIDER_DISPATCH
            self.form.fields["dispatch"].choices = PROVIDER_DISPATCH

    def filter_dispatch(self, queryset, name, value):
        return queryset.filter(DISPATCH_FILTERS[value]) if value in DISPATCH_FILTERS else queryset

    def filter_status(self, queryset, name, value):
        # An OR of one equality per status reads as a filter over a whole index; the IN list
        # is looked up in the status index.
        return queryset.filter(status__in=sorted(value)) if value else queryset

    def filter_search(self, queryset, name, value):
        return selectors.search_tickets(queryset, value)

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(selectors.overdue_q(timezone.now())) if value else queryset

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in ``qs``, so it also applies when no sort was given

    @property
    def qs(self):
        queryset = super().qs
        key = self.form.cleaned_data.get("sort") if hasattr(self.form, "cleaned_data") else None
        order = SORTS.get(key or "-created", SORTS["-created"])[1]
        return selectors.desk_queue_rows(queryset.order_by(*order))
