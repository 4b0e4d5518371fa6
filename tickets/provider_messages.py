"""Who hears of a job dispatched to a service provider, and what they are told
(docs/network-dispatch.md).

A new offer is emailed to the provider's agents and managers, and to the provider's own address
when it has one; an offer that runs out is emailed to headquarters' managers. Every email goes
through the outbox in the caller's transaction (sent after the commit), in the language staff
emails are sent in, with the deadline in business time. Each person is told once per offer.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation

from aftersales.roles import Role, managers
from customers.models import Channel
from network.models import ServiceProvider
from notifications.services import notify_staff, queue_message
from tickets.messages import absolute
from tickets.models import ServiceStation, Ticket

OFFER_TEMPLATE = "provider_offer"
EXPIRED_TEMPLATE = "provider_offer_expired"


def provider_dispatchers(provider: ServiceProvider) -> QuerySet:
    """The provider's active agents and managers with an email address: who accepts its jobs."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True, provider_membership__provider=provider, groups__name__in=[Role.AGENT, Role.MANAGER]
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def headquarters_managers() -> QuerySet:
    """The active managers of headquarters (no provider's staff) with an email address."""
    return managers().filter(provider_membership__isnull=True).order_by("pk")


def _moment(value: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(value, timezone.get_default_timezone()), "SHORT_DATETIME_FORMAT")


def _context(ticket: Ticket, provider: ServiceProvider, station: ServiceStation | None, due: dt.datetime) -> dict:
    """The email's values, worded in the language staff emails are sent in (``notify_staff``)."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "reference": ticket.reference,
            "provider": provider.display_name,
            "station": station.display_name if station is not None else "",
            "kind": str(ticket.get_kind_display()),
            "region": ticket.customer.region,
            "due": _moment(due),
            "ticket_url": absolute(reverse("desk:ticket", args=[ticket.reference])),
        }


def tell_provider_of_offer(
    ticket: Ticket, *, provider: ServiceProvider, station: ServiceStation | None, offered_at: dt.datetime
) -> None:
    """Email a new offer to the provider's agents and managers and to the provider's address."""
    context = _context(ticket, provider, station, ticket.provider_accept_due)
    key = f"provider-offer:{ticket.pk}:{offered_at.isoformat()}"
    told = set()
    for person in provider_dispatchers(provider):
        notify_staff(user=person, template=OFFER_TEMPLATE, context=context, dedupe_key=f"{key}:{person.pk}")
        told.add(person.email.lower())
    if provider.email and provider.email.lower() not in told:
        queue_message(
            channel=Channel.EMAIL,
            recipient=provider.email,
            template=OFFER_TEMPLATE,
            language=settings.LANGUAGE_CODE,
            context=context,
            dedupe_key=f"{key}:provider",
        )


def tell_managers_offer_expired(
    ticket: Ticket, *, provider: ServiceProvider, due: dt.datetime, recipients: list[AbstractBaseUser]
) -> None:
    """Email headquarters' managers that ``provider`` let its offer of ``ticket`` run out."""
    context = _context(ticket, provider, None, due)
    for person in recipients:
        notify_staff(
            user=person,
            template=EXPIRED_TEMPLATE,
            context=context,
            dedupe_key=f"provider-offer-expired:{ticket.pk}:{due.isoformat()}:{person.pk}",
        )
