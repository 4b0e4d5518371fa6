"""tickets/transitions.py: the lifecycle table, role rules and guards. No database."""

from dataclasses import replace

import pytest

from aftersales.roles import Role
from tickets.choices import Kind, Status
from tickets.transitions import CUSTOMER as CUSTOMER_ROLE
from tickets.transitions import MOVES, TicketState, UnknownMove, blockers, get_move, moves_for, target_of

NOT_FROM_HERE = "This move is not possible from the current status."
ROLE_DENIED = "Your role does not allow this move."
NEEDS_STATION = "Assign a service station or a technician before dispatching."
NEEDS_TECHNICIAN = "Assign a technician before starting the work."
NEEDS_RESOLUTION = "Record the resolution (the work done) before resolving."
NEEDS_ANALYSIS = "A repair needs its fault code, component and root cause before it can be resolved."
NEEDS_SITE_WORK = "A repair, installation or maintenance is resolved after the technician's work has started."
NEEDS_NOTE = "Give the reason in the note."
NEEDS_TARGET = "Choose the ticket this one duplicates."
NEEDS_HELD_FROM = "The status before the pause is not known."
NEEDS_CALLBACK = "Call the customer back first: the after-service callback is not done yet."

AGENT = frozenset({Role.AGENT})
MANAGER = frozenset({Role.MANAGER})
ADMIN = frozenset({Role.ADMIN})
TECHNICIAN = frozenset({Role.TECHNICIAN})
DEPARTMENT = frozenset({Role.DEPARTMENT})
NO_ROLE: frozenset[str] = frozenset()

S = Status
# The lifecycle of docs/lifecycle.md#every-move, written out independently of the code under test.
SOURCES: dict[str, tuple[str, ...]] = {
    "acknowledge": (S.NEW, S.REOPENED),
    "dispatch": (S.NEW, S.ACKNOWLEDGED, S.REOPENED),
    "start": (S.DISPATCHED,),
    "hold": (S.NEW, S.ACKNOWLEDGED, S.DISPATCHED, S.IN_PROGRESS, S.REOPENED),
    "resume": (S.ON_HOLD,),
    "resolve": (S.ACKNOWLEDGED, S.IN_PROGRESS, S.REOPENED),
    "verify": (S.RESOLVED,),
    "close": (S.VERIFIED,),
    "reopen": (S.RESOLVED, S.VERIFIED, S.CLOSED),
    "cancel": (S.NEW, S.ACKNOWLEDGED, S.DISPATCHED, S.ON_HOLD, S.REOPENED),
    "customer_cancel": (S.NEW, S.ACKNOWLEDGED),
    "customer_reopen": (S.RESOLVED, S.VERIFIED, S.CLOSED),
    "merge": (S.NEW, S.ACKNOWLEDGED, S.ON_HOLD, S.REOPENED),
}
TARGETS: dict[str, str] = {
    "acknowledge": S.ACKNOWLEDGED,
    "dispatch": S.DISPATCHED,
    "start": S.IN_PROGRESS,
    "hold": S.ON_HOLD,
    "resolve": S.RESOLVED,
    "verify": S.VERIFIED,
    "close": S.CLOSED,
    "reopen": S.REOPENED,
    "cancel": S.CANCELLED,
    "customer_cancel": S.CANCELLED,
    "customer_reopen": S.REOPENED,
    "merge": S.MERGED,
}
MOVES_FROM_THEIR_SOURCES = [(name, status) for name, sources in SOURCES.items() for status in sources]
TECHNICIAN_MOVES = {"start", "hold", "resume", "resolve"}
CUSTOMER_MOVES = {"customer_cancel", "customer_reopen"}
STAFF_MOVES = set(SOURCES) - CUSTOMER_MOVES
CUSTOMER = frozenset({CUSTOMER_ROLE})


def ready(status: str, kind: str = Kind.CONSULTATION) -> TicketState:
    """A ticket with every guard's condition met, so only status and role decide."""
    return TicketState(
        status=status,
        kind=kind,
        has_station=True,
        has_assignee=True,
        has_work_done=True,
        has_fault_analysis=True,
        held_from=S.ACKNOWLEDGED,
        has_merge_target=True,
    )


def test_the_table_covers_every_move_once():
    assert [move.name for move in MOVES] == list(SOURCES)


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("move_name", list(SOURCES))
def test_every_move_from_every_status(move_name, status):
    expected = [] if status in SOURCES[move_name] else [NOT_FROM_HERE]
    roles = CUSTOMER if move_name in CUSTOMER_MOVES else AGENT
    assert blockers(get_move(move_name), ready(status), roles, note="Customer asked.") == expected


@pytest.mark.parametrize("status", [S.CLOSED, S.CANCELLED, S.MERGED])
def test_final_statuses_allow_nothing_but_reopening_a_closed_ticket(status):
    allowed = [move.name for move in MOVES if not blockers(move, ready(status), ADMIN, note="Reason.")]
    assert allowed == (["reopen"] if status == S.CLOSED else [])


@pytest.mark.parametrize(("move_name", "target"), list(TARGETS.items()))
def test_targets(move_name, target):
    assert target_of(get_move(move_name), ready(SOURCES[move_name][0])) == target


@pytest.mark.parametrize("held_from", [S.NEW, S.ACKNOWLEDGED, S.DISPATCHED, S.IN_PROGRESS, S.REOPENED])
def test_resume_goes_back_to_the_status_before_the_pause(held_from):
    state = replace(ready(S.ON_HOLD), held_from=held_from)
    move = get_move("resume")
    assert blockers(move, state, TECHNICIAN) == []
    assert target_of(move, state) == held_from


def test_resume_without_held_from_is_blocked():
    state = replace(ready(S.ON_HOLD), held_from="")
    assert blockers(get_move("resume"), state, AGENT) == [NEEDS_HELD_FROM]


@pytest.mark.parametrize(("move_name", "status"), MOVES_FROM_THEIR_SOURCES)
@pytest.mark.parametrize(
    ("roles", "allowed_moves"),
    [
        (AGENT, STAFF_MOVES),
        (MANAGER, STAFF_MOVES),
        (ADMIN, STAFF_MOVES),
        (TECHNICIAN, TECHNICIAN_MOVES),
        (CUSTOMER, CUSTOMER_MOVES),
        (DEPARTMENT, set()),
        (NO_ROLE, set()),
        (frozenset({Role.TECHNICIAN, Role.DEPARTMENT}), TECHNICIAN_MOVES),
    ],
)
def test_role_rules(move_name, status, roles, allowed_moves):
    state = ready(status)
    expected = [] if move_name in allowed_moves else [ROLE_DENIED]
    assert blockers(get_move(move_name), state, roles, note="Reason.") == expected


def test_status_is_checked_before_the_role():
    assert blockers(get_move("verify"), ready(S.NEW), DEPARTMENT) == [NOT_FROM_HERE]


@pytest.mark.parametrize(
    ("status", "roles", "expected"),
    [
        (S.NEW, AGENT, ["acknowledge", "dispatch", "hold", "cancel", "merge"]),
        (S.NEW, TECHNICIAN, ["hold"]),
        (S.ACKNOWLEDGED, AGENT, ["dispatch", "hold", "resolve", "cancel", "merge"]),
        (S.DISPATCHED, TECHNICIAN, ["start", "hold"]),
        (S.DISPATCHED, MANAGER, ["start", "hold", "cancel"]),
        (S.IN_PROGRESS, TECHNICIAN, ["hold", "resolve"]),
        (S.IN_PROGRESS, AGENT, ["hold", "resolve"]),
        (S.ON_HOLD, TECHNICIAN, ["resume"]),
        (S.ON_HOLD, AGENT, ["resume", "cancel", "merge"]),
        (S.RESOLVED, AGENT, ["verify", "reopen"]),
        (S.RESOLVED, TECHNICIAN, []),
        (S.VERIFIED, AGENT, ["close", "reopen"]),
        (S.CLOSED, ADMIN, ["reopen"]),
        (S.REOPENED, AGENT, ["acknowledge", "dispatch", "hold", "resolve", "cancel", "merge"]),
        (S.CANCELLED, ADMIN, []),
        (S.MERGED, ADMIN, []),
        (S.NEW, CUSTOMER, ["customer_cancel"]),
        (S.DISPATCHED, CUSTOMER, []),
        (S.RESOLVED, CUSTOMER, ["customer_reopen"]),
        (S.NEW, DEPARTMENT, []),
        (S.IN_PROGRESS, DEPARTMENT, []),
    ],
)
def test_moves_for(status, roles, expected):
    assert [move.name for move in moves_for(ready(status), roles)] == expected


@pytest.mark.parametrize(
    ("has_station", "has_assignee", "expected"),
    [
        (False, False, [NEEDS_STATION]),
        (True, False, []),
        (False, True, []),
        (True, True, []),
    ],
)
def test_dispatch_needs_a_station_or_a_technician(has_station, has_assignee, expected):
    state = replace(ready(S.ACKNOWLEDGED), has_station=has_station, has_assignee=has_assignee)
    assert blockers(get_move("dispatch"), state, AGENT) == expected


@pytest.mark.parametrize(
    ("has_station", "has_assignee", "expected"),
    [
        (False, False, [NEEDS_TECHNICIAN]),
        (True, False, [NEEDS_TECHNICIAN]),
        (False, True, []),
    ],
)
def test_start_needs_a_technician(has_station, has_assignee, expected):
    state = replace(ready(S.DISPATCHED), has_station=has_station, has_assignee=has_assignee)
    assert blockers(get_move("start"), state, AGENT) == expected


@pytest.mark.parametrize(
    ("kind", "status", "has_work_done", "has_fault_analysis", "expected"),
    [
        # Repairs: on site, with the work and the fault analysis recorded.
        (Kind.REPAIR, S.IN_PROGRESS, True, True, []),
        (Kind.REPAIR, S.IN_PROGRESS, False, True, [NEEDS_RESOLUTION]),
        (Kind.REPAIR, S.IN_PROGRESS, True, False, [NEEDS_ANALYSIS]),
        (Kind.REPAIR, S.IN_PROGRESS, False, False, [NEEDS_RESOLUTION, NEEDS_ANALYSIS]),
        (Kind.REPAIR, S.ACKNOWLEDGED, True, True, [NEEDS_SITE_WORK]),
        (Kind.REPAIR, S.REOPENED, True, True, [NEEDS_SITE_WORK]),
        (Kind.REPAIR, S.ACKNOWLEDGED, False, False, [NEEDS_SITE_WORK, NEEDS_RESOLUTION, NEEDS_ANALYSIS]),
        # Installation and maintenance: on site, no fault analysis needed.
        (Kind.INSTALLATION, S.IN_PROGRESS, True, False, []),
        (Kind.INSTALLATION, S.IN_PROGRESS, False, False, [NEEDS_RESOLUTION]),
        (Kind.INSTALLATION, S.ACKNOWLEDGED, True, False, [NEEDS_SITE_WORK]),
        (Kind.MAINTENANCE, S.IN_PROGRESS, True, False, []),
        (Kind.MAINTENANCE, S.REOPENED, True, False, [NEEDS_SITE_WORK]),
        (Kind.MAINTENANCE, S.ACKNOWLEDGED, False, False, [NEEDS_SITE_WORK, NEEDS_RESOLUTION]),
        # Consultations and complaints may be resolved at the desk.
        (Kind.CONSULTATION, S.ACKNOWLEDGED, True, False, []),
        (Kind.CONSULTATION, S.REOPENED, True, False, []),
        (Kind.CONSULTATION, S.IN_PROGRESS, True, False, []),
        (Kind.CONSULTATION, S.ACKNOWLEDGED, False, False, [NEEDS_RESOLUTION]),
        (Kind.COMPLAINT, S.ACKNOWLEDGED, True, False, []),
        (Kind.COMPLAINT, S.REOPENED, True, False, []),
        (Kind.COMPLAINT, S.ACKNOWLEDGED, False, False, [NEEDS_RESOLUTION]),
    ],
)
def test_resolve_guards(kind, status, has_work_done, has_fault_analysis, expected):
    state = replace(ready(status, kind), has_work_done=has_work_done, has_fault_analysis=has_fault_analysis)
    assert blockers(get_move("resolve"), state, TECHNICIAN) == expected


@pytest.mark.parametrize(("move_name", "status"), [("hold", S.IN_PROGRESS), ("reopen", S.CLOSED), ("cancel", S.NEW)])
@pytest.mark.parametrize(("note", "expected"), [("", [NEEDS_NOTE]), ("   \n", [NEEDS_NOTE]), ("Customer away.", [])])
def test_notes_required(move_name, status, note, expected):
    move = get_move(move_name)
    assert move.needs_note is True
    assert blockers(move, ready(status), ADMIN, note=note) == expected


@pytest.mark.parametrize("move_name", sorted(set(SOURCES) - {"hold", "reopen", "cancel", "customer_reopen"}))
def test_other_moves_need_no_note(move_name):
    move = get_move(move_name)
    assert move.needs_note is False
    roles = CUSTOMER if move_name in CUSTOMER_MOVES else ADMIN
    assert blockers(move, ready(SOURCES[move_name][0]), roles, note="") == []


@pytest.mark.parametrize(("has_merge_target", "expected"), [(False, [NEEDS_TARGET]), (True, [])])
def test_merge_needs_a_target(has_merge_target, expected):
    state = replace(ready(S.NEW), has_merge_target=has_merge_target)
    assert blockers(get_move("merge"), state, AGENT) == expected


def test_blockers_are_plain_strings():
    reasons = blockers(get_move("dispatch"), replace(ready(S.NEW), has_station=False, has_assignee=False), AGENT)
    assert [type(reason) for reason in reasons] == [str]


def test_unknown_move():
    with pytest.raises(UnknownMove):
        get_move("teleport")


@pytest.mark.parametrize(
    ("blocked_by_hooks", "expected"),
    [
        ((("verify", NEEDS_CALLBACK),), [NEEDS_CALLBACK]),
        ((("reopen", "Another move's reason."),), []),
        ((), []),
    ],
)
def test_verifying_is_blocked_by_the_reasons_of_the_guards_other_apps_registered(blocked_by_hooks, expected):
    # Follow-ups register the guard "the after-service callback is settled" (tickets/hooks.py);
    # tests/tickets/test_hooks.py checks it against the database.
    state = replace(ready(S.RESOLVED), blocked_by_hooks=blocked_by_hooks)
    assert blockers(get_move("verify"), state, AGENT) == expected
