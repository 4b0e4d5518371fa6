"""The rows ``manage.py seed`` builds: a ``Table`` (a model's generated columns in row order) and
the primary keys reserved for them beforehand (``reserve_ids``), so rows that refer to each
other are complete before anything is written."""

from collections.abc import Sequence

from django.db import connections, models, transaction


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
