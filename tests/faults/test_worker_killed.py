"""Fault: a Celery worker killed in the middle of a task (issue 8, item 3).

``tests/test_celery_worker.py::test_a_worker_killed_mid_task_loses_nothing`` proves the first
half for one email: a message taken but never acknowledged (late acknowledgement) is handed
out again, and the email goes out once. This file proves the other half on a task that has
done *part* of its work when the worker dies: the recall task, which opens one ticket per
recalled unit, each in its own transaction. Killed after two of six units, with the third
half-written, the re-run must open the remaining four and only those: one ticket, one
callback and one email per unit, no ticket left from the killed transaction, references with
no gap. Run once more, it changes nothing.
"""

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from followups.choices import CallbackKind
from followups.models import CallbackVisit
from notifications.models import MessageStatus, OutboundMessage
from quality.models import RecallCampaign, RecallUnit
from quality.recalls import services as recalls
from quality.tasks import recall_open_tickets_task
from tests import factories
from tests.faults.services import sessions_waiting_on_a_lock
from tests.test_celery_worker import (
    REDIS_URL,
    needs_worker,
    task_results,
    tasks_sent_to,
    wait_for,
)
from tickets.models import Ticket

UNITS = 6
# The unit whose transaction is under way when the worker dies (the first two are done).
BLOCKED = 2
BROKER = {"broker_url": REDIS_URL, "transport_options": {"visibility_timeout": 3600}}
TASK = "followups.recall_open_tickets_task"


class RowHeld:
    """Another session inserts the recall callback of one unit and keeps its transaction open:
    the worker's own insert of that callback (same dedupe key) waits on it, inside the unit's
    transaction, until this session rolls back."""

    def __init__(self, campaign: RecallCampaign, unit) -> None:
        self.campaign, self.unit = campaign, unit
        self.holding, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold)

    def _hold(self) -> None:
        try:
            with transaction.atomic():
                CallbackVisit.objects.create(
                    kind=CallbackKind.RECALL,
                    customer=self.unit.owner,
                    due_at=timezone.now(),
                    dedupe_key=f"recall:{self.campaign.pk}:{self.unit.pk}",
                )
                self.holding.set()
                self.release.wait(60)
                transaction.set_rollback(True)
        finally:
            connection.close()

    def __enter__(self) -> "RowHeld":
        self.thread.start()
        assert self.holding.wait(10), "the other session could not insert the callback"
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.thread.join(10)


def recall_state(campaign: RecallCampaign) -> dict:
    """Everything the recall wrote, in a comparable form."""
    return {
        "units": sorted(
            RecallUnit.objects.filter(campaign=campaign).values_list("unit_id", "ticket_id", "callback_id")
        ),
        "tickets": sorted(Ticket.objects.values_list("reference", "unit_id", "status")),
        "callbacks": sorted(CallbackVisit.objects.values_list("dedupe_key", "ticket_id", "status")),
        "emails": sorted(OutboundMessage.objects.values_list("dedupe_key", "status", "attempts")),
    }


@needs_worker(redis=True)
@pytest.mark.redis
def test_a_worker_killed_mid_recall_is_rerun_and_each_unit_is_opened_once(celery_processes, manager):
    model = factories.ProductModelFactory(code="XQG-K1")
    units = [
        factories.ProductUnitFactory(
            model=model,
            batch="B1",
            serial=f"SN{n:04d}",
            owner__preferred_language="en",
            owner__email=f"o{n}@example.com",
            owner__email_verified=True,
            owner__preferred_channel="email",
        )
        for n in range(1, UNITS + 1)
    ]
    with tasks_sent_to(celery_processes.queue, **BROKER):
        campaign = recalls.start_recall(model=model, batch="B1", title="Drain pump", reason="It cracks.", by=manager)

    with RowHeld(campaign, units[BLOCKED]):
        first = celery_processes.worker(redis_url=REDIS_URL, name="first")
        wait_for(
            lambda: RecallUnit.objects.filter(campaign=campaign).count() == BLOCKED and sessions_waiting_on_a_lock(),
            what=f"the first worker to open {BLOCKED} units and wait inside the next",
            processes=[first],
        )
        first.kill()
    # The killed worker's half-written unit is rolled back with its session: no ticket for it.
    assert task_results(first, TASK) == []
    opened_before = sorted(RecallUnit.objects.filter(campaign=campaign).values_list("unit__serial", flat=True))
    assert opened_before == ["SN0001", "SN0002"]

    # The recall message was never acknowledged: the broker hands it to the next worker.
    second = celery_processes.worker(redis_url=REDIS_URL, name="second", AFTERSALES_TEST_VISIBILITY_TIMEOUT="2")
    wait_for(
        lambda: (
            RecallCampaign.objects.filter(pk=campaign.pk, opened_at__isnull=False).exists()
            and OutboundMessage.objects.filter(status=MessageStatus.SENT).count() == UNITS
        ),
        what="every unit opened and every owner told",
        processes=[second],
    )
    assert task_results(second, TASK) == [str(UNITS - BLOCKED)]

    # One ticket, one callback, one email per unit; the killed run left nothing behind.
    rows = RecallUnit.objects.filter(campaign=campaign).select_related("unit", "ticket", "callback")
    assert sorted(row.unit.serial for row in rows) == [f"SN{n:04d}" for n in range(1, UNITS + 1)]
    for row in rows:
        assert list(Ticket.objects.filter(unit=row.unit).values_list("pk", flat=True)) == [row.ticket_id]
        assert row.callback.dedupe_key == f"recall:{campaign.pk}:{row.unit.pk}"
    assert Ticket.objects.count() == CallbackVisit.objects.count() == UNITS
    numbers = sorted(
        int(reference.rsplit("-", 1)[1]) for reference in Ticket.objects.values_list("reference", flat=True)
    )
    assert numbers == list(range(numbers[0], numbers[0] + UNITS)), "a reference was skipped or used twice"
    assert sorted(celery_processes.sent_mail()) == sorted(
        (f"o{n}@example.com", f"Recall of your {model.display_name}: Drain pump") for n in range(1, UNITS + 1)
    )

    # The same task once more (a duplicate message, the sweep): the result is identical.
    before = recall_state(campaign)
    with tasks_sent_to(celery_processes.queue, **BROKER):
        recall_open_tickets_task.apply_async((campaign.pk,), queue=celery_processes.queue)
    wait_for(lambda: len(task_results(second, TASK)) == 2, what="the recall run again", processes=[second])
    assert task_results(second, TASK) == [str(UNITS - BLOCKED), "0"]
    assert recall_state(campaign) == before
    assert len(celery_processes.sent_mail()) == UNITS
    print(
        f"\nWorker killed after {BLOCKED} of {UNITS} units, inside the next; the re-run opened {UNITS - BLOCKED}: "
        f"{UNITS} tickets, {UNITS} callbacks, {UNITS} messages sent once; a further run opened 0"
    )
