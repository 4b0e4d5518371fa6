"""The statement workflow's one write path (settlements/statements.py): each move, who may make
it, the totals written at approval (computed here by hand), and an approved statement that no
longer changes."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from aftersales.roles import Role
from settlements import statements
from settlements.models import SettlementLine, Statement, StatementEvent
from settlements.selectors import statement_totals
from tests import factories
from tests.settlements.helpers_statements import add_line, statement_for, workflow_only  # noqa: F401 (workflow_only: a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("workflow_only")]

SUBMITTED_AT = dt.datetime(2026, 4, 2, 9, 0, tzinfo=dt.UTC)
APPROVED_AT = dt.datetime(2026, 4, 6, 15, 30, tzinfo=dt.UTC)


@pytest.fixture
def provider():
    return factories.ServiceProviderFactory(code="qd-fix")


@pytest.fixture
def people(provider):
    other = factories.ServiceProviderFactory(code="yt-fix")
    return {
        "provider_manager": factories.UserFactory(roles=[Role.MANAGER], provider=provider),
        "provider_agent": factories.UserFactory(roles=[Role.AGENT], provider=provider),
        "other_manager": factories.UserFactory(roles=[Role.MANAGER], provider=other),
        "hq": factories.UserFactory(roles=[Role.MANAGER]),
        "hq_agent": factories.UserFactory(roles=[Role.AGENT]),
    }


@pytest.fixture
def statement(provider):
    statement = statement_for(provider)
    add_line(statement, labour="120.00", parts="35.50", travel="20.00")  # claims 175.50
    add_line(statement, labour="80.00", travel="30.00", extras="15.25", extras_reason="Second floor")  # 125.25
    add_line(statement, labour="200.00", parts="410.40")  # 610.40
    return statement


def lines(statement):
    return list(SettlementLine.objects.filter(statement=statement).order_by("id"))


def reviewed(statement, people):
    with time_machine.travel(SUBMITTED_AT, tick=False):
        statements.statement_submit(statement=statement, by=people["provider_manager"])
        statements.statement_start_review(statement=statement, by=people["hq"])
    return Statement.objects.get(pk=statement.pk)


def decided(statement, people):
    first, second, third = lines(statement)
    hq = people["hq"]
    statements.line_decide(line=first, decision="approved", by=hq)
    statements.line_decide(
        line=second, decision="adjusted", amount=Decimal("100.00"), reason="Extras not agreed", by=hq
    )
    statements.line_decide(line=third, decision="rejected", reason="Part not returned", by=hq)


def test_the_whole_flow_writes_each_step_with_who_and_when(statement, people):
    statement = reviewed(statement, people)
    decided(statement, people)
    with time_machine.travel(APPROVED_AT, tick=False):
        approved = statements.statement_approve(statement=statement, by=people["hq"], note="Checked.")
        paid = statements.statement_mark_paid(
            statement=approved, by=people["hq"], payment_reference="PAY-2026-0042", paid_on=dt.date(2026, 4, 6)
        )

    # Paid: the approved line as claimed, the adjusted at its amount, the rejected not at all.
    assert paid.approved_total == Decimal("175.50") + Decimal("100.00") + Decimal("0.00") == Decimal("275.50")
    stored = Statement.objects.get(pk=statement.pk)
    assert (stored.status, stored.payment_reference, stored.paid_on) == ("paid", "PAY-2026-0042", dt.date(2026, 4, 6))
    assert stored.submitted_at == SUBMITTED_AT
    assert stored.approved_at == APPROVED_AT
    events = list(StatementEvent.objects.filter(statement=statement).order_by("id"))
    assert [(e.action, e.by.username) for e in events] == [
        ("submitted", people["provider_manager"].username),
        ("review_started", people["hq"].username),
        ("line_decided", people["hq"].username),
        ("line_decided", people["hq"].username),
        ("line_decided", people["hq"].username),
        ("approved", people["hq"].username),
        ("paid", people["hq"].username),
    ]
    assert events[0].at == SUBMITTED_AT and events[-1].at == APPROVED_AT
    assert events[3].note == "Extras not agreed" and events[3].data == {"decision": "adjusted", "pays": "100.00"}
    assert events[5].data == {"approved_total": "275.50"}
    # 1 (created) + submit + review + 3 decisions + approve + pay
    assert stored.version == 8


def test_the_totals_come_from_one_query_and_match_the_lines(statement, people, django_assert_num_queries):
    statement = reviewed(statement, people)
    first, second, _third = lines(statement)
    statements.line_decide(line=first, decision="approved", by=people["hq"])
    statements.line_decide(
        line=second, decision="adjusted", amount=Decimal("0.00"), reason="Duplicate", by=people["hq"]
    )
    SettlementLine.objects.filter(pk=first.pk).update(flagged=True)
    with django_assert_num_queries(1):
        totals = statement_totals(statement)
    assert totals.lines == 3
    assert totals.claimed == Decimal("175.50") + Decimal("125.25") + Decimal("610.40") == Decimal("911.15")
    assert totals.approved == Decimal("175.50")
    assert (totals.pending, totals.approved_lines, totals.adjusted, totals.rejected, totals.flagged) == (1, 1, 1, 0, 1)


def test_a_statement_with_undecided_lines_is_not_approved(statement, people):
    statement = reviewed(statement, people)
    statements.line_decide(line=lines(statement)[0], decision="approved", by=people["hq"])
    with pytest.raises(ValidationError) as caught:
        statements.statement_approve(statement=statement, by=people["hq"])
    assert caught.value.message_dict == {"status": ["2 lines are not decided yet."]}
    assert Statement.objects.get(pk=statement.pk).status == "in_review"


def test_an_approved_statement_and_its_lines_never_change(statement, people):
    statement = reviewed(statement, people)
    decided(statement, people)
    statement = statements.statement_approve(statement=statement, by=people["hq"])
    before = (
        list(Statement.objects.filter(pk=statement.pk).values()),
        list(SettlementLine.objects.filter(statement=statement).values()),
        StatementEvent.objects.count(),
    )
    hq = people["hq"]
    attempts = [
        lambda: statements.line_decide(line=lines(statement)[0], decision="rejected", reason="Late", by=hq),
        lambda: statements.statement_return(statement=statement, by=hq, note="Again"),
        lambda: statements.statement_start_review(statement=statement, by=hq),
        lambda: statements.statement_approve(statement=statement, by=hq),
        lambda: statements.statement_submit(statement=statement, by=people["provider_manager"]),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as caught:
            attempt()
        assert caught.value.messages == ["This statement is approved: it can no longer change."]
    after = (
        list(Statement.objects.filter(pk=statement.pk).values()),
        list(SettlementLine.objects.filter(statement=statement).values()),
        StatementEvent.objects.count(),
    )
    assert after == before


def test_only_the_providers_managers_submit_and_only_headquarters_reviews(statement, people):
    for who in ("hq", "provider_agent", "other_manager", "hq_agent"):
        with pytest.raises(PermissionDenied):
            statements.statement_submit(statement=statement, by=people[who])
    statements.statement_submit(statement=statement, by=people["provider_manager"])
    for who in ("provider_manager", "other_manager", "hq_agent"):
        with pytest.raises(PermissionDenied):
            statements.statement_start_review(statement=statement, by=people[who])
    assert Statement.objects.get(pk=statement.pk).status == "submitted"
    assert StatementEvent.objects.filter(statement=statement).count() == 1


def test_an_empty_draft_is_not_submitted(provider, people):
    empty = statement_for(provider, month=dt.date(2026, 5, 1))
    with pytest.raises(ValidationError) as caught:
        statements.statement_submit(statement=empty, by=people["provider_manager"])
    assert caught.value.message_dict == {"status": ["A statement with no lines cannot be submitted."]}


def test_a_stale_version_is_a_field_error_and_writes_nothing(statement, people):
    with pytest.raises(ValidationError) as caught:
        statements.statement_submit(statement=statement, by=people["provider_manager"], expected_version=7)
    assert list(caught.value.message_dict) == ["version"]
    assert Statement.objects.get(pk=statement.pk).status == "draft"


def test_headquarters_returns_a_submitted_statement_with_a_reason(statement, people):
    statements.statement_submit(statement=statement, by=people["provider_manager"])
    with pytest.raises(ValidationError) as caught:
        statements.statement_return(statement=statement, by=people["hq"], note="  ")
    assert caught.value.message_dict == {"note": ["Give the reason."]}
    returned = statements.statement_return(statement=statement, by=people["hq"], note="Add the March jobs")
    assert (returned.status, returned.submitted_at) == ("draft", None)
    assert StatementEvent.objects.filter(statement=statement).last().note == "Add the March jobs"


def test_the_before_submit_hooks_run_in_the_submitting_transaction(statement, people, monkeypatch):
    seen = []
    monkeypatch.setattr(statements, "before_submit", [lambda locked: seen.append((locked.pk, locked.status))])
    statements.statement_submit(statement=statement, by=people["provider_manager"])
    assert seen == [(statement.pk, "draft")]


@pytest.mark.parametrize(
    ("decision", "amount", "reason", "errors"),
    [
        ("adjusted", None, "Too high", {"amount": ["Give the amount to pay."]}),
        ("adjusted", Decimal("-1.00"), "Too high", {"amount": ["The amount cannot be below zero."]}),
        ("adjusted", Decimal("10.005"), "Too high", {"amount": ["At most two decimal places."]}),
        ("adjusted", Decimal("10.00"), "", {"reason": ["Give the reason."]}),
        ("rejected", None, "", {"reason": ["Give the reason."]}),
        ("approved", Decimal("10.00"), "", {"amount": ["Only an adjusted line takes an amount."]}),
        ("pending", None, "", {"decision": ["Approve, adjust or reject the line."]}),
    ],
)
def test_bad_decisions_are_field_errors(statement, people, decision, amount, reason, errors):
    statement = reviewed(statement, people)
    line = lines(statement)[0]
    with pytest.raises(ValidationError) as caught:
        statements.line_decide(line=line, decision=decision, amount=amount, reason=reason, by=people["hq"])
    assert caught.value.message_dict == errors
    assert SettlementLine.objects.get(pk=line.pk).decision == "pending"


def test_lines_are_decided_only_in_review(statement, people):
    with pytest.raises(ValidationError) as caught:
        statements.line_decide(line=lines(statement)[0], decision="approved", by=people["hq"])
    assert caught.value.message_dict == {"decision": ["Lines are decided while the statement is in review."]}


def test_the_payment_needs_its_reference_and_a_day_not_in_the_future(statement, people):
    statement = reviewed(statement, people)
    decided(statement, people)
    with time_machine.travel(APPROVED_AT, tick=False):
        statement = statements.statement_approve(statement=statement, by=people["hq"])
        with pytest.raises(ValidationError) as caught:
            statements.statement_mark_paid(statement=statement, by=people["hq"], payment_reference=" ", paid_on=None)
        assert caught.value.message_dict == {
            "payment_reference": ["Give the payment reference."],
            "paid_on": ["Give the day it was paid."],
        }
        with pytest.raises(ValidationError) as caught:
            statements.statement_mark_paid(
                statement=statement, by=people["hq"], payment_reference="P-1", paid_on=dt.date(2026, 4, 7)
            )
        assert caught.value.message_dict == {"paid_on": ["The day of payment cannot be in the future."]}
        with pytest.raises(ValidationError) as caught:
            statements.statement_mark_paid(
                statement=statement, by=people["hq"], payment_reference="P-1", paid_on=dt.date(2026, 4, 5)
            )
        assert caught.value.message_dict == {"paid_on": ["The day of payment cannot be before the approval."]}
    assert Statement.objects.get(pk=statement.pk).status == "approved"
    assert timezone.now() > APPROVED_AT
