"""Celery tasks of the follow-ups app: thin wrappers that call a service."""

from celery import shared_task
from django.utils import timezone

from aftersales.celery import RETRY_TRANSIENT
from followups.plan_reminders import schedule_plan_visit_callbacks, schedule_renewal_callbacks
from followups.reminders import schedule_maintenance_callbacks, schedule_warranty_expiry_callbacks


@shared_task(name="followups.maintenance_callbacks_task", **RETRY_TRANSIENT)
def maintenance_callbacks_task() -> int:
    """Schedule the maintenance calls due in the next two weeks. Idempotent: safe to run twice or at once."""
    return schedule_maintenance_callbacks(today=timezone.localdate())


@shared_task(name="followups.warranty_expiry_callbacks_task", **RETRY_TRANSIENT)
def warranty_expiry_callbacks_task() -> int:
    """Schedule the extended-warranty calls for warranties ending within 30 days. Idempotent."""
    return schedule_warranty_expiry_callbacks(today=timezone.localdate())


@shared_task(name="followups.plan_visit_callbacks_task", **RETRY_TRANSIENT)
def plan_visit_callbacks_task() -> int:
    """Schedule the calls booking maintenance-plan visits due in the next two weeks. Idempotent."""
    return schedule_plan_visit_callbacks(today=timezone.localdate())


@shared_task(name="followups.contract_renewal_callbacks_task", **RETRY_TRANSIENT)
def contract_renewal_callbacks_task() -> int:
    """Schedule the renewal calls and reminders of contracts ending within 30 days. Idempotent."""
    return schedule_renewal_callbacks(today=timezone.localdate())
