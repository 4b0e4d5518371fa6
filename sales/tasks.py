"""Celery tasks of sales: thin wrappers that call a service."""

from celery import shared_task
from django.utils import timezone

from aftersales.celery import RETRY_TRANSIENT
from sales.finding import sweep


@shared_task(name="sales.lead_sweep_task", **RETRY_TRANSIENT)
def lead_sweep_task() -> dict:
    """Find the units that outlived their design life and the consumables due today (business
    time). Idempotent: each lead is made once."""
    return sweep(timezone.localdate())
