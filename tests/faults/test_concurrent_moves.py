"""Fault: two agents move the same ticket at the same moment (issue 8, item 3).

``tests/tickets/test_postgres.py`` races two ``ticket_transition`` calls on the service. Here
the race goes through the HTTP layer, as agents make it: two desk forms posted at once, and
two API calls with the same ``expected_version``. To be sure both requests really overlap,
another session holds the ticket's row lock until both are waiting for it inside their
transactions, then lets go: one wins (the form redirects, the API answers 200), the other is
told plainly that someone else changed the ticket (409), and the timeline has exactly one
status event, by the winner, with the version incremented once.
"""

import contextvars
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from aftersales.api.token_store import token_issue
from tests import factories
from tests.concurrency import run_at_once
from tests.faults.services import sessions_waiting_on_a_lock
from tickets.choices import Channel, EventKind, Kind, Status
from tickets.models import Ticket
from tickets.services import ticket_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CONFLICT = "Someone else changed this ticket while you were working on it. Reload it and try again."
WAIT_SECONDS = 20


def logged_ticket(by) -> Ticket:
    """A new ticket logged through the desk's service, so its timeline starts as in production."""
    return ticket_create(
        customer=factories.CustomerFactory(), kind=Kind.REPAIR, channel=Channel.PHONE, description="Leaks.", by=by
    )


def released_when_both_wait(ticket: Ticket, *requests):
    """Run ``requests`` at once while another session holds the ticket's row lock; release it
    once both are queued on that lock. Returns the requests' responses, in order."""
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction.atomic():
            Ticket.objects.select_for_update().get(pk=ticket.pk)
            holding.set()
            release.wait(WAIT_SECONDS)

    def release_when_queued() -> int:
        deadline = time.monotonic() + WAIT_SECONDS
        while sessions_waiting_on_a_lock() < len(requests) and time.monotonic() < deadline:
            time.sleep(0.05)
        waiting = sessions_waiting_on_a_lock()
        release.set()
        return waiting

    # In a copy of the test's context: the thread acts in the test's scope (aftersales/scoping.py).
    holder = threading.Thread(target=contextvars.copy_context().run, args=(lambda: (hold(), connection.close()),))
    holder.start()
    assert holding.wait(WAIT_SECONDS)
    *responses, waiting = run_at_once(*requests, release_when_queued)
    release.set()
    holder.join(WAIT_SECONDS)
    assert waiting == len(requests), "the requests did not both reach the ticket's lock"
    return responses


def assert_one_move(ticket: Ticket, winner) -> None:
    """The ticket moved once, by the winner: one status event, the version up by one."""
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version) == (Status.ACKNOWLEDGED, 2)
    events = list(ticket.events.filter(kind=EventKind.STATUS).values_list("from_status", "to_status", "actor_id"))
    assert events == [(Status.NEW, Status.ACKNOWLEDGED, winner.pk)]
    assert list(ticket.events.order_by("pk").values_list("kind", flat=True)) == [EventKind.CREATED, EventKind.STATUS]


def test_two_desk_forms_posted_at_once_one_wins_the_other_is_told_of_the_conflict(agent, manager):
    ticket = logged_ticket(agent)
    url = reverse("desk:ticket_move", args=[ticket.reference])

    def post_as(user):
        client = Client()
        client.force_login(user)
        return lambda: client.post(url, {"move": "acknowledge", "version": 1, "note": ""})

    responses = released_when_both_wait(ticket, post_as(agent), post_as(manager))

    assert sorted(r.status_code for r in responses) == [302, 409], responses
    winner = agent if responses[0].status_code == 302 else manager
    loser = next(r for r in responses if r.status_code == 409)
    assert CONFLICT in loser.content.decode()
    # The loser's page shows the ticket as it is now, with the winner's move on it.
    assert loser.context["ticket"].status == Status.ACKNOWLEDGED
    assert_one_move(ticket, winner)
    print("\nDesk forms at once: 302 + 409 with the conflict message; 1 status event; version 1 -> 2")


def test_two_api_moves_with_the_same_expected_version_one_wins_the_other_gets_409(agent, manager):
    ticket = logged_ticket(agent)
    url = f"/api/tickets/{ticket.reference}/transition/"

    def post_as(user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user).key}")
        return lambda: client.post(url, {"move": "acknowledge", "expected_version": 1}, format="json")

    responses = released_when_both_wait(ticket, post_as(agent), post_as(manager))

    assert sorted(r.status_code for r in responses) == [200, 409], responses
    won = next(r for r in responses if r.status_code == 200)
    lost = next(r for r in responses if r.status_code == 409)
    assert (won.json()["status"], won.json()["version"]) == (Status.ACKNOWLEDGED, 2)
    assert lost.json() == {"detail": CONFLICT, "code": "conflict"}
    assert_one_move(ticket, agent if responses[0].status_code == 200 else manager)
    print("\nAPI moves at once: 200 + 409 (code conflict); 1 status event; version 1 -> 2")
