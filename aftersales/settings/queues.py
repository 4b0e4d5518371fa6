"""Which Celery queue each task is sent to, so that workers can be given separate work.

Four queues: ``notifications`` (an email, an SMS or a webhook: a customer is waiting for it),
``snapshots`` (the quality figures: minutes of heavy reads), ``bulk`` (jobs over many rows:
recalls, the nightly callback schedulers, statements, leads, pruning) and the default queue
``celery`` for the rest (short sweeps that must not wait behind a long job). One worker may
consume them all (the Procfile's, for ``make run``, and any worker started without
``--queues``) or each group of workers its own, on its own machines
(docs/deployment.md#9-celery-workers-and-their-queues). Every task is placed here:
tests/test_queues.py fails on a task nobody placed, and on a Procfile worker that misses a queue.
"""

from kombu import Exchange, Queue

DEFAULT_QUEUE = "celery"
NOTIFICATIONS = "notifications"
SNAPSHOTS = "snapshots"
BULK = "bulk"
ROUTED_QUEUES = (NOTIFICATIONS, SNAPSHOTS, BULK)

# Every task by the queue it goes to; ``DEFAULT_QUEUE``'s are not routed, they take the default.
TASKS_BY_QUEUE: dict[str, frozenset[str]] = {
    # A customer or an integrator is waiting: never behind a recall or a recompute.
    NOTIFICATIONS: frozenset(
        {
            "notifications.send_message_task",
            "notifications.outbox_sweep_task",
            "tickets.deliver_webhook_task",
            "tickets.webhook_sweep_task",
        }
    ),
    # Heavy aggregate reads over months of tickets; a worker of their own keeps them from the rest.
    SNAPSHOTS: frozenset(
        {
            "followups.quality_snapshot_task",
            "followups.batch_warning_task",
        }
    ),
    # Work over many rows, where minutes late is fine.
    BULK: frozenset(
        {
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
    ),
    # Short sweeps whose lateness is a missed deadline: SLA, provider offers, part returns.
    DEFAULT_QUEUE: frozenset(
        {
            "tickets.sla_sweep_task",
            "tickets.expire_provider_offers_task",
            "parts.flag_overdue_returns_task",
        }
    ),
}


def task_routes(prefix: str = "") -> dict[str, dict[str, str]]:
    """``CELERY_TASK_ROUTES``: each routed task to its queue, named ``prefix`` + the queue. A test's
    worker uses a prefix of its own, so it never takes another run's tasks (tests/worker_settings.py)."""
    return {task: {"queue": prefix + queue} for queue in ROUTED_QUEUES for task in sorted(TASKS_BY_QUEUE[queue])}


def worker_queues(default_queue: str = DEFAULT_QUEUE, prefix: str = "") -> list[str]:
    """Every queue, for a worker that consumes them all (``celery worker --queues``)."""
    return [default_queue, *(prefix + queue for queue in ROUTED_QUEUES)]


def declared_queues(default_queue: str = DEFAULT_QUEUE, prefix: str = "") -> list[Queue]:
    """``CELERY_TASK_QUEUES``: every queue, each on a direct exchange of its name, as Celery makes
    a queue it was not told of. A worker started without ``--queues`` consumes all of them."""
    return [
        Queue(name, Exchange(name, type="direct"), routing_key=name) for name in worker_queues(default_queue, prefix)
    ]


CELERY_TASK_DEFAULT_QUEUE = DEFAULT_QUEUE
CELERY_TASK_QUEUES = declared_queues()
CELERY_TASK_ROUTES = task_routes()

__all__ = ["CELERY_TASK_DEFAULT_QUEUE", "CELERY_TASK_QUEUES", "CELERY_TASK_ROUTES"]
