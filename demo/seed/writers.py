"""How ``manage.py seed`` writes its rows: one generator, two writers.

The seed builds every row as a plain tuple in a fixed column order (a ``Table``,
demo/seed/tables.py), with its primary key, where other rows refer to it, taken beforehand
from the table's own id sequence (``reserve_ids``). So a ticket's events, a merged duplicate
and its original, a callback and its attempts are complete before anything is written, and
the writer only has to store them:

- ``InsertWriter`` writes with ``bulk_create`` in batches, on any database (SQLite in development
  and in the tests);
- ``CopyWriter`` streams the rows to PostgreSQL with ``COPY ... FROM STDIN`` in CSV form, from
  a background thread, so the server stores one chunk while Python builds the next.

Both write the same rows in the same order. For large loads on PostgreSQL see
demo/seed/postgres_load.py (indexes built again, foreign keys checked once).
"""

import csv
import io
import json
import queue
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models
from django.db.transaction import TransactionManagementError

from demo.seed.tables import Table

# Rows a CopyWriter gathers (over all tables) before it sends them as one COPY per table.
COPY_CHUNK_ROWS = 25_000
# Chunks formatted and waiting for the writing thread; more only hold memory.
COPY_QUEUE_CHUNKS = 2
# Bytes psycopg2 reads from a chunk per call while sending it.
COPY_READ_SIZE = 1 << 20


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
