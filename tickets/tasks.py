"""Celery tasks of the tickets app: thin wrappers that call a service."""

from celery import shared_task

from tickets.notifications import MAX_ATTEMPTS, TRANSIENT_ERRORS, deliver, outbox_sweep
from tickets.services import sla_sweep


@shared_task(name="tickets.sla_sweep_task")
def sla_sweep_task() -> int:
    """Flag tickets past their stage deadline (no-leak 2). Idempotent: safe to run twice or at once."""
    return sla_sweep()


@shared_task(
    name="tickets.send_email_task",
    autoretry_for=TRANSIENT_ERRORS,
    # A mail server that is down usually comes back within the hour: wait about 1, 2, 4 ...
    # minutes (capped at an hour, jittered so a backlog does not retry in one burst).
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=MAX_ATTEMPTS,
)
def send_email_task(email_id: int) -> bool:
    """Send one outbox email. Idempotent: an email already sent (or given up on) is left alone."""
    return deliver(email_id)


@shared_task(name="tickets.outbox_sweep_task")
def outbox_sweep_task() -> int:
    """Send the outbox emails still waiting, e.g. those queued while the broker was down."""
    return outbox_sweep()
