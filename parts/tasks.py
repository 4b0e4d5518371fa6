"""Celery tasks of the parts app: thin wrappers that call a service."""

from celery import shared_task

from aftersales.celery import RETRY_TRANSIENT
from parts.returns import flag_overdue_returns


@shared_task(name="parts.flag_overdue_returns_task", **RETRY_TRANSIENT)
def flag_overdue_returns_task() -> int:
    """Flag the old-part returns not shipped by their due date and alert their stations, each once.
    Idempotent: safe to run twice or at once."""
    return flag_overdue_returns()
