"""Celery tasks of the tickets app: thin wrappers that call a service."""

from celery import shared_task

from tickets.sla.sweep import sla_sweep


@shared_task(name="tickets.sla_sweep_task")
def sla_sweep_task() -> int:
    """Flag tickets past their stage deadline and escalate each missed stage once (no-leak 2).
    Idempotent: safe to run twice or at once."""
    return sla_sweep()
