"""Tasks through a real Celery worker, not eagerly (docs/architecture.md#celery-tasks-and-the-beat-schedule; issue 5 points 7 and 8).

The worker (and beat) run as separate processes with ``tests/worker_settings.py``: the test's
own database, a queue of the test's own, mail written to files. A worker must see the rows
the test wrote, so these tests commit for real (``transaction=True``) and run on PostgreSQL:
SQLite's test database lives in the test process's memory, where no other process can open
it. CI runs them with ``DATABASE_URL`` and ``REDIS_URL`` set; elsewhere they skip and say why.

The last test needs no worker: the broker is down when a ticket is resolved.
"""

import contextlib
import datetime as dt
import email
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from kombu.exceptions import OperationalError

from aftersales.celery import app as celery_app
from aftersales.settings.queues import task_routes, worker_queues
from followups.choices import CallbackKind, CallbackStatus
from followups.models import CallbackVisit
from notifications.delivery import outbox_sweep
from notifications.models import MessageStatus, OutboundMessage
from notifications.services import queue_message
from notifications.tasks import prune_history_task
from quality.tasks import batch_warning_task
from tests.factories import CustomerFactory, TicketFactory
from tickets.choices import Channel, EventKind, Kind, Status
from tickets.models import Ticket, TicketEvent
from tickets.services import ticket_create, ticket_transition
from tickets.tasks import sla_sweep_task

CELERY = str(Path(sys.executable).with_name("celery"))
# How long a test waits for a process to start or for a task's effect.
WAIT_SECONDS = 30
REDIS_URL = os.environ.get("REDIS_URL", "")


def needs_worker(*, redis: bool):
    """The marks of a test that starts Celery processes. A worker reads what the test
    committed, so the test commits for real, on a database another process can open."""
    marks = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
    if redis:
        marks.append(pytest.mark.redis)

    def decorate(test):
        for mark in marks:
            test = mark(test)
        return test

    return decorate


# --- starting and stopping Celery processes ---------------------------------------------------


class CeleryProcess:
    """One ``celery worker`` or ``celery beat`` process, its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.name = name
        self.log_path = cwd / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.popen = subprocess.Popen(
            [CELERY, "--app", "aftersales", *argv], cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, text: str) -> None:
        wait_for(lambda: text in self.log(), what=f"{self.name} to log {text!r}", processes=[self])

    def kill(self) -> None:
        """Die at once, as on a power cut: no warm shutdown, nothing acknowledged or given back."""
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        """A warm shutdown (SIGTERM), bounded in time; killed if it does not end."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        self._log.close()


class CeleryProcesses:
    """Starts workers and beat for one test, on the test's database and its own queue."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.token = uuid.uuid4().hex[:12]
        self.queue = f"aftersales-test-{self.token}"
        # The routed queues' names start with the test's queue (tests/worker_settings.py).
        self.routed_prefix = f"{self.queue}-"
        self.var_dir = folder / "var"
        self.mail_dir = folder / "mail"
        self.mail_dir.mkdir()
        self.sms_file = folder / "sms.jsonl"
        self.started: list[CeleryProcess] = []

    def env(self, *, redis_url: str | None, **extra: str) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "REDIS_URL"))}
        env.update(
            DJANGO_SETTINGS_MODULE="tests.worker_settings",
            PYTHONPATH=str(settings.BASE_DIR),
            AFTERSALES_VAR_DIR=str(self.var_dir),
            AFTERSALES_TEST_DATABASE=connection.settings_dict["NAME"],
            AFTERSALES_TEST_QUEUE=self.queue,
            AFTERSALES_TEST_MAIL_DIR=str(self.mail_dir),
            AFTERSALES_TEST_SMS_FILE=str(self.sms_file),
            **extra,
        )
        if redis_url:
            env["REDIS_URL"] = redis_url
        return env

    def worker(self, *, redis_url: str | None, name: str = "worker", **extra_env: str) -> CeleryProcess:
        argv = [
            "worker",
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "--queues",
            ",".join(worker_queues(self.queue, prefix=self.routed_prefix)),
            "--hostname",
            f"{name}-{self.token}@%h",
            "--loglevel",
            "INFO",
        ]
        process = CeleryProcess(name, argv, self.env(redis_url=redis_url, **extra_env), self.folder)
        self.started.append(process)
        process.wait_for_log(" ready.")
        return process

    def beat(self, *, redis_url: str | None) -> CeleryProcess:
        argv = ["beat", "--loglevel", "INFO", "--max-interval", "1", "--schedule", str(self.folder / "beat-schedule")]
        process = CeleryProcess("beat", argv, self.env(redis_url=redis_url), self.folder)
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        for process in reversed(self.started):
            process.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {process.name} ---\n{process.log()[-4000:]}" for process in self.started)

    def sent_mail(self) -> list[tuple[str, str]]:
        """(to, subject) of every message the worker's mail backend wrote, oldest first."""
        messages = []
        for path in sorted(self.mail_dir.iterdir()):
            for chunk in path.read_text().split("\n" + "-" * 79 + "\n"):
                if chunk.strip():
                    message = email.message_from_string(chunk)
                    messages.append((message["To"], message["Subject"]))
        return messages

    def sent_sms(self) -> list[tuple[str, str]]:
        """(to, text) of every SMS the worker's file backend wrote, oldest first."""
        if not self.sms_file.exists():
            return []
        lines = self.sms_file.read_text(encoding="utf-8").splitlines()
        return [(entry["to"], entry["text"]) for entry in map(json.loads, lines)]


def task_results(process: CeleryProcess, task: str) -> list[str]:
    """What each run of ``task`` returned, as the worker logged it."""
    return re.findall(rf"Task {re.escape(task)}\[[0-9a-f-]+\] succeeded in [0-9.e-]+s: (.*)", process.log())


def wait_for(condition: Callable[[], bool], *, what: str, processes: list[CeleryProcess]) -> None:
    """Poll until ``condition()`` holds; fail with the processes' logs after WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        dead = [process for process in processes if process.popen.poll() is not None]
        if dead:
            logs = "\n".join(process.log()[-4000:] for process in dead)
            pytest.fail(f"{', '.join(p.name for p in dead)} exited while waiting for {what}:\n{logs}")
        time.sleep(0.2)
    logs = "\n".join(f"--- {process.name} ---\n{process.log()[-4000:]}" for process in processes)
    pytest.fail(f"No {what} within {WAIT_SECONDS} s.\n{logs}")


@pytest.fixture
def celery_processes(transactional_db, tmp_path) -> Iterator[CeleryProcesses]:
    """Workers and beat for the test; every one is stopped before the database is flushed."""
    processes = CeleryProcesses(tmp_path)
    try:
        yield processes
    finally:
        processes.stop_all()
        if REDIS_URL:
            _forget_redis_keys(processes.token)


def _forget_redis_keys(token: str) -> None:
    """Remove the test's queue and bindings from the shared Redis database."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        for key in client.scan_iter(match=f"*{token}*"):
            client.delete(key)
        for key in client.scan_iter(match="_kombu.binding.*"):
            for member in client.smembers(key):
                if token.encode() in member:
                    client.srem(key, member)
    except redis.RedisError:
        pass
    finally:
        client.close()


@contextlib.contextmanager
def tasks_sent_to(queue: str, *, broker_url: str, transport_options: dict) -> Iterator[None]:
    """Make this process's Celery app publish to ``queue`` on a real broker instead of running
    tasks inline, as the web process does in production, the routed tasks to the queues named
    after it that the test's workers consume; put the test settings back after."""
    conf = celery_app.conf
    changes = {
        "task_always_eager": False,
        "task_default_queue": queue,
        "task_routes": task_routes(prefix=f"{queue}-"),
        "broker_url": broker_url,
        "broker_transport_options": transport_options,
    }
    saved = {key: conf[key] for key in changes}
    conf.update(changes)
    _forget_broker_connections()
    try:
        yield
    finally:
        conf.update(saved)
        _forget_broker_connections()


def _forget_broker_connections() -> None:
    # The app keeps its connection and producer pools for the broker it first used, and its
    # router for the routes it first read.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.amqp.flush_routes()
    celery_app.amqp.__dict__.pop("router", None)


def _filesystem_broker_options(processes: CeleryProcesses) -> dict:
    """The embedded broker's folders as aftersales/settings/storage.py lays them out under the worker's
    AFTERSALES_VAR_DIR (the control folder is relative to the worker's working directory)."""
    broker = processes.var_dir / "broker"
    for sub in ("queue", "processed"):
        (broker / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(broker / "queue"),
        "data_folder_out": str(broker / "queue"),
        "processed_folder": str(broker / "processed"),
        "store_processed": False,
        "control_folder": str(processes.folder / "control"),
    }


# --- helpers for the rows ------------------------------------------------------------------------


RECEIVED_CONTEXT = {
    "customer_name": "Li Na",
    "reference": "AS-2026-000042",
    "kind": "Repair",
    "product": "Drum washer",
    "serial": "SN-42",
    "track_url": "https://service.example.com/track/?reference=AS-2026-000042",
    "received_at": "2026-03-05T06:30:00Z",
}
RECEIVED_SUBJECT = "We have received your request AS-2026-000042"


def queue_received_email(to_email: str = "li.na@example.com", dedupe_key: str | None = None) -> OutboundMessage:
    """Queue an email the way a service does: inside a transaction, sent after the commit."""
    with transaction.atomic():
        queued = queue_message(
            channel="email",
            template="request_received",
            recipient=to_email,
            language="en",
            context=RECEIVED_CONTEXT,
            dedupe_key=dedupe_key,
        )
        # Nothing leaves before the commit: the worker could not even see the row yet.
        assert OutboundMessage.objects.get(pk=queued.pk).status == MessageStatus.PENDING
    return queued


def status_of(outbound: OutboundMessage) -> str:
    return OutboundMessage.objects.values_list("status", flat=True).get(pk=outbound.pk)


def late_tickets(count: int) -> list[Ticket]:
    """Tickets logged three days ago and never answered: their response deadline has passed."""
    customer = CustomerFactory()
    long_ago = timezone.now() - dt.timedelta(days=3)
    return [
        ticket_create(
            customer=customer, kind=Kind.REPAIR, channel=Channel.PHONE, description="Leaks.", by=None, now=long_ago
        )
        for _ in range(count)
    ]


def breaches() -> list[tuple[str, str]]:
    """(ticket reference, stage) of every SLA-breach event on the timelines."""
    return sorted(
        TicketEvent.objects.filter(kind=EventKind.SLA_BREACHED).values_list("ticket__reference", "data__status")
    )


# --- Redis ---------------------------------------------------------------------------------------


@needs_worker(redis=True)
def test_redis_worker_sends_an_email_queued_in_a_transaction(celery_processes):
    worker = celery_processes.worker(redis_url=REDIS_URL)

    with tasks_sent_to(celery_processes.queue, broker_url=REDIS_URL, transport_options={"visibility_timeout": 3600}):
        queued = queue_received_email()
        wait_for(lambda: status_of(queued) == MessageStatus.SENT, what="email sent by the worker", processes=[worker])

    queued.refresh_from_db()
    assert (queued.status, queued.attempts, queued.last_error) == (MessageStatus.SENT, 0, "")
    assert queued.sent_at is not None
    assert celery_processes.sent_mail() == [("li.na@example.com", RECEIVED_SUBJECT)]
    # The worker sent it, not this process running the task inline.
    assert mail.outbox == []
    assert task_results(worker, "notifications.send_message_task") == ["True"]


@needs_worker(redis=True)
def test_redis_worker_runs_the_sla_sweep_sent_through_the_broker(celery_processes):
    first, second = late_tickets(2)
    on_time = ticket_create(
        customer=first.customer, kind=Kind.REPAIR, channel=Channel.PHONE, description="Noisy.", by=None
    )
    worker = celery_processes.worker(redis_url=REDIS_URL)

    with tasks_sent_to(celery_processes.queue, broker_url=REDIS_URL, transport_options={"visibility_timeout": 3600}):
        # Twice, as when beat fires again before the first run finished: nothing is flagged twice.
        sla_sweep_task.apply_async(queue=celery_processes.queue)
        sla_sweep_task.apply_async(queue=celery_processes.queue)
        # One worker takes the queue in order: once this email is sent, both sweeps have run.
        marker = queue_received_email()
        wait_for(lambda: status_of(marker) == MessageStatus.SENT, what="both sweeps run", processes=[worker])

    assert breaches() == [(first.reference, Status.NEW), (second.reference, Status.NEW)]
    assert dict(Ticket.objects.values_list("reference", "breached_stage")) == {
        first.reference: Status.NEW,
        second.reference: Status.NEW,
        on_time.reference: "",
    }
    # What each run returned: the first flagged both, the second found nothing left to flag.
    assert task_results(worker, "tickets.sla_sweep_task") == ["2", "0"]


@needs_worker(redis=True)
def test_beat_sends_the_sla_sweep_from_the_database_schedule(celery_processes):
    (late,) = late_tickets(1)
    # The schedule migrate created, as if its last run were an hour ago: due at once. The other
    # entries are switched off so that only this one fires.
    sweep = PeriodicTask.objects.get(name="Flag missed SLA deadlines")
    assert sweep.task == "tickets.sla_sweep_task"
    PeriodicTask.objects.exclude(pk=sweep.pk).update(enabled=False)
    PeriodicTask.objects.filter(pk=sweep.pk).update(last_run_at=timezone.now() - dt.timedelta(hours=1))

    worker = celery_processes.worker(redis_url=REDIS_URL)
    beat = celery_processes.beat(redis_url=REDIS_URL)
    wait_for(
        lambda: Ticket.objects.filter(pk=late.pk, breached_stage=Status.NEW).exists(),
        what="SLA breach flagged by the scheduled sweep",
        processes=[worker, beat],
    )

    assert breaches() == [(late.reference, Status.NEW)]
    assert "Scheduler: Sending due task Flag missed SLA deadlines (tickets.sla_sweep_task)" in beat.log()


@needs_worker(redis=True)
def test_a_worker_killed_mid_task_loses_nothing(celery_processes):
    # A mail server that accepts the connection and never answers: the send hangs there.
    hung = socket.create_server(("127.0.0.1", 0))
    hung.settimeout(WAIT_SECONDS)
    port = str(hung.getsockname()[1])
    try:
        first = celery_processes.worker(
            redis_url=REDIS_URL, name="first", AFTERSALES_TEST_SMTP_PORT=port, EMAIL_TIMEOUT="120"
        )
        with tasks_sent_to(
            celery_processes.queue, broker_url=REDIS_URL, transport_options={"visibility_timeout": 3600}
        ):
            queued = queue_received_email()
        try:
            client, _ = hung.accept()  # the first worker is now inside the task, the row locked
        except TimeoutError:
            pytest.fail(f"The first worker never reached the mail server.\n{celery_processes.logs()}")
        assert status_of(queued) == MessageStatus.PENDING
        first.kill()
        client.close()
    finally:
        hung.close()
    assert "Task notifications.send_message_task[" in first.log()
    assert task_results(first, "notifications.send_message_task") == []

    # The message was taken but never acknowledged (acks_late): the broker hands it out again,
    # here after 2 s instead of production's hour.
    second = celery_processes.worker(redis_url=REDIS_URL, name="second", AFTERSALES_TEST_VISIBILITY_TIMEOUT="2")
    wait_for(
        lambda: status_of(queued) == MessageStatus.SENT, what="email sent by the second worker", processes=[second]
    )

    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (MessageStatus.SENT, 0)
    assert task_results(second, "notifications.send_message_task") == ["True"]
    assert celery_processes.sent_mail() == [("li.na@example.com", RECEIVED_SUBJECT)]


@needs_worker(redis=True)
def test_each_task_waits_on_its_own_queue_for_a_worker_that_consumes_them_all(celery_processes):
    import redis

    queue = celery_processes.queue
    with time_machine.travel(timezone.now() - dt.timedelta(days=200)):
        old = OutboundMessage.objects.create(
            channel="email", recipient="old@example.com", template="x", language="en", status=MessageStatus.SENT
        )
    with tasks_sent_to(queue, broker_url=REDIS_URL, transport_options={"visibility_timeout": 3600}):
        queued = queue_received_email()
        sla_sweep_task.delay()
        batch_warning_task.delay()
        prune_history_task.delay()
        # Nothing consumes them yet: each waits in its queue, as the routes say.
        broker = redis.Redis.from_url(REDIS_URL)
        try:
            waiting = {name: broker.llen(name) for name in worker_queues(queue, prefix=celery_processes.routed_prefix)}
        finally:
            broker.close()
        assert waiting == {queue: 1, f"{queue}-notifications": 1, f"{queue}-snapshots": 1, f"{queue}-bulk": 1}

        worker = celery_processes.worker(redis_url=REDIS_URL)
        wait_for(
            lambda: all(
                task_results(worker, task)
                for task in (
                    "notifications.send_message_task",
                    "tickets.sla_sweep_task",
                    "followups.batch_warning_task",
                    "notifications.prune_history_task",
                )
            ),
            what="a task of every queue run by the worker",
            processes=[worker],
        )

    assert status_of(queued) == MessageStatus.SENT
    assert celery_processes.sent_mail() == [("li.na@example.com", RECEIVED_SUBJECT)]
    assert task_results(worker, "notifications.prune_history_task") == ["{'messages': 1, 'webhook_deliveries': 0}"]
    assert not OutboundMessage.objects.filter(pk=old.pk).exists()


# --- the embedded broker (kombu's filesystem transport) ------------------------------------------


@needs_worker(redis=False)
def test_embedded_broker_worker_runs_tasks_without_any_server(celery_processes):
    (late,) = late_tickets(1)
    worker = celery_processes.worker(redis_url=None)
    assert "transport:   filesystem://" in worker.log()

    with tasks_sent_to(
        celery_processes.queue,
        broker_url="filesystem://",
        transport_options=_filesystem_broker_options(celery_processes),
    ):
        queued = queue_received_email()
        sla_sweep_task.apply_async(queue=celery_processes.queue)
        wait_for(
            lambda: (
                status_of(queued) == MessageStatus.SENT
                and Ticket.objects.filter(pk=late.pk, breached_stage=Status.NEW).exists()
            ),
            what="email sent and SLA breach flagged by the worker",
            processes=[worker],
        )

    assert celery_processes.sent_mail() == [("li.na@example.com", RECEIVED_SUBJECT)]
    assert breaches() == [(late.reference, Status.NEW)]
    assert mail.outbox == []


# --- the broker is down when a ticket is resolved (eager, any database) --------------------------


@pytest.mark.django_db
def test_broker_down_when_resolving_keeps_the_callback_and_sends_the_email_later(
    technician, django_capture_on_commit_callbacks, caplog
):
    customer = CustomerFactory(
        name="Li Na", email="li.na@example.com", email_verified=True, preferred_channel="email", preferred_language="en"
    )
    ticket = TicketFactory(
        customer=customer,
        status=Status.IN_PROGRESS,
        assignee=technician,
        work_done="Replaced the drain pump.",
        fault_code="E21",
        fault_component="drain pump",
        root_cause="Impeller cracked.",
    )
    resolved_at = timezone.now()

    down = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with mock.patch("notifications.tasks.send_message_task.delay", side_effect=down) as delay:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            ticket = ticket_transition(ticket=ticket, move="resolve", by=technician, now=resolved_at)

    # The resolution stands, with its callback; the email waits in the outbox.
    assert len(callbacks) == 1
    queued = OutboundMessage.objects.get(ticket_reference=ticket.reference)
    delay.assert_called_once_with(queued.pk)
    assert "the outbox sweep will send it" in caplog.text
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.resolved_at) == (Status.RESOLVED, resolved_at)
    visit = CallbackVisit.objects.get(ticket=ticket)
    assert (visit.kind, visit.status, visit.due_at) == (
        CallbackKind.AFTER_SERVICE,
        CallbackStatus.DUE,
        resolved_at + dt.timedelta(hours=72),
    )
    assert (queued.template, queued.recipient, queued.status, queued.attempts) == (
        "status_resolved",
        "li.na@example.com",
        MessageStatus.PENDING,
        0,
    )
    assert mail.outbox == []

    # The broker is back. A fresh email is left to the send scheduled at its commit ...
    assert outbox_sweep() == 0
    # ... one that has waited is sent by the sweep, once.
    OutboundMessage.objects.filter(pk=queued.pk).update(created_at=timezone.now() - dt.timedelta(minutes=2))
    assert outbox_sweep() == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["li.na@example.com"], f"Your request {ticket.reference} is resolved: please rate our service")
    ]
    assert status_of(queued) == MessageStatus.SENT
    assert outbox_sweep() == 0
    assert len(mail.outbox) == 1
