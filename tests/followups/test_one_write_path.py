"""One write path for ratings and callbacks, checked in the source of every app.

A satisfaction rating is created only by followups/ratings.py, and what counts as dissatisfied
is defined there once; a callback visit and its attempts (status, results, ratings, complaint)
are written only by followups/callbacks/services.py. Views, forms, the admin, the API, tasks and
the other apps call those services. A new writer anywhere else fails here before it ships.

The volume seed (demo's ``_seed_*.py``) writes generated history straight to the tables through
its own writer, bypassing every service by design; it never calls the ORM's writes on these
models, so it is not an exception here.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("aftersales", "customers", "notifications", "tickets", "warranty", "followups", "quality", "portal", "demo")
WRITES = frozenset({"create", "bulk_create", "get_or_create", "update_or_create", "update", "bulk_update", "delete"})
RATINGS_SERVICE = "followups/ratings.py"
CALLBACKS_SERVICE = "followups/callbacks/services.py"
# Fields only a callback visit has: its call's results.
CALLBACK_RESULT_FIELDS = frozenset(
    {"score_attitude", "score_punctuality", "score_quality", "score_overall", "complaint_ticket"}
)


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


MODULES = dict(_modules())


def _chain(node: ast.expr) -> tuple[str | None, list[str]]:
    """The name a chain like ``Model.objects.filter(...).update`` starts from, and its attributes."""
    attributes = []
    while True:
        if isinstance(node, ast.Attribute):
            attributes.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return (node.id if isinstance(node, ast.Name) else None), attributes


def _orm_writes(tree: ast.Module, model: str, related_names: frozenset[str]) -> list[int]:
    """Lines that build a ``model`` instance or call an ORM write on its manager, a queryset of
    it, or a related manager named in ``related_names`` (``ticket.ratings.create(...)``)."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == model:
            lines.append(node.lineno)
        elif isinstance(func, ast.Attribute) and func.attr in WRITES:
            root, attributes = _chain(func.value)
            if root == model or related_names & set(attributes):
                lines.append(node.lineno)
    return lines


def _mentions(node: ast.AST, name: str) -> bool:
    return any(isinstance(child, ast.Name) and child.id == name for child in ast.walk(node))


def _callback_field_assignments(tree: ast.Module) -> list[int]:
    """Lines that assign a callback visit's status (a ``CallbackStatus`` value, or any status of
    something called a visit) or one of its call results."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                if not isinstance(element, ast.Attribute):
                    continue
                root, _attributes = _chain(element.value)
                if element.attr in CALLBACK_RESULT_FIELDS:
                    lines.append(node.lineno)
                elif element.attr == "status" and (
                    (value is not None and _mentions(value, "CallbackStatus")) or "visit" in (root or "")
                ):
                    lines.append(node.lineno)
    return lines


def _elsewhere(found: dict[str, list[int]], allowed: str) -> list[str]:
    return [f"{path}:{line}" for path, lines in sorted(found.items()) if path != allowed for line in lines]


def test_the_scan_reads_every_app():
    assert RATINGS_SERVICE in MODULES
    assert CALLBACKS_SERVICE in MODULES
    assert {path.split("/")[0] for path in MODULES} == set(APPS)


def test_only_the_ratings_service_creates_a_rating():
    found = {path: _orm_writes(tree, "SatisfactionRating", frozenset({"ratings"})) for path, tree in MODULES.items()}
    assert _elsewhere(found, RATINGS_SERVICE) == []
    # The check sees the writer it allows: it would see another.
    assert found[RATINGS_SERVICE]


def test_only_the_callback_services_write_a_callback_or_its_attempts():
    found = {
        path: _orm_writes(tree, "CallbackVisit", frozenset({"callbacks"}))
        + _orm_writes(tree, "CallbackAttempt", frozenset({"attempts"}))
        + _callback_field_assignments(tree)
        for path, tree in MODULES.items()
    }
    assert _elsewhere(found, CALLBACKS_SERVICE) == []
    assert found[CALLBACKS_SERVICE]


SCALE_ENDS = (1, 5)


def _is_scale_end(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value in SCALE_ENDS


def _is_score(node: ast.expr) -> bool:
    name = getattr(node, "id", getattr(node, "attr", ""))
    return "score" in name or name == "overall"


def _score_thresholds(tree: ast.Module) -> list[int]:
    """Lines that decide "dissatisfied" themselves: ``score__lte=``/``score_overall__lte=`` in a
    query, or a score compared with ``<=``/``<`` to anything but the scale's ends (1 to 5)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in ("score__lte", "score_overall__lte"):
            if not _is_scale_end(node.value):
                lines.append(node.value.lineno)
        elif isinstance(node, ast.Compare) and any(isinstance(op, ast.LtE | ast.Lt) for op in node.ops):
            operands = [node.left, *node.comparators]
            if any(_is_score(operand) for operand in operands) and not all(
                _is_score(operand) or _is_scale_end(operand) for operand in operands
            ):
                lines.append(node.lineno)
    return lines


def test_dissatisfied_is_defined_once():
    found = {path: _score_thresholds(tree) for path, tree in MODULES.items()}
    assert _elsewhere(found, RATINGS_SERVICE) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("SatisfactionRating.objects.create(ticket=t, source='portal', score=5)", [1]),
        ("ticket.ratings.create(source='portal', score=5)", [1]),
        ("SatisfactionRating(ticket=t, score=5).save()", [1]),
        ("SatisfactionRating.objects.filter(ticket=t).exists()", []),
        ("ticket.ratings.order_by('created_at').first()", []),
    ],
)
def test_the_rating_check_catches_each_way_of_writing(source, expected):
    assert _orm_writes(ast.parse(source), "SatisfactionRating", frozenset({"ratings"})) == expected


@pytest.mark.parametrize(
    ("source", "caught"),
    [
        ("visit.status = CallbackStatus.CANCELLED", True),
        ("row.status = CallbackStatus.DONE", True),
        ("visit.status = chosen", True),
        ("visit.score_overall = 4", True),
        ("ticket.callbacks.filter(status='due').update(status='cancelled')", True),
        ("CallbackVisit.objects.filter(pk=1).update(status=CallbackStatus.CANCELLED)", True),
        ("CallbackAttempt.objects.create(visit=v, result='reached', at=now)", True),
        ("ticket.status = Status.RESOLVED", False),
        ("CallbackVisit.objects.filter(status=CallbackStatus.DUE).exists()", False),
    ],
)
def test_the_callback_check_catches_each_way_of_writing(source, caught):
    tree = ast.parse(source)
    found = (
        _orm_writes(tree, "CallbackVisit", frozenset({"callbacks"}))
        + _orm_writes(tree, "CallbackAttempt", frozenset({"attempts"}))
        + _callback_field_assignments(tree)
    )
    assert bool(found) is caught
