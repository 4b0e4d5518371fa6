"""tickets/tasks.py: the beat's SLA sweep runs through Celery (eager in the test settings)."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import CustomerFactory
from tickets.choices import Channel, EventKind, Kind
from tickets.models import TicketEvent
from tickets.services import ticket_create
from tickets.tasks import sla_sweep_task

pytestmark = pytest.mark.django_db


def test_sla_sweep_task_is_registered_under_its_beat_name():
    assert sla_sweep_task.name == "tickets.sla_sweep_task"
    assert sla_sweep_task.app.conf.task_always_eager is True


def test_sla_sweep_task_returns_the_count_and_runs_idempotently(agent):
    customer = CustomerFactory()
    # Long enough ago for 2 business hours to have passed, whatever holidays came since.
    long_ago = timezone.now() - dt.timedelta(days=30)
    for _ in range(2):
        ticket_create(
            customer=customer, kind=Kind.REPAIR, channel=Channel.PHONE, description="Leaks.", by=agent, now=long_ago
        )
    ticket_create(customer=customer, kind=Kind.REPAIR, channel=Channel.PHONE, description="Leaks.", by=agent)

    result = sla_sweep_task.delay()
    assert result.successful()
    assert result.get() == 2
    assert sla_sweep_task.apply_async().get() == 0
    assert TicketEvent.objects.filter(kind=EventKind.SLA_BREACHED).count() == 2


def test_sla_sweep_task_with_nothing_late(agent):
    assert sla_sweep_task.delay().get() == 0
    assert TicketEvent.objects.count() == 0
