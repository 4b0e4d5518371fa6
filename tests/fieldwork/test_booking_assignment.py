"""tickets/services/assignment.py as booking uses it: an exact visit window, with or without the
ticket's own appointment message, and the window moved by the customer or cleared."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from notifications.models import OutboundMessage
from tests import factories
from tests.fieldwork.booking_helpers import MONDAY, NOW, at, repair_ticket
from tickets.choices import Status
from tickets.services.assignment import ticket_appointment_set, ticket_assign

pytestmark = pytest.mark.django_db


def test_an_exact_window_is_the_appointment_and_the_customer_is_told_only_when_asked(agent, technician):
    told = repair_ticket(status=Status.DISPATCHED)
    quiet = repair_ticket(status=Status.DISPATCHED)
    window = (at(MONDAY, 13), at(MONDAY, 17))

    ticket_assign(ticket=told, station=None, assignee=technician, by=agent, window=window, now=NOW)
    ticket_assign(
        ticket=quiet, station=None, assignee=technician, by=agent, window=window, tell_customer=False, now=NOW
    )

    for ticket in (told, quiet):
        ticket.refresh_from_db()
        assert (ticket.appointment_start, ticket.appointment_end) == window
        assert ticket.events.filter(message_code="visit.agreed").count() == 1
    assert list(OutboundMessage.objects.values_list("ticket_reference", "template")) == [
        (told.reference, "appointment")
    ]


def test_a_window_that_ends_before_it_starts_is_a_field_error(agent, technician):
    ticket = repair_ticket()
    with pytest.raises(ValidationError) as error:
        ticket_assign(
            ticket=ticket, station=None, assignee=technician, by=agent, window=(at(MONDAY, 13), at(MONDAY, 9))
        )
    assert error.value.message_dict == {"appointment_date": ["The appointment must end after it starts."]}
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.version) == (None, 1)


def test_the_customer_moves_their_own_window_and_the_desk_clears_it():
    ticket = repair_ticket(appointment_start=at(MONDAY, 9), appointment_end=at(MONDAY, 13))
    stranger = factories.CustomerFactory()
    with pytest.raises(PermissionDenied):
        ticket_appointment_set(ticket=ticket, window=(at(MONDAY, 13), at(MONDAY, 17)), customer=stranger)

    moved = ticket_appointment_set(ticket=ticket, window=(at(MONDAY, 13), at(MONDAY, 17)), customer=ticket.customer)
    assert (moved.appointment_start, moved.version) == (at(MONDAY, 13), 2)
    event = moved.events.get(message_code="visit.agreed")
    assert (event.actor, event.is_public) == (None, True)

    agent = factories.UserFactory(roles=["agent"])
    cleared = ticket_appointment_set(ticket=moved, window=None, by=agent)
    assert (cleared.appointment_start, cleared.appointment_end, cleared.events.count()) == (None, None, 1)
