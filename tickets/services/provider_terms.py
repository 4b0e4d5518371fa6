"""What every dispatch to a service provider shares (docs/network-dispatch.md): who counts as
headquarters, the deadline to accept in business hours, and writing the offer itself.

Kept apart from tickets/services/provider_offers.py so that the assignment service, which
dispatches too when headquarters gives a job straight to a provider's station, writes an offer
exactly as the offer service does, without either importing the other.
"""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser

from aftersales.roles import provider_of, sees_all_tickets
from customers.business_time import add_business_time
from network.models import ServiceProvider
from tickets.choices import EventKind
from tickets.models import ServiceStation, Ticket
from tickets.provider_messages import tell_provider_of_offer
from tickets.services.timeline import append_event
from tickets.sla.targets import calendar_for

OFFER_FIELDS = [
    "provider",
    "provider_offered_at",
    "provider_accept_due",
    "provider_accepted_at",
    "provider_returned_at",
]


def is_headquarters(user: AbstractBaseUser | None) -> bool:
    """Headquarters staff who dispatch work: agents, managers and administrators who belong to no
    service provider."""
    return user is not None and sees_all_tickets(user) and provider_of(user) is None


def accept_due_for(provider: ServiceProvider, station: ServiceStation | None, now: dt.datetime) -> dt.datetime:
    """The moment the provider must have accepted a job offered at ``now``: its ``accept_hours``
    of business time, counted in the calendar of the station the job is offered at (the
    organisation's default without one), so nights, Sundays and statutory holidays do not count
    and make-up working days do (customers/business_time.py)."""
    return add_business_time(now, dt.timedelta(hours=provider.accept_hours), calendar_for(station))


def names(row: ServiceProvider | ServiceStation, key: str) -> dict[str, str]:
    """A provider's or station's name in both languages, as timeline texts store it (``named``)."""
    return {key: row.name, f"{key}_zh": row.name_zh}


def mark_offered(
    ticket: Ticket, *, provider: ServiceProvider, station: ServiceStation | None, by: AbstractBaseUser, now: dt.datetime
) -> list[str]:
    """Offer the locked ``ticket`` to ``provider`` (at ``station``) from ``now``: the offer's fields
    (the caller saves them, with the fields it returns), one timeline event, and the provider's
    staff told through the outbox (sent after the commit). The caller has checked who offers and what."""
    due = accept_due_for(provider, station, now)
    ticket.provider = provider
    ticket.provider_offered_at, ticket.provider_accept_due = now, due
    ticket.provider_accepted_at = ticket.provider_returned_at = None
    params = {**names(provider, "provider"), "due": due.isoformat()}
    if station is not None:
        params |= names(station, "station")
    append_event(
        ticket,
        EventKind.PROVIDER_OFFERED,
        by,
        message=("provider.offered_station" if station is not None else "provider.offered", params),
        data={"provider": provider.code, "station": station.code if station else "", "due": due.isoformat()},
    )
    tell_provider_of_offer(ticket, provider=provider, station=station, offered_at=now)
    return list(OFFER_FIELDS)
