"""settlements/building.py: the daily build catches up the month's lines and checks every draft, in
a number of queries that does not grow with the lines."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from settlements.building import build_month
from settlements.choices import FlagCode, JobType
from settlements.models import SettlementLine, Statement, StatementEvent
from tests import factories
from tests.settlements import helpers as h

pytestmark = pytest.mark.django_db

MARCH_2 = dt.date(2026, 3, 2)


@pytest.fixture
def providers():
    h.card(None, JobType.REPAIR_STANDARD, "150.00", dt.date(2026, 1, 1))
    return [factories.ServiceProviderFactory(code=f"p{n}") for n in range(3)]


def _build(count, providers):
    for n in range(count):
        h.verified_ticket(providers[n % len(providers)], resolved=h.at(MARCH_2, 10))
    with CaptureQueriesContext(connection) as queries:
        result = build_month(dt.date(2026, 3, 1))
    return result, len(queries)


def test_the_build_catches_up_verified_jobs_without_a_line_and_checks_the_drafts(providers):
    # Verified in February's last hour in business time is a February job: not this month's.
    h.verified_ticket(providers[0], resolved=dt.datetime(2026, 2, 28, 23, 30, tzinfo=h.ZONE))
    result, _queries = _build(4, providers)

    assert result == {
        "month": "2026-03-01",
        "lines_created": 4,
        "statements_checked": 3,
        "lines_checked": 4,
        "lines_flagged": 4,
    }
    assert sorted(Statement.objects.values_list("provider__code", "month")) == [
        ("p0", dt.date(2026, 3, 1)),
        ("p1", dt.date(2026, 3, 1)),
        ("p2", dt.date(2026, 3, 1)),
    ]
    line = SettlementLine.objects.filter(provider=providers[0]).first()
    # 150.00 labour, no parts, no travel band: 150.00; no callback was made for these rows.
    assert (line.labour, line.claimed, line.job_date) == (Decimal("150.00"), Decimal("150.00"), MARCH_2)
    assert [flag["code"] for flag in line.flags] == [FlagCode.NO_VERIFIED_CALLBACK]
    assert StatementEvent.objects.filter(action="line_added").count() == 4

    again = build_month(dt.date(2026, 3, 1))
    assert (again["lines_created"], again["lines_checked"]) == (0, 4)
    assert SettlementLine.objects.count() == 4


def test_the_builds_queries_do_not_grow_with_the_lines(providers):
    _build(3, providers)  # the statements made
    _result, few = _build(3, providers)
    result, many = _build(12, providers)
    assert (result["lines_created"], result["lines_checked"]) == (12, 18)
    assert many == few
