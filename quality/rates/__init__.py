"""The 1234 rates and service KPIs. Pure: no ORM, no clock, no settings.

docs/kpis.md#from-tickets-to-figures: a selector counts in SQL (anchor event in the business time zone; merged
duplicates, cancelled-before-dispatch and test tickets excluded) and hands the counts to one
function here, which returns a :class:`Rate` with numerator, denominator, value, threshold,
direction and status. Roll-ups sum numerators and denominators (:func:`combine`).
"""

from .calculations import (
    OmissionSubrates,
    arrival_timeliness,
    callback_coverage,
    callback_reach,
    complaint_rate,
    complaints_closed_within_7_days,
    completion_timeliness,
    contact_timeliness,
    dissatisfaction_rate,
    first_time_fix_rate,
    omission_rate,
    omission_subrates,
    satisfaction_top2,
)
from .core import Direction, Rate, Status, combine
from .counts import (
    CallbackCounts,
    ComplaintClosureCounts,
    ComplaintCounts,
    ComplaintRecord,
    FirstTimeFixCounts,
    OmissionCounts,
    OmissionKind,
    SatisfactionCounts,
    ServiceComplaintClass,
    TimelinessCounts,
    omission_counts,
    valid_service_complaints,
)
from .kpis import KPIS, Kpi

__all__ = [
    "KPIS",
    "CallbackCounts",
    "ComplaintClosureCounts",
    "ComplaintCounts",
    "ComplaintRecord",
    "Direction",
    "FirstTimeFixCounts",
    "Kpi",
    "OmissionCounts",
    "OmissionKind",
    "OmissionSubrates",
    "Rate",
    "SatisfactionCounts",
    "ServiceComplaintClass",
    "Status",
    "TimelinessCounts",
    "arrival_timeliness",
    "callback_coverage",
    "callback_reach",
    "combine",
    "complaint_rate",
    "complaints_closed_within_7_days",
    "completion_timeliness",
    "contact_timeliness",
    "dissatisfaction_rate",
    "first_time_fix_rate",
    "omission_counts",
    "omission_rate",
    "omission_subrates",
    "satisfaction_top2",
    "valid_service_complaints",
]
