"""A statement's workflow as data: every move, the statuses it starts from, where it leads and
which side may make it (docs/settlement-statements.md). Pure: no ORM, no clock, no settings.

The provider submits its draft; headquarters takes it into review, may return it to draft with
a reason, decides every line and approves; headquarters records the payment. Nothing moves an
approved statement but the payment, and nothing moves a paid one.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# The statuses, as settlements.choices.StatementStatus spells them (kept as plain strings here).
DRAFT, SUBMITTED, IN_REVIEW, APPROVED, PAID = "draft", "submitted", "in_review", "approved", "paid"
# Lines' decisions, as settlements.choices.LineDecision spells them.
PENDING, LINE_APPROVED, ADJUSTED, REJECTED = "pending", "approved", "adjusted", "rejected"


class Side(StrEnum):
    """Who may make a move: the statement's own provider, or headquarters."""

    PROVIDER = "provider"
    HEADQUARTERS = "headquarters"


class Move(StrEnum):
    SUBMIT = "submit"
    START_REVIEW = "start_review"
    RETURN = "return"
    APPROVE = "approve"
    PAY = "pay"


@dataclass(frozen=True)
class Step:
    move: Move
    sources: frozenset[str]
    target: str
    side: Side
    label: object


STEPS: dict[Move, Step] = {
    step.move: step
    for step in (
        Step(Move.SUBMIT, frozenset({DRAFT}), SUBMITTED, Side.PROVIDER, _("Submit")),
        Step(Move.START_REVIEW, frozenset({SUBMITTED}), IN_REVIEW, Side.HEADQUARTERS, _("Start the review")),
        Step(Move.RETURN, frozenset({SUBMITTED, IN_REVIEW}), DRAFT, Side.HEADQUARTERS, _("Return to the provider")),
        Step(Move.APPROVE, frozenset({IN_REVIEW}), APPROVED, Side.HEADQUARTERS, _("Approve")),
        Step(Move.PAY, frozenset({APPROVED}), PAID, Side.HEADQUARTERS, _("Record the payment")),
    )
}

# Statuses in which nothing about the statement or its lines may change any more (the payment
# of an approved statement is its one remaining move, made by ``Move.PAY``).
CLOSED = frozenset({APPROVED, PAID})
# The only status in which lines are decided.
DECIDING = IN_REVIEW


def moves_for(status: str, side: Side | None) -> list[Step]:
    """The moves ``side`` may make on a statement in ``status``, in the table's order."""
    return [step for step in STEPS.values() if status in step.sources and step.side == side]


def line_payable(*, decision: str, claimed: Decimal, approved_amount: Decimal | None) -> Decimal:
    """What headquarters pays for one line: the claim when approved, the set amount when
    adjusted, nothing when rejected or not yet decided."""
    if decision == LINE_APPROVED:
        return claimed.quantize(CENT, rounding=ROUND_HALF_UP)
    if decision == ADJUSTED and approved_amount is not None:
        return approved_amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return ZERO
