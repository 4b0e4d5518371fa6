"""How a bulk load of ``manage.py seed`` on PostgreSQL keeps up its tables: the secondary
indexes dropped and built again from their saved definitions once the rows are in, the foreign
keys checked once set by set instead of row by row, and the planner statistics refreshed.

Everything runs inside the load's transaction: when the load fails, the rollback brings the
indexes back with everything else.
"""

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.transaction import TransactionManagementError

# Memory for building an index again after a load (per index build, this transaction only).
INDEX_BUILD_MEMORY = "1GB"


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
