"""Seeded quality feedback: the item a resolved repair with a quality fault code opened for the
code's department (no-leak 4), most of the older ones acknowledged and answered."""

import datetime as dt

from customers.models import Language
from demo.data.texts import FEEDBACK_ANSWERS
from demo.seed.reference import ReferenceData
from demo.seed.run import SeedRun
from demo.seed.tables import Table
from demo.seed.units import UnitRow
from followups.feedback.services import ACKNOWLEDGE_WITHIN
from followups.models import FeedbackItem, FeedbackStatus

# Feedback items' (answered, acknowledged) cumulative shares, by whether the 7 days to
# acknowledge are over; the rest are still open (overdue when the 7 days are over).
FEEDBACK_SHARES = {True: (0.85, 0.93), False: (0.3, 0.6)}
FEEDBACK = Table(
    FeedbackItem,
    (
        "ticket_id",
        "department",
        "fault_code",
        "component",
        "root_cause",
        "model_id",
        "batch",
        "status",
        "created_at",
        "acknowledge_due",
        "acknowledged_at",
        "acknowledged_by_id",
        "cause",
        "corrective_action",
        "answered_at",
        "answered_by_id",
    ),
)


def feedback_item(
    run: SeedRun,
    ref: ReferenceData,
    ticket_id: int,
    department: str,
    fault_code: str,
    component: str,
    root_cause: str,
    unit: UnitRow | None,
    created: dt.datetime,
    language: str,
) -> tuple:
    """The feedback item a resolved repair with a quality fault code opened (no-leak 4), as
    followups.feedback.services would have, most of the older ones acknowledged and answered (FEEDBACK's columns)."""
    random, uniform = run.random, run.uniform
    acknowledge_due = created + ACKNOWLEDGE_WITHIN
    answered_share, acknowledged_share = FEEDBACK_SHARES[acknowledge_due < run.now]
    roll = random()
    acknowledged = min(created + dt.timedelta(hours=uniform(2, 144)), run.now)
    status, acknowledged_at, acknowledged_by_id = FeedbackStatus.OPEN, None, None
    cause = action = ""
    answered_at = answered_by_id = None
    if roll < acknowledged_share:
        status, acknowledged_at = FeedbackStatus.ACKNOWLEDGED, acknowledged
        acknowledged_by_id = run.pick(ref.department_user_ids)
    if roll < answered_share:
        pick = 0 if language == Language.ENGLISH else 1
        cause_texts, action_texts = run.pick(FEEDBACK_ANSWERS[department])
        status, cause, action = FeedbackStatus.ANSWERED, cause_texts[pick], action_texts[pick]
        answered_at = min(acknowledged + dt.timedelta(hours=uniform(4, 240)), run.now)
        answered_by_id = acknowledged_by_id
    return (
        ticket_id,
        department,
        fault_code,
        component,
        root_cause,
        unit.model_id if unit else None,
        unit.batch if unit else "",
        status,
        created,
        acknowledge_due,
        acknowledged_at,
        acknowledged_by_id,
        cause,
        action,
        answered_at,
        answered_by_id,
    )
