"""/api/tickets/{reference}/offer/, /accept/ and /return/, with the clock controlled: who may do
what, field-level errors, another provider's job answered as a missing one, and nothing changed
by a refusal."""

import pytest
import time_machine
from rest_framework import serializers

from tests.api.conftest import client_for, error, field_errors, portal_customer
from tests.network.dispatch_helpers import AFTER_HOLIDAY_DUE, BEFORE_HOLIDAY, SECOND, Network, open_ticket
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def net():
    return Network()


def iso(value) -> str | None:
    return None if value is None else serializers.DateTimeField().to_representation(value)


def url(ticket, action: str) -> str:
    return f"/api/tickets/{ticket.reference}/{action}/"


def state(ticket) -> tuple:
    ticket.refresh_from_db()
    return (
        ticket.version,
        ticket.provider_id,
        ticket.station_id,
        ticket.provider_accepted_at,
        ticket.provider_returned_at,
        TicketEvent.objects.filter(ticket=ticket).count(),
    )


def test_offer_accept_and_return_through_the_api(net):
    ticket = open_ticket()
    hq, east = client_for(net.hq_agent), client_for(net.east_agent)

    assert east.get(f"/api/tickets/{ticket.reference}/").status_code == 404  # not theirs yet
    with time_machine.travel(BEFORE_HOLIDAY, tick=False):
        offered = hq.post(
            url(ticket, "offer"), {"provider": "east", "station": "east-1", "expected_version": 1}, format="json"
        )
    assert offered.status_code == 200, offered.content
    body = offered.json()
    assert {name: body[name] for name in ("provider", "provider_offered_at", "provider_accept_due")} == {
        "provider": {"code": "east", "name": "East Repairs"},
        "provider_offered_at": iso(BEFORE_HOLIDAY),
        "provider_accept_due": iso(AFTER_HOLIDAY_DUE),
    }
    assert (body["provider_accepted_at"], body["station"]["code"], body["version"]) == (None, "east-1", 2)

    # The provider's staff see it now; another provider's do not.
    assert east.get(f"/api/tickets/{ticket.reference}/").status_code == 200
    west = client_for(net.west_agent)
    before = state(ticket)
    assert error(west.post(url(ticket, "accept"), {"expected_version": 2}, format="json"), 404, "not_found")
    assert state(ticket) == before

    with time_machine.travel(AFTER_HOLIDAY_DUE, tick=False):
        accepted = east.post(url(ticket, "accept"), {"expected_version": 2}, format="json")
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["provider_accepted_at"], accepted.json()["version"]) == (iso(AFTER_HOLIDAY_DUE), 3)

    assert field_errors(east.post(url(ticket, "return"), {"expected_version": 3}, format="json")) == {
        "reason": ["Say why the job goes back to headquarters."]
    }
    returned = east.post(url(ticket, "return"), {"reason": "Out of our area.", "expected_version": 3}, format="json")
    assert (returned.status_code, returned.content) == (204, b"")
    assert east.get(f"/api/tickets/{ticket.reference}/").status_code == 404  # no longer theirs
    again = hq.get(f"/api/tickets/{ticket.reference}/").json()
    assert (again["provider"], again["provider_accept_due"], again["version"]) == (None, None, 4)


def test_only_headquarters_offers(net):
    ticket = open_ticket()
    offer = {"provider": "east", "expected_version": 1}
    before = state(ticket)

    # The provider's staff do not see a job headquarters has: a 404, like a missing reference.
    assert error(client_for(net.east_agent).post(url(ticket, "offer"), offer, format="json"), 404, "not_found")
    # A provider's own job: they see it, but offering it is headquarters' work.
    ticket.provider = net.east
    ticket.save(update_fields=["provider"])
    before = state(ticket)
    message = error(
        client_for(net.east_agent).post(url(ticket, "offer"), offer, format="json"), 403, "permission_denied"
    )
    assert message == "Only headquarters dispatches jobs to service providers."
    assert state(ticket) == before


def test_bad_offers_get_field_errors_and_change_nothing(net):
    ticket = open_ticket()
    hq = client_for(net.hq_agent)
    before = state(ticket)

    assert field_errors(hq.post(url(ticket, "offer"), {"expected_version": 1}, format="json")) == {
        "provider": ["This field is required."]
    }
    assert field_errors(
        hq.post(url(ticket, "offer"), {"provider": "nobody", "station": "999", "expected_version": 1}, format="json")
    ) == {"provider": ["Unknown service provider."], "station": ["Unknown service station."]}
    assert field_errors(
        hq.post(
            url(ticket, "offer"), {"provider": net.east.pk, "station": "west-1", "expected_version": 1}, format="json"
        )
    ) == {"station": ["This station does not belong to the chosen service provider."]}
    assert error(
        hq.post(url(ticket, "offer"), {"provider": "east", "expected_version": 7}, format="json"), 409, "conflict"
    )
    assert state(ticket) == before


def test_accepting_after_the_deadline_is_refused_under_provider(net):
    ticket = open_ticket()
    with time_machine.travel(BEFORE_HOLIDAY, tick=False):
        client_for(net.hq_agent).post(url(ticket, "offer"), {"provider": "east", "expected_version": 1}, format="json")
    before = state(ticket)

    with time_machine.travel(AFTER_HOLIDAY_DUE + SECOND, tick=False):
        response = client_for(net.east_agent).post(url(ticket, "accept"), {"expected_version": 2}, format="json")

    assert field_errors(response) == {
        "provider": ["The time to accept this job has run out: it returns to headquarters."]
    }
    assert state(ticket) == before


def test_headquarters_may_not_accept_or_give_back_for_a_provider(net):
    ticket = open_ticket()
    hq = client_for(net.hq_agent)
    hq.post(url(ticket, "offer"), {"provider": "east", "expected_version": 1}, format="json")
    before = state(ticket)

    assert error(hq.post(url(ticket, "accept"), {"expected_version": 2}, format="json"), 403, "permission_denied")
    assert error(
        hq.post(url(ticket, "return"), {"reason": "x", "expected_version": 2}, format="json"), 403, "permission_denied"
    )
    assert state(ticket) == before


def test_a_customer_is_not_shown_the_dispatch(net):
    customer = portal_customer("+8613900000009", "Li Na")
    ticket = open_ticket(customer=customer)
    client_for(net.hq_agent).post(url(ticket, "offer"), {"provider": "east", "expected_version": 1}, format="json")

    body = client_for(customer.user).get(f"/api/tickets/{ticket.reference}/").json()

    assert [body[name] for name in ("provider", "provider_offered_at", "provider_accept_due")] == [None, None, None]
