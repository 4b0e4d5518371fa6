"""Celery tasks of the tickets app: thin wrappers that call a service."""

from celery import shared_task

from tickets.services.provider_offers import expire_offers
from tickets.sla.sweep import sla_sweep


@shared_task(name="tickets.sla_sweep_task")
def sla_sweep_task() -> int:
    """Flag tickets past their stage deadline and escalate each missed stage once (no-leak 2).
    Idempotent: safe to run twice or at once."""
    return sla_sweep()


@shared_task(name="tickets.expire_provider_offers_task")
def expire_provider_offers_task() -> int:
    """Return to headquarters, escalated, every job its provider did not accept in time (no-leak 2).
    Idempotent: a job is returned once, whoever runs first."""
    return expire_offers()
