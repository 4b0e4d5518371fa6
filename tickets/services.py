"""Writes for tickets: create, move through the lifecycle, assign, note, resolve.

Every write runs in one transaction, locks the ticket row, checks the version the user
saw, and appends exactly one timeline event per change (STYLE.md rule 2; DESIGN.md section 4).
``ticket_transition`` is the only code that writes ``Ticket.status``.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, router, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.roles import Role, roles_of, sees_all_tickets
from customers.models import Customer, ProductUnit
from followups.choices import CallbackKind, CallbackStatus
from followups.models import CallbackVisit
from notifications import webhooks
from notifications.models import WebhookEvent
from tickets import timeline_texts
from tickets.choices import (
    COMPLAINT_CLASS_GROUPS,
    OPEN_STATUSES,
    SLOT_HOURS,
    Channel,
    EventKind,
    Kind,
    Priority,
    Status,
)
from tickets.fault_codes import normalise_fault_code
from tickets.models import FaultCategory, ServiceStation, Ticket, TicketEvent, TicketSequence
from tickets.sla import clocks as sla
from tickets.sla import targets as sla_targets
from tickets.transitions import CUSTOMER, TicketState, UnknownMove, blockers, get_move, target_of

User = get_user_model()

# The lifecycle timestamp each status stamps when a ticket enters it.
STATUS_STAMPS: dict[str, str] = {
    Status.ACKNOWLEDGED: "acknowledged_at",
    Status.DISPATCHED: "dispatched_at",
    Status.IN_PROGRESS: "started_at",
    Status.RESOLVED: "resolved_at",
    Status.VERIFIED: "verified_at",
    Status.CLOSED: "closed_at",
    Status.CANCELLED: "cancelled_at",
}


class TicketConflict(ValidationError):
    """Someone else changed the ticket since the user loaded it."""

    def __init__(self) -> None:
        super().__init__(
            _("Someone else changed this ticket while you were working on it. Reload it and try again."),
            code="conflict",
        )


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


def append_event(
    ticket: Ticket,
    kind: str,
    by: AbstractBaseUser | None,
    *,
    note: str = "",
    message: timeline_texts.Message | None = None,
    from_status: str = "",
    to_status: str = "",
    is_public: bool = False,
    data: dict | None = None,
) -> TicketEvent:
    """Add one line to the ticket's timeline.

    ``note`` is text a person typed, kept as typed. Text the system writes is a ``message``: a
    code of tickets/timeline_texts.py and its parameters, stored as such so that every reader
    sees it in their own language. Its ``note`` is then the text in the site's default language,
    for search and for readers that do not know the codes.
    """
    code, params = ("", {}) if message is None else (message[0], dict(message[1]))
    if message is not None and not note:
        note = _default_language_text(message)
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=by if by is not None and by.is_authenticated else None,
        note=note,
        message_code=code,
        message_params=params,
        from_status=from_status,
        to_status=to_status,
        is_public=is_public,
        data=data or {},
    )


def _default_language_text(message: timeline_texts.Message) -> str:
    code, params = message
    if code not in timeline_texts.TEXTS:
        raise ValueError(f"No timeline text has the code {code!r}.")
    with translation.override(settings.LANGUAGE_CODE):
        return timeline_texts.render(code, params)


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
            description=description.strip(),
            priority=priority,
            status=Status.NEW,
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
        webhooks.emit(WebhookEvent.TICKET_CREATED, webhooks.ticket_data(ticket), now=now)
    return ticket


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


def state_of(ticket: Ticket, *, merge_target: Ticket | None = None) -> TicketState:
    return TicketState(
        status=ticket.status,
        kind=ticket.kind,
        has_station=ticket.station_id is not None,
        has_assignee=ticket.assignee_id is not None,
        has_work_done=bool(ticket.work_done.strip()),
        has_fault_analysis=bool(
            ticket.fault_code.strip() and ticket.fault_component.strip() and ticket.root_cause.strip()
        ),
        held_from=ticket.held_from,
        has_merge_target=merge_target is not None,
        callback_settled=not CallbackVisit.objects.filter(
            ticket=ticket, kind=CallbackKind.AFTER_SERVICE, status=CallbackStatus.DUE
        ).exists()
        if ticket.status == Status.RESOLVED
        else True,
    )


def save_ticket(ticket: Ticket, fields: list[str]) -> None:
    ticket.version += 1
    ticket.save(update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def ticket_transition(
    *,
    ticket: Ticket,
    move: str,
    by: AbstractBaseUser | None,
    customer: Customer | None = None,
    note: str = "",
    message: timeline_texts.Message | None = None,
    merge_into: Ticket | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Move a ticket along its lifecycle (tickets/transitions.py decides what is allowed).

    Stamps the step's timestamp, restarts the stage's SLA clock, stops it while the customer
    holds things up, and appends one timeline event. A blocked move raises ValidationError
    with every reason; nothing is written. The reason is ``note`` when a person typed it, or a
    system text (``message``, see ``append_event``) when the system moves the ticket.
    """
    now = now or timezone.now()
    if message is not None:
        note = _default_language_text(message)
    ticket = lock_ticket(ticket, expected_version)
    roles = ensure_may_act(ticket, by, customer)
    try:
        step = get_move(move)
    except UnknownMove as exc:
        raise ValidationError({"move": _("This move does not exist.")}) from exc
    if merge_into is not None and step.name != "merge":
        # Otherwise the other ticket's timeline would say a merge happened.
        raise ValidationError({"merge_into": _("Only a merge takes a ticket to merge into.")})
    if merge_into is not None and (
        merge_into.pk == ticket.pk or merge_into.status in (Status.MERGED, Status.CANCELLED)
    ):
        raise ValidationError({"merge_into": _("Choose another ticket that is not merged or cancelled.")})
    state = state_of(ticket, merge_target=merge_into)
    reasons = blockers(step, state, roles, note)
    if reasons:
        raise ValidationError({"move": reasons})

    source = ticket.status
    target = target_of(step, state)
    changed = ["status", "next_due"]
    if target == Status.ON_HOLD:
        ticket.held_from = source
        ticket.on_hold_since = now
        changed += ["held_from", "on_hold_since"]
    elif source == Status.ON_HOLD and ticket.on_hold_since is not None:
        shifted = sla.shift_for_pause(
            ticket.deadlines, ticket.on_hold_since, now, sla_targets.calendar_for(ticket.station)
        )
        ticket.response_due, ticket.dispatch_due = shifted.response, shifted.dispatch
        ticket.arrival_due, ticket.completion_due = shifted.arrival, shifted.completion
        ticket.held_from, ticket.on_hold_since = "", None
        changed += ["held_from", "on_hold_since", "response_due", "dispatch_due", "arrival_due", "completion_due"]
    # A resume returns to a step taken before the pause: that step's timestamp stays.
    stamp = STATUS_STAMPS.get(target) if step.target is not None else None
    if stamp and not (target == Status.ACKNOWLEDGED and ticket.acknowledged_at):
        setattr(ticket, stamp, now)
        changed.append(stamp)
    if target == Status.IN_PROGRESS and step.target is not None:
        # A technician's visit; resuming after a customer-caused pause is the same visit.
        ticket.visits += 1
        changed.append("visits")
    if target == Status.REOPENED:
        # The re-check of the resolution now reopened is moot: the next resolution schedules its own.
        from followups.callbacks.services import cancel_after_service_callbacks

        cancel_after_service_callbacks(ticket)
        ticket.reopened_count += 1
        # A new round: its dispatch, arrival and completion are measured from here (the KPIs read
        # ``reopened_at``; the steps of the earlier round no longer meet the restarted deadlines).
        ticket.reopened_at = now
        restarted = sla.restart_after_reopen(
            ticket.deadlines,
            sla_targets.target_of(ticket.sla_target, ticket.kind, ticket.priority),
            now,
            sla_targets.calendar_for(ticket.station),
        )
        ticket.dispatch_due, ticket.arrival_due = restarted.dispatch, restarted.arrival
        ticket.completion_due = restarted.completion
        changed += ["reopened_count", "reopened_at", "dispatch_due", "arrival_due", "completion_due"]
    if target == Status.RESOLVED:
        # No-leak 3: the re-check is scheduled in the same transaction as the resolution.
        from followups.callbacks.services import schedule_after_resolution

        schedule_after_resolution(ticket, now=now)
    if target == Status.MERGED:
        ticket.merged_into = merge_into
        changed.append("merged_into")
    ticket.status = target
    ticket.next_due = sla.stage_deadline(target, ticket.deadlines)
    save_ticket(ticket, changed)
    data = {"move": step.name}
    if customer is not None:
        data["by"] = "customer"
    if merge_into is not None:
        data["merged_into"] = merge_into.reference
    event = append_event(
        ticket,
        EventKind.STATUS,
        by,
        note=note.strip(),
        message=message,
        from_status=source,
        to_status=target,
        is_public=True,
        data=data,
    )
    webhooks.emit(
        WebhookEvent.TICKET_STATUS_CHANGED,
        {**webhooks.ticket_data(ticket), "from_status": source, "to_status": target, "move": step.name},
        now=now,
    )
    # The customer hears of the milestones by email, queued in the outbox in this transaction.
    from tickets.messages import notify_status_changed

    notify_status_changed(ticket, event)
    if target == Status.RESOLVED and ticket.kind == Kind.REPAIR:
        # No-leak 4: a quality fault is fed back in the resolving transaction (after the status
        # event, so the timeline reads in order).
        from followups.feedback.services import open_feedback_for_resolution

        open_feedback_for_resolution(ticket, now=now)
    if merge_into is not None:
        append_event(
            merge_into,
            EventKind.NOTE,
            by,
            message=("ticket.merged_in", {"reference": ticket.reference}),
            data={"merged": ticket.reference},
        )
    return ticket


@transaction.atomic
def ticket_assign(
    *,
    ticket: Ticket,
    station: ServiceStation | None,
    assignee: AbstractBaseUser | None,
    by: AbstractBaseUser,
    expected_version: int | None = None,
    appointment: tuple[dt.date, str] | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Give the ticket to a service station and/or a technician, and optionally agree the
    visit: a day and a time slot (the customer sees it on the portal). Only desk roles assign.

    A ticket moved to another station counts its deadlines still ahead in that station's
    calendar, under the station's own target when it has one (``_deadlines_at_station``)."""
    now = now or timezone.now()
    ticket = lock_ticket(ticket, expected_version)
    if not sees_all_tickets(by):
        raise PermissionDenied(_("You cannot assign tickets."))
    if ticket.status in (Status.CLOSED, Status.CANCELLED, Status.MERGED):
        raise ValidationError({"assignee": _("A closed, cancelled or merged ticket cannot be assigned.")})
    if assignee is not None and Role.TECHNICIAN not in roles_of(assignee):
        raise ValidationError({"assignee": _("Only a technician can be assigned a job.")})
    if station is not None and not station.is_active:
        raise ValidationError({"station": _("This service station is not active.")})
    start = end = None
    if appointment is not None:
        day, slot = appointment
        if day < timezone.localdate():
            raise ValidationError({"appointment_date": _("The appointment cannot be in the past.")})
        first, last = SLOT_HOURS[slot]
        tz = _business_tz()
        start = dt.datetime.combine(day, dt.time(first), tz)
        end = dt.datetime.combine(day, dt.time(last), tz)
    unchanged = station == ticket.station and assignee == ticket.assignee
    if unchanged and (appointment is None or (start, end) == (ticket.appointment_start, ticket.appointment_end)):
        return ticket
    fields = ["station", "assignee"]
    if station != ticket.station and station is not None and ticket.status in OPEN_STATUSES:
        fields += _deadlines_at_station(ticket, station, now)
    ticket.station, ticket.assignee = station, assignee
    if appointment is not None:
        ticket.appointment_start, ticket.appointment_end = start, end
        fields += ["appointment_start", "appointment_end"]
    save_ticket(ticket, fields)
    append_event(
        ticket,
        EventKind.ASSIGNED,
        by,
        is_public=False,
        data={
            "station": station.name if station else "",
            "assignee": assignee.get_full_name() or assignee.get_username() if assignee else "",
            **({"appointment": start.isoformat()} if start else {}),
        },
    )
    webhooks.emit(
        WebhookEvent.TICKET_ASSIGNED,
        {
            **webhooks.ticket_data(ticket),
            "appointment_start": ticket.appointment_start,
            "appointment_end": ticket.appointment_end,
        },
    )
    if start is not None:
        agreed = append_event(
            ticket,
            EventKind.NOTE,
            by,
            message=("visit.agreed", {"start": start.isoformat(), "end": end.isoformat()}),
            is_public=True,
            data={"appointment": start.isoformat()},
        )
        from tickets.messages import notify_appointment

        notify_appointment(ticket, agreed)
    return ticket


def _deadlines_at_station(ticket: Ticket, station: ServiceStation, now: dt.datetime) -> list[str]:
    """Recount the deadlines of ``ticket``, about to move to ``station`` at ``now``; returns
    the fields changed.

    The rule (tickets/sla/clocks.py ``move_to_station``): a deadline already passed stays; one still
    ahead keeps the business time it had left, counted from now in the station's calendar, and
    changed by the difference in hours when the station has its own target. The target is the
    station's version in force when the ticket was created, so targets edited since do not
    apply; without a station target the ticket keeps the one it was created under. Moving back
    to no station changes nothing.
    """
    old_target = sla_targets.target_of(ticket.sla_target, ticket.kind, ticket.priority)
    station_target = sla_targets.target_in_force(
        kind=ticket.kind, priority=ticket.priority, station=station, region=ticket.customer.region, at=ticket.created_at
    )
    new_row = station_target if station_target is not None and station_target.station_id else ticket.sla_target
    moved = sla.move_to_station(
        ticket.deadlines,
        now,
        old_target=old_target,
        new_target=sla_targets.target_of(new_row, ticket.kind, ticket.priority),
        old_spec=sla_targets.calendar_for(ticket.station),
        new_spec=sla_targets.calendar_for(station),
    )
    ticket.sla_target = new_row
    ticket.response_due, ticket.dispatch_due = moved.response, moved.dispatch
    ticket.arrival_due, ticket.completion_due = moved.arrival, moved.completion
    ticket.next_due = sla.stage_deadline(ticket.status, moved)
    return ["sla_target", "response_due", "dispatch_due", "arrival_due", "completion_due", "next_due"]


@transaction.atomic
def ticket_add_note(*, ticket: Ticket, note: str, is_public: bool, by: AbstractBaseUser) -> TicketEvent:
    """An internal note, or one the customer sees on the tracking page."""
    ensure_may_act(ticket, by)
    if not (note or "").strip():
        raise ValidationError({"note": _("Write the note first.")})
    return append_event(ticket, EventKind.NOTE, by, note=note.strip(), is_public=is_public)


# Money columns hold 10 digits, 2 of them decimals.
AMOUNT_LIMIT = Decimal("100000000")


def parse_amount(raw: object, *, field: str) -> Decimal:
    """A non-negative amount of money that fits the money columns, or a field error."""
    try:
        value = Decimal(str(raw if raw not in (None, "") else "0"))
    except InvalidOperation as exc:
        raise ValidationError({field: _("Enter an amount such as 120.00.")}) from exc
    if not value.is_finite():  # "NaN" and "Infinity" parse, but are no amount
        raise ValidationError({field: _("Enter an amount such as 120.00.")})
    if value < 0:
        raise ValidationError({field: _("The amount cannot be negative.")})
    # Compared before rounding too: quantize() itself fails on amounts of 27 digits and more.
    if value >= AMOUNT_LIMIT or value.quantize(Decimal("0.01")) >= AMOUNT_LIMIT:
        raise ValidationError({field: _("The amount is too large.")})
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def ticket_record_resolution(
    *,
    ticket: Ticket,
    by: AbstractBaseUser,
    work_done: str,
    fault_code: str = "",
    fault_component: str = "",
    root_cause: str = "",
    parts_used: str = "",
    charge: object = "0",
    expected_version: int | None = None,
) -> Ticket:
    """Record what was found and done. Repairs need the fault analysis (no-leak 4).

    The fault code is stored in its one spelling (:func:`normalise_fault_code`: upper case, no
    spaces), the spelling the fault-code catalogue and the feedback items use."""
    ticket = lock_ticket(ticket, expected_version)
    ensure_may_act(ticket, by)
    if ticket.status in (Status.CLOSED, Status.CANCELLED, Status.MERGED):
        raise ValidationError({"work_done": _("The resolution of a closed ticket cannot change.")})
    errors: dict[str, str] = {}
    if not (work_done or "").strip():
        errors["work_done"] = _("Describe the work done.")
    if ticket.kind == Kind.REPAIR:
        for field, value, message in (
            ("fault_code", fault_code, _("A repair needs a fault code.")),
            ("fault_component", fault_component, _("Name the faulty component.")),
            ("root_cause", root_cause, _("Give the root cause.")),
        ):
            if not (value or "").strip():
                errors[field] = message
    fault_code = normalise_fault_code(fault_code)
    for field, value in (("fault_code", fault_code), ("fault_component", fault_component)):
        limit = Ticket._meta.get_field(field).max_length
        if len((value or "").strip()) > limit:
            errors[field] = _("At most %(limit)d characters.") % {"limit": limit}
    try:
        amount = parse_amount(charge, field="charge")
    except ValidationError as exc:
        errors.update({key: value[0] for key, value in exc.message_dict.items()})
        amount = Decimal("0")
    if errors:
        raise ValidationError(errors)
    ticket.work_done = work_done.strip()
    ticket.fault_code = fault_code
    ticket.fault_component = (fault_component or "").strip()
    ticket.root_cause = (root_cause or "").strip()
    ticket.parts_used = (parts_used or "").strip()
    ticket.charge = amount
    save_ticket(ticket, ["work_done", "fault_code", "fault_component", "root_cause", "parts_used", "charge"])
    append_event(
        ticket,
        EventKind.RESOLUTION,
        by,
        data={
            "fault_code": ticket.fault_code,
            "component": ticket.fault_component,
            "charge": str(ticket.charge),
        },
    )
    return ticket


def sla_sweep(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Flag tickets whose current deadline has passed, once per status (no-leak 2), and
    escalate the missed stage once (tickets/sla/escalation.py).

    Idempotent: the conditional update lets exactly one sweeper flag a ticket for a stage,
    so two workers running at once append one event, not two; the escalation is once per
    stage and deadline, whatever status the ticket was in when it was seen.
    """
    from tickets.sla.escalation import escalate_missed_stage

    now = now or timezone.now()
    flagged = 0
    candidates = (
        Ticket.objects.filter(next_due__lt=now)
        .exclude(breached_stage=F("status"))
        .values_list("pk", "status", "next_due", "response_due", "dispatch_due", "arrival_due", "completion_due")[
            :limit
        ]
    )
    for pk, status, due, *deadlines in candidates:
        with transaction.atomic():
            won = (
                Ticket.objects.filter(pk=pk, status=status).exclude(breached_stage=status).update(breached_stage=status)
            )
            if won:
                ticket = Ticket(pk=pk)
                append_event(
                    ticket,
                    EventKind.SLA_BREACHED,
                    None,
                    message=("ticket.deadline_passed", {}),
                    data={"status": status, "due": due.isoformat()},
                )
                stage = sla.stage_of(status, sla.Deadlines(*deadlines))
                if stage is not None:
                    escalate_missed_stage(ticket_id=pk, stage=stage, due=due, now=now)
                flagged += 1
    return flagged
