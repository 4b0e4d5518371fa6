"""tickets/services/provider_offers.py: offer, accept, give back and offers that run out, with the
clock an explicit ``now`` and the deadlines counted by hand (tests/network/dispatch_helpers.py)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from fieldwork.booking import hooks as booking_hooks
from fieldwork.models import Visit, VisitStatus
from notifications.models import OutboundMessage
from notifications.rendering import render_email
from tests.fieldwork.booking_helpers import technician_at
from tests.network.dispatch_helpers import (
    AFTER_HOLIDAY_DUE,
    BEFORE_HOLIDAY,
    BEFORE_MAKEUP_DAY,
    MAKEUP_DAY_DUE,
    SECOND,
    Network,
    open_ticket,
)
from tickets import hooks
from tickets.choices import EventKind
from tickets.models import Ticket, TicketEvent
from tickets.services import ticket_assign
from tickets.services.provider_offers import accept, expire_offers, offer, return_to_headquarters
from tickets.services.provider_terms import accept_due_for
from tickets.timeline_texts import render_event_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def net():
    return Network()


def events(ticket) -> list[tuple]:
    return list(
        TicketEvent.objects.filter(ticket=ticket).order_by("id").values_list("kind", "message_code", "actor__username")
    )


def snapshot(ticket) -> tuple:
    ticket.refresh_from_db()
    return (
        ticket.version,
        ticket.provider_id,
        ticket.station_id,
        ticket.assignee_id,
        ticket.provider_offered_at,
        ticket.provider_accept_due,
        ticket.provider_accepted_at,
        ticket.provider_returned_at,
        ticket.escalated_at,
        TicketEvent.objects.filter(ticket=ticket).count(),
        OutboundMessage.objects.count(),
    )


# --- the deadline in business hours -------------------------------------------------------------


def test_the_deadline_skips_a_statutory_holiday_and_counts_a_make_up_working_day(net):
    assert accept_due_for(net.east, None, BEFORE_HOLIDAY) == AFTER_HOLIDAY_DUE
    assert accept_due_for(net.east, net.east_station, BEFORE_MAKEUP_DAY) == MAKEUP_DAY_DUE


def test_headquarters_offers_a_job_to_a_providers_station(net):
    ticket = open_ticket(station=net.hq_station, version=3)

    offered = offer(ticket=ticket, provider=net.east, station=net.east_station, by=net.hq_agent, now=BEFORE_HOLIDAY)

    ticket.refresh_from_db()
    assert (ticket.provider, ticket.station, ticket.assignee, ticket.version) == (
        net.east,
        net.east_station,
        None,
        4,
    )
    assert (ticket.provider_offered_at, ticket.provider_accept_due, ticket.provider_accepted_at) == (
        BEFORE_HOLIDAY,
        AFTER_HOLIDAY_DUE,
        None,
    )
    assert offered.version == 4
    assert events(ticket) == [(EventKind.PROVIDER_OFFERED, "provider.offered_station", "hq-agent")]
    event = TicketEvent.objects.get(ticket=ticket)
    assert render_event_text(event) == "Offered to East Repairs, station East One; to accept by 28 Sep 2026 11:30."
    with translation.override("zh-hans"):
        chinese = render_event_text(event)
    assert ("东区维修" in chinese, "East Repairs" in chinese, "2026年9月28日 11:30" in chinese) == (True, False, True)
    # The provider's agents and managers, and its own address, each once, in the staff language.
    assert sorted(OutboundMessage.objects.values_list("recipient", "template", "language")) == [
        ("east-agent@example.com", "provider_offer", "en"),
        ("east-manager@example.com", "provider_offer", "en"),
        ("jobs@east.example", "provider_offer", "en"),
    ]


def test_the_offer_email_names_the_job_and_the_deadline(net):
    ticket = open_ticket()
    offer(ticket=ticket, provider=net.east, by=net.hq_agent, now=BEFORE_HOLIDAY)

    message = OutboundMessage.objects.get(recipient="east-agent@example.com")
    subject, text, _html = render_email(message)
    assert subject == f"New job for East Repairs: {ticket.reference}"
    assert text.startswith(
        f"East Repairs: headquarters offers you {ticket.reference}. Accept it by 28 Sep 2026 11:30, or it returns "
        "to headquarters."
    )


def test_only_headquarters_offers_and_a_refusal_changes_nothing(net):
    ticket = open_ticket()
    before = snapshot(ticket)

    for person in (net.east_agent, net.east_technician):
        with pytest.raises(PermissionDenied):
            offer(ticket=ticket, provider=net.east, by=person, now=BEFORE_HOLIDAY)
    with pytest.raises(ValidationError) as refused:
        offer(ticket=ticket, provider=net.east, station=net.west_station, by=net.hq_agent, now=BEFORE_HOLIDAY)

    assert refused.value.message_dict == {"station": ["This station does not belong to the chosen service provider."]}
    assert snapshot(ticket) == before


def test_an_accepted_job_is_not_offered_again_until_it_is_given_back(net):
    ticket = open_ticket()
    offer(ticket=ticket, provider=net.east, by=net.hq_agent, now=BEFORE_HOLIDAY)
    accept(ticket=ticket, by=net.east_agent, now=BEFORE_HOLIDAY + SECOND)

    with pytest.raises(ValidationError) as refused:
        offer(ticket=ticket, provider=net.west, by=net.hq_agent, now=BEFORE_HOLIDAY + 2 * SECOND)

    assert refused.value.message_dict == {
        "provider": ["East Repairs has accepted this job: it must give it back before it is offered again."]
    }


# --- accept ----------------------------------------------------------------------------------


def test_the_provider_accepts_up_to_its_deadline_and_not_after(net):
    early, late = open_ticket(), open_ticket()
    for ticket in (early, late):
        offer(ticket=ticket, provider=net.east, by=net.hq_agent, now=BEFORE_MAKEUP_DAY)

    accepted = accept(ticket=early, by=net.east_manager, now=MAKEUP_DAY_DUE)
    with pytest.raises(ValidationError) as refused:
        accept(ticket=late, by=net.east_agent, now=MAKEUP_DAY_DUE + SECOND)

    assert (accepted.provider_accepted_at, accepted.version) == (MAKEUP_DAY_DUE, 3)
    assert events(early)[-1] == (EventKind.PROVIDER_ACCEPTED, "provider.accepted", "east-manager")
    assert refused.value.message_dict == {
        "provider": ["The time to accept this job has run out: it returns to headquarters."]
    }
    # Accepting again changes nothing.
    before = snapshot(early)
    accept(ticket=early, by=net.east_agent, now=MAKEUP_DAY_DUE + SECOND)
    assert snapshot(early) == before


def test_only_the_providers_agents_and_managers_accept(net):
    ticket = open_ticket()
    offer(ticket=ticket, provider=net.east, by=net.hq_agent, now=BEFORE_HOLIDAY)
    before = snapshot(ticket)

    for person in (net.hq_agent, net.hq_manager, net.east_technician):
        with pytest.raises(PermissionDenied):
            accept(ticket=ticket, by=person, now=BEFORE_HOLIDAY + SECOND)
    with pytest.raises(ValidationError) as refused:
        accept(ticket=ticket, by=net.west_agent, now=BEFORE_HOLIDAY + SECOND)

    assert refused.value.message_dict == {"provider": ["This job is no longer with your service provider."]}
    assert snapshot(ticket) == before


# --- give back -------------------------------------------------------------------------------


def test_the_provider_gives_a_job_back_with_its_reason_and_its_visits_to_come_are_cancelled(net):
    ticket = open_ticket()
    offer(ticket=ticket, provider=net.east, station=net.east_station, by=net.hq_agent, now=BEFORE_HOLIDAY)
    accept(ticket=ticket, by=net.east_agent, now=BEFORE_HOLIDAY)
    technician_at(net.east_station, user=net.east_technician)
    ticket.refresh_from_db()
    visit = Visit.objects.create(
        ticket=ticket,
        technician=net.east_technician,
        station=net.east_station,
        start=AFTER_HOLIDAY_DUE,
        end=AFTER_HOLIDAY_DUE + 4 * 3600 * SECOND,
    )
    Ticket.objects.filter(pk=ticket.pk).update(
        assignee=net.east_technician, appointment_start=visit.start, appointment_end=visit.end
    )
    before = snapshot(ticket)

    with pytest.raises(ValidationError) as refused:
        return_to_headquarters(ticket=ticket, by=net.east_agent, reason="  ", now=BEFORE_HOLIDAY)
    assert refused.value.message_dict == {"reason": ["Say why the job goes back to headquarters."]}
    assert snapshot(ticket) == before

    return_to_headquarters(
        ticket=ticket, by=net.east_agent, reason="No technician for this model.", now=AFTER_HOLIDAY_DUE
    )

    ticket.refresh_from_db()
    assert (
        ticket.provider,
        ticket.station,
        ticket.assignee,
        ticket.appointment_start,
        ticket.provider_offered_at,
        ticket.provider_accept_due,
        ticket.provider_accepted_at,
        ticket.provider_returned_at,
    ) == (None, None, None, None, None, None, None, AFTER_HOLIDAY_DUE)
    visit.refresh_from_db()
    assert (visit.status, visit.cancelled_at) == (VisitStatus.CANCELLED, AFTER_HOLIDAY_DUE)
    assert events(ticket)[-2:] == [
        (EventKind.NOTE, "visit.cancelled", "east-agent"),
        (EventKind.PROVIDER_RETURNED, "provider.returned", "east-agent"),
    ]
    assert render_event_text(TicketEvent.objects.filter(ticket=ticket).last()) == (
        "Returned to headquarters by East Repairs. Reason: No technician for this model."
    )


def test_the_hook_that_cancels_the_visits_is_registered_by_fieldwork():
    assert hooks.on_dispatch_withdrawn == [booking_hooks.cancel_visits_to_come]


def test_headquarters_does_not_give_a_job_back_for_a_provider(net):
    ticket = open_ticket()
    offer(ticket=ticket, provider=net.east, by=net.hq_agent, now=BEFORE_HOLIDAY)
    before = snapshot(ticket)

    with pytest.raises(PermissionDenied):
        return_to_headquarters(ticket=ticket, by=net.hq_agent, reason="Mine now.", now=BEFORE_HOLIDAY)
    with pytest.raises(ValidationError):
        return_to_headquarters(ticket=ticket, by=net.west_agent, reason="Not ours.", now=BEFORE_HOLIDAY)

    assert snapshot(ticket) == before


# --- offers that run out ---------------------------------------------------------------------------


def test_an_offer_runs_out_just_after_its_deadline_returns_escalated_and_managers_are_told_once(net):
    ticket = open_ticket(station=None)
    offer(ticket=ticket, provider=net.east, station=net.east_station, by=net.hq_agent, now=BEFORE_HOLIDAY)
    offer_emails = OutboundMessage.objects.count()

    assert expire_offers(now=AFTER_HOLIDAY_DUE) == 0  # due, not yet run out
    ticket.refresh_from_db()
    assert (ticket.provider, ticket.escalated_at) == (net.east, None)

    late = AFTER_HOLIDAY_DUE + SECOND
    assert expire_offers(now=late) == 1
    assert expire_offers(now=late + SECOND) == 0  # once

    ticket.refresh_from_db()
    assert (ticket.provider, ticket.station, ticket.provider_accept_due, ticket.provider_returned_at) == (
        None,
        None,
        None,
        late,
    )
    assert (ticket.escalated_at, ticket.version) == (late, 3)
    assert events(ticket)[-1] == (EventKind.ESCALATED, "provider.offer_expired", None)
    event = TicketEvent.objects.filter(ticket=ticket).last()
    assert render_event_text(event) == (
        "Not accepted by East Repairs by 28 Sep 2026 11:30: returned to headquarters and escalated to Min Guo, Mei Lin."
    )
    assert event.data["told"] == [net.hq_manager.pk, net.hq_manager_2.pk]
    # Headquarters' managers, each once; the provider's manager is not headquarters'.
    assert sorted(OutboundMessage.objects.order_by("id")[offer_emails:].values_list("recipient", "template")) == [
        ("hq-manager-2@example.com", "provider_offer_expired"),
        ("hq-manager@example.com", "provider_offer_expired"),
    ]


def test_an_accepted_offer_never_runs_out(net):
    ticket = open_ticket()
    offer(ticket=ticket, provider=net.east, by=net.hq_agent, now=BEFORE_HOLIDAY)
    accept(ticket=ticket, by=net.east_agent, now=AFTER_HOLIDAY_DUE)

    assert expire_offers(now=AFTER_HOLIDAY_DUE + SECOND) == 0
    ticket.refresh_from_db()
    assert (ticket.provider, ticket.escalated_at) == (net.east, None)


# --- the assignment path keeps the provider in step --------------------------------------------------


def test_headquarters_assigning_a_providers_station_offers_the_job_to_that_provider(net):
    ticket = open_ticket()

    ticket_assign(ticket=ticket, station=net.east_station, assignee=None, by=net.hq_agent, now=BEFORE_MAKEUP_DAY)

    ticket.refresh_from_db()
    assert (ticket.provider, ticket.station, ticket.provider_offered_at, ticket.provider_accept_due) == (
        net.east,
        net.east_station,
        BEFORE_MAKEUP_DAY,
        MAKEUP_DAY_DUE,
    )
    assert [kind for kind, _code, _by in events(ticket)] == [EventKind.PROVIDER_OFFERED, EventKind.ASSIGNED]


def test_a_station_of_another_provider_is_refused_on_assignment(net):
    ticket = open_ticket()
    offer(ticket=ticket, provider=net.east, by=net.hq_agent, now=BEFORE_HOLIDAY)
    accept(ticket=ticket, by=net.east_agent, now=BEFORE_HOLIDAY)
    before = snapshot(ticket)

    for station in (net.west_station, net.hq_station):
        with pytest.raises(ValidationError) as refused:
            ticket_assign(ticket=ticket, station=station, assignee=None, by=net.hq_agent, now=BEFORE_HOLIDAY)
        assert refused.value.message_dict == {
            "station": ["This station is not one of the service provider's the job is dispatched to."]
        }
    assert snapshot(ticket) == before

    ticket_assign(ticket=ticket, station=net.east_station_2, assignee=None, by=net.east_agent, now=BEFORE_HOLIDAY)
    ticket.refresh_from_db()
    assert (ticket.provider, ticket.station) == (net.east, net.east_station_2)
