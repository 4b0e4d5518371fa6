"""Celery tasks of the notifications app: thin wrappers around the outbox's delivery.

The webhook deliveries' tasks live with the webhooks (notifications/webhooks/tasks.py); they are
imported here because this is the module the worker looks for in every app.
"""

from celery import shared_task
from django.utils import timezone

from aftersales.celery import RETRY_TRANSIENT
from notifications.delivery import MAX_ATTEMPTS, RETRYABLE_ERRORS, deliver, outbox_sweep
from notifications.pruning import prune_history
from notifications.webhooks.tasks import deliver_webhook_task, webhook_sweep_task

__all__ = ["deliver_webhook_task", "outbox_sweep_task", "prune_history_task", "send_message_task", "webhook_sweep_task"]


@shared_task(
    name="notifications.send_message_task",
    autoretry_for=RETRYABLE_ERRORS,
    # A mail server or SMS vendor that is down usually comes back within the hour: wait about
    # 1, 2, 4 ... minutes (capped at an hour, jittered so a backlog does not retry in one burst).
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=MAX_ATTEMPTS,
)
def send_message_task(message_id: int) -> bool:
    """Send one outbox message. Idempotent: a message already sent (or given up on) is left alone."""
    return deliver(message_id)


@shared_task(name="notifications.outbox_sweep_task")
def outbox_sweep_task() -> int:
    """Send the outbox messages still waiting, e.g. those queued while the broker was down."""
    return outbox_sweep()


@shared_task(name="notifications.prune_history_task", **RETRY_TRANSIENT)
def prune_history_task() -> dict:
    """Delete the messages and webhook deliveries finished longer ago than their retention
    (OUTBOX_RETENTION_DAYS, WEBHOOK_RETENTION_DAYS); the timelines stay. Nightly. Idempotent."""
    return prune_history(now=timezone.now()).as_dict()
