"""Celery tasks of the settlements app: thin wrappers that call a service."""

from celery import shared_task
from django.utils import timezone

from aftersales.celery import RETRY_TRANSIENT
from settlements.building import build_month


@shared_task(name="settlements.build_statements_task", **RETRY_TRANSIENT)
def build_statements_task() -> dict:
    """Build this month's statements (business time): the lines of verified warranty jobs still
    missing, and every draft's flags checked again. Idempotent: safe to run twice or at once."""
    return build_month(timezone.localdate())
