"""The one write path of a monthly statement and the decisions on its lines
(docs/settlement-statements.md).

draft → submitted (by the provider) → in review (headquarters) → every line approved, adjusted
or rejected → approved (the total written down) → paid (payment reference and date).
Headquarters may return a submitted statement, or one in review, to the provider's draft with a
reason; the provider cannot take back what it submitted.

Every service locks the statement row, checks the version the user saw (a stale form is a field
error on ``version``, nothing written), checks who acts (the statement's own provider's
managers submit; headquarters managers do the rest), writes, counts the version up and appends
one ``StatementEvent`` with who, when and the note. Once a statement is approved nothing about it
or its lines changes but the payment record: :func:`ensure_open` is the one check, and the
admin refuses edits the same way.

``before_submit`` is the hook other settlement modules fill in their ``AppConfig.ready()``
(the automatic checks refresh a statement's flags there): each function takes the locked
statement and runs in the submitting transaction, before the status changes.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from aftersales.money import CENT
from aftersales.roles import manages_quality, provider_of
from settlements import workflow
from settlements.choices import LineDecision, StatementStatus
from settlements.models import SettlementLine, Statement, StatementEvent
from settlements.selectors import statement_totals
from settlements.workflow import Move, Side

# Functions called with the locked statement while it is submitted (e.g. refreshing its flags).
before_submit: list[Callable[[Statement], None]] = []

ACTION_LABELS = {
    "submitted": gettext_lazy("Submitted"),
    "review_started": gettext_lazy("Review started"),
    "returned": gettext_lazy("Returned to the provider"),
    "line_decided": gettext_lazy("Line decided"),
    "approved": gettext_lazy("Approved"),
    "paid": pgettext_lazy("settlement statement", "Paid"),
}
ACTION_OF_MOVE = {
    Move.SUBMIT: "submitted",
    Move.START_REVIEW: "review_started",
    Move.RETURN: "returned",
    Move.APPROVE: "approved",
    Move.PAY: "paid",
}
MAX_REASON = 255


def side_of(user: AbstractBaseUser | None, statement: Statement) -> Side | None:
    """Which side ``user`` acts for on ``statement``: its provider's managers, or headquarters
    managers (no provider membership); None for anyone else."""
    if user is None or not manages_quality(user):
        return None
    provider = provider_of(user)
    if provider is None:
        return Side.HEADQUARTERS
    return Side.PROVIDER if provider == statement.provider_id else None


def is_headquarters_manager(user: AbstractBaseUser | None) -> bool:
    return user is not None and manages_quality(user) and provider_of(user) is None


def ensure_open(statement: Statement) -> None:
    """Refuses any change to an approved or paid statement (or its lines)."""
    if statement.status in workflow.CLOSED:
        raise ValidationError(_("This statement is approved: it can no longer change."), code="closed")


def _lock(statement: Statement, expected_version: int | None) -> Statement:
    locked = Statement._base_manager.select_for_update().get(pk=statement.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(
            {"version": _("Someone else changed this statement while you were working on it. Reload it and try again.")}
        )
    return locked


def _event(statement: Statement, action: str, by, *, note: str = "", line=None, data=None) -> StatementEvent:
    return StatementEvent.objects.create(
        statement=statement, line=line, action=action, by=by, note=note, data=data or {}
    )


def _save(statement: Statement, fields: list[str]) -> None:
    statement.version += 1
    statement.save(update_fields=[*fields, "version"])


def _ensure_may(statement: Statement, move: Move, by: AbstractBaseUser | None) -> workflow.Step:
    step = workflow.STEPS[move]
    if side_of(by, statement) != step.side:
        if step.side == Side.PROVIDER:
            raise PermissionDenied(_("Only the provider's managers may submit its statement."))
        raise PermissionDenied(_("Only headquarters managers may do this."))
    if statement.status not in step.sources:
        if move != Move.PAY:
            ensure_open(statement)
        raise ValidationError(
            {"status": _("A statement that is %(status)s cannot do this.") % {"status": statement.get_status_display()}}
        )
    return step


def _reason(note: str, field: str = "note") -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError({field: _("Give the reason.")})
    if len(note) > MAX_REASON:
        raise ValidationError({field: _("At most %(count)d characters.") % {"count": MAX_REASON}})
    return note


@transaction.atomic
def statement_submit(
    *, statement: Statement, by: AbstractBaseUser, note: str = "", expected_version: int | None = None
) -> Statement:
    """The provider submits its draft to headquarters: a draft with at least one line. The
    ``before_submit`` hooks run first, in this transaction."""
    statement = _lock(statement, expected_version)
    _ensure_may(statement, Move.SUBMIT, by)
    if not SettlementLine._base_manager.filter(statement=statement).exists():
        raise ValidationError({"status": _("A statement with no lines cannot be submitted.")})
    for hook in before_submit:
        hook(statement)
    statement.status = StatementStatus.SUBMITTED
    statement.submitted_at = timezone.now()
    _save(statement, ["status", "submitted_at"])
    _event(statement, "submitted", by, note=note.strip())
    return statement


@transaction.atomic
def statement_start_review(
    *, statement: Statement, by: AbstractBaseUser, note: str = "", expected_version: int | None = None
) -> Statement:
    """Headquarters takes a submitted statement into review: its lines can now be decided."""
    statement = _lock(statement, expected_version)
    _ensure_may(statement, Move.START_REVIEW, by)
    statement.status = StatementStatus.IN_REVIEW
    _save(statement, ["status"])
    _event(statement, "review_started", by, note=note.strip())
    return statement


@transaction.atomic
def statement_return(
    *, statement: Statement, by: AbstractBaseUser, note: str, expected_version: int | None = None
) -> Statement:
    """Headquarters returns a submitted statement, or one in review, to the provider's draft,
    with the reason. Decisions already made stay; the provider submits it again."""
    statement = _lock(statement, expected_version)
    _ensure_may(statement, Move.RETURN, by)
    note = _reason(note)
    statement.status = StatementStatus.DRAFT
    statement.submitted_at = None
    _save(statement, ["status", "submitted_at"])
    _event(statement, "returned", by, note=note)
    return statement


@transaction.atomic
def line_decide(
    *,
    line: SettlementLine,
    decision: str,
    by: AbstractBaseUser,
    amount: Decimal | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> SettlementLine:
    """Headquarters decides one line of a statement in review: approve it as claimed, adjust it
    to ``amount`` (0 or more) with a reason, or reject it with a reason. A line may be decided
    again until the statement is approved."""
    statement = _lock(line.statement, expected_version)
    if side_of(by, statement) != Side.HEADQUARTERS:
        raise PermissionDenied(_("Only headquarters managers may do this."))
    ensure_open(statement)
    if statement.status != workflow.DECIDING:
        raise ValidationError({"decision": _("Lines are decided while the statement is in review.")})
    line = SettlementLine._base_manager.select_for_update().get(pk=line.pk)
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if decision not in (LineDecision.APPROVED, LineDecision.ADJUSTED, LineDecision.REJECTED):
        errors["decision"] = _("Approve, adjust or reject the line.")
    if decision == LineDecision.ADJUSTED:
        if amount is None:
            errors["amount"] = _("Give the amount to pay.")
        elif amount < 0:
            errors["amount"] = _("The amount cannot be below zero.")
        elif amount != amount.quantize(CENT):
            errors["amount"] = _("At most two decimal places.")
    elif amount is not None:
        errors["amount"] = _("Only an adjusted line takes an amount.")
    if decision in (LineDecision.ADJUSTED, LineDecision.REJECTED) and not reason:
        errors["reason"] = _("Give the reason.")
    if len(reason) > MAX_REASON:
        errors["reason"] = _("At most %(count)d characters.") % {"count": MAX_REASON}
    if errors:
        raise ValidationError(errors)
    line.decision = decision
    line.approved_amount = amount if decision == LineDecision.ADJUSTED else None
    line.decision_reason = reason
    line.decided_by = by
    line.decided_at = timezone.now()
    line.save(update_fields=["decision", "approved_amount", "decision_reason", "decided_by", "decided_at"])
    _save(statement, [])
    payable = workflow.line_payable(decision=decision, claimed=line.claimed, approved_amount=line.approved_amount)
    _event(statement, "line_decided", by, note=reason, line=line, data={"decision": decision, "pays": str(payable)})
    line.statement = statement
    return line


@transaction.atomic
def statement_approve(
    *, statement: Statement, by: AbstractBaseUser, note: str = "", expected_version: int | None = None
) -> Statement:
    """Headquarters approves a statement whose every line is decided. Its total is written down
    as the sum of what each line pays (settlements.workflow.line_payable), summed in SQL; from
    then on the statement and its lines cannot change."""
    statement = _lock(statement, expected_version)
    _ensure_may(statement, Move.APPROVE, by)
    totals = statement_totals(statement)
    if totals.pending:
        raise ValidationError(
            {
                "status": ngettext(
                    "%(count)d line is not decided yet.", "%(count)d lines are not decided yet.", totals.pending
                )
                % {"count": totals.pending}
            },
            code="pending",
        )
    statement.status = StatementStatus.APPROVED
    statement.approved_total = totals.approved
    statement.approved_at = timezone.now()
    _save(statement, ["status", "approved_total", "approved_at"])
    _event(statement, "approved", by, note=note.strip(), data={"approved_total": str(totals.approved)})
    return statement


@transaction.atomic
def statement_mark_paid(
    *,
    statement: Statement,
    by: AbstractBaseUser,
    payment_reference: str,
    paid_on: dt.date | None,
    note: str = "",
    expected_version: int | None = None,
) -> Statement:
    """Headquarters records the payment of an approved statement: its reference and the day it
    was paid (not in the future, not before the approval)."""
    statement = _lock(statement, expected_version)
    _ensure_may(statement, Move.PAY, by)
    errors: dict[str, str] = {}
    reference = (payment_reference or "").strip()
    if not reference:
        errors["payment_reference"] = _("Give the payment reference.")
    elif len(reference) > 80:
        errors["payment_reference"] = _("At most %(count)d characters.") % {"count": 80}
    if paid_on is None:
        errors["paid_on"] = _("Give the day it was paid.")
    elif paid_on > timezone.localdate():
        errors["paid_on"] = _("The day of payment cannot be in the future.")
    elif statement.approved_at and paid_on < timezone.localdate(statement.approved_at):
        errors["paid_on"] = _("The day of payment cannot be before the approval.")
    if errors:
        raise ValidationError(errors)
    statement.status = StatementStatus.PAID
    statement.payment_reference = reference
    statement.paid_on = paid_on
    _save(statement, ["status", "payment_reference", "paid_on"])
    _event(statement, "paid", by, note=note.strip(), data={"payment_reference": reference, "paid_on": str(paid_on)})
    return statement
