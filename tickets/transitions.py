"""The ticket lifecycle as data: allowed moves, who may make them, and guards.

Pure: no ORM, no clock, no settings. docs/lifecycle.md#every-move:
``new → acknowledged → dispatched → in_progress → resolved → verified → closed`` plus
``on_hold`` (customer-caused pause), ``reopened``, ``cancelled`` and ``merged``. A guard returns
the reason a move is blocked, or None; :func:`blockers` collects them (``[]`` = allowed), with the
reasons of the guards other apps registered (tickets/hooks.py), which the state carries.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from aftersales.roles import Role
from tickets.choices import FINAL_STATUSES, SERVICE_KINDS, Kind, Status


@dataclass(frozen=True)
class TicketState:
    """The facts about a ticket that decide which moves are open."""

    status: str
    kind: str
    has_station: bool = False
    has_assignee: bool = False
    has_work_done: bool = False
    has_fault_analysis: bool = False
    held_from: str = ""
    has_merge_target: bool = False
    # The reasons of the guards other apps registered (tickets/hooks.py), as (move, reason): a
    # resolved ticket is not verified while its after-service callback is due (no-leak 3).
    blocked_by_hooks: tuple[tuple[str, str], ...] = ()


Guard = Callable[[TicketState, str], "str | None"]


def needs_station_or_technician(state: TicketState, note: str) -> str | None:
    if not (state.has_station or state.has_assignee):
        return _("Assign a service station or a technician before dispatching.")
    return None


def needs_technician(state: TicketState, note: str) -> str | None:
    if not state.has_assignee:
        return _("Assign a technician before starting the work.")
    return None


def needs_resolution(state: TicketState, note: str) -> str | None:
    if not state.has_work_done:
        return _("Record the resolution (the work done) before resolving.")
    return None


def needs_fault_analysis_for_repairs(state: TicketState, note: str) -> str | None:
    # No-leak 4: every repair resolution carries a fault code, component and root cause.
    if state.kind == Kind.REPAIR and not state.has_fault_analysis:
        return _("A repair needs its fault code, component and root cause before it can be resolved.")
    return None


def needs_site_work_for_service_kinds(state: TicketState, note: str) -> str | None:
    # Only questions and complaints can be resolved at the desk; on-site work goes through a visit.
    if state.status != Status.IN_PROGRESS and state.kind in SERVICE_KINDS:
        return _("A repair, installation or maintenance is resolved after the technician's work has started.")
    return None


def needs_note(state: TicketState, note: str) -> str | None:
    if not note.strip():
        return _("Give the reason in the note.")
    return None


def needs_merge_target(state: TicketState, note: str) -> str | None:
    if not state.has_merge_target:
        return _("Choose the ticket this one duplicates.")
    return None


def needs_held_from(state: TicketState, note: str) -> str | None:
    if not state.held_from:
        return _("The status before the pause is not known.")
    return None


DESK = frozenset({Role.AGENT, Role.MANAGER, Role.ADMIN})
FIELD = DESK | {Role.TECHNICIAN}
# The customer acting on their own request through the portal (not a staff role).
CUSTOMER = "customer"


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    sources: frozenset[str]
    # None: back to the status the ticket was paused from.
    target: str | None
    roles: frozenset[str]
    guards: tuple[Guard, ...] = ()
    needs_note: bool = False


MOVES: tuple[Move, ...] = (
    Move("acknowledge", _("Acknowledge"), frozenset({Status.NEW, Status.REOPENED}), Status.ACKNOWLEDGED, DESK),
    Move(
        "dispatch",
        _("Dispatch"),
        frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.REOPENED}),
        Status.DISPATCHED,
        DESK,
        (needs_station_or_technician,),
    ),
    Move("start", _("Start work"), frozenset({Status.DISPATCHED}), Status.IN_PROGRESS, FIELD, (needs_technician,)),
    Move(
        "hold",
        _("Put on hold"),
        frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.DISPATCHED, Status.IN_PROGRESS, Status.REOPENED}),
        Status.ON_HOLD,
        FIELD,
        (needs_note,),
        needs_note=True,
    ),
    Move("resume", _("Resume"), frozenset({Status.ON_HOLD}), None, FIELD, (needs_held_from,)),
    Move(
        "resolve",
        _("Resolve"),
        frozenset({Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.REOPENED}),
        Status.RESOLVED,
        FIELD,
        (needs_site_work_for_service_kinds, needs_resolution, needs_fault_analysis_for_repairs),
    ),
    # Follow-ups guard it: not while the after-service callback is due (tickets/hooks.py).
    Move("verify", _("Verify"), frozenset({Status.RESOLVED}), Status.VERIFIED, DESK),
    Move("close", _("Close"), frozenset({Status.VERIFIED}), Status.CLOSED, DESK),
    Move(
        "reopen",
        _("Reopen"),
        frozenset({Status.RESOLVED, Status.VERIFIED, Status.CLOSED}),
        Status.REOPENED,
        DESK,
        (needs_note,),
        needs_note=True,
    ),
    Move(
        "cancel",
        _("Cancel"),
        frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.DISPATCHED, Status.ON_HOLD, Status.REOPENED}),
        Status.CANCELLED,
        DESK,
        (needs_note,),
        needs_note=True,
    ),
    # A customer may withdraw a request until a technician has been dispatched.
    Move(
        "customer_cancel",
        _("Cancel my request"),
        frozenset({Status.NEW, Status.ACKNOWLEDGED}),
        Status.CANCELLED,
        frozenset({CUSTOMER}),
    ),
    # A customer's bad rating or complaint on the after-service survey reopens the case.
    Move(
        "customer_reopen",
        _("Reopen after the customer's feedback"),
        frozenset({Status.RESOLVED, Status.VERIFIED, Status.CLOSED}),
        Status.REOPENED,
        frozenset({CUSTOMER}),
        (needs_note,),
        needs_note=True,
    ),
    Move(
        "merge",
        _("Merge into another ticket"),
        frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.ON_HOLD, Status.REOPENED}),
        Status.MERGED,
        DESK,
        (needs_merge_target,),
    ),
)
MOVES_BY_NAME: dict[str, Move] = {move.name: move for move in MOVES}


class UnknownMove(KeyError):
    pass


def get_move(name: str) -> Move:
    try:
        return MOVES_BY_NAME[name]
    except KeyError as exc:
        raise UnknownMove(name) from exc


def target_of(move: Move, state: TicketState) -> str:
    return move.target if move.target is not None else state.held_from


def blockers(move: Move, state: TicketState, roles: frozenset[str], note: str = "") -> list[str]:
    """Every reason ``move`` cannot be made now by someone with ``roles``; [] when allowed."""
    if state.status not in move.sources:
        return [_("This move is not possible from the current status.")]
    if not roles & move.roles:
        return [_("Your role does not allow this move.")]
    reasons = [str(reason) for guard in move.guards if (reason := guard(state, note)) is not None]
    return reasons + [str(reason) for name, reason in state.blocked_by_hooks if name == move.name]


def moves_for(state: TicketState, roles: frozenset[str]) -> list[Move]:
    """The moves from the current status that the user's role may make (guards checked later)."""
    return [move for move in MOVES if state.status in move.sources and roles & move.roles]


# What the ticket page offers besides the moves, by state and role, as the services decide it:
# a closed, cancelled or merged ticket is no longer assigned (tickets/services/assignment.py) and
# its resolution no longer changes (tickets/services/resolution.py); only desk roles assign.


def may_assign(state: TicketState, roles: frozenset[str]) -> bool:
    """The ticket can still be given to a station and a technician, and its visit agreed."""
    return state.status not in FINAL_STATUSES and bool(roles & DESK)


def may_record_resolution(state: TicketState, roles: frozenset[str]) -> bool:
    """The ticket's resolution (fault analysis, work, parts, charge) can still be recorded."""
    return state.status not in FINAL_STATUSES and bool(roles & FIELD)
