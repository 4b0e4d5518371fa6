"""How ``manage.py seed`` writes its rows: one generator, two writers.

The seed builds every row as a plain tuple in a fixed column order (a ``Table``), with its
primary key, where other rows refer to it, taken beforehand from the table's own id sequence
(``reserve_ids``). So a ticket's events, a merged duplicate and its original, a callback and its
attempts are complete before anything is written, and the writer only has to store them:

- ``InsertWriter`` writes with ``bulk_create`` in batches, on any database (SQLite in development
  and in the tests);
- ``CopyWriter`` streams the rows to PostgreSQL with ``COPY ... FROM STDIN`` in CSV form, from
  a background thread, so the server stores one chunk while Python builds the next.

Both write the same rows in the same order. For large loads on PostgreSQL, ``rebuilt_indexes``
drops the tables' secondary indexes (neither unique nor behind a constraint) and builds them
again from their saved definitions once the rows are in, inside the load's transaction: when
the load fails, the rollback brings the indexes back with everything else.
"""

import csv
import io
import json
import queue
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, IntegrityError, connections, models, transaction
from django.db.transaction import TransactionManagementError

# Rows a CopyWriter gathers (over all tables) before it sends them as one COPY per table.
COPY_CHUNK_ROWS = 25_000
# Chunks formatted and waiting for the writing thread; more only hold memory.
COPY_QUEUE_CHUNKS = 2
# Bytes psycopg2 reads from a chunk per call while sending it.
COPY_READ_SIZE = 1 << 20
# Memory for building an index again after a load (per index build, this transaction only).
INDEX_BUILD_MEMORY = "1GB"


@contextmanager
def explicit_timestamps(*fields: models.DateTimeField) -> Iterator[None]:
    """Let bulk_create write the given auto_now/auto_now_add fields as set on the objects.

    Generated history needs timestamps in the past; the fields' automatic "now" would
    overwrite them. Only the seed writes history this way.
    """
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class Table:
    """The columns the seed generates for a model, in row order; the others get their defaults.

    ``columns`` are attribute names (``customer_id`` for a foreign key). A column left out
    must have a default, accept NULL or be text (empty); generated columns are never written.
    """

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        self.model = model
        self.columns = tuple(columns)
        fields = {f.attname: f for f in model._meta.concrete_fields if not f.generated}
        unknown = [name for name in self.columns if name not in fields]
        if unknown:
            raise ValueError(f"{model.__name__} has no column {', '.join(unknown)}")
        self.fields = [fields[name] for name in self.columns]
        self.rest = [f for name, f in fields.items() if name not in self.columns]
        for f in self.rest:
            if not (f.has_default() or f.null or f.empty_strings_allowed or f.primary_key):
                raise ValueError(f"{model.__name__}.{f.name} has no default: the seed must generate it")
        self.auto_timestamps = [
            f for f in self.fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]

    def __repr__(self) -> str:
        return f"Table({self.model.__name__})"

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table


# --- ids -------------------------------------------------------------------------------------------


def reserve_ids(model: type[models.Model], count: int, *, using: str = "default") -> Sequence[int]:
    """``count`` new primary keys for ``model``, ascending, that nothing else will be given.

    On PostgreSQL they come from the table's own id sequence (``nextval``, so rows inserted
    meanwhile by others never collide); on SQLite the AUTOINCREMENT counter is moved past them.
    Usually a contiguous range; a list when others took numbers from the sequence meanwhile.
    """
    if count <= 0:
        return range(0)
    connection = connections[using]
    table, column = model._meta.db_table, model._meta.pk.column
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [quote(table), column])
            sequence = cursor.fetchone()[0]
            if sequence is None:
                raise ValueError(f"{table}.{column} has no sequence")
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
            ids = sorted(row[0] for row in cursor.fetchall())
        if ids[-1] - ids[0] + 1 == count:
            return range(ids[0], ids[-1] + 1)
        return ids
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")
        top = cursor.fetchone()[0] or 0
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            top = max(top, row[0] if row else 0)
            if row:
                cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [top + count, table])
            else:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, top + count])
    return range(top + 1, top + count + 1)


# --- writers ---------------------------------------------------------------------------------------


class InsertWriter:
    """Writes rows with ``bulk_create`` in batches of ``batch`` rows, as they come."""

    name = "bulk INSERT"

    def __init__(self, batch: int, *, using: str = "default") -> None:
        self.batch = batch
        self.using = using

    @contextmanager
    def session(self) -> Iterator["InsertWriter"]:
        yield self

    def write(self, table: Table, rows: Iterable[tuple]) -> None:
        model, columns = table.model, table.columns
        objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        with explicit_timestamps(*table.auto_timestamps):
            model.objects.using(self.using).bulk_create(objects, batch_size=self.batch)


class CopyWriter:
    """Writes rows to PostgreSQL with ``COPY ... FROM STDIN`` (CSV), from a background thread.

    ``write`` gathers rows; every ``chunk_rows`` rows (and at the end of the session) it formats
    them as one CSV payload per table, in the order the tables were first written to, and hands
    them to the thread, which copies them over the session's own connection and transaction.
    The caller must leave the connection alone during a session: its one job is building rows.
    Foreign keys checked row by row are checked as each COPY ends (not all at the commit), so
    those checks run while the next rows are being built. An error in the thread is raised by
    the next ``write`` or at the end of the session; leaving the session with an error discards
    what is still waiting and waits for the COPY under way, so the transaction can roll back.
    """

    name = "COPY"

    def __init__(self, *, chunk_rows: int = COPY_CHUNK_ROWS, using: str = "default") -> None:
        self.connection = connections[using]
        if self.connection.vendor != "postgresql":
            raise ValueError("COPY needs PostgreSQL")
        self.chunk_rows = chunk_rows
        self._formats: dict[Table, tuple[str, tuple, list[int]]] = {}
        self._pending: dict[Table, list[tuple]] = {}
        self._buffered = 0
        self._queue: queue.Queue | None = None
        self._error: BaseException | None = None
        self._discard = False
        # Seconds the server spent on COPY, and the generating side spent waiting for it.
        self.copy_seconds = 0.0
        self.wait_seconds = 0.0

    @contextmanager
    def session(self) -> Iterator["CopyWriter"]:
        if not self.connection.in_atomic_block:
            raise TransactionManagementError("A COPY session runs inside the load's transaction (atomic).")
        with self.connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self._queue = queue.Queue(maxsize=COPY_QUEUE_CHUNKS)
        self._error, self._discard = None, False
        self.copy_seconds = self.wait_seconds = 0.0
        thread = threading.Thread(target=self._copy_chunks, args=(self.connection.connection,), name="seed-copy")
        thread.start()
        try:
            yield self
            self._send()
        except BaseException:
            self._discard = True
            self._pending.clear()
            self._buffered = 0
            raise
        finally:
            # The thread ends after the chunks before this one (copied, or skipped when discarding).
            self._queue.put(None)
            thread.join()
            self._queue = None
        self._raise_thread_error()
        with self.connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def write(self, table: Table, rows: Iterable[tuple]) -> None:
        if self._queue is None:
            raise RuntimeError("CopyWriter.write outside a session")
        self._raise_thread_error()
        pending = self._pending.setdefault(table, [])
        before = len(pending)
        pending.extend(rows)
        self._buffered += len(pending) - before
        if self._buffered >= self.chunk_rows:
            self._send()

    def _send(self) -> None:
        for table, rows in self._pending.items():
            if rows:
                self._put(self._format(table, rows))
        self._pending = {table: [] for table in self._pending}
        self._buffered = 0

    def _put(self, item: tuple[str, bytes] | None) -> None:
        self._raise_thread_error()
        started = time.perf_counter()
        self._queue.put(item)
        self.wait_seconds += time.perf_counter() - started

    def _format(self, table: Table, rows: list[tuple]) -> tuple[str, bytes]:
        """The COPY statement and the CSV payload for ``rows`` (plus the defaults of the rest)."""
        if table not in self._formats:
            self._formats[table] = self._copy_format(table)
        sql, tail, json_positions = self._formats[table]
        if json_positions:
            # JSON values are usually shared between rows (a few distinct ones): each is
            # serialised once per chunk. The rows are built: nothing changes them meanwhile.
            texts: dict[int, str] = {}
            rows = [_with_json(row, json_positions, texts) for row in rows]
        if tail:
            rows = [(*row, *tail) for row in rows]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        return sql, buffer.getvalue().encode()

    def _copy_format(self, table: Table) -> tuple[str, tuple, list[int]]:
        # The rest: written as their defaults, except the primary key and columns that may be
        # NULL with no default (the server fills those in the same way).
        rest = [f for f in table.rest if not f.primary_key and (f.has_default() or not f.null)]
        fields = table.fields + rest
        for f in fields:
            if f.null and f.empty_strings_allowed and not isinstance(f, models.JSONField):
                # In CSV an empty text and NULL look the same; no seeded table has such a column.
                raise ValueError(f"{table.model.__name__}.{f.name} is text that may be NULL: COPY cannot tell")
        quote = self.connection.ops.quote_name
        tail = tuple(_csv_value(f, f.get_default()) for f in rest)
        not_null = [quote(f.column) for f in fields if not f.null and f.empty_strings_allowed]
        options = "FORMAT csv" + (f", FORCE_NOT_NULL ({', '.join(not_null)})" if not_null else "")
        sql = f"COPY {quote(table.db_table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN WITH ({options})"
        json_positions = [i for i, f in enumerate(table.fields) if isinstance(f, models.JSONField)]
        return sql, tail, json_positions

    def _copy_chunks(self, raw_connection) -> None:
        """The thread: copy each chunk in turn until the end of the session.

        It takes every chunk off the queue even after an error (without copying it), so the
        session's thread never waits on a full queue.
        """
        cursor = None
        try:
            cursor = raw_connection.cursor()
        except BaseException as error:  # handed to the session's thread
            self._error = error
        while True:
            item = self._queue.get()
            if item is None:
                break
            if self._error is not None or self._discard:
                continue
            sql, payload = item
            started = time.perf_counter()
            try:
                with self.connection.wrap_database_errors:  # Django's exception classes
                    cursor.copy_expert(sql, io.BytesIO(payload), size=COPY_READ_SIZE)
            except BaseException as error:  # handed to the session's thread
                self._error = error
            self.copy_seconds += time.perf_counter() - started
        if cursor is not None:
            with suppress(Exception):
                cursor.close()

    def _raise_thread_error(self) -> None:
        if self._error is not None:
            raise self._error


def _json_text(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder)


def _with_json(row: tuple, positions: list[int], texts: dict[int, str]) -> tuple:
    """``row`` with its JSON values as text, serialising each distinct object once (``texts``)."""
    values = list(row)
    for i in positions:
        value = values[i]
        if value is not None:
            text = texts.get(id(value))
            if text is None:
                text = texts[id(value)] = _json_text(value)
            values[i] = text
    return tuple(values)


def _csv_value(field: models.Field, value):
    if isinstance(field, models.JSONField) and value is not None:
        return _json_text(value)
    return value


# --- indexes and statistics ------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexDefinition:
    schema: str
    name: str
    table: str
    definition: str


def secondary_indexes(tables: Iterable[str], *, using: str = "default") -> list[IndexDefinition]:
    """The PostgreSQL indexes of ``tables`` that only speed up reads: not unique, not the
    primary key, not an exclusion constraint's and no constraint's at all (their definitions
    as ``pg_indexes`` shows them)."""
    tables = list(tables)
    if not tables:
        return []
    with connections[using].cursor() as cursor:
        cursor.execute(
            """
            SELECT ix.schemaname, ix.indexname, ix.tablename, ix.indexdef
              FROM pg_indexes ix
              JOIN pg_class c ON c.relname = ix.indexname
              JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = ix.schemaname
              JOIN pg_index i ON i.indexrelid = c.oid
             WHERE i.indrelid = ANY(%s::regclass[])
               AND NOT i.indisunique AND NOT i.indisprimary AND NOT i.indisexclusion
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
             ORDER BY ix.tablename, ix.indexname
            """,
            [[connections[using].ops.quote_name(t) for t in tables]],
        )
        return [IndexDefinition(*row) for row in cursor.fetchall()]


@contextmanager
def rebuilt_indexes(tables: Iterable[str], *, using: str = "default", log=None) -> Iterator[list[IndexDefinition]]:
    """Drop the secondary indexes of ``tables`` (PostgreSQL) for a load; build them again after it.

    Building an index once over all the rows is much faster than keeping it up to date row by
    row. Runs inside the load's transaction: on success every index is created again from its
    saved definition (same name, same definition) before the commit; on failure the rollback
    undoes the drop. Other sessions wait for the tables until the load commits.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise ValueError("Index rebuilds are for PostgreSQL")
    if not connection.in_atomic_block:
        raise TransactionManagementError("Drop indexes only inside the load's transaction (atomic).")
    definitions = secondary_indexes(tables, using=using)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for index in definitions:
            cursor.execute(f"DROP INDEX {quote(index.schema)}.{quote(index.name)}")
    yield definitions
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [INDEX_BUILD_MEMORY])
        for index in definitions:
            cursor.execute(index.definition)
    if log is not None and definitions:
        tables = ", ".join(sorted({i.table for i in definitions}))
        log(f"indexes: {len(definitions)} built again on {tables} in {time.perf_counter() - started:.1f} s")


@dataclass(frozen=True)
class ForeignKey:
    name: str
    table: str  # as PostgreSQL quotes it (regclass)
    columns: tuple[str, ...]  # quoted
    target: str
    target_columns: tuple[str, ...]

    def missing_sql(self, *, lock_rows: bool) -> str:
        """How many distinct keys the table refers to that the target lacks. With ``lock_rows``,
        the target's rows referred to are locked (FOR KEY SHARE) until the commit, as the
        row-by-row check would have; without, the caller has locked the target table."""
        columns = ", ".join(self.columns)
        targets = ", ".join(f"t.{c}" for c in self.target_columns)
        present = " AND ".join(f"{c} IS NOT NULL" for c in self.columns)
        referenced = f"SELECT DISTINCT {columns} FROM {self.table} WHERE {present}"
        if lock_rows:
            return (
                f"WITH referenced AS ({referenced}),"
                f" locked AS (SELECT 1 FROM {self.target} t WHERE ({targets}) IN (SELECT {columns} FROM referenced)"
                " FOR KEY SHARE OF t)"
                " SELECT (SELECT COUNT(*) FROM referenced) - (SELECT COUNT(*) FROM locked)"
            )
        matches = " AND ".join(f"t.{t} = r.{c}" for t, c in zip(self.target_columns, self.columns, strict=True))
        return (
            f"SELECT COUNT(*) FROM {self.table} r WHERE {' AND '.join(f'r.{c} IS NOT NULL' for c in self.columns)}"
            f" AND NOT EXISTS (SELECT 1 FROM {self.target} t WHERE {matches})"
        )


def foreign_keys(tables: Iterable[str], *, using: str = "default") -> list[ForeignKey]:
    """The foreign keys of ``tables`` (PostgreSQL), from pg_constraint."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT k.conname, k.conrelid::regclass::text, k.confrelid::regclass::text,
                   ARRAY(SELECT quote_ident(a.attname) FROM unnest(k.conkey) WITH ORDINALITY u(n, i)
                           JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.i),
                   ARRAY(SELECT quote_ident(a.attname) FROM unnest(k.confkey) WITH ORDINALITY u(n, i)
                           JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.i)
              FROM pg_constraint k
             WHERE k.contype = 'f' AND k.conrelid = ANY(%s::regclass[])
             ORDER BY 2, 1
            """,
            [[connection.ops.quote_name(t) for t in tables]],
        )
        return [
            ForeignKey(name, table, tuple(columns), target, tuple(targets))
            for name, table, target, columns, targets in cursor.fetchall()
        ]


# How long the foreign-key check waits to lock a referenced table before it locks rows instead:
# below the server's deadlock_timeout (1 s by default), so the load never waits in a deadlock.
LOCK_WAIT = "200ms"


@contextmanager
def foreign_keys_checked_once(tables: Iterable[str], *, using: str = "default", log=None) -> Iterator[list[ForeignKey]]:
    """Check the foreign keys of ``tables`` once, set by set, after a load (PostgreSQL).

    Row by row, every key of every row is looked up in its own query when the row is written;
    for a bulk load that is most of the database's work. Here the load runs with
    ``session_replication_role = replica`` (this transaction only), which leaves those checks
    out, and then each foreign key is checked in one query over the whole table. Until the
    commit, the rows referred to must not go away: each referenced table is locked against
    writes (SHARE) for those last seconds, or, when someone is writing to it, the rows referred
    to are locked instead (FOR KEY SHARE, as the row-by-row check would have). A key that
    points nowhere raises IntegrityError and the transaction rolls back.

    Must run inside the load's transaction (atomic). Where the role may not change that
    setting, or a table has triggers or rules of its own (which the setting would silence too),
    the keys are checked row by row as usual.
    """
    tables = list(tables)
    connection = connections[using]
    if not connection.in_atomic_block:
        raise TransactionManagementError("Check foreign keys once only inside the load's transaction (atomic).")
    names = [connection.ops.quote_name(t) for t in tables]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT current_setting('session_replication_role'),
                   EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = ANY(%s::regclass[]) AND NOT tgisinternal)
                OR EXISTS (SELECT 1 FROM pg_rewrite WHERE ev_class = ANY(%s::regclass[]) AND rulename <> '_RETURN')
            """,
            [names, names],
        )
        role, own_triggers = cursor.fetchone()
    skipping = False
    if not own_triggers and role == "origin":
        try:
            with transaction.atomic(using=using), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
            skipping = True
        except DatabaseError:
            pass  # not allowed: check row by row
    if not skipping:
        if log is not None:
            log("foreign keys: checked row by row")
        yield []
        return
    yield (keys := foreign_keys(tables, using=using))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = origin")
    locked = {target: _lock_against_writes(target, using=using) for target in sorted({k.target for k in keys})}
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute(key.missing_sql(lock_rows=not locked[key.target]))
            if missing := cursor.fetchone()[0]:
                raise IntegrityError(
                    f"{key.table} ({', '.join(key.columns)}) refers to rows missing from {key.target}"
                    f" ({missing}; foreign key {key.name})"
                )
    if log is not None:
        checked = ", ".join(sorted(set(tables)))
        log(f"foreign keys: {len(keys)} checked on {checked} in {time.perf_counter() - started:.1f} s")


def _lock_against_writes(table: str, *, using: str) -> bool:
    """Lock ``table`` in SHARE mode until the commit, unless that means waiting (LOCK_WAIT)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        previous = cursor.fetchone()[0]
        try:
            with transaction.atomic(using=using):
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_WAIT])
                cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")
        except DatabaseError:
            return False
        finally:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    return True


def table_rows(table: str, *, using: str = "default") -> int:
    """How many rows ``table`` holds."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        return cursor.fetchone()[0]


def analyze(tables: Iterable[str], *, using: str = "default") -> bool:
    """Refresh the planner's statistics of ``tables`` (PostgreSQL); False elsewhere."""
    connection = connections[using]
    tables = sorted(set(tables))
    if connection.vendor != "postgresql" or not tables:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(t) for t in tables)}")
    return True
