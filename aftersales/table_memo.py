"""Rows of the small tables that nearly every desk page shows — service stations, providers,
fault categories, staff — kept in each web process and read again as soon as their table changes.

Joining them into every ticket query made PostgreSQL plan a nine-table join for each ticket
page (about 5 ms of planning for under 1 ms of work) and Django build and read six tables'
columns. Instead a page reads its tickets with the large relations only and takes these rows
from the process's memo (:func:`attach`).

A memo is valid for one *version* of its table: a token in the shared cache (the ``memo``
cache: Redis in production, so every web machine sees it), replaced whenever a row of the table is saved or
deleted (Django's signals, and :func:`bump` for the few bulk updates that send none). Each page
reads the tokens of the tables it needs in one round trip; a memo whose token moved is dropped
and its rows read again from the database. The token is replaced both when the row is written
and when the transaction commits, so a process that read the table in between reads it again.
With the cache unreachable no token is known, and every row is read from the database. What the
memo keeps is always read from the primary, never from a lagging replica
(aftersales/replicas/).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import caches
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from aftersales.replicas.reads import on_primary

T = TypeVar("T")

KEY = "table-version:{}"
# A table with more rows in use than this is dropped and read again, so memory stays bounded.
MAX_ROWS = 5000

_memos: dict[str, tuple[str, dict]] = {}
_derived: dict[tuple, tuple[tuple, object]] = {}
_registered: set[str] = set()
# Values worked out from the tables kept at once (a select's options per language and scope).
MAX_DERIVED = 2000
# Inside a request (:func:`request_versions`), the tokens of every table read once, at the first
# memo the request uses; ``False`` outside one, ``None`` while not read yet.
_request = threading.local()


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _cache():
    return caches["memo"]


def bump(*tables: type[models.Model]) -> None:
    """Say that rows of ``tables`` changed: now, and again when the transaction commits."""
    keys = {KEY.format(_label(model)): None for model in tables}

    def renew() -> None:
        _cache().set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)
        _reread_in_request()

    renew()
    transaction.on_commit(renew)


def _changed(sender, **kwargs) -> None:
    bump(sender)


def register(*tables: type[models.Model]) -> None:
    """Keep the version of ``tables`` (and their subclasses' rows) up to date on every save and
    delete. Called once per table, from its app's ``ready()``."""
    for model in tables:
        label = _label(model)
        if label in _registered:
            continue
        _registered.add(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"table-memo-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"table-memo-delete-{label}")


def register_m2m(relation, table: type[models.Model]) -> None:
    """Keep the version of ``table`` up to date when its many-to-many ``relation`` (the field's
    descriptor, e.g. ``User.groups``) is added to, removed from or cleared."""
    label = _label(table)
    if label not in _registered:
        raise ValueError(f"register {label} before its many-to-many relations")

    def changed(sender, action, **kwargs) -> None:
        if action.startswith("post_"):
            bump(table)

    m2m_changed.connect(
        changed,
        sender=relation.through,
        weak=False,
        dispatch_uid=f"table-memo-m2m-{relation.through._meta.label_lower}",
    )


def derived(tables: Iterable[str], key: tuple, compute: Callable[[], T]) -> T:
    """A value worked out from the rows of ``tables`` (``app_label.model`` labels) alone, kept in
    the process while none of them changes: a select's options, keyed by what else they depend
    on (the language, the scope). ``compute`` must return a value no caller changes."""
    labels = tuple(sorted(tables))
    unknown = [label for label in labels if label not in _registered]
    if unknown:
        raise ValueError(f"{', '.join(unknown)}: not tables the memo keeps (table_memo.register)")
    tokens = _tokens(labels)
    if any(token is None for token in tokens.values()):
        return compute()
    stamp = tuple(tokens[label] for label in labels)
    entry = _derived.get((labels, key))
    if entry is not None and entry[0] == stamp:
        return entry[1]
    with on_primary():
        value = compute()
    if len(_derived) >= MAX_DERIVED:
        _derived.clear()
    _derived[(labels, key)] = (stamp, value)
    return value


class request_versions:  # noqa: N801 - used as a context manager, like transaction.atomic
    """Within a request: the versions of all the tables are read in one round trip, the first
    time a memo is used, and held to the end of the request; a write of the request that bumps
    a table has them read again. Outside, every use reads the versions it needs."""

    def __enter__(self):
        self.outer = getattr(_request, "tokens", False)
        _request.tokens = None

    def __exit__(self, *exc_info):
        _request.tokens = self.outer


def _reread_in_request() -> None:
    if getattr(_request, "tokens", False) is not False:
        _request.tokens = None


def _tokens(labels: Iterable[str]) -> dict[str, str | None]:
    """The current token of each table (:class:`request_versions`)."""
    labels = tuple(labels)
    held = getattr(_request, "tokens", False)
    if held is False:
        return _read_tokens(labels)
    if held is None or any(label not in held for label in labels):
        held = _request.tokens = _read_tokens(_registered.union(labels))
    return {label: held[label] for label in labels}


def _read_tokens(labels: Iterable[str]) -> dict[str, str | None]:
    """The current token of each table; a table without one gets one. None: the cache is down."""
    cache = _cache()
    keys = {label: KEY.format(label) for label in labels}
    found = cache.get_many(keys.values())
    missing = [key for key in keys.values() if key not in found]
    if missing:
        for key in missing:
            cache.add(key, uuid.uuid4().hex, timeout=None)
        found.update(cache.get_many(missing))
    return {label: found.get(key) for label, key in keys.items()}


def _fresh(row: models.Model) -> models.Model:
    """A copy of a memo's row for one page: its own state, so a relation a page follows from it
    (``station.provider``) is read for that page and never kept in the memo."""
    copy = row.__class__.__new__(row.__class__)
    copy.__dict__.update({name: value for name, value in row.__dict__.items() if name != "_state"})
    copy._state = models.base.ModelState()
    copy._state.db, copy._state.adding = row._state.db, False
    return copy


def rows(model: type[models.Model], pks: Iterable[int], token: str | None = None) -> dict[int, models.Model]:
    """The rows of ``model`` with primary keys ``pks``, each a fresh copy, from the memo where it
    is valid. Reads through the base manager: a caller names rows it already may see (the
    station of a ticket it shows), so no provider scope applies a second time."""
    label = _label(model)
    if label not in _registered:
        # Nothing would ever say that its rows changed.
        raise ValueError(f"{label} is not a table the memo keeps (table_memo.register)")
    if token is None:
        token = _tokens([label])[label]
    wanted = {pk for pk in pks if pk is not None}
    if token is None:
        return {row.pk: row for row in model._base_manager.filter(pk__in=wanted)}
    memo_token, memo = _memos.get(label, (None, {}))
    if memo_token != token or len(memo) > MAX_ROWS:
        memo = {}
        _memos[label] = (token, memo)
    missing = wanted - memo.keys()
    if missing:
        with on_primary():
            memo.update({row.pk: row for row in model._base_manager.filter(pk__in=missing)})
    return {pk: _fresh(memo[pk]) for pk in wanted if pk in memo}


def attach(objects: Iterable[models.Model], *fields: str) -> None:
    """Set each foreign key in ``fields`` of each of ``objects`` to its row from the memo, as
    ``select_related`` would have: one cache round trip for all the tables, a query only for
    rows not yet in memory."""
    objects = list(objects)
    if not objects:
        return
    meta = objects[0]._meta
    by_table: dict[type[models.Model], list] = {}
    for name in fields:
        field = meta.get_field(name)
        by_table.setdefault(field.related_model, []).append(field)
    tokens = _tokens({_label(model) for model in by_table})
    for model, table_fields in by_table.items():
        pks = {getattr(obj, field.attname) for obj in objects for field in table_fields}
        found = rows(model, pks, tokens[_label(model)])
        for obj in objects:
            for field in table_fields:
                pk = getattr(obj, field.attname)
                if pk is None:
                    field.set_cached_value(obj, None)
                elif pk in found:
                    field.set_cached_value(obj, found[pk])


def attached(queryset: models.QuerySet, *fields: str) -> list[models.Model]:
    """The rows of ``queryset``, its foreign keys ``fields`` set by :func:`attach` instead of
    joined (any ``select_related`` of them is dropped)."""
    joined = queryset.query.select_related
    if isinstance(joined, dict):
        kept = _paths(joined, fields)
        # select_related() with no names would join every foreign key.
        queryset = queryset.select_related(None).select_related(*kept) if kept else queryset.select_related(None)
    found = list(queryset)
    attach(found, *fields)
    return found


def _paths(tree: dict, skip: tuple[str, ...], prefix: str = "") -> list[str]:
    """The ``select_related`` paths of ``tree`` (Django's nested dict) without ``skip`` at the top."""
    paths = []
    for name, below in tree.items():
        if not prefix and name in skip:
            continue
        path = prefix + name
        deeper = _paths(below, skip, path + "__") if below else []
        paths.extend(deeper or [path])
    return paths


def forget() -> None:
    """Drop every memo of this process and the tables' versions (the tests' databases roll back
    without signals, and each test starts from the same state)."""
    _memos.clear()
    _derived.clear()
    _reread_in_request()
    _cache().delete_many([KEY.format(label) for label in _registered])


class TableVersionsMiddleware:
    """Each request reads the tables' versions once (:class:`request_versions`)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        with request_versions():
            return self.get_response(request)
