"""Dispatching a job to a service provider: offer, accept, give back, and offers that run out
(docs/network-dispatch.md). The one write path of a ticket's provider.

Headquarters offers a job to a provider, or to one of its stations. The provider's agents and
managers accept it within the provider's ``accept_hours`` of business time; until then the job
is offered, and its staff see it. A provider may give a job back with a reason. An offer not
accepted by its deadline returns to headquarters on its own, escalated: headquarters' managers
are told and the desk marks the ticket (no-leak 2: no job waits unseen at a provider).

Every step locks the ticket row, counts its version up and writes one timeline event. The row
is found with the base manager: a provider's staff act on a job that may have left their
provider's scope since they loaded it (given back, or run out), and are then told so, not
answered with a missing row. A job taken from a provider or station keeps none of its visits
(``tickets.hooks.on_dispatch_withdrawn``).
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.roles import provider_of, sees_all_tickets
from network.models import ServiceProvider
from tickets import hooks
from tickets.choices import OPEN_STATUSES, EventKind
from tickets.models import ServiceStation, Ticket
from tickets.provider_messages import headquarters_managers, tell_managers_offer_expired
from tickets.services.assignment import _deadlines_at_station
from tickets.services.locking import TicketConflict, save_ticket
from tickets.services.provider_terms import OFFER_FIELDS, is_headquarters, mark_offered, names
from tickets.services.timeline import append_event

# Why the system cancels the visits of a job it takes from a station: kept, like a typed reason,
# in the words of the site's default language.
OFFERED_ELSEWHERE = gettext_lazy("The job was offered to a service provider.")
NOT_ACCEPTED_IN_TIME = gettext_lazy("The service provider did not accept the job in time.")


def _system_reason(text) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def _lock(ticket: Ticket, expected_version: int | None) -> Ticket:
    """The ticket's row, locked, whichever provider it is with now (see the module docstring)."""
    locked = Ticket._base_manager.select_for_update().get(pk=ticket.pk)
    if expected_version is not None and locked.version != expected_version:
        raise TicketConflict()
    return locked


def _ensure_open(ticket: Ticket, field: str) -> None:
    if ticket.status not in OPEN_STATUSES:
        raise ValidationError({field: _("A resolved, closed, cancelled or merged ticket is not dispatched.")})


def _withdraw(ticket: Ticket, *, by: AbstractBaseUser | None, reason: str, now: dt.datetime) -> list[str]:
    """Take the job from the provider, station and technician that had it: their visits still to
    come are cancelled (fieldwork, through the hook) and the agreed visit is cleared. Returns the
    fields changed; the offer's own fields are the caller's."""
    if ticket.station_id is None and ticket.assignee_id is None and ticket.appointment_start is None:
        return []
    hooks.run_on_dispatch_withdrawn(ticket, by=by, reason=reason, now=now)
    ticket.station = ticket.assignee = None
    ticket.appointment_start = ticket.appointment_end = None
    return ["station", "assignee", "appointment_start", "appointment_end"]


def _clear_offer(ticket: Ticket, now: dt.datetime) -> None:
    ticket.provider = None
    ticket.provider_offered_at = ticket.provider_accept_due = ticket.provider_accepted_at = None
    ticket.provider_returned_at = now


@transaction.atomic
def offer(
    *,
    ticket: Ticket,
    provider: ServiceProvider,
    station: ServiceStation | None = None,
    by: AbstractBaseUser,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Headquarters offers the job to ``provider``, or to its ``station``: the provider has its
    ``accept_hours`` of business time, in the station's calendar (the organisation's default
    without one), to accept it. An offer not yet accepted may be made again, to the same or
    another provider, and starts a new deadline; a job its provider accepted must be given back
    first. The job leaves the station and technician it had unless the station is the one
    offered, and its deadlines still ahead count on in the new station's calendar."""
    now = now or timezone.now()
    if not is_headquarters(by):
        raise PermissionDenied(_("Only headquarters dispatches jobs to service providers."))
    ticket = _lock(ticket, expected_version)
    _ensure_open(ticket, "provider")
    errors: dict[str, str] = {}
    if not provider.is_active:
        errors["provider"] = _("This service provider is not active.")
    elif ticket.provider_accepted_at is not None:
        errors["provider"] = _(
            "%(provider)s has accepted this job: it must give it back before it is offered again."
        ) % {"provider": ticket.provider.display_name}
    if station is not None and station.provider_id != provider.pk:
        errors["station"] = _("This station does not belong to the chosen service provider.")
    elif station is not None and not station.is_active:
        errors["station"] = _("This service station is not active.")
    if errors:
        raise ValidationError(errors)
    fields: list[str] = []
    moves = station is None or station.pk != ticket.station_id
    if moves and station is not None:
        # Counted from the station the job leaves, before it leaves it.
        fields += _deadlines_at_station(ticket, station, now)
    if moves:
        fields += _withdraw(ticket, by=by, reason=_system_reason(OFFERED_ELSEWHERE), now=now)
    if station is not None:
        ticket.station = station
        fields.append("station")
    fields += mark_offered(ticket, provider=provider, station=station, by=by, now=now)
    save_ticket(ticket, sorted(set(fields)))
    return ticket


def _ensure_provider_staff(ticket: Ticket, by: AbstractBaseUser) -> None:
    """The provider's agents and managers act on its offers; anyone else is refused, and a
    provider's staff whose job has since left their provider are told so."""
    provider = provider_of(by)
    if provider is None or not sees_all_tickets(by):
        raise PermissionDenied(_("Only the service provider's agents and managers may do this."))
    if ticket.provider_id != provider:
        raise ValidationError({"provider": _("This job is no longer with your service provider.")})


@transaction.atomic
def accept(
    *, ticket: Ticket, by: AbstractBaseUser, expected_version: int | None = None, now: dt.datetime | None = None
) -> Ticket:
    """The provider takes on the job offered to it, up to the offer's deadline (included).
    Accepting a job already accepted changes nothing."""
    now = now or timezone.now()
    ticket = _lock(ticket, expected_version)
    _ensure_provider_staff(ticket, by)
    if ticket.provider_accepted_at is not None:
        return ticket
    _ensure_open(ticket, "provider")
    if ticket.provider_accept_due is not None and now > ticket.provider_accept_due:
        raise ValidationError({"provider": _("The time to accept this job has run out: it returns to headquarters.")})
    ticket.provider_accepted_at = now
    provider = ServiceProvider._base_manager.get(pk=ticket.provider_id)
    append_event(
        ticket,
        EventKind.PROVIDER_ACCEPTED,
        by,
        message=("provider.accepted", names(provider, "provider")),
        data={"provider": provider.code},
    )
    save_ticket(ticket, ["provider_accepted_at"])
    return ticket


@transaction.atomic
def return_to_headquarters(
    *,
    ticket: Ticket,
    by: AbstractBaseUser,
    reason: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """The provider gives the job back to headquarters, offered or accepted, with its reason: the
    job leaves the provider, its station and technician, its visits still to come are cancelled,
    and the provider's staff no longer see it. Headquarters finds it among the returned jobs."""
    now = now or timezone.now()
    ticket = _lock(ticket, expected_version)
    _ensure_provider_staff(ticket, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the job goes back to headquarters.")})
    _ensure_open(ticket, "reason")
    provider = ServiceProvider._base_manager.get(pk=ticket.provider_id)
    fields = _withdraw(ticket, by=by, reason=reason, now=now)
    _clear_offer(ticket, now)
    append_event(
        ticket,
        EventKind.PROVIDER_RETURNED,
        by,
        message=("provider.returned", {**names(provider, "provider"), "reason": reason}),
        data={"provider": provider.code},
    )
    save_ticket(ticket, sorted({*fields, *OFFER_FIELDS}))
    return ticket


def expire_offers(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Return to headquarters every job whose offer was not accepted by its deadline (strictly
    before ``now``), escalated: one timeline event naming who was told, the ticket marked
    escalated, and headquarters' managers emailed, once per offer. Returns how many.

    Each job in its own transaction, its row locked and its offer checked again: an acceptance
    that got the lock first wins, and a second sweep running at once finds nothing left to do.
    Test tickets return like any other but tell no one."""
    now = now or timezone.now()
    candidates = list(
        Ticket._base_manager.filter(
            provider__isnull=False,
            provider_accepted_at__isnull=True,
            provider_accept_due__lt=now,
            status__in=OPEN_STATUSES,
        )
        .order_by("provider_accept_due", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(_expire(pk, now) for pk in candidates)


@transaction.atomic
def _expire(pk: int, now: dt.datetime) -> bool:
    ticket = Ticket._base_manager.select_for_update().get(pk=pk)
    due = ticket.provider_accept_due
    if ticket.provider_id is None or ticket.provider_accepted_at is not None or due is None or due >= now:
        return False
    provider = ServiceProvider._base_manager.get(pk=ticket.provider_id)
    recipients = [] if ticket.is_test else list(headquarters_managers())
    fields = _withdraw(ticket, by=None, reason=_system_reason(NOT_ACCEPTED_IN_TIME), now=now)
    _clear_offer(ticket, now)
    ticket.escalated_at = now
    told = ", ".join(person.get_full_name() or person.get_username() for person in recipients)
    append_event(
        ticket,
        EventKind.ESCALATED,
        None,
        message=("provider.offer_expired", {**names(provider, "provider"), "due": due.isoformat(), "to": told}),
        data={"provider": provider.code, "due": due.isoformat(), "told": [person.pk for person in recipients]},
    )
    save_ticket(ticket, sorted({*fields, *OFFER_FIELDS, "escalated_at"}))
    tell_managers_offer_expired(ticket, provider=provider, due=due, recipients=recipients)
    return True
