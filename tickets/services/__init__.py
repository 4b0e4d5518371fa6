"""Writes for tickets: create, move through the lifecycle, assign, note, resolve.

Every write runs in one transaction, locks the ticket row, checks the version the user saw, and
appends exactly one timeline event per change (docs/architecture.md#house-rules; docs/lifecycle.md). One module
per kind of change:

- creation.py: logging a contact as a ticket;
- lifecycle.py: moving it through its statuses, the only code that writes ``Ticket.status``;
- assignment.py: the station, the technician and the agreed visit;
- resolution.py: the work done and the fault analysis;
- timeline.py: the timeline's events and the notes people add;
- locking.py: the row lock, the version check and who may act, shared by all of them.

This package's names are the public face other apps and the interfaces use.
"""

from tickets.services.assignment import ticket_assign
from tickets.services.creation import open_duplicates, ticket_create
from tickets.services.lifecycle import state_of, ticket_transition
from tickets.services.locking import TicketConflict, ensure_may_act, lock_ticket, save_ticket
from tickets.services.resolution import parse_amount, ticket_record_resolution
from tickets.services.timeline import append_event, ticket_add_note

__all__ = [
    "TicketConflict",
    "append_event",
    "ensure_may_act",
    "lock_ticket",
    "open_duplicates",
    "parse_amount",
    "save_ticket",
    "state_of",
    "ticket_add_note",
    "ticket_assign",
    "ticket_create",
    "ticket_record_resolution",
    "ticket_transition",
]
