"""Celery tasks of the notifications app: thin wrappers around the outbox's delivery."""

from celery import shared_task
from django.db import OperationalError

from notifications import webhooks
from notifications.delivery import MAX_ATTEMPTS, RETRYABLE_ERRORS, deliver, outbox_sweep


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


@shared_task(
    name="tickets.deliver_webhook_task",
    bind=True,
    # The delivery row counts the attempts (webhooks.MAX_ATTEMPTS) and picks each pause; Celery
    # only schedules them. A lost database connection is retried like any other task's.
    max_retries=None,
    autoretry_for=(OperationalError,),
    retry_backoff=60,
)
def deliver_webhook_task(self, delivery_id: int) -> bool:
    """Make a webhook delivery's next attempt; when it fails, try again after 30 s, 1, 2, 4 …
    minutes. Idempotent: a delivery already delivered, given up on, or under way is left alone."""
    outcome = webhooks.attempt_delivery(delivery_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.delivered


@shared_task(name="tickets.webhook_sweep_task")
def webhook_sweep_task() -> int:
    """Queue the webhook deliveries still pending past their time, e.g. those written while the
    broker was down. Every two minutes. Idempotent."""
    return webhooks.webhook_sweep()
