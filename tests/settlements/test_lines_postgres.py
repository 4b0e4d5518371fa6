"""Settlement lines under real concurrency (PostgreSQL): a job verified while the daily build runs,
and two builds at once, claim one line per ticket in one statement per provider and month."""

import datetime as dt

import pytest

from settlements import lines
from settlements.building import build_month
from settlements.choices import JobType
from settlements.models import SettlementLine, Statement
from tests import factories
from tests.concurrency import run_at_once
from tests.settlements import helpers as h

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MARCH_2 = dt.date(2026, 3, 2)


def test_two_builds_and_a_verification_at_once_make_one_statement_and_one_line_per_ticket():
    h.card(None, JobType.REPAIR_STANDARD, "150.00", dt.date(2026, 1, 1))
    provider = factories.ServiceProviderFactory(code="pg-one")
    tickets = [h.verified_ticket(provider, resolved=h.at(MARCH_2, 10)) for _n in range(6)]

    results = run_at_once(
        lambda: build_month(dt.date(2026, 3, 1)),
        lambda: build_month(dt.date(2026, 3, 1)),
        lambda: lines.line_create(ticket=tickets[0]),
        lambda: lines.line_create(ticket=tickets[1]),
    )

    assert not [result for result in results if isinstance(result, Exception)], results
    assert Statement.objects.filter(provider=provider).count() == 1
    assert sorted(SettlementLine.objects.values_list("ticket_id", flat=True)) == sorted(t.pk for t in tickets)
