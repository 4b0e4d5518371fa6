"""Reads for the desk: the queue, one ticket with its timeline, a caller's history.

Every selector returns its rows with the joins done, so templates never query (docs/architecture.md#house-rules).
Permission-checked getters raise Http404 rather than reveal someone else's ticket.
"""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from aftersales import table_memo
from aftersales.roles import Role, roles_of, sees_all_tickets
from aftersales.scoping import staff_in_scope
from customers.models import Customer, ProductUnit
from customers.phones import try_normalize_phone
from tickets.choices import COMPLAINT_CLASS_GROUPS, OPEN_STATUSES, Kind
from tickets.models import FaultCategory, FaultCode, ServiceStation, Ticket, TicketEvent

REFERENCE_RE = re.compile(r"^AS-\d{4}-\d{1,9}$", re.IGNORECASE)
SEARCH_UNIT_LIMIT = 100
SEARCH_CUSTOMER_LIMIT = 1000

QUEUE_RELATED = ("customer", "unit__model")
# A ticket's small relations, read from the process's memo instead of joined (aftersales/table_memo.py).
QUEUE_MEMO_RELATED = ("station", "assignee")
TICKET_MEMO_RELATED = ("station", "assignee", "provider", "fault_category", "created_by")
# The columns a line of the desk queue shows (tickets.queue_views.queue_rows); a page of rows reads
# these instead of every column of six tables.
DESK_QUEUE_FIELDS = (
    "reference",
    "status",
    "kind",
    "priority",
    "next_due",
    "appointment_start",
    "appointment_end",
    "escalated_at",
    "created_at",
    "customer__name",
    "customer__phone",
    "unit__serial",
    "unit__model__code",
    "station",
    "assignee",
)


def visible_tickets(user: AbstractBaseUser) -> QuerySet[Ticket]:
    """Agents, managers and admins see every ticket; a technician only their own jobs; others none."""
    if sees_all_tickets(user):
        return Ticket.objects.all()
    if Role.TECHNICIAN in roles_of(user):
        return Ticket.objects.filter(assignee=user)
    return Ticket.objects.none()


def reference_in(text: str) -> str | None:
    """The ticket reference ``text`` is, in its stored form (``as-2026-42`` is ``AS-2026-000042``),
    or None when it is no reference."""
    text = text.strip()
    if not REFERENCE_RE.match(text):
        return None
    year, number = text.upper().split("-")[1:]
    return f"AS-{year}-{int(number):06d}"


def search_tickets(qs: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    """Find tickets by reference, caller's phone, unit serial or customer name."""
    text = text.strip()
    if not text:
        return qs
    reference = reference_in(text)
    if reference is not None:
        return qs.filter(reference=reference)
    phone = try_normalize_phone(text)
    if phone is not None:
        return qs.filter(customer__in=Customer.objects.filter(phone=phone).values("pk"))
    # The ids are fetched first: an OR of two subqueries makes PostgreSQL scan every ticket,
    # while short id lists use the unit and customer indexes. Past the limits, search is too
    # vague to be useful anyway.
    units = list(ProductUnit.objects.filter(serial__iexact=text).values_list("pk", flat=True)[:SEARCH_UNIT_LIMIT])
    customers = list(Customer.objects.filter(name__icontains=text).values_list("pk", flat=True)[:SEARCH_CUSTOMER_LIMIT])
    return qs.filter(Q(unit__in=units) | Q(customer__in=customers))


def queue_rows(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return qs.select_related(*QUEUE_RELATED)


def with_memo_relations(tickets: list[Ticket]) -> list[Ticket]:
    """A page of tickets read with :func:`queue_rows`, their stations and technicians set from
    the process's memo (aftersales/table_memo.py)."""
    tickets = list(tickets)
    table_memo.attach(tickets, *QUEUE_MEMO_RELATED)
    return tickets


def desk_queue_rows(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The desk queue's rows: the joins of :func:`queue_rows`, only the columns the page shows."""
    return queue_rows(qs).only(*DESK_QUEUE_FIELDS)


def ticket_for(user: AbstractBaseUser, reference: str) -> Ticket:
    """One ticket the user may see, with everything the ticket page shows at hand.

    The customer and the unit are joined in; the station, provider, fault category and staff
    come from the process's memo of those small tables (aftersales/table_memo.py): joining nine
    tables made PostgreSQL spend longer planning the query than running it. The tickets it may
    duplicate, was merged into or, for a complaint, is about are shown by reference only
    (``duplicate_of_reference``, ``merged_into_reference``, ``complaint_about_reference``),
    read in one more query only when it names any.
    """
    try:
        ticket = visible_tickets(user).select_related("customer", "unit__model__category").get(reference=reference)
    except Ticket.DoesNotExist as exc:
        raise Http404(reference) from exc
    table_memo.attach([ticket], *TICKET_MEMO_RELATED)
    linked = {
        "duplicate_of_reference": ticket.suspected_duplicate_of_id,
        "merged_into_reference": ticket.merged_into_id,
        "complaint_about_reference": ticket.complaint_about_id,
    }
    ids = {pk for pk in linked.values() if pk is not None}
    # Through the scoped manager, as the page's other links: a provider's staff see the
    # reference of a ticket of their own provider only.
    references = dict(Ticket.objects.filter(pk__in=ids).values_list("pk", "reference")) if ids else {}
    for name, pk in linked.items():
        setattr(ticket, name, references.get(pk))
    return ticket


def timeline(ticket: Ticket, *, public_only: bool = False) -> QuerySet[TicketEvent]:
    events = TicketEvent.objects.filter(ticket=ticket).select_related("actor").order_by("created_at", "id")
    return events.filter(is_public=True) if public_only else events


def timeline_rows(ticket: Ticket) -> list[TicketEvent]:
    """The ticket's events, their actors from the memo of staff (aftersales/table_memo.py)."""
    return table_memo.attached(timeline(ticket), "actor")


def customer_history(customer: Customer, *, limit: int = 20) -> dict[str, list[Ticket]]:
    """A caller's open tickets and latest past tickets, newest first."""
    rows = list(
        Ticket.objects.filter(customer=customer)
        .select_related("unit__model", "fault_category")
        .order_by("-created_at", "-id")[: limit * 2]
    )
    open_rows = [t for t in rows if t.status in OPEN_STATUSES]
    past_rows = [t for t in rows if t.status not in OPEN_STATUSES][:limit]
    return {"open": open_rows, "past": past_rows}


# How many of a caller's tickets the desk offers as what a new complaint is about.
COMPLAINT_SUBJECTS_SHOWN = 20


def complaint_subjects(customer: Customer, *, limit: int = COMPLAINT_SUBJECTS_SHOWN) -> list[Ticket]:
    """The caller's latest tickets a new complaint can be about, newest first: every kind but
    complaints (a complaint counts against the work it is about, not against another complaint)."""
    return list(
        Ticket.objects.filter(customer=customer)
        .exclude(kind=Kind.COMPLAINT)
        .select_related("unit__model")
        .order_by("-created_at", "-id")[:limit]
    )


def complaint_classes() -> QuerySet[FaultCategory]:
    """What a complaint can be about: the active service classes (attitude, delay, no-show,
    overcharging, workmanship), which the complaint rate counts, then the product faults, which
    are counted as product-quality complaints."""
    return FaultCategory.objects.filter(is_active=True, group__in=COMPLAINT_CLASS_GROUPS).order_by("-group", "code")


def technicians() -> QuerySet:
    """The active technicians the caller may pick: a provider's own, or everyone's for headquarters."""
    return staff_in_scope(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.TECHNICIAN)
        .order_by("first_name", "last_name", "username")
        .distinct()
    )


def technicians_for(station: ServiceStation | None) -> QuerySet:
    """The active technicians, those of ``station`` first (their technician profile lists it),
    each with ``at_station``; in one query.

    The profiles belong to field service, an app above tickets: they are read through their
    reverse relation's name, ``technician_profile``, never imported."""
    if station is None:
        return technicians().annotate(at_station=Value(False, output_field=BooleanField()))
    of_station = get_user_model().objects.filter(
        pk=OuterRef("pk"), technician_profile__stations=station, technician_profile__is_active=True
    )
    return (
        technicians()
        .annotate(at_station=Exists(of_station))
        .order_by("-at_station", "first_name", "last_name", "username")
    )


def active_stations() -> QuerySet[ServiceStation]:
    return ServiceStation.objects.filter(is_active=True).order_by("region", "name")


def active_fault_categories() -> QuerySet[FaultCategory]:
    return FaultCategory.objects.filter(is_active=True).order_by("group", "code")


def fault_code_catalogue() -> list[FaultCode]:
    """The active fault codes, kept in the process until the catalogue changes
    (aftersales/table_memo.py): every open ticket's page offers them. Read only, never changed."""
    return table_memo.derived(("tickets.faultcode",), ("active-fault-codes",), lambda: list(active_fault_codes()))


def active_fault_codes() -> QuerySet[FaultCode]:
    """The catalogue the technician picks a resolution's fault code from."""
    return FaultCode.objects.filter(is_active=True).order_by("code")


def overdue_q(now=None) -> Q:
    return Q(next_due__lt=now or timezone.now())
