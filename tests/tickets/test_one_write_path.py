"""One write path: only the lifecycle service writes a ticket's status.

``Ticket.status`` changes only through ``ticket_transition`` in tickets/services/lifecycle.py,
which checks the move against tickets/transitions.py, stamps its time, restarts the SLA clock
and writes the status event; a status written anywhere else would skip all of that. A new ticket
starts with the field's default (new).

An AST scan of the application's packages (not the tests, not the migrations) finds every way
code could write a ticket's status: ``<ticket>.status = …`` (and ``setattr``), a queryset of
``Ticket`` updated, created or bulk-updated with a ``status``, and ``Ticket(status=…)``.
Statuses of other models (a callback visit's, a claim's …) are written by their own services
through variables named for them (``NOT_TICKETS``); a ``.status`` assigned on anything else is
taken for a ticket's. The bulk seed (demo/management/commands/seed.py) writes generated history
as whole rows; that is demo data, not a change to a ticket.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("aftersales", "customers", "notifications", "tickets", "warranty", "followups", "quality", "portal", "demo")
# The one module that may write a ticket's status.
LIFECYCLE = "tickets/services/lifecycle.py"
# Variables that hold rows of other models with a status of their own.
NOT_TICKETS = frozenset({"visit", "claim", "unit", "item", "delivery", "message"})
WRITES = frozenset({"update", "create", "get_or_create", "update_or_create", "bulk_update"})


def _modules() -> list[Path]:
    return sorted(
        path for app in APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.relative_to(ROOT).parts
    )


def _last_name(node: ast.AST) -> str:
    """``ticket`` for ``ticket``, ``self.ticket`` or ``visit.ticket``; "" for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _root_names(node: ast.AST) -> set[str]:
    """Every name and attribute along a call chain: ``Ticket.objects.filter(...).update`` gives
    Ticket, objects, filter, update."""
    names: set[str] = set()
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            if isinstance(node, ast.Name):
                names.add(node.id)
            return names


def _mentions_status(node: ast.AST) -> bool:
    return any(isinstance(child, ast.Constant) and child.value == "status" for child in ast.walk(node))


def _status_writes(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for element in ast.walk(target):
                if (
                    isinstance(element, ast.Attribute)
                    and element.attr == "status"
                    and isinstance(element.ctx, ast.Store)
                    and _last_name(element.value) not in NOT_TICKETS
                ):
                    lines.append(node.lineno)
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) >= 2:
            if _mentions_status(node.args[1]) and _last_name(node.args[0]) not in NOT_TICKETS:
                lines.append(node.lineno)
        on_tickets = "Ticket" in _root_names(func) or "tickets" in _root_names(func)
        is_write = isinstance(func, ast.Name) and func.id == "Ticket" or _last_name(func) in WRITES
        if on_tickets and is_write:
            keywords = [keyword for keyword in node.keywords if keyword.arg in ("status", "defaults", None)]
            if any(keyword.arg == "status" or _mentions_status(keyword.value) for keyword in keywords) or (
                _last_name(func) == "bulk_update" and any(_mentions_status(arg) for arg in node.args[1:])
            ):
                lines.append(node.lineno)
    return sorted(set(lines))


def test_only_the_lifecycle_service_writes_a_tickets_status():
    writers = {}
    for path in _modules():
        lines = _status_writes(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        if lines:
            writers[path.relative_to(ROOT).as_posix()] = lines
    assert list(writers) == [LIFECYCLE], f"Ticket.status written outside {LIFECYCLE}: {writers}"


def test_the_scan_sees_each_way_of_writing_a_status():
    # The scan itself: each of these writes a ticket's status, none of the last three does.
    code = """
ticket.status = "resolved"
self.ticket.status = "closed"
setattr(complaint, "status", "new")
Ticket.objects.filter(pk=1).update(status="closed")
Ticket.objects.create(status="new")
Ticket.objects.get_or_create(pk=1, defaults={"status": "new"})
Ticket.objects.bulk_update(rows, ["status"])
customer.tickets.update(status="cancelled")
Ticket(reference="AS-1", status="new")
visit.status = "done"
CallbackVisit.objects.filter(pk=1).update(status="cancelled")
Ticket.objects.filter(status="new").update(breached_stage="new")
"""
    assert _status_writes(ast.parse(code)) == list(range(2, 11))
