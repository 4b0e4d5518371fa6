"""Escalating a missed SLA stage (docs/lifecycle.md#sla-clocks-in-business-time).

When a stage's deadline passes without the step, the people who can still act are told once:
the technician assigned, and the station's lead, or every manager when the ticket has no
station or its station has no lead. They see it in the desk (the ticket is marked escalated on
the queue and its page), by email through the notification service, and the ticket's timeline
says who was told. Test tickets are left out, as everywhere else.

Once per missed stage: the stage and its deadline identify the miss (a stage missed again after
a reopen has a new deadline, so it is a new miss). A unique constraint on them makes a second
sweep, or a second worker running at the same time, find the escalation already there and do
nothing.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation

from aftersales.roles import managers
from notifications.services import notify_staff
from tickets.choices import EventKind
from tickets.messages import absolute
from tickets.models import Ticket
from tickets.services.timeline import append_event
from tickets.sla.models import SlaEscalation, SlaStage

EMAIL_TEMPLATE = "sla_escalated"


def escalation_recipients(ticket: Ticket) -> list[AbstractBaseUser]:
    """Who is told of a missed stage: the assignee, and the station's lead or, when there is
    none, every active manager. Each person once, inactive accounts never."""
    people: list[AbstractBaseUser] = []
    if ticket.assignee is not None:
        people.append(ticket.assignee)
    lead = ticket.station.lead if ticket.station is not None else None
    if lead is not None:
        people.append(lead)
    else:
        people.extend(managers().order_by("pk"))
    unique: dict[int, AbstractBaseUser] = {}
    for person in people:
        if person.is_active:
            unique.setdefault(person.pk, person)
    return list(unique.values())


def _name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()


def escalate_missed_stage(*, ticket_id: int, stage: str, due: dt.datetime, now: dt.datetime) -> SlaEscalation | None:
    """Escalate the miss of ``stage`` (deadline ``due``) on a ticket, in the caller's
    transaction. None when it was escalated already (by an earlier sweep or another worker) or
    the ticket is a test ticket."""
    ticket = Ticket.objects.select_related("assignee", "station__lead", "customer").get(pk=ticket_id)
    if ticket.is_test:
        return None
    try:
        with transaction.atomic():
            escalation, created = SlaEscalation.objects.get_or_create(
                ticket=ticket, stage=stage, due=due, defaults={"created_at": now}
            )
    except IntegrityError:
        # Another worker inserted it between our look and our insert: it is theirs to tell.
        return None
    if not created:
        return None
    recipients = escalation_recipients(ticket)
    escalation.recipients.set(recipients)
    Ticket.objects.filter(pk=ticket.pk).update(escalated_at=now)
    names = ", ".join(_name(person) for person in recipients)
    append_event(
        ticket,
        EventKind.ESCALATED,
        None,
        message=("ticket.escalated", {"stage": stage, "due": due.isoformat(), "to": names}),
        data={"stage": stage, "due": due.isoformat(), "escalation": escalation.pk, "told": [p.pk for p in recipients]},
    )
    context = _email_context(ticket, stage, due)
    for person in recipients:
        notify_staff(
            user=person, template=EMAIL_TEMPLATE, context=context, dedupe_key=f"escalation:{escalation.pk}:{person.pk}"
        )
    return escalation


def _email_context(ticket: Ticket, stage: str, due: dt.datetime) -> dict[str, str]:
    """The email's values, worded in the language staff emails are sent in (``notify_staff``)
    and with the deadline in business time."""
    with translation.override(settings.LANGUAGE_CODE):
        local = timezone.localtime(due, timezone.get_default_timezone())
        return {
            "reference": ticket.reference,
            "stage": str(SlaStage(stage).label),
            "due": formats.date_format(local, "SHORT_DATETIME_FORMAT"),
            "kind": str(ticket.get_kind_display()),
            "customer_name": ticket.customer.name,
            "station": ticket.station.display_name if ticket.station is not None else "",
            "assignee": _name(ticket.assignee) if ticket.assignee is not None else "",
            "ticket_url": absolute(reverse("desk:ticket", args=[ticket.reference])),
        }
