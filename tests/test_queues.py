"""aftersales/settings/queues.py: every task goes to a declared queue, and the Procfile's one
worker consumes every queue, so ``make run`` still runs everything. That a routed task reaches a
real worker through Redis is tests/test_celery_worker.py's."""

import shlex
from pathlib import Path

import pytest
from django.conf import settings

from aftersales.celery import app
from aftersales.settings.queues import (
    BULK,
    DEFAULT_QUEUE,
    NOTIFICATIONS,
    ROUTED_QUEUES,
    SNAPSHOTS,
    TASKS_BY_QUEUE,
    task_routes,
    worker_queues,
)

DECLARED = {DEFAULT_QUEUE, *ROUTED_QUEUES}


@pytest.fixture(scope="module")
def our_tasks() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def _queue_of(task: str) -> str:
    """The queue the app sends ``task`` to, as its router decides."""
    return app.amqp.router.route({}, task)["queue"].name


def test_every_task_is_placed_in_exactly_one_declared_queue(our_tasks):
    assert set(TASKS_BY_QUEUE) == DECLARED
    placed = [task for tasks in TASKS_BY_QUEUE.values() for task in tasks]
    assert len(placed) == len(set(placed)), "a task is placed in two queues"
    # A new task must be placed; a task that is gone must be removed.
    assert sorted(set(placed) ^ our_tasks) == []


def test_the_app_sends_every_task_to_its_queue(our_tasks):
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "celery"
    assert settings.CELERY_TASK_ROUTES == task_routes()
    queues = {task: _queue_of(task) for task in our_tasks}
    assert set(queues.values()) == DECLARED
    assert {task for task, queue in queues.items() if queue == NOTIFICATIONS} == {
        "notifications.send_message_task",
        "notifications.outbox_sweep_task",
        "tickets.deliver_webhook_task",
        "tickets.webhook_sweep_task",
    }
    assert {task for task, queue in queues.items() if queue == SNAPSHOTS} == {
        "followups.quality_snapshot_task",
        "followups.batch_warning_task",
    }
    assert {task for task, queue in queues.items() if queue == BULK} == {
        "followups.recall_open_tickets_task",
        "followups.recall_sweep_task",
        "followups.maintenance_callbacks_task",
        "followups.warranty_expiry_callbacks_task",
        "followups.plan_visit_callbacks_task",
        "followups.contract_renewal_callbacks_task",
        "settlements.build_statements_task",
        "sales.lead_sweep_task",
        "notifications.prune_history_task",
    }
    assert {task for task, queue in queues.items() if queue == DEFAULT_QUEUE} == {
        "tickets.sla_sweep_task",
        "tickets.expire_provider_offers_task",
        "parts.flag_overdue_returns_task",
    }


def test_a_queue_given_when_sending_wins_over_the_route():
    assert app.amqp.router.route({"queue": "elsewhere"}, "notifications.send_message_task")["queue"].name == "elsewhere"


def test_every_beat_entry_goes_to_a_declared_queue():
    assert {_queue_of(entry["task"]) for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= DECLARED


def test_the_procfile_worker_consumes_every_queue():
    lines = (Path(settings.BASE_DIR) / "Procfile").read_text().splitlines()
    (worker,) = [shlex.split(line.partition(":")[2]) for line in lines if line.startswith("worker:")]
    option = next(i for i, arg in enumerate(worker) if arg in ("--queues", "-Q"))
    assert worker[:4] == ["celery", "--app", "aftersales", "worker"]
    assert worker[option + 1].split(",") == worker_queues() == ["celery", "notifications", "snapshots", "bulk"]


def test_a_worker_started_without_queues_consumes_every_queue():
    """What an installation whose worker units name no queue (every one before the queues
    existed) keeps doing after the upgrade: one worker takes everything."""
    queues = app.amqp.Queues(app.conf.task_queues)  # what a worker consumes when not told
    assert sorted(queues) == sorted(DECLARED)
    assert {name: (queue.exchange.name, queue.exchange.type, queue.routing_key) for name, queue in queues.items()} == {
        name: (name, "direct", name) for name in DECLARED
    }


def test_a_prefix_names_a_test_workers_own_queues():
    routes = task_routes(prefix="aftersales-test-1-")
    assert routes["notifications.send_message_task"] == {"queue": "aftersales-test-1-notifications"}
    assert routes["sales.lead_sweep_task"] == {"queue": "aftersales-test-1-bulk"}
    assert "tickets.sla_sweep_task" not in routes
    assert worker_queues("aftersales-test-1", prefix="aftersales-test-1-") == [
        "aftersales-test-1",
        "aftersales-test-1-notifications",
        "aftersales-test-1-snapshots",
        "aftersales-test-1-bulk",
    ]
