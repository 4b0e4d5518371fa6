"""Logging a contact as a ticket: its reference, its SLA deadlines, a likely duplicate, its
first timeline event (no-leak 1)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.roles import provider_of
from customers.models import Customer, ProductUnit
from notifications import webhooks
from notifications.models import WebhookEvent
from tickets.choices import COMPLAINT_CLASS_GROUPS, OPEN_STATUSES, Channel, EventKind, Kind, Priority, Status
from tickets.models import FaultCategory, ServiceStation, Ticket, TicketSequence
from tickets.services.timeline import append_event
from tickets.sla import clocks as sla
from tickets.sla import targets as sla_targets
from tickets.webhook_payloads import ticket_data


def _business_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _returns_from_insert(connection) -> bool:
    return connection.features.can_return_columns_from_insert


def next_reference(now: dt.datetime) -> str:
    """The next human-readable reference of the business year, e.g. ``AS-2026-000123``.

    One statement: the year's counter is created at 1 or advanced by one, and its new value
    read back. The row stays locked until the caller's transaction ends, so concurrent
    requests take consecutive numbers, never the same one, and a rolled-back request gives
    its number back (no gaps).
    """
    year = now.astimezone(_business_tz()).year
    connection = connections[router.db_for_write(TicketSequence)]
    if not _returns_from_insert(connection):
        # Databases without INSERT … RETURNING (SQLite before 3.35): the same, in three statements.
        TicketSequence.objects.get_or_create(year=year)
        TicketSequence.objects.filter(year=year).update(last_value=F("last_value") + 1)
        return f"AS-{year}-{TicketSequence.objects.get(year=year).last_value:06d}"
    quote = connection.ops.quote_name
    table, year_column, value_column = (
        quote(TicketSequence._meta.db_table),
        quote(TicketSequence._meta.get_field("year").column),
        quote(TicketSequence._meta.get_field("last_value").column),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({year_column}, {value_column}) VALUES (%s, 1) "
            f"ON CONFLICT ({year_column}) DO UPDATE SET {value_column} = {table}.{value_column} + 1 "
            f"RETURNING {value_column}",
            [year],
        )
        (value,) = cursor.fetchone()
    return f"AS-{year}-{value:06d}"


def provider_intake(by: AbstractBaseUser | None) -> tuple[int | None, ServiceStation | None]:
    """Where a ticket logged by ``by`` belongs (docs/network.md#service-providers): a provider's
    staff log their own provider's work, at the first of its active stations they work at (their
    technician profile lists it) or else at the first of its active stations; headquarters, the
    portal and the API's customers log work for headquarters to dispatch (None, None)."""
    provider = provider_of(by)
    if provider is None:
        return None, None
    stations = ServiceStation._base_manager.filter(provider=provider, is_active=True).order_by("region", "name", "pk")
    station = stations.filter(technicians__user=by).first() or stations.first()
    return provider, station


def open_duplicates(
    *, customer: Customer, unit: ProductUnit | None, fault_category: FaultCategory | None, exclude_id: int | None = None
):
    """Open tickets of the same customer, unit and fault category: likely the same problem (no-leak 1)."""
    if unit is None or fault_category is None:
        return Ticket.objects.none()
    qs = Ticket.objects.filter(
        customer=customer, unit=unit, fault_category=fault_category, status__in=OPEN_STATUSES
    ).order_by("created_at")
    return qs.exclude(pk=exclude_id) if exclude_id else qs


def ticket_create(
    *,
    customer: Customer,
    kind: str,
    channel: str,
    description: str,
    unit: ProductUnit | None = None,
    fault_category: FaultCategory | None = None,
    priority: str = Priority.NORMAL,
    is_test: bool = False,
    by: AbstractBaseUser | None,
    now: dt.datetime | None = None,
    contacted_at: dt.datetime | None = None,
    complaint_about: Ticket | None = None,
    preferred_visit_date: dt.date | None = None,
    preferred_visit_slot: str = "",
    submitted_contact: dict[str, str] | None = None,
) -> Ticket:
    """Log a contact as a ticket (no-leak 1), with its SLA deadlines set from the kind and priority.

    ``contacted_at`` is when the customer got in touch, if that was before the ticket is
    logged (a letter, a voicemail); more than 2 hours before is an omission. A complaint names
    the ticket it is about in ``complaint_about``. A ticket for the same customer, unit and fault category while another is open is flagged
    as a likely duplicate, and a timeline event says so; it is still created. The customer may
    say when they would like the visit (``preferred_visit_date`` and ``preferred_visit_slot``).
    A request from a public form keeps the contact details typed on it (``submitted_contact``).
    A complaint about a test ticket is a test ticket too, whatever ``is_test`` says: test data
    stays out of every KPI, and so does everything opened from it.

    Everything is checked before anything is written; the writes run in one transaction (the
    caller's, when there is one).
    """
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = _("Choose the kind of request.")
    if channel not in Channel.values:
        errors["channel"] = _("Choose how the request came in.")
    if priority not in Priority.values:
        errors["priority"] = _("Choose a priority.")
    if not (description or "").strip():
        errors["description"] = _("Describe the problem or request.")
    if unit is not None and unit.owner_id != customer.pk:
        errors["unit"] = _("This product is registered to another customer.")
    if contacted_at is not None and contacted_at > now:
        errors["contacted_at"] = _("The first contact cannot be in the future.")
    if kind == Kind.COMPLAINT and fault_category is not None and fault_category.group not in COMPLAINT_CLASS_GROUPS:
        errors["fault_category"] = _("Choose a service complaint class or a product fault.")
    if complaint_about is not None:
        if kind != Kind.COMPLAINT:
            errors["complaint_about"] = _("Only a complaint is about another ticket.")
        elif complaint_about.customer_id != customer.pk:
            errors["complaint_about"] = _("A complaint can only be about one of this customer's tickets.")
    if errors:
        raise ValidationError(errors)

    # The deadlines count business time of the organisation's default calendar (no station yet),
    # under the target in force now for the customer's region; the ticket keeps that version.
    target = sla_targets.target_in_force(kind=kind, priority=priority, station=None, region=customer.region, at=now)
    deadlines = sla.deadlines_for(sla_targets.target_of(target, kind, priority), now, sla_targets.calendar_for(None))
    # Without a unit and a fault category there is nothing to compare (open_duplicates is empty).
    duplicate = (
        open_duplicates(customer=customer, unit=unit, fault_category=fault_category).first()
        if unit is not None and fault_category is not None
        else None
    )
    provider, station = provider_intake(by)
    # No savepoint of its own: nothing below is expected to fail, and if a write does, the
    # caller's whole transaction is rolled back with it.
    with transaction.atomic(savepoint=False):
        ticket = Ticket(
            reference=next_reference(now),
            kind=kind,
            channel=channel,
            customer=customer,
            unit=unit,
            fault_category=fault_category,
            # A provider's own intake is its work from the start: offered and accepted at once.
            provider_id=provider,
            station=station,
            provider_offered_at=now if provider is not None else None,
            provider_accepted_at=now if provider is not None else None,
            description=description.strip(),
            priority=priority,
            # The status is the field's default, new: only the lifecycle moves it (lifecycle.py).
            created_by=by if by is not None and by.is_authenticated else None,
            suspected_duplicate_of=duplicate,
            is_test=is_test or (complaint_about is not None and complaint_about.is_test),
            contacted_at=contacted_at,
            complaint_about=complaint_about,
            preferred_visit_date=preferred_visit_date,
            preferred_visit_slot=preferred_visit_slot or "",
            submitted_contact=submitted_contact or {},
            sla_target=target,
            response_due=deadlines.response,
            dispatch_due=deadlines.dispatch,
            arrival_due=deadlines.arrival,
            completion_due=deadlines.completion,
            next_due=sla.stage_deadline(Status.NEW, deadlines),
            # The SLA was computed from ``now``: the ticket is created at ``now``, not at the
            # wall-clock time of the INSERT that ``auto_now_add`` would stamp; it was last
            # written now, by the clock, as ``auto_now`` would stamp.
            created_at=now,
            updated_at=timezone.now(),
        )
        # Saved exactly as given (``raw``: no auto_now stamps), so both timestamps are in the
        # one INSERT rather than corrected by a second UPDATE.
        ticket.save_base(raw=True, force_insert=True)
        append_event(ticket, EventKind.CREATED, by, to_status=Status.NEW, is_public=True, data={"channel": channel})
        if duplicate is not None:
            append_event(
                ticket,
                EventKind.DUPLICATE,
                by,
                message=("ticket.duplicate", {"reference": duplicate.reference}),
                data={"ticket": duplicate.pk, "reference": duplicate.reference},
            )
        webhooks.emit(WebhookEvent.TICKET_CREATED, ticket_data(ticket), now=now)
    return ticket
