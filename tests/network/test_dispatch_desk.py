"""The desk's dispatch: headquarters' "Dispatch to provider" form on the ticket page, the
provider's Accept and Return to headquarters, and the queue's dispatch filters, with the clock
controlled."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.network.dispatch_helpers import AFTER_HOLIDAY_DUE, BEFORE_HOLIDAY, Network, open_ticket
from tickets.models import TicketEvent
from tickets.services.provider_offers import accept, expire_offers, offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def net():
    return Network()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(ticket) -> str:
    return reverse("desk:ticket", args=[ticket.reference])


def action(ticket, name: str) -> str:
    return reverse(f"desk:ticket_{name}", args=[ticket.reference])


def queue_references(client, **params) -> list[str]:
    response = client.get(reverse("desk:queue"), params)
    assert response.status_code == 200
    return [row["reference"] for row in response.context["rows"]]


def test_headquarters_dispatches_and_the_provider_accepts_on_the_ticket_page(net):
    ticket = open_ticket()
    hq, east = signed_in(net.hq_agent), signed_in(net.east_agent)

    shown = hq.get(page(ticket))
    assert (shown.context["offer_form"] is not None, shown.context["accept_open"]) == (True, False)
    assert "Dispatch to provider" in shown.content.decode()
    with time_machine.travel(BEFORE_HOLIDAY, tick=False):
        response = hq.post(
            action(ticket, "offer"),
            {"offer-provider": net.east.pk, "offer-station": net.east_station.pk, "offer-version": 1},
        )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.provider, ticket.station, ticket.provider_accept_due) == (
        net.east,
        net.east_station,
        AFTER_HOLIDAY_DUE,
    )

    with time_machine.travel(AFTER_HOLIDAY_DUE, tick=False):
        assert east.post(action(ticket, "accept"), {"version": 2}).status_code == 302
    ticket.refresh_from_db()
    assert (ticket.provider_accepted_at, ticket.version) == (AFTER_HOLIDAY_DUE, 3)


def test_the_provider_sees_accept_and_return_on_the_ticket_page(net):
    ticket = open_ticket()
    offer(ticket=ticket, provider=net.east, by=net.hq_agent, now=BEFORE_HOLIDAY)
    east = signed_in(net.east_agent)

    seen = east.get(page(ticket))

    assert (seen.context["offer_form"], seen.context["accept_open"], seen.context["return_form"] is not None) == (
        None,
        True,
        True,
    )
    assert ("Accept by" in seen.content.decode(), "Return to headquarters" in seen.content.decode()) == (True, True)


def test_a_return_without_a_reason_is_answered_on_the_ticket_page(net):
    ticket = open_ticket()
    offer(ticket=ticket, provider=net.east, by=net.hq_agent, now=BEFORE_HOLIDAY)

    no_reason = signed_in(net.east_agent).post(action(ticket, "return"), {"reason": " ", "version": 2})

    assert (no_reason.status_code, no_reason.context["return_form"].errors) == (
        400,
        {"reason": ["Say why the job goes back to headquarters."]},
    )


def test_a_bad_offer_is_answered_with_field_errors_and_changes_nothing(net):
    ticket = open_ticket()
    hq = signed_in(net.hq_agent)

    missing = hq.post(action(ticket, "offer"), {"offer-provider": "", "offer-version": 1})
    wrong = hq.post(
        action(ticket, "offer"),
        {"offer-provider": net.east.pk, "offer-station": net.west_station.pk, "offer-version": 1},
    )

    assert (missing.status_code, missing.context["offer_form"].errors) == (
        400,
        {"provider": ["Choose the service provider."]},
    )
    assert (wrong.status_code, wrong.context["offer_form"].errors) == (
        400,
        {"station": ["This station does not belong to the chosen service provider."]},
    )
    ticket.refresh_from_db()
    assert (ticket.provider, ticket.version, TicketEvent.objects.filter(ticket=ticket).count()) == (None, 1, 0)


def test_the_provider_gives_the_job_back_with_a_reason_and_no_longer_sees_it(net):
    ticket = open_ticket()
    offer(ticket=ticket, provider=net.east, by=net.hq_agent, now=BEFORE_HOLIDAY)
    east = signed_in(net.east_agent)

    response = east.post(action(ticket, "return"), {"reason": "Out of our area.", "version": 2})

    assert response.status_code == 302 and response["Location"] == reverse("desk:queue")
    assert east.get(page(ticket)).status_code == 404  # no longer theirs
    assert queue_references(east) == []
    assert queue_references(signed_in(net.hq_agent), dispatch="returned") == [ticket.reference]


def test_another_provider_cannot_see_or_accept_and_headquarters_cannot_accept(net):
    ticket = open_ticket()
    offer(ticket=ticket, provider=net.east, by=net.hq_agent, now=BEFORE_HOLIDAY)
    west = signed_in(net.west_agent)

    assert west.get(page(ticket)).status_code == 404
    assert west.post(action(ticket, "accept"), {"version": 2}).status_code == 404
    assert signed_in(net.hq_agent).post(action(ticket, "accept"), {"version": 2}).status_code == 403
    ticket.refresh_from_db()
    assert (ticket.provider_accepted_at, ticket.version) == (None, 2)


def test_the_queue_filters_the_offers_for_each_side(net):
    waiting, taken, gone, at_hq = open_ticket(), open_ticket(), open_ticket(), open_ticket()
    for ticket in (waiting, taken, gone):
        offer(ticket=ticket, provider=net.east, by=net.hq_agent, now=BEFORE_HOLIDAY)
    accept(ticket=taken, by=net.east_agent, now=BEFORE_HOLIDAY)
    elsewhere = open_ticket()
    offer(ticket=elsewhere, provider=net.west, by=net.hq_agent, now=AFTER_HOLIDAY_DUE)
    gone.provider_accept_due = BEFORE_HOLIDAY
    gone.save(update_fields=["provider_accept_due"])
    assert expire_offers(now=AFTER_HOLIDAY_DUE) == 1

    hq, east = signed_in(net.hq_agent), signed_in(net.east_agent)

    assert queue_references(hq, dispatch="offered") == [elsewhere.reference, waiting.reference]
    assert queue_references(hq, dispatch="accepted") == [taken.reference]
    assert queue_references(hq, dispatch="returned") == [gone.reference]
    assert queue_references(east, dispatch="offered") == [waiting.reference]
    assert queue_references(east) == [taken.reference, waiting.reference]
    assert at_hq.reference not in queue_references(east)
    labels = [option["label"] for option in east.get(reverse("desk:queue")).context["selects"]["dispatch"]["options"]]
    assert labels == ["Any dispatch", "Offered to my provider, not yet accepted", "Accepted"]
