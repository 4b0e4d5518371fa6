"""The one registry through which tickets calls the work of the apps above it.

``tickets`` sits below ``followups`` and ``warranty`` and never imports them (.importlinter).
Where a change to a ticket must also do their work in the same transaction, where a move waits
on their data, or where a ticket's page or timeline shows their data, the higher app registers
a function here from its ``AppConfig.ready()``, and tickets calls every registered function at
one fixed point. The registrations are plain lists and dicts, filled once at start-up, in the
order of ``INSTALLED_APPS``; nothing is registered later or taken out.

What may be registered, who registers what, and where tickets calls it:

``on_resolved`` — ``function(ticket, *, by, now)``
    Called by ``ticket_transition`` (tickets/services/lifecycle.py) in the resolving transaction,
    after the status event is on the timeline and before the customer is told. followups
    registers ``followups.ticket_hooks.on_resolved``: schedule the after-service callback (and an
    installation's 7- and 30-day calls; no-leak 3), then feed a repair's quality fault back to its
    department (no-leak 4), in that order. sales registers ``sales.finding.on_resolved``: the
    lead rules are asked about the job (docs/sales.md#the-rules).

``on_reopened`` — ``function(ticket, *, by, now)``
    Called by ``ticket_transition`` in the reopening transaction, at the same point. followups
    registers ``followups.ticket_hooks.on_reopened``: the after-service callback still due is
    cancelled (the next resolution schedules its own).

``on_verified`` — ``function(ticket, *, by, now)``
    Called by ``ticket_transition`` in the verifying transaction (the after-service callback is
    settled by then: the ``verify`` move waits on it), after the status event. settlements
    registers ``settlements.lines.on_verified``: a verified warranty job's settlement line.

``move_guards`` — ``{move name: [function(ticket) -> reason or None]}``
    Guards of moves that depend on a higher app's data. ``state_of`` (tickets/services/lifecycle.py)
    runs the guards of every move open from the ticket's status, once, and their reasons block the
    move exactly like the guards of tickets/transitions.py. followups registers for ``verify``
    ``followups.ticket_hooks.callback_not_settled``: a resolved ticket is not verified (and so not
    closed) until its after-service callback is settled (no-leak 3).

``resolved_message_context`` — ``[function(ticket) -> dict]``
    Extra values of the "resolved" message to the customer (tickets/messages.py), computed in the
    customer's language after ``on_resolved`` ran. followups registers
    ``followups.ticket_hooks.resolved_message_context``: the link to the after-service survey.

``ticket_page_context`` — ``[function(ticket) -> dict]``
    Extra values of the desk's ticket page (tickets/views.py). warranty registers
    ``warranty.ticket_hooks.ticket_page_context`` (the ticket's claims); followups registers
    ``followups.ticket_hooks.ticket_page_context`` (its ratings and callbacks).

``register_timeline_texts(texts)``
    Adds system texts to the timeline's registry (``tickets.timeline_texts.TEXTS``), so events
    of the higher apps are stored as codes and read in each reader's language. warranty registers
    ``warranty.timeline_texts.TEXTS`` (``claim.*``); followups registers
    ``followups.timeline_texts.TEXTS`` (``callback.*`` and ``feedback.*``).

``on_dispatch_withdrawn`` — ``function(ticket, *, by, reason, now)``
    Called by tickets/services/provider_offers.py in the transaction that takes a job away from
    the provider or station that had it (given back by the provider, its offer run out, or
    offered elsewhere), with the ticket row locked, before its station and technician are cleared.
    fieldwork registers ``fieldwork.booking.hooks.cancel_visits_to_come``: the ticket's visits still
    to come are cancelled with ``reason``, so no technician turns up for a job that is no longer theirs.

Each app's ``apps.py`` lists what it registers. A function or a timeline code registered twice,
or a guard for a move that does not exist, is a mistake at start-up and raises ``ValueError``;
tests/tickets/test_hooks.py checks that every registration above is in place.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from django.contrib.auth.models import AbstractBaseUser

from tickets import timeline_texts
from tickets.models import Ticket
from tickets.transitions import MOVES_BY_NAME


class LifecycleHook(Protocol):
    def __call__(self, ticket: Ticket, *, by: AbstractBaseUser | None, now: dt.datetime) -> None: ...


# A guard of a move: the reason it is blocked, or None.
MoveGuard = Callable[[Ticket], "str | None"]
# Extra values for a message or a page about one ticket.
ContextProvider = Callable[[Ticket], Mapping[str, Any]]

on_resolved: list[LifecycleHook] = []
on_reopened: list[LifecycleHook] = []
on_verified: list[LifecycleHook] = []
move_guards: dict[str, list[MoveGuard]] = {}
resolved_message_context: list[ContextProvider] = []
ticket_page_context: list[ContextProvider] = []
on_dispatch_withdrawn: list[Callable[..., None]] = []


def _add(registry: list, function: Callable) -> None:
    if function in registry:
        raise ValueError(f"{function.__qualname__} is registered already.")
    registry.append(function)


def register_on_resolved(function: LifecycleHook) -> None:
    _add(on_resolved, function)


def register_on_reopened(function: LifecycleHook) -> None:
    _add(on_reopened, function)


def register_on_verified(function: LifecycleHook) -> None:
    _add(on_verified, function)


def register_move_guard(move: str, guard: MoveGuard) -> None:
    if move not in MOVES_BY_NAME:
        raise ValueError(f"No move is called {move!r}.")
    _add(move_guards.setdefault(move, []), guard)


def register_resolved_message_context(function: ContextProvider) -> None:
    _add(resolved_message_context, function)


def register_ticket_page_context(function: ContextProvider) -> None:
    _add(ticket_page_context, function)


def register_on_dispatch_withdrawn(function: Callable[..., None]) -> None:
    _add(on_dispatch_withdrawn, function)


def register_timeline_texts(texts: Mapping[str, timeline_texts.SystemText]) -> None:
    taken = sorted(set(texts) & set(timeline_texts.TEXTS))
    if taken:
        raise ValueError(f"Timeline texts registered already: {', '.join(taken)}.")
    timeline_texts.TEXTS.update(texts)


# --- called by tickets ------------------------------------------------------------------------------


def run_on_resolved(ticket: Ticket, *, by: AbstractBaseUser | None, now: dt.datetime) -> None:
    for function in on_resolved:
        function(ticket, by=by, now=now)


def run_on_reopened(ticket: Ticket, *, by: AbstractBaseUser | None, now: dt.datetime) -> None:
    for function in on_reopened:
        function(ticket, by=by, now=now)


def run_on_verified(ticket: Ticket, *, by: AbstractBaseUser | None, now: dt.datetime) -> None:
    for function in on_verified:
        function(ticket, by=by, now=now)


def run_on_dispatch_withdrawn(ticket: Ticket, *, by: AbstractBaseUser | None, reason: str, now: dt.datetime) -> None:
    for function in on_dispatch_withdrawn:
        function(ticket, by=by, reason=reason, now=now)


def move_blockers(ticket: Ticket) -> tuple[tuple[str, str], ...]:
    """The registered guards' reasons, as (move, reason), for the moves open from the ticket's status."""
    return tuple(
        (move, reason)
        for move, guards in move_guards.items()
        if ticket.status in MOVES_BY_NAME[move].sources
        for guard in guards
        if (reason := guard(ticket)) is not None
    )


def extra_context(providers: list[ContextProvider], ticket: Ticket) -> dict[str, Any]:
    """The values every provider adds, in the order they were registered."""
    context: dict[str, Any] = {}
    for provider in providers:
        context |= provider(ticket)
    return context
