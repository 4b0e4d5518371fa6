"""Celery tasks of the follow-ups app: thin wrappers that call a service."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from followups.scheduling import schedule_maintenance_callbacks, schedule_warranty_expiry_callbacks

# A lost database connection is worth another try; anything else is a bug to look at.
TRANSIENT_ERRORS = (OperationalError,)
RETRY = {"autoretry_for": TRANSIENT_ERRORS, "retry_backoff": 60, "retry_backoff_max": 900, "max_retries": 5}


@shared_task(name="followups.maintenance_callbacks_task", **RETRY)
def maintenance_callbacks_task() -> int:
    """Schedule the maintenance calls due in the next two weeks. Idempotent: safe to run twice or at once."""
    return schedule_maintenance_callbacks(today=timezone.localdate())


@shared_task(name="followups.warranty_expiry_callbacks_task", **RETRY)
def warranty_expiry_callbacks_task() -> int:
    """Schedule the extended-warranty calls for warranties ending within 30 days. Idempotent."""
    return schedule_warranty_expiry_callbacks(today=timezone.localdate())
