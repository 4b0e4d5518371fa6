"""Behaviour that only PostgreSQL shows: row locks under real concurrency, the trigram index."""

import datetime as dt
import time

import pytest
from django.db import connection, transaction

from tests import factories
from tests.concurrency import run_at_once
from tickets.choices import EventKind, Kind, Status
from tickets.models import Ticket, TicketSequence
from tickets.services import TicketConflict, ticket_create, ticket_transition

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_agents_moving_the_same_ticket_one_wins_the_other_gets_a_conflict(agent, manager):
    ticket = factories.TicketFactory(status=Status.NEW)

    def move(user):
        return lambda: ticket_transition(ticket=Ticket(pk=ticket.pk), move="acknowledge", by=user, expected_version=1)

    results = run_at_once(move(agent), move(manager))
    winners = [r for r in results if isinstance(r, Ticket)]
    conflicts = [r for r in results if isinstance(r, TicketConflict)]
    assert (len(winners), len(conflicts)) == (1, 1)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version) == (Status.ACKNOWLEDGED, 2)
    assert ticket.events.filter(kind=EventKind.STATUS).count() == 1


def test_references_stay_unique_when_tickets_are_created_at_once(agent):
    customer = factories.CustomerFactory()

    def create():
        return ticket_create(customer=customer, kind=Kind.CONSULTATION, channel="phone", description="?", by=agent)

    results = run_at_once(*[create for _ in range(6)])
    assert all(isinstance(r, Ticket) for r in results), results
    references = sorted(r.reference for r in results)
    assert len(set(references)) == 6
    numbers = [int(ref.rsplit("-", 1)[1]) for ref in references]
    assert numbers == list(range(numbers[0], numbers[0] + 6))


def test_a_new_years_first_references_are_consecutive_when_taken_at_once():
    customer = factories.CustomerFactory()
    new_year = dt.datetime(2031, 1, 1, 9, 0, tzinfo=dt.UTC)  # no number was taken in 2031 yet

    def create():
        return ticket_create(
            customer=customer, kind=Kind.CONSULTATION, channel="web", description="?", by=None, now=new_year
        )

    results = run_at_once(*[create for _ in range(6)])
    assert all(isinstance(r, Ticket) for r in results), results
    assert sorted(r.reference for r in results) == [f"AS-2031-{n:06d}" for n in range(1, 7)]
    assert TicketSequence.objects.get(year=2031).last_value == 6


def test_a_request_rolled_back_while_others_wait_leaves_no_gap():
    customer = factories.CustomerFactory()

    class Boom(Exception):
        pass

    def create():
        return ticket_create(customer=customer, kind=Kind.CONSULTATION, channel="web", description="?", by=None)

    def create_then_fail():
        with transaction.atomic():
            create()
            time.sleep(0.3)  # holding the year's number while the others queue behind it
            raise Boom

    results = run_at_once(create_then_fail, *[create for _ in range(4)])
    assert isinstance(results[0], Boom)
    assert all(isinstance(r, Ticket) for r in results[1:]), results
    numbers = sorted(int(r.reference.rsplit("-", 1)[1]) for r in results[1:])
    assert numbers == list(range(numbers[0], numbers[0] + 4))
    year = int(results[1].reference.split("-")[1])
    assert TicketSequence.objects.get(year=year).last_value == numbers[-1]


def test_customer_name_search_has_a_trigram_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'customer_name_upper_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin (upper((name)::text) gin_trgm_ops)" in definition
