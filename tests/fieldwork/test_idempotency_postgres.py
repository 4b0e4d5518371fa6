"""Two copies of one job submission arriving at once (PostgreSQL row locks): one is applied, the
other answers its result, and the part comes off the stock once."""

import datetime as dt
import time

import pytest

from fieldwork.jobs import actions, services
from fieldwork.jobs.idempotency import Outcome, run_once
from fieldwork.models import IdempotencyKey, Visit
from parts.models import PartUsage, StockLevel
from tests.concurrency import run_at_once
from tests.fieldwork import jobs_helpers as h
from tickets.models import TicketEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_same_key_sent_twice_at_once_uses_the_part_once():
    tech = h.technician()
    visit = h.visit_for(tech, start=dt.datetime(2026, 3, 2, 9, 0, tzinfo=h.ZONE))
    h.part_in_stock(visit.station, quantity=5)
    services.visit_check_in(visit, tech)
    key = h.key()

    def submit():
        fresh = Visit.objects.get(pk=visit.pk)
        return run_once(
            user=tech,
            key=key,
            scope="api.part",
            action=lambda: slowly(actions.apply("part", fresh, tech, {"part_number": "BRD-100", "quantity": 2}, {})),
        )

    def slowly(result):
        # Hold the transaction open, so the other copy reaches the key while this one is uncommitted.
        time.sleep(0.5)
        return result

    results = run_at_once(submit, submit)

    assert all(isinstance(result, Outcome) for result in results), results
    assert sorted(result.replayed for result in results) == [False, True]
    assert results[0].result == results[1].result
    assert PartUsage.objects.count() == 1
    assert StockLevel.objects.get().on_hand == 3
    assert IdempotencyKey.objects.filter(key=key).count() == 1
    assert TicketEvent.objects.filter(message_code="job.part_used").count() == 1
