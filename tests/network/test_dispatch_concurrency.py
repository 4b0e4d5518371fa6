"""An acceptance racing the sweep that returns offers run out: one outcome, never both
(PostgreSQL, real row locks)."""

import pytest
from django.core.exceptions import ValidationError

from notifications.models import OutboundMessage
from tests.concurrency import run_at_once
from tests.network.dispatch_helpers import AFTER_HOLIDAY_DUE, BEFORE_HOLIDAY, SECOND, Network, open_ticket
from tickets.choices import EventKind
from tickets.models import Ticket, TicketEvent
from tickets.services.provider_offers import accept, expire_offers, offer


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("round_", range(5))
def test_an_acceptance_racing_the_expiry_has_one_outcome(round_):
    net = Network()
    ticket = open_ticket()
    offer(ticket=ticket, provider=net.east, by=net.hq_agent, now=BEFORE_HOLIDAY)
    # The acceptance is made in time (at the deadline), the sweep runs a second after it.
    accepted, expired = run_at_once(
        lambda: accept(ticket=Ticket(pk=ticket.pk), by=net.east_agent, now=AFTER_HOLIDAY_DUE),
        lambda: expire_offers(now=AFTER_HOLIDAY_DUE + SECOND),
    )

    ticket.refresh_from_db()
    kinds = list(TicketEvent.objects.filter(ticket=ticket).order_by("id").values_list("kind", flat=True))
    told = OutboundMessage.objects.filter(template="provider_offer_expired").count()
    if isinstance(accepted, Ticket):
        # The acceptance took the lock first: the sweep found an accepted offer.
        assert (expired, ticket.provider_id, ticket.provider_accepted_at, ticket.escalated_at) == (
            0,
            net.east.pk,
            AFTER_HOLIDAY_DUE,
            None,
        )
        assert (kinds, told) == ([EventKind.PROVIDER_OFFERED, EventKind.PROVIDER_ACCEPTED], 0)
    else:
        # The sweep took it first: the job is back at headquarters and the acceptance refused.
        assert isinstance(accepted, ValidationError), accepted
        assert accepted.message_dict == {"provider": ["This job is no longer with your service provider."]}
        assert (expired, ticket.provider_id, ticket.provider_accepted_at) == (1, None, None)
        assert (kinds, told) == ([EventKind.PROVIDER_OFFERED, EventKind.ESCALATED], 2)
