"""Fault: PostgreSQL restarts while the app is under load (issue 8, item 3).

A real gunicorn (two processes, four threads each, persistent database connections as in
production) serves the test's database. Customers submit portal requests and agents read the
desk from several threads while PostgreSQL is stopped in fast mode (every session cut off),
kept down a few seconds, and started again. Requests may fail only while the database is
down; once it answers, the same gunicorn serves again without being restarted
(``conn_health_checks`` replaces the dead connections) within ``RECOVERY_BOUND``; and every
request that was accepted (the portal's redirect to its confirmation) has its ticket.
"""

import dataclasses
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from django.db import connection
from django.test import Client

from customers.phones import try_normalize_phone
from tests import factories
from tests.faults.services import postgres_answers, postgres_stopped, require_controllable_postgres
from tests.test_celery_worker import REDIS_URL, needs_worker
from tickets.models import Ticket

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
SUBMITTERS, READERS = 3, 2
# Requests before the outage, the outage itself, and requests after the database is back.
BEFORE_SECONDS, DOWN_SECONDS, AFTER_SECONDS = 2.0, 3.0, 3.0
# After PostgreSQL answers again, requests must succeed within this long.
RECOVERY_BOUND = 30.0
REFERENCE = re.compile(r"AS-\d{4}-\d{6}")


@dataclasses.dataclass
class Attempt:
    kind: str  # "submit" or "read"
    started: float
    ended: float
    outcome: str  # "ok", "failed", or for a submission "accepted" (redirected, confirmation not shown)
    phone: str = ""
    reference: str = ""
    detail: str = ""


@dataclasses.dataclass
class Outage:
    down: float = 0.0
    up: float = 0.0


class Server:
    """``gunicorn`` on a free port, with the environment of the test's own processes."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / "gunicorn.log"
        self._log = self.log_path.open("wb")
        self.popen = subprocess.Popen(
            [
                GUNICORN, "aftersales.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", "2",
                "--threads", "4",
                "--timeout", "30",
                "--access-logfile", "-",
            ],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        self.stop()
        pytest.fail(f"gunicorn did not start:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def workers_booted(self) -> list[str]:
        """The pids of the workers gunicorn has started so far (it logs each one)."""
        return re.findall(r"Booting worker with pid: (\d+)", self.log_path.read_text(errors="replace"))

    def stop(self) -> None:
        self.popen.terminate()
        try:
            self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=10)
        self._log.close()


def portal_session(server: Server) -> requests.Session:
    """A browser that has opened the request form (and so holds its CSRF cookie)."""
    session = requests.Session()
    session.get(f"{server.url}/request/", timeout=15).raise_for_status()
    return session


def submitter(
    server: Server, session: requests.Session, number: int, stop: threading.Event, attempts: list[Attempt]
) -> None:
    """A stream of customers, each with their own phone and address (behind one proxy)."""
    token = session.cookies["csrftoken"]
    n = 0
    while not stop.is_set():
        n += 1
        phone = f"139{number}{n:07d}"
        started = time.monotonic()
        attempt = Attempt("submit", started, started, "failed", phone=try_normalize_phone(phone))
        try:
            posted = session.post(
                f"{server.url}/request/",
                data={
                    "csrfmiddlewaretoken": token,
                    "name": f"Customer {number}-{n}",
                    "phone": phone,
                    "address": f"{n} Binhai Road, Qingdao",
                    "kind": "repair",
                    "description": "The fridge is warm.",
                },
                headers={"X-Forwarded-For": f"10.{number}.{n // 250}.{n % 250 + 1}"},
                allow_redirects=False,
                timeout=15,
            )
            if posted.status_code == 302:
                attempt.outcome = "accepted"
                shown = session.get(server.url + posted.headers["Location"], timeout=15)
                found = REFERENCE.search(shown.text) if shown.status_code == 200 else None
                if found:
                    attempt.outcome, attempt.reference = "ok", found.group()
            else:
                attempt.detail = str(posted.status_code)
        except requests.RequestException as exc:
            attempt.detail = type(exc).__name__
        attempt.ended = time.monotonic()
        attempts.append(attempt)
        time.sleep(0.02)


def reader(server: Server, sessionid: str, paths: list[str], stop: threading.Event, attempts: list[Attempt]) -> None:
    """An agent reading the queue and a ticket, over and over."""
    session = requests.Session()
    session.cookies.set("sessionid", sessionid)
    n = 0
    while not stop.is_set():
        n += 1
        started = time.monotonic()
        attempt = Attempt("read", started, started, "failed")
        try:
            response = session.get(server.url + paths[n % len(paths)], timeout=15, allow_redirects=False)
            attempt.outcome = "ok" if response.status_code == 200 else "failed"
            attempt.detail = str(response.status_code)
        except requests.RequestException as exc:
            attempt.detail = type(exc).__name__
        attempt.ended = time.monotonic()
        attempts.append(attempt)
        time.sleep(0.02)


@needs_worker(redis=True)
@pytest.mark.redis
def test_the_app_recovers_by_itself_after_a_postgres_restart_and_loses_no_accepted_request(
    celery_processes, agent, tmp_path
):
    require_controllable_postgres(connection.settings_dict)
    ticket = factories.TicketFactory()
    desk = Client()
    desk.force_login(agent)
    sessionid = desk.cookies["sessionid"].value
    env = celery_processes.env(redis_url=REDIS_URL, DEBUG="1", ALLOWED_HOSTS="127.0.0.1", API_NUM_PROXIES="1")
    server = Server(env, tmp_path)
    workers_before = server.workers_booted()

    attempts: list[Attempt] = []
    stop = threading.Event()
    threads: list[threading.Thread] = []
    outage = Outage()
    try:
        threads += [
            threading.Thread(target=submitter, args=(server, portal_session(server), number, stop, attempts))
            for number in range(1, SUBMITTERS + 1)
        ]
        threads += [
            threading.Thread(
                target=reader,
                args=(server, sessionid, ["/desk/", f"/desk/tickets/{ticket.reference}/"], stop, attempts),
            )
            for _ in range(READERS)
        ]
        for thread in threads:
            thread.start()
        # Every stream under way (the workers have served each kind of page once), then load for a while.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and sum(a.outcome == "ok" for a in attempts) < 2 * len(threads):
            time.sleep(0.1)
        time.sleep(BEFORE_SECONDS)
        outage.down = time.monotonic()
        with postgres_stopped():
            time.sleep(DOWN_SECONDS)
        outage.up = time.monotonic()
        assert postgres_answers()
        # Run on until both kinds of request have succeeded after the outage (bounded), then a while more.
        deadline = outage.up + RECOVERY_BOUND
        while time.monotonic() < deadline and not all(
            any(a.outcome == "ok" and a.started > outage.up for a in attempts if a.kind == kind)
            for kind in ("submit", "read")
        ):
            time.sleep(0.1)
        time.sleep(AFTER_SECONDS)
    finally:
        stop.set()
        for thread in threads:
            if thread.is_alive():
                thread.join(30)
        workers_after = server.workers_booted()
        server.stop()
        # The test's own session was cut off with the others: open a new one.
        connection.close()

    failures = [a for a in attempts if a.outcome == "failed"]
    log = server.log()
    # Nothing failed before the outage; whatever failed was in flight or sent while the
    # database was down, or in the moments after it came back.
    assert not [a for a in failures if a.ended < outage.down], log
    last_failure = max((a.ended for a in failures), default=outage.down)
    recovery = max(0.0, last_failure - outage.up)
    assert recovery < RECOVERY_BOUND, log
    for kind in ("submit", "read"):
        assert any(a.outcome == "ok" and a.started > last_failure for a in attempts if a.kind == kind), kind
    # The outage was felt (this test tested something), by the same gunicorn workers throughout.
    assert any(outage.down <= a.started <= outage.up for a in failures)
    assert len(workers_before) == 2 and workers_after == workers_before, "gunicorn had to replace its workers"

    # No accepted request lost, none saved twice.
    accepted = [a for a in attempts if a.kind == "submit" and a.outcome in ("ok", "accepted")]
    stored = dict(Ticket.objects.filter(channel="web").values_list("customer__phone", "reference"))
    assert Ticket.objects.filter(channel="web").count() == len(stored)
    lost = [a for a in accepted if a.phone not in stored]
    assert not lost
    assert all(stored[a.phone] == a.reference for a in accepted if a.outcome == "ok")

    first_ok = min(a.ended for a in attempts if a.outcome == "ok" and a.started > outage.up) - outage.up
    submits = [a for a in attempts if a.kind == "submit"]
    reads = [a for a in attempts if a.kind == "read"]
    print(
        f"\nPostgreSQL down {outage.up - outage.down:.1f} s; after it answered: last failure {recovery:.1f} s, "
        f"first success {first_ok:.1f} s; "
        f"submissions: {len(submits)} sent, {len(accepted)} accepted "
        f"({sum(a.outcome == 'accepted' for a in accepted)} without the confirmation page), "
        f"{sum(a.outcome == 'failed' for a in submits)} failed, {len(lost)} lost, "
        f"{len(stored) - len(accepted)} saved though the customer saw an error; "
        f"desk reads: {len(reads)} sent, {sum(a.outcome == 'failed' for a in reads)} failed"
    )
