"""Every KPI of docs/kpis.md#every-kpi-at-a-glance: stable key, plain-language label and description, defaults.

The three controlled rates default to 10 % (lower is better); the service KPIs default to the
floors a well-run network meets (higher is better). Managers can change every threshold.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .core import Direction


@dataclass(frozen=True)
class Kpi:
    """A KPI's stable key, its plain-language texts for the dashboard, and its defaults."""

    key: str
    label: Promise
    description: Promise
    direction: Direction
    default_threshold: Decimal


LOWER, HIGHER = Direction.LOWER_IS_BETTER, Direction.HIGHER_IS_BETTER

COMPLAINT_RATE = Kpi(
    "complaint_rate",
    _("Complaint rate"),
    _(
        "Valid complaints about the service (attitude, delay, no-show, overcharging, workmanship), counted "
        "once per original ticket and kind, for every service ticket completed. Product-quality complaints "
        "are shown beside it, not in it."
    ),
    LOWER,
    Decimal("0.10"),
)
OMISSION_RATE = Kpi(
    "omission_rate",
    _("Omission rate"),
    _(
        "Cases with at least one omission (not recorded, late, no callback attempt, no feedback) for every "
        "case with an obligation due. A case with several omissions counts once."
    ),
    LOWER,
    Decimal("0.10"),
)
OMISSION_UNRECORDED = Kpi(
    "omission_unrecorded",
    _("Not recorded"),
    _("Tickets logged more than 2 hours after the customer first got in touch, for every case due."),
    LOWER,
    Decimal("0.10"),
)
OMISSION_LATE = Kpi(
    "omission_late",
    _("Handled late"),
    _(
        "Cases that missed their dispatch or completion deadline, for every case due. A reopened case is "
        "measured on its new round: late when its restarted deadline passes before it is done again."
    ),
    LOWER,
    Decimal("0.10"),
)
OMISSION_NO_CALLBACK = Kpi(
    "omission_no_callback",
    _("No callback attempt"),
    _("Completed cases with no callback attempt within 72 hours, for every case due."),
    LOWER,
    Decimal("0.10"),
)
OMISSION_NO_FEEDBACK = Kpi(
    "omission_no_feedback",
    _("No feedback"),
    _(
        "Repairs resolved with a quality fault code whose feedback item was not both made and acknowledged by "
        "the department within 7 days of the resolution, for every case due."
    ),
    LOWER,
    Decimal("0.10"),
)
DISSATISFACTION_RATE = Kpi(
    "dissatisfaction_rate",
    _("Dissatisfaction rate"),
    _(
        "Dissatisfied responses for every response: ratings of 1 or 2 out of 5, ratings with a complaint, and "
        "complaints made during a callback without a rating (each counted once, above and below the line). "
        "Customers who could not be reached, or neither rated nor complained, are left out."
    ),
    LOWER,
    Decimal("0.10"),
)
CALLBACK_COVERAGE = Kpi(
    "callback_coverage",
    _("Callback coverage"),
    _("Completed service tickets whose customer we tried to call back within 72 hours."),
    HIGHER,
    Decimal("0.95"),
)
CALLBACK_REACH = Kpi(
    "callback_reach",
    _("Callback reach"),
    _("Completed service tickets whose customer we reached on a callback within 72 hours."),
    HIGHER,
    Decimal("0.85"),
)
FIRST_TIME_FIX = Kpi(
    "first_time_fix_rate",
    _("First-time fix rate"),
    _("Repairs fixed at the first effective visit with no repeat within 30 days, for every repair."),
    HIGHER,
    Decimal("0.80"),
)
CONTACT_TIMELINESS = Kpi(
    "contact_timeliness",
    _("Contact on time"),
    _("Tickets whose customer was contacted within the response deadline, for every ticket due."),
    HIGHER,
    Decimal("0.90"),
)
ARRIVAL_TIMELINESS = Kpi(
    "arrival_timeliness",
    _("Arrival on time"),
    _("Visits where the technician arrived within the arrival deadline, for every visit due."),
    HIGHER,
    Decimal("0.90"),
)
COMPLETION_TIMELINESS = Kpi(
    "completion_timeliness",
    _("Completion on time"),
    _("Tickets completed within the completion deadline, for every ticket due."),
    HIGHER,
    Decimal("0.90"),
)
COMPLAINTS_CLOSED_7_DAYS = Kpi(
    "complaints_closed_within_7_days",
    _("Complaints closed within 7 days"),
    _("Complaints closed within 7 days of being opened, for every complaint opened."),
    HIGHER,
    Decimal("0.90"),
)
SATISFACTION_TOP2 = Kpi(
    "satisfaction_top2",
    _("Satisfaction"),
    _("Ratings of 4 or 5 out of 5, for every valid rating."),
    HIGHER,
    Decimal("0.90"),
)

KPIS: dict[str, Kpi] = {
    kpi.key: kpi
    for kpi in (
        COMPLAINT_RATE,
        OMISSION_RATE,
        OMISSION_UNRECORDED,
        OMISSION_LATE,
        OMISSION_NO_CALLBACK,
        OMISSION_NO_FEEDBACK,
        DISSATISFACTION_RATE,
        CALLBACK_COVERAGE,
        CALLBACK_REACH,
        FIRST_TIME_FIX,
        CONTACT_TIMELINESS,
        ARRIVAL_TIMELINESS,
        COMPLETION_TIMELINESS,
        COMPLAINTS_CLOSED_7_DAYS,
        SATISFACTION_TOP2,
    )
}
