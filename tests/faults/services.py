"""Stopping and starting the machine's PostgreSQL and Redis for the fault tests.

Only servers this machine runs can be stopped: PostgreSQL through ``pg_ctlcluster`` (Debian's
cluster tools) and Redis at 127.0.0.1:6379, started as CI starts it (``.ci/run``). Every
helper that stops a server starts it again in a ``finally`` and waits until it answers, so
the tests after a fault test find both running. A machine where the servers cannot be
controlled skips the fault tests and says why.
"""

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
PG_HOST, PG_PORT = "127.0.0.1", 5432
# How long a server may take to stop or to answer again.
SERVER_WAIT_SECONDS = 30


# --- Redis ------------------------------------------------------------------------------------


def redis_answers() -> bool:
    result = subprocess.run(
        ["redis-cli", "-h", REDIS_HOST, "-p", str(REDIS_PORT), "ping"], capture_output=True, text=True, timeout=5
    )
    return result.returncode == 0 and result.stdout.strip() == "PONG"


def require_controllable_redis() -> None:
    """Skip unless REDIS_URL is the local Redis the test can stop and start again."""
    url = urlparse(os.environ.get("REDIS_URL", ""))
    if (url.hostname, url.port or 6379) not in {("127.0.0.1", REDIS_PORT), ("localhost", REDIS_PORT)}:
        pytest.skip(f"REDIS_URL is not the local Redis at {REDIS_HOST}:{REDIS_PORT} this test can stop")
    if not (shutil.which("redis-server") and shutil.which("redis-cli")):
        pytest.skip("redis-server and redis-cli are needed to stop and start Redis")


def stop_redis() -> None:
    """Shut Redis down (it keeps nothing on disk, as in CI: queued messages are lost with it)."""
    subprocess.run(
        ["redis-cli", "-h", REDIS_HOST, "-p", str(REDIS_PORT), "shutdown", "nosave"], capture_output=True, timeout=10
    )
    _wait(lambda: not redis_answers(), "Redis to stop")


def start_redis() -> None:
    if not redis_answers():
        subprocess.run(
            [
                "redis-server",
                "--daemonize", "yes",
                "--bind", REDIS_HOST,
                "--port", str(REDIS_PORT),
                "--save", "",
                "--appendonly", "no",
            ],
            check=True,
            capture_output=True,
            timeout=10,
            cwd="/",
        )  # fmt: skip
    _wait(redis_answers, "Redis to answer")


@contextlib.contextmanager
def redis_stopped() -> Iterator[None]:
    """Redis is down inside the block, and running again after it, whatever happened."""
    stop_redis()
    try:
        yield
    finally:
        start_redis()


# --- PostgreSQL --------------------------------------------------------------------------------


def postgres_answers() -> bool:
    result = subprocess.run(["pg_isready", "-h", PG_HOST, "-p", str(PG_PORT), "-q"], capture_output=True, timeout=10)
    return result.returncode == 0


def _cluster_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql"), key=lambda name: [int(p) for p in name.split(".")])
    return versions[-1]


def require_controllable_postgres(database_settings: dict) -> None:
    """Skip unless the test database is on the local cluster ``pg_ctlcluster`` controls."""
    if (database_settings.get("HOST"), int(database_settings.get("PORT") or 5432)) not in {
        ("127.0.0.1", PG_PORT),
        ("localhost", PG_PORT),
    }:
        pytest.skip(f"the database is not the local PostgreSQL at {PG_HOST}:{PG_PORT} this test can restart")
    if not (shutil.which("pg_ctlcluster") and shutil.which("pg_isready") and Path("/etc/postgresql").is_dir()):
        pytest.skip("pg_ctlcluster and pg_isready are needed to restart PostgreSQL")


def pg_ctlcluster(action: str, *options: str) -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", _cluster_version(), "main", action, *options],
        check=True,
        capture_output=True,
        timeout=60,
    )


@contextlib.contextmanager
def postgres_stopped() -> Iterator[None]:
    """PostgreSQL is down inside the block (stopped in fast mode: every session is cut off at
    once and open transactions are rolled back), and running again after it, whatever happened."""
    try:
        pg_ctlcluster("stop", "--mode", "fast")
        yield
    finally:
        ensure_postgres_running()


def ensure_postgres_running() -> None:
    if not postgres_answers():
        with contextlib.suppress(subprocess.CalledProcessError):
            pg_ctlcluster("start")
    _wait(postgres_answers, "PostgreSQL to answer")


def sessions_waiting_on_a_lock() -> int:
    """How many sessions of the test database are waiting for a lock another one holds."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _wait(condition, what: str) -> None:
    deadline = time.monotonic() + SERVER_WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"Waited {SERVER_WAIT_SECONDS} s for {what}")
        time.sleep(0.1)
