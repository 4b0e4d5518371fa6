"""Behaviour that only PostgreSQL shows: row locks under real concurrency, the trigram index."""


import pytest
from django.db import connection

from tests import factories
from tests.concurrency import run_at_once
from tickets.choices import EventKind, Kind, Status
from tickets.models import Ticket
from tickets.services import TicketConflict, ticket_create, ticket_transition

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]




def test_two_agents_moving_the_same_ticket_one_wins_the_other_gets_a_conflict(agent, manager):
    ticket = factories.TicketFactory(status=Status.NEW)

    def move(user):
        return lambda: ticket_transition(
            ticket=Ticket(pk=ticket.pk), move="acknowledge", by=user, expected_version=1
        )

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


def test_customer_name_search_has_a_trigram_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'customer_name_upper_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin (upper((name)::text) gin_trgm_ops)" in definition
