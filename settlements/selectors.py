"""Reads of statements and their lines, with their joins done (docs/settlement-statements.md).

The managers already scope every query to the caller's provider (aftersales/scoping.py); these
add who may read statements at all, the filters of the lists and the page of a statement's lines.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, Count, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.http import Http404

from aftersales.money import CENT
from aftersales.roles import manages_quality
from settlements.choices import LineDecision
from settlements.models import ZERO, SettlementLine, Statement, StatementEvent

LINES_PER_PAGE = 50
MONEY = DecimalField(max_digits=14, decimal_places=2)

# What one line pays, in SQL: settlements.workflow.line_payable written as a CASE.
PAYABLE = Case(
    When(decision=LineDecision.APPROVED, then=F("claimed")),
    When(decision=LineDecision.ADJUSTED, then=F("approved_amount")),
    default=Value(ZERO),
    output_field=MONEY,
)


@dataclass(frozen=True)
class StatementTotals:
    lines: int
    claimed: Decimal
    approved: Decimal
    pending: int
    approved_lines: int
    adjusted: int
    rejected: int
    flagged: int

    @property
    def decided(self) -> int:
        return self.lines - self.pending


def statement_totals(statement: Statement) -> StatementTotals:
    """The claimed and approved totals, the lines by decision and the flagged lines, in one
    aggregate query. ``approved`` is the sum of what each line pays: the claim of an approved
    line, the set amount of an adjusted one, nothing for a rejected or undecided one."""
    figures = SettlementLine._base_manager.filter(statement=statement).aggregate(
        lines=Count("pk"),
        claimed_sum=Sum("claimed"),
        approved_sum=Sum(PAYABLE),
        pending=Count("pk", filter=Q(decision=LineDecision.PENDING)),
        approved_lines=Count("pk", filter=Q(decision=LineDecision.APPROVED)),
        adjusted=Count("pk", filter=Q(decision=LineDecision.ADJUSTED)),
        rejected=Count("pk", filter=Q(decision=LineDecision.REJECTED)),
        flagged=Count("pk", filter=Q(flagged=True)),
    )
    # Aliases apart from the field names: an aggregate named "claimed" would hide the column.
    claimed, approved = figures.pop("claimed_sum"), figures.pop("approved_sum")
    return StatementTotals(
        claimed=(claimed or ZERO).quantize(CENT), approved=(approved or ZERO).quantize(CENT), **figures
    )


def may_read_statements(user: AbstractBaseUser) -> bool:
    """Managers and administrators: headquarters' for every provider, a provider's for its own
    (the scope does the rest)."""
    return manages_quality(user)


def statement_list(
    *, month: dt.date | None = None, status: str = "", provider: int | None = None
) -> QuerySet[Statement]:
    rows = Statement.objects.select_related("provider")
    if month is not None:
        rows = rows.filter(month=month.replace(day=1))
    if status:
        rows = rows.filter(status=status)
    if provider is not None:
        rows = rows.filter(provider_id=provider)
    return rows.order_by("-month", "provider__code", "id")


def statement_for(user: AbstractBaseUser, pk: int) -> Statement:
    """The statement, if the caller may read it; otherwise a 404, as for one that does not exist."""
    statement = Statement.objects.select_related("provider").filter(pk=pk).first()
    if statement is None or not may_read_statements(user):
        raise Http404("No such statement.")
    return statement


def statement_lines(
    statement: Statement, *, flagged: bool | None = None, decision: str = ""
) -> QuerySet[SettlementLine]:
    """The statement's lines in job date order (the ``settlement_line_statement`` index), with
    what a page shows of each joined in."""
    rows = (
        SettlementLine.objects.filter(statement=statement)
        .select_related("ticket", "category", "decided_by")
        .order_by("job_date", "id")
    )
    if flagged is not None:
        rows = rows.filter(flagged=flagged)
    if decision:
        rows = rows.filter(decision=decision)
    return rows


@dataclass(frozen=True)
class LinePage:
    lines: list[SettlementLine]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def line_page(rows: QuerySet[SettlementLine], number: int, size: int = LINES_PER_PAGE) -> LinePage:
    """One page of lines with one query: LIMIT size + 1 tells whether another page follows,
    without counting 10,000 lines."""
    number = max(1, number)
    start = (number - 1) * size
    found = list(rows[start : start + size + 1])
    return LinePage(lines=found[:size], number=number, has_next=len(found) > size)


def statement_history(statement: Statement) -> QuerySet[StatementEvent]:
    """The statement's own steps (submitted, returned, approved, paid…); each line's decision is
    shown on the line, with who made it and when."""
    return (
        StatementEvent.objects.filter(statement=statement, line__isnull=True).select_related("by").order_by("at", "id")
    )
