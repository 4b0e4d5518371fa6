"""A real streaming replica of the local PostgreSQL, for as long as some tests need it.

``pg_basebackup -R`` copies the running cluster, with the test database in it, into a temporary
directory and writes the settings that make the copy a standby; ``pg_ctl`` starts it on a free
port, where it replays the primary's changes as they are committed, and answers reads only
(``pg_is_in_recovery()`` is true there). When the tests end it is stopped and its directory
removed, whatever happened.

The server is the machine's own: the programs run as its ``postgres`` user (the tests run as
root). Its ``pg_hba.conf`` may lack the line that lets a standby connect from 127.0.0.1: it is
added while the replica exists, the server told to reload, and the file put back as it was and
reloaded again afterwards.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import psycopg2

# Debian's PostgreSQL programs, by major version: the copy is made by the server's own version.
PROGRAMS = "/usr/lib/postgresql/{major}/bin"
REPLICATION_RULE = "host replication all 127.0.0.1/32 trust"
# Settings a standby must hold at least as high as its primary's, or it refuses to start.
AT_LEAST_THE_PRIMARYS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)
WAIT_SECONDS = 60


def missing(bin_dir: Path) -> str | None:
    """Why no replica can be started here, or None."""
    if os.geteuid() != 0:
        return "starting a replica runs PostgreSQL's programs as the postgres user, which needs root"
    for program in ("pg_basebackup", "pg_ctl"):
        if not (bin_dir / program).exists():
            return f"{bin_dir / program} is not installed"
    return None


def _as_postgres(*command: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True, text=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class StreamingReplica:
    """A replica of the primary at ``host:port``, not made yet: :meth:`running` makes it."""

    def __init__(self, host: str, port: int, user: str) -> None:
        self.primary = {"host": host, "port": port, "user": user, "dbname": "postgres"}
        self.port = _free_port()
        major = int(self._ask("SHOW server_version_num")) // 10000
        self.bin = Path(PROGRAMS.format(major=major))
        self.directory = self.data = self.log = Path()

    def url(self, database: str) -> str:
        return f"postgres://{self.primary['user']}@127.0.0.1:{self.port}/{database}"

    @contextmanager
    def _connected(self, *, replica: bool = False) -> Iterator:
        where = {**self.primary, "host": "127.0.0.1", "port": self.port} if replica else self.primary
        connection = psycopg2.connect(**where, connect_timeout=5)
        connection.autocommit = True
        try:
            yield connection
        finally:
            connection.close()

    @staticmethod
    def _one(connection, sql: str, *params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def _ask(self, sql: str, *params, replica: bool = False):
        with self._connected(replica=replica) as connection:
            return self._one(connection, sql, *params)

    # --- the primary's pg_hba.conf ------------------------------------------------------------

    @contextmanager
    def replication_allowed(self) -> Iterator[None]:
        hba = Path(self._ask("SHOW hba_file"))
        original = hba.read_text()
        if REPLICATION_RULE.split() in [line.split() for line in original.splitlines()]:
            yield
            return
        hba.write_text(original.rstrip("\n") + "\n" + REPLICATION_RULE + "\n")
        self._ask("SELECT pg_reload_conf()")
        try:
            yield
        finally:
            hba.write_text(original)
            self._ask("SELECT pg_reload_conf()")

    # --- the copy -------------------------------------------------------------------------------

    def create(self) -> None:
        """Copy the primary (retried while the server may still be reloading pg_hba.conf)."""
        self.directory = Path(tempfile.mkdtemp(prefix="aftersales-replica-"))
        self.data, self.log = self.directory / "data", self.directory / "server.log"
        shutil.chown(self.directory, "postgres", "postgres")
        copy = [
            str(self.bin / "pg_basebackup"),
            *("-h", self.primary["host"], "-p", str(self.primary["port"]), "-U", self.primary["user"]),
            *("-D", str(self.data), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"),
        ]
        for attempt in range(10):
            try:
                _as_postgres(*copy)
                break
            except subprocess.CalledProcessError as exc:
                if attempt == 9:
                    raise RuntimeError(f"pg_basebackup failed: {exc.stderr}") from exc
                shutil.rmtree(self.data, ignore_errors=True)
                time.sleep(0.5)
        floors = {name: self._ask("SELECT current_setting(%s)", name) for name in AT_LEAST_THE_PRIMARYS}
        settings = {
            "port": str(self.port),
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.directory}'",
            "hot_standby": "on",
            "shared_buffers": "'32MB'",
            "fsync": "off",
            "ssl": "off",
            **floors,
        }
        (self.data / "postgresql.conf").write_text("".join(f"{name} = {value}\n" for name, value in settings.items()))
        (self.data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
        (self.data / "pg_ident.conf").write_text("")
        for name in ("postgresql.conf", "pg_hba.conf", "pg_ident.conf"):
            shutil.chown(self.data / name, "postgres", "postgres")

    def start(self) -> None:
        try:
            _as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")
        except subprocess.CalledProcessError as exc:
            raise RuntimeError(f"The replica did not start: {exc.stderr}\n{self.log.read_text()}") from exc
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            try:
                if self._ask("SELECT pg_is_in_recovery()", replica=True):
                    return
            except psycopg2.OperationalError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"The replica did not start:\n{self.log.read_text()}")
            time.sleep(0.2)

    def stop(self) -> None:
        _as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if self.directory == Path():
            return
        with suppress(subprocess.CalledProcessError):
            if (self.data / "postmaster.pid").exists():
                _as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)

    @contextmanager
    def running(self) -> Iterator["StreamingReplica"]:
        """Made and started; stopped and removed at the end, whatever happened."""
        # The standby connects to the primary for replication as long as it runs, and again
        # after a restart: the primary lets it in until it is removed.
        with self.replication_allowed():
            try:
                self.create()
                self.start()
                yield self
            finally:
                self.remove()

    # --- replay -------------------------------------------------------------------------------------

    def caught_up(self) -> None:
        """Wait until the replica has replayed everything the primary committed so far."""
        target = self._ask("SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + WAIT_SECONDS
        with self._connected(replica=True) as replica:
            while not self._one(replica, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", target):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"The replica did not catch up with {target}")
                time.sleep(0.05)

    @contextmanager
    def replay_paused(self) -> Iterator[None]:
        """The replica stops replaying: it lags behind every change made meanwhile."""
        with self._connected(replica=True) as replica:
            self._one(replica, "SELECT pg_wal_replay_pause()::text")
            while self._one(replica, "SELECT pg_get_wal_replay_pause_state()") != "paused":
                time.sleep(0.05)
        try:
            yield
        finally:
            self._ask("SELECT pg_wal_replay_resume()::text", replica=True)
