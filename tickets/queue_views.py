"""The desk's queue (``/desk/``): the tickets the user may see, filtered, sorted and paged, each
line's cells worked out once per page."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from aftersales.access import desk_required
from aftersales.pagination import PAGE_SIZES, CappedPaginator, page_size_from
from aftersales.roles import Role, provider_of, roles_of, sees_all_tickets
from tickets import selectors
from tickets.choices import OPEN_STATUSES, Kind, Priority, Status
from tickets.desk_rendering import (
    STATIONS,
    TECHNICIANS,
    choice_labels,
    datetime_formatter,
    memo_options,
    phone_display,
    select_tag,
)
from tickets.filters import TicketQueueFilter


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    # Everyone lands here after signing in (LOGIN_REDIRECT_URL); a department user's page is
    # the feedback inbox.
    if roles_of(request.user) == {Role.DEPARTMENT}:
        return redirect("feedback:inbox")
    return _queue(request)


def queue_rows(tickets, now) -> list[dict]:
    """The queue's lines, each a dict of what its cells show, labels and dates already formatted.

    Plain dicts: the template engine finds a key at its first try, where a model attribute
    costs a failed key lookup first, for every cell of every row.
    """
    statuses, kinds, priorities = (
        choice_labels(Status.choices),
        choice_labels(Kind.choices),
        choice_labels(Priority.choices),
    )
    short_datetime, hours = datetime_formatter(), datetime_formatter("TIME_FORMAT")
    rows = []
    for ticket in tickets:
        customer, unit, station, assignee = ticket.customer, ticket.unit, ticket.station, ticket.assignee
        rows.append(
            {
                "reference": ticket.reference,
                "url": reverse("desk:ticket", args=[ticket.reference]),
                "status": ticket.status,
                "status_label": statuses.get(ticket.status, ticket.status),
                "kind_label": kinds.get(ticket.kind, ticket.kind),
                "priority": ticket.priority,
                "priority_label": priorities.get(ticket.priority, ticket.priority),
                "customer": customer.name,
                "phone": phone_display(customer.phone),
                "model": unit.model.code if unit else "",
                "serial": unit.serial if unit else "",
                "has_unit": unit is not None,
                "station": (station.display_name if station else "") or "—",
                "technician": (assignee.get_full_name() or assignee.get_username()) if assignee else "",
                "overdue": bool(ticket.next_due and ticket.next_due < now),
                "escalated": ticket.escalated_at is not None and ticket.status in OPEN_STATUSES,
                "next_due": short_datetime(ticket.next_due),
                # The booked visit, which a technician's list shows in place of the deadline.
                "visit": short_datetime(ticket.appointment_start)
                + (f"–{hours(ticket.appointment_end)}" if ticket.appointment_start and ticket.appointment_end else ""),
                "created": short_datetime(ticket.created_at),
            }
        )
    return rows


@desk_required
def _queue(request: HttpRequest) -> HttpResponse:
    base = selectors.visible_tickets(request.user)
    provider_staff = provider_of(request.user) is not None
    filterset = TicketQueueFilter(request.GET or None, queryset=base, provider_staff=provider_staff)
    # Filters that do not hold show every ticket, with the form's messages; unfiltered, the
    # unbound filter set lists the tickets itself.
    rows = (
        filterset.qs
        if not filterset.is_bound or filterset.is_valid()
        else TicketQueueFilter(queryset=base, provider_staff=provider_staff).qs
    )
    paginator = CappedPaginator(rows, page_size_from(request, settings.DESK_PAGE_SIZE), cap=settings.DESK_COUNT_CAP)
    page = paginator.get_page(request.GET.get("page"))
    now = timezone.now()
    params = request.GET.copy()
    params.pop("page", None)
    sees_all = sees_all_tickets(request.user)
    # Station and technician are offered to those who see every ticket only.
    selects = ["kind", "priority", "sort", *(["station", "assignee", "dispatch"] if sees_all else [])]
    if sees_all:
        memo_options(filterset.form.fields["station"], STATIONS, "queue.station")
        memo_options(filterset.form.fields["assignee"], TECHNICIANS, "queue.assignee")
    return render(
        request,
        "tickets/queue.html",
        {
            "filter": filterset,
            "page": page,
            "rows": queue_rows(selectors.with_memo_relations(page.object_list), now),
            "selects": {name: select_tag(filterset.form[name]) for name in selects},
            "now": now,
            "query_string": params.urlencode(),
            "page_sizes": PAGE_SIZES,
            "sees_all": sees_all,
        },
        status=400 if filterset.is_bound and not filterset.is_valid() else 200,
    )
