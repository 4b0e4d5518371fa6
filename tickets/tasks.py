"""Celery tasks of the tickets app: thin wrappers that call a service."""

from celery import shared_task
from django.db import OperationalError

from tickets import webhooks
from tickets.services import sla_sweep


@shared_task(name="tickets.sla_sweep_task")
def sla_sweep_task() -> int:
    """Flag tickets past their stage deadline and escalate each missed stage once (no-leak 2).
    Idempotent: safe to run twice or at once."""
    return sla_sweep()


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
