"""Statements and lines with exact amounts, written straight as rows: the tests of the statement
workflow start from lines as the line builder leaves them (settlements/lines.py), whatever it
computes."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from settlements import statements
from settlements.choices import JobType
from settlements.models import SettlementLine, Statement
from tests import factories
from tickets.models import Ticket

_references = itertools.count(1)


def statement_for(provider, month: dt.date = dt.date(2026, 3, 1), **fields) -> Statement:
    return Statement.objects.create(provider=provider, month=month, **fields)


def add_line(
    statement: Statement,
    *,
    labour: str = "0.00",
    parts: str = "0.00",
    travel: str = "0.00",
    extras: str = "0.00",
    extras_reason: str = "",
    job_date: dt.date | None = None,
    job_type: str = JobType.REPAIR_STANDARD,
    category=None,
    flags: list | None = None,
    ticket=None,
) -> SettlementLine:
    """A line of ``statement`` claiming the sum of its amounts."""
    amounts = {
        name: Decimal(value)
        for name, value in (("labour", labour), ("parts", parts), ("travel", travel), ("extras", extras))
    }
    return SettlementLine.objects.create(
        statement=statement,
        provider=statement.provider,
        ticket=ticket or factories.TicketFactory(provider=statement.provider),
        job_date=job_date or statement.month + dt.timedelta(days=4),
        job_type=job_type,
        category=category,
        extras_reason=extras_reason,
        claimed=sum(amounts.values()),
        flags=flags or [],
        flagged=bool(flags),
        **amounts,
    )


def add_many_lines(statement: Statement, count: int, *, labour: str = "100.00") -> None:
    """``count`` lines of one customer's unit, one ticket each, written in bulk."""
    sample = factories.TicketFactory(provider=statement.provider)
    tickets = Ticket._base_manager.bulk_create(
        [
            Ticket(
                reference=f"AS-2025-{next(_references) + 500000:06d}",
                kind=sample.kind,
                channel=sample.channel,
                customer=sample.customer,
                unit=sample.unit,
                description="Bulk.",
                priority=sample.priority,
                status=sample.status,
                provider=statement.provider,
            )
            for _ in range(count)
        ]
    )
    SettlementLine._base_manager.bulk_create(
        [
            SettlementLine(
                statement=statement,
                provider=statement.provider,
                ticket=ticket,
                job_date=statement.month + dt.timedelta(days=index % 28),
                job_type=JobType.REPAIR_SIMPLE,
                labour=Decimal(labour),
                claimed=Decimal(labour),
                flagged=index % 10 == 0,
                flags=[{"code": "labour_above_card", "detail": "Card 80.00"}] if index % 10 == 0 else [],
            )
            for index, ticket in enumerate(tickets)
        ]
    )


@pytest.fixture
def workflow_only(monkeypatch):
    """The workflow's tests judge the statements' steps on the lines as written here: the checks a
    submission runs first (``statements.before_submit``, settlements/checks.py) have tests of their own."""
    monkeypatch.setattr(statements, "before_submit", [])
