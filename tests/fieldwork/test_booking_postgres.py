"""Booking under real concurrency (PostgreSQL): the technician's profile row lock keeps a slot
from being overbooked when two agents take its last place at the same moment."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from fieldwork.booking.services import visit_book
from fieldwork.models import Visit
from tests import factories
from tests.concurrency import run_at_once
from tests.fieldwork.booking_helpers import MONDAY, NOW, at, field_station, repair_ticket, technician_at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
TUESDAY = MONDAY + dt.timedelta(days=1)


def test_two_agents_booking_the_last_place_at_once_one_wins_the_other_gets_the_field_error(agent, manager):
    station = field_station()
    profile = technician_at(station, per_slot=2)
    visit_book(
        ticket=repair_ticket(), technician=profile.user, station=station, start=at(TUESDAY, 9), by=agent, now=NOW
    )
    tickets = [repair_ticket(), repair_ticket()]

    def book(ticket, user):
        return lambda: visit_book(
            ticket=ticket, technician=profile.user, station=station, start=at(TUESDAY, 9), by=user, now=NOW
        )

    results = run_at_once(book(tickets[0], agent), book(tickets[1], manager))

    booked = [result for result in results if isinstance(result, Visit)]
    refused = [result for result in results if isinstance(result, ValidationError)]
    assert (len(booked), len(refused)) == (1, 1), results
    assert refused[0].message_dict == {"start": ["This slot is full. Choose another slot or technician."]}
    assert Visit.objects.filter(start=at(TUESDAY, 9)).count() == 2
    assert Visit.objects.filter(ticket__in=tickets).count() == 1
    loser = next(ticket for ticket in tickets if ticket != booked[0].ticket)
    loser.refresh_from_db()
    assert (loser.assignee, loser.appointment_start, loser.events.count()) == (None, None, 0)


def test_bookings_of_different_technicians_do_not_wait_on_each_other():
    station = field_station()
    profiles = [technician_at(station) for _ in range(4)]
    desk = factories.UserFactory(roles=["agent"])

    def book(profile):
        return lambda: visit_book(
            ticket=repair_ticket(), technician=profile.user, station=station, start=at(TUESDAY, 9), by=desk, now=NOW
        )

    results = run_at_once(*[book(profile) for profile in profiles])
    assert all(isinstance(result, Visit) for result in results), results


def test_one_ticket_booked_with_two_technicians_at_once_gets_one_visit(agent, manager):
    station = field_station()
    first, second = technician_at(station), technician_at(station)
    ticket = repair_ticket()

    def book(profile, user):
        return lambda: visit_book(
            ticket=ticket, technician=profile.user, station=station, start=at(TUESDAY, 9), by=user, now=NOW
        )

    results = run_at_once(book(first, agent), book(second, manager))

    refused = [result for result in results if isinstance(result, ValidationError)]
    assert len(refused) == 1 and list(refused[0].message_dict) == ["ticket"], results
    assert Visit.objects.filter(ticket=ticket).count() == 1
