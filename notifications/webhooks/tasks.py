"""The webhook deliveries' Celery tasks, and handing a delivery to them after the commit: each
delivery's attempts, and the sweep of the deliveries the broker missed (issue 7).

The worker finds these through notifications/tasks.py, the module it looks for in every app.
"""

import datetime as dt
import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from notifications.models import WebhookDelivery, WebhookDeliveryStatus
from notifications.webhooks.delivery import attempt_delivery

logger = logging.getLogger(__name__)

# The sweep leaves a delivery to its own task this long past its time.
SWEEP_GRACE = dt.timedelta(minutes=2)
SWEEP_BATCH = 500


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
    outcome = attempt_delivery(delivery_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.delivered


@shared_task(name="tickets.webhook_sweep_task")
def webhook_sweep_task() -> int:
    """Queue the webhook deliveries still pending past their time, e.g. those written while the
    broker was down. Every two minutes. Idempotent."""
    return webhook_sweep()


def dispatch(pk: int) -> None:
    """Hand a delivery to Celery, after the commit of the change it tells about. Whatever goes
    wrong reaching the broker is logged, never raised: the change is saved, the row waits for
    the sweep."""
    try:
        deliver_webhook_task.delay(pk)
    except Exception:  # noqa: BLE001 - any publishing failure leaves the row for the sweep
        logger.warning("Could not queue webhook delivery %s; the sweep will send it", pk, exc_info=True)


def webhook_sweep(*, now: dt.datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Queue the deliveries still pending well past their time; returns how many. Idempotent:
    the task checks the row again, so queueing one twice sends it once."""
    now = now or timezone.now()
    pks = list(
        WebhookDelivery.objects.filter(status=WebhookDeliveryStatus.PENDING, next_attempt_at__lte=now - SWEEP_GRACE)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in pks:
        dispatch(pk)
    return len(pks)
