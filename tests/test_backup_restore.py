"""A PostgreSQL backup and restore round trip, with the commands docs/backup-restore.md gives.

The test commits its rows (``transaction=True``) so that ``pg_dump``, a separate process, sees
them; ``serialized_rollback=True`` puts back the rows the migrations loaded once the tables are
emptied afterwards (see tests/browser/conftest.py). It dumps the test database in the custom
format, checks the archive, restores it into a fresh database, and compares the two databases
table by table: row counts and a checksum of every row, the sequences, and Django's migration
state (``migrate --check`` in a separate process, as an operator runs it). It then damages the
restored copy and restores over it with ``--clean``, the in-place variant of the procedure.
The restored database is dropped at the end whatever happens.

The client programs are those of the server's major version (``/usr/lib/postgresql/<major>/bin``
on Debian), or those on ``PATH`` when they are at least as new as the server.
"""

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from followups.choices import CallbackResult, RatingSource
from followups.models import CallbackAttempt, SatisfactionRating
from notifications.models import OutboundMessage
from tests.conftest import REQUIRED
from tests.factories import (
    CallbackVisitFactory,
    CustomerFactory,
    TicketFactory,
    UserFactory,
    WarrantyClaimFactory,
)
from tickets.choices import EventKind, Status
from tickets.models import TicketEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

COMMAND_TIMEOUT = 300


# --- the PostgreSQL client programs and connection --------------------------------------------


def _server_major() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _client_major(program: Path) -> int:
    output = subprocess.run([str(program), "--version"], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"\(PostgreSQL\)\s+(\d+)", output).group(1))


def _client_bin_dir() -> Path:
    """The directory of pg_dump and friends matching the server: a pg_dump older than the
    server refuses to dump it, and a newer one writes archives an older pg_restore cannot read."""
    major = _server_major()
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin")]
    on_path = shutil.which("pg_dump")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for folder in candidates:
        if (folder / "pg_dump").exists() and _client_major(folder / "pg_dump") >= major:
            return folder
    reason = f"no pg_dump for PostgreSQL {major} (looked in {', '.join(str(c) for c in candidates)})"
    if "postgres" in REQUIRED:
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def _libpq_env() -> dict[str, str]:
    """The process environment with the test database's server in libpq's variables, so the
    commands below read exactly as the documentation writes them."""
    db = connection.settings_dict
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", db["HOST"]),
        ("PGPORT", db["PORT"]),
        ("PGUSER", db["USER"]),
        ("PGPASSWORD", db["PASSWORD"]),
    ):
        if value:
            env[variable] = str(value)
        else:
            env.pop(variable, None)
    return env


def _run(argv: list[str], *, env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
    assert result.returncode == 0, f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result


def _database_url(name: str) -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{db['HOST'] or ''}{port}/{name}"


def _connect(name: str):
    db = connection.settings_dict
    params = {"dbname": name, "options": "-c TimeZone=UTC -c DateStyle=ISO"}
    for key, setting in (("host", "HOST"), ("port", "PORT"), ("user", "USER"), ("password", "PASSWORD")):
        if db[setting]:
            params[key] = db[setting]
    return psycopg2.connect(**params)


# --- what is compared ---------------------------------------------------------------------


def _snapshot(name: str) -> dict[str, object]:
    """Every table's row count and a checksum of all its rows (their text form, in a fixed
    order), every sequence's position, and two explicit checksums of key rows."""
    conn = _connect(name)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            tables = [row[0] for row in cursor.fetchall()]
            snapshot: dict[str, object] = {}
            for table in tables:
                cursor.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE \"C\"), '')) "
                    f'FROM "{table}" AS t'
                )
                snapshot[f"table {table}"] = cursor.fetchone()
            cursor.execute(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename"
            )
            snapshot["sequences"] = cursor.fetchall()
            cursor.execute(
                "SELECT count(*), md5(string_agg(reference || ':' || status, ',' ORDER BY reference)) FROM tickets_ticket"
            )
            snapshot["ticket references and statuses"] = cursor.fetchone()
            cursor.execute(
                "SELECT count(*), md5(string_agg(phone || ':' || name, ',' ORDER BY phone)) FROM customers_customer"
            )
            snapshot["customer phones and names"] = cursor.fetchone()
            cursor.execute("SELECT extname FROM pg_extension ORDER BY extname")
            snapshot["extensions"] = [row[0] for row in cursor.fetchall()]
        return snapshot
    finally:
        conn.close()


def _populate() -> None:
    """A little of everything a restore must bring back, committed: customers (one with a
    Chinese name), their units and tickets in several states, timeline events, a warranty
    claim, a callback with an attempt, a rating and an email waiting in the outbox."""
    agent = UserFactory(username="backup-agent", roles=["agent"])
    zhang = CustomerFactory(name="张伟", phone="+8613912345678")
    new = TicketFactory(customer=zhang, status=Status.NEW)
    resolved = TicketFactory(status=Status.RESOLVED, work_done="Replaced the drum bearing.")
    closed = TicketFactory(status=Status.CLOSED)
    for ticket in (new, resolved, closed):
        TicketEvent.objects.create(ticket=ticket, kind=EventKind.CREATED, actor=agent, to_status=Status.NEW)
    for ticket in (resolved, closed):
        TicketEvent.objects.create(
            ticket=ticket,
            kind=EventKind.STATUS,
            actor=agent,
            from_status=Status.IN_PROGRESS,
            to_status=Status.RESOLVED,
            note="维修完成",
            is_public=True,
        )
    WarrantyClaimFactory(ticket=resolved, decided_by=agent)
    callback = CallbackVisitFactory(ticket=resolved, assigned_to=agent)
    CallbackAttempt.objects.create(
        visit=callback, result=CallbackResult.NO_ANSWER, by=agent, at=dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.UTC)
    )
    SatisfactionRating.objects.create(ticket=closed, source=RatingSource.PORTAL, score=2, comment="技师迟到了")
    OutboundMessage.objects.create(
        channel="sms",
        recipient="+8613912345678",
        template="status_resolved",
        language="zh-hans",
        context={"reference": new.reference},
        ticket_reference=new.reference,
    )


# --- the test --------------------------------------------------------------------------------


@pytest.fixture
def restore_database() -> Iterator[str]:
    """The name of a database that does not exist yet; dropped afterwards, whatever happened."""
    dropdb = _client_bin_dir() / "dropdb"
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"[:63]
    yield name
    _run([str(dropdb), "--if-exists", "--force", name], env=_libpq_env())


def _migrate_check(database: str, folder: Path) -> subprocess.CompletedProcess:
    """``manage.py migrate --check`` with the production settings pointed at the database."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "REDIS_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="aftersales.settings",
        DATABASE_URL=_database_url(database),
        SECRET_KEY="backup-restore-test-not-a-secret",
        DEBUG="0",
        AFTERSALES_VAR_DIR=str(folder / "var"),
    )
    return subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check", "--noinput"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )


def test_a_dump_restores_into_a_fresh_database_with_every_row(tmp_path, restore_database):
    _populate()
    source = connection.settings_dict["NAME"]
    owner = connection.settings_dict["USER"]
    bin_dir = _client_bin_dir()
    env = _libpq_env()
    dump = tmp_path / "aftersales.dump"

    # Backup, as the nightly job runs it, and the check that the archive is readable.
    _run([str(bin_dir / "pg_dump"), "--format=custom", "--compress=6", f"--file={dump}", f"--dbname={source}"], env=env)
    listing = _run([str(bin_dir / "pg_restore"), "--list", str(dump)], env=env).stdout
    assert "TABLE DATA public tickets_ticket" in listing

    # Restore into a fresh database.
    _run([str(bin_dir / "createdb"), "--template=template0", f"--owner={owner}", restore_database], env=env)
    restore = [
        str(bin_dir / "pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        f"--role={owner}",
        "--single-transaction",
        f"--dbname={restore_database}",
        str(dump),
    ]
    _run(restore, env=env)

    expected = _snapshot(source)
    assert expected["ticket references and statuses"][0] == 3
    assert expected["table tickets_ticketevent"][0] == 5
    assert expected["table tickets_warrantyclaim"][0] == 1
    assert expected["table tickets_callbackvisit"][0] == 1
    assert expected["table tickets_satisfactionrating"][0] == 1
    assert expected["table notifications_outboundmessage"][0] == 1
    assert expected["table django_migrations"][0] > 0
    assert "pg_trgm" in expected["extensions"]
    assert _snapshot(restore_database) == expected

    restored = _connect(restore_database)
    try:
        with restored.cursor() as cursor:
            cursor.execute("SELECT name FROM customers_customer WHERE phone = '+8613912345678'")
            assert cursor.fetchone() == ("张伟",)
    finally:
        restored.close()

    # Django finds every migration applied: the restored database is ready for the product.
    check = _migrate_check(restore_database, tmp_path)
    assert check.returncode == 0, f"migrate --check on the restored database:\n{check.stdout}\n{check.stderr}"

    # Restoring in place over a damaged database (--clean --if-exists) brings back the dump exactly.
    damaged = _connect(restore_database)
    try:
        with damaged, damaged.cursor() as cursor:
            cursor.execute("UPDATE tickets_ticket SET status = 'cancelled'")
            cursor.execute("DELETE FROM tickets_satisfactionrating")
    finally:
        damaged.close()
    assert _snapshot(restore_database) != expected
    _run(restore, env=env)
    assert _snapshot(restore_database) == expected
