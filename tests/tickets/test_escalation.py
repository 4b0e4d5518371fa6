"""A missed stage escalates once (tickets/sla/escalation.py), from the SLA sweep, with the clock
controlled: the assignee and the station's lead (the managers when there is none) are told by
email and in the desk, and the timeline says so."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from aftersales.roles import Role
from notifications.models import OutboundMessage
from notifications.rendering import render_email
from tests.concurrency import run_at_once
from tests.factories import CustomerFactory, ServiceStationFactory, UserFactory
from tickets.choices import Channel, EventKind, Kind, Status
from tickets.models import Ticket, TicketEvent
from tickets.services import ticket_assign, ticket_create, ticket_record_resolution, ticket_transition
from tickets.sla.escalation import escalate_missed_stage
from tickets.sla.models import SlaEscalation
from tickets.sla.sweep import sla_sweep

SHANGHAI = ZoneInfo("Asia/Shanghai")
H = dt.timedelta(hours=1)
SECOND = dt.timedelta(seconds=1)
# Monday 2 March 2026, 09:00: response due at 11:00, dispatch at 17:00 (business hours 08:30-17:30).
T0 = dt.datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)
RESPONSE_DUE = dt.datetime(2026, 3, 2, 11, tzinfo=SHANGHAI)
DISPATCH_DUE = dt.datetime(2026, 3, 2, 17, tzinfo=SHANGHAI)


def staff(username: str, role: str, **fields):
    return UserFactory(username=username, roles=[role], first_name=username.title(), last_name="", **fields)


def repair(*, station=None, technician=None, agent, is_test=False) -> Ticket:
    ticket = ticket_create(
        customer=CustomerFactory(),
        kind=Kind.REPAIR,
        channel=Channel.PHONE,
        description="Leaks.",
        by=agent,
        now=T0,
        is_test=is_test,
    )
    if station is not None or technician is not None:
        ticket = ticket_assign(ticket=ticket, station=station, assignee=technician, by=agent, now=T0)
    return ticket


def escalation_events() -> list[tuple]:
    return list(
        TicketEvent.objects.filter(kind=EventKind.ESCALATED)
        .order_by("id")
        .values_list("ticket_id", "actor_id", "note", "is_public", "message_code")
    )


def emails() -> list[tuple]:
    return sorted(
        OutboundMessage.objects.filter(template="sla_escalated").values_list("recipient", "channel", "language")
    )


@pytest.mark.django_db
def test_a_missed_stage_is_escalated_once_to_the_assignee_and_the_station_lead(agent, manager):
    lead = staff("lead", Role.MANAGER)
    technician = staff("tech", Role.TECHNICIAN)
    station = ServiceStationFactory(lead=lead)
    ticket = repair(station=station, technician=technician, agent=agent)

    assert sla_sweep(now=RESPONSE_DUE) == 0  # due, not yet missed
    now = RESPONSE_DUE + SECOND
    assert sla_sweep(now=now) == 1
    escalation = SlaEscalation.objects.get()
    assert (escalation.ticket_id, escalation.stage, escalation.due, escalation.created_at) == (
        ticket.pk,
        "response",
        RESPONSE_DUE,
        now,
    )
    # The station has a lead: the managers are not told.
    assert set(escalation.recipients.all()) == {technician, lead}
    assert emails() == [("lead@example.com", "email", "en"), ("tech@example.com", "email", "en")]
    assert Ticket.objects.get(pk=ticket.pk).escalated_at == now
    assert escalation_events() == [
        (
            ticket.pk,
            None,
            "Deadline missed: Response, due 2 Mar 2026 11:00. Escalated to Tech, Lead.",
            False,
            "ticket.escalated",
        )
    ]

    # The sweep runs again, every five minutes: nothing more.
    assert sla_sweep(now=now + H) == 0
    assert (SlaEscalation.objects.count(), len(emails()), len(escalation_events())) == (1, 2, 1)


@pytest.mark.django_db
def test_without_a_lead_the_managers_are_told(agent, manager):
    staff("away", Role.MANAGER, is_active=False)
    staff("nomail", Role.MANAGER, email="")
    ticket = repair(station=ServiceStationFactory(), agent=agent)
    sla_sweep(now=RESPONSE_DUE + SECOND)
    escalation = SlaEscalation.objects.get(ticket=ticket)
    # No technician yet; active managers with an email address.
    assert list(escalation.recipients.all()) == [manager]
    assert emails() == [("manager1@example.com", "email", "en")]


@pytest.mark.django_db
def test_each_missed_stage_escalates_and_a_reopened_round_again(agent, manager, technician):
    ticket = repair(technician=technician, agent=agent)
    sla_sweep(now=RESPONSE_DUE + SECOND)
    ticket = ticket_transition(ticket=ticket, move="acknowledge", by=agent, now=RESPONSE_DUE + 2 * SECOND)
    sla_sweep(now=DISPATCH_DUE + SECOND)
    assert list(SlaEscalation.objects.order_by("id").values_list("stage", "due")) == [
        ("response", RESPONSE_DUE),
        ("dispatch", DISPATCH_DUE),
    ]
    # Dispatched late, resolved, reopened on Tuesday 3 March at 09:00: a fresh dispatch clock
    # (8 business hours: 17:00 that day), missed again, is a new escalation.
    ticket = ticket_transition(ticket=ticket, move="dispatch", by=agent, now=DISPATCH_DUE + H)
    ticket = ticket_transition(ticket=ticket, move="start", by=technician, now=DISPATCH_DUE + 2 * H)
    ticket = ticket_record_resolution(
        ticket=ticket, by=technician, work_done="Sealed.", fault_code="E1", fault_component="hose", root_cause="Worn."
    )
    ticket = ticket_transition(ticket=ticket, move="resolve", by=technician, now=DISPATCH_DUE + 3 * H)
    reopened_at = dt.datetime(2026, 3, 3, 9, tzinfo=SHANGHAI)
    ticket = ticket_transition(ticket=ticket, move="reopen", by=agent, now=reopened_at, note="Leaks again.")
    second_due = dt.datetime(2026, 3, 3, 17, tzinfo=SHANGHAI)
    assert Ticket.objects.get(pk=ticket.pk).dispatch_due == second_due
    assert sla_sweep(now=second_due + SECOND) == 1
    assert SlaEscalation.objects.filter(stage="dispatch").count() == 2
    assert len(escalation_events()) == 3


@pytest.mark.django_db
def test_the_same_miss_seen_twice_is_escalated_once(agent, manager):
    ticket = repair(agent=agent)
    first = escalate_missed_stage(ticket_id=ticket.pk, stage="response", due=RESPONSE_DUE, now=RESPONSE_DUE + H)
    again = escalate_missed_stage(ticket_id=ticket.pk, stage="response", due=RESPONSE_DUE, now=RESPONSE_DUE + 2 * H)
    assert (first is not None, again) == (True, None)
    assert (SlaEscalation.objects.count(), len(emails()), len(escalation_events())) == (1, 1, 1)


@pytest.mark.django_db
def test_a_test_ticket_is_not_escalated(agent, manager):
    ticket = repair(agent=agent, is_test=True)
    assert sla_sweep(now=RESPONSE_DUE + SECOND) == 1  # flagged as before
    assert (SlaEscalation.objects.count(), emails(), Ticket.objects.get(pk=ticket.pk).escalated_at) == (0, [], None)


@pytest.mark.django_db
def test_the_desk_marks_an_escalated_ticket_on_the_queue_and_its_page(client, agent, manager):
    escalated = repair(agent=agent)
    quiet = ticket_create(
        customer=CustomerFactory(), kind=Kind.REPAIR, channel=Channel.PHONE, description="Noisy.", by=agent, now=T0 + H
    )
    sla_sweep(now=RESPONSE_DUE + SECOND)
    client.force_login(agent)
    queue = client.get(reverse("desk:queue")).content.decode()
    marker = '<span class="badge overdue-badge escalated-badge">Escalated</span>'
    assert queue.count(marker) == 1
    row = queue[queue.index(escalated.reference) :]
    assert row.index(marker) < row.index("</tr>")
    page = client.get(reverse("desk:ticket", args=[escalated.reference])).content.decode()
    assert "Escalated 2 Mar 2026 11:00: a deadline was missed. The timeline says who was told." in page
    assert "Deadline missed: Response, due 2 Mar 2026 11:00. Escalated to" in page
    assert "a deadline was missed" not in client.get(reverse("desk:ticket", args=[quiet.reference])).content.decode()
    # Closed work is not marked any more.
    Ticket.objects.filter(pk=escalated.pk).update(status=Status.CLOSED)
    assert marker not in client.get(reverse("desk:queue") + "?status=closed").content.decode()


@pytest.mark.django_db
def test_the_escalation_email(agent, manager):
    technician = staff("tech", Role.TECHNICIAN)
    ticket = repair(station=ServiceStationFactory(name="Licang station"), technician=technician, agent=agent)
    sla_sweep(now=RESPONSE_DUE + SECOND)
    message = OutboundMessage.objects.get(template="sla_escalated", recipient="tech@example.com")
    subject, text, html = render_email(message)
    assert subject == f"Deadline missed on {ticket.reference}: Response"
    assert f"{ticket.reference} has missed a deadline and is escalated to you." in text
    assert "Stage: Response" in text and "Deadline: 2 Mar 2026 11:00" in text
    assert "Service station: Licang station" in text and "Technician: Tech" in text
    link = settings.SITE_URL.rstrip("/") + reverse("desk:ticket", args=[ticket.reference])
    assert f'<a href="{link}">{ticket.reference}</a>' in html


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_sweeping_at_once_escalate_once(agent, manager):
    ticket = repair(agent=agent)
    now = RESPONSE_DUE + SECOND
    results = run_at_once(lambda: sla_sweep(now=now), lambda: sla_sweep(now=now))
    assert sorted(results) == [0, 1]
    assert SlaEscalation.objects.filter(ticket=ticket).count() == 1
    assert (len(emails()), len(escalation_events())) == (1, 1)
