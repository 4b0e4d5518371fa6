"""One function per KPI of docs/kpis.md: counts (and a threshold) in, a :class:`Rate` out.

Each threshold defaults to its KPI's default (:mod:`.kpis`) and is overridden by passing the
manager's setting.
"""

from dataclasses import dataclass
from decimal import Decimal

from . import kpis
from .core import Rate
from .counts import (
    CallbackCounts,
    ComplaintClosureCounts,
    ComplaintCounts,
    FirstTimeFixCounts,
    OmissionCounts,
    SatisfactionCounts,
    TimelinessCounts,
)


def _rate(kpi: kpis.Kpi, numerator: int, denominator: int, threshold: Decimal, *, bounded: bool = True) -> Rate:
    return Rate(
        numerator=numerator, denominator=denominator, threshold=threshold, direction=kpi.direction, bounded=bounded
    )


def complaint_rate(counts: ComplaintCounts, threshold: Decimal = kpis.COMPLAINT_RATE.default_threshold) -> Rate:
    """Valid service complaints ÷ service tickets completed. Unbounded: complaints in the period
    may be about tickets completed before it."""
    return _rate(
        kpis.COMPLAINT_RATE,
        counts.valid_service_complaints,
        counts.service_tickets_completed,
        threshold,
        bounded=False,
    )


def omission_rate(counts: OmissionCounts, threshold: Decimal = kpis.OMISSION_RATE.default_threshold) -> Rate:
    """Distinct cases with at least one omission ÷ cases with an obligation due."""
    return _rate(kpis.OMISSION_RATE, counts.cases_with_omission, counts.cases_due, threshold)


@dataclass(frozen=True)
class OmissionSubrates:
    """The four no-leak sub-rates, each over the same cases due as the omission rate."""

    unrecorded: Rate
    late: Rate
    no_callback_attempt: Rate
    no_feedback: Rate


def omission_subrates(
    counts: OmissionCounts,
    *,
    unrecorded_threshold: Decimal = kpis.OMISSION_UNRECORDED.default_threshold,
    late_threshold: Decimal = kpis.OMISSION_LATE.default_threshold,
    no_callback_threshold: Decimal = kpis.OMISSION_NO_CALLBACK.default_threshold,
    no_feedback_threshold: Decimal = kpis.OMISSION_NO_FEEDBACK.default_threshold,
) -> OmissionSubrates:
    """Cases with each kind of omission ÷ cases with an obligation due."""
    due = counts.cases_due
    return OmissionSubrates(
        unrecorded=_rate(kpis.OMISSION_UNRECORDED, counts.unrecorded, due, unrecorded_threshold),
        late=_rate(kpis.OMISSION_LATE, counts.late, due, late_threshold),
        no_callback_attempt=_rate(kpis.OMISSION_NO_CALLBACK, counts.no_callback_attempt, due, no_callback_threshold),
        no_feedback=_rate(kpis.OMISSION_NO_FEEDBACK, counts.no_feedback, due, no_feedback_threshold),
    )


def dissatisfaction_rate(
    counts: SatisfactionCounts, threshold: Decimal = kpis.DISSATISFACTION_RATE.default_threshold
) -> Rate:
    """Dissatisfied responses ÷ responses. A response is a rating, or a complaint made during a
    callback without a rating; it is dissatisfied when the rating is 1–2 or the customer
    complained. Each response counts once in both, so the rate never passes 100 %. The
    unreachable and those reached who neither rated nor complained are in neither."""
    return _rate(kpis.DISSATISFACTION_RATE, counts.dissatisfied, counts.responses, threshold)


def satisfaction_top2(
    counts: SatisfactionCounts, threshold: Decimal = kpis.SATISFACTION_TOP2.default_threshold
) -> Rate:
    """Ratings 4–5 ÷ ratings (top-2 box); complaints without a rating are not ratings."""
    return _rate(kpis.SATISFACTION_TOP2, counts.top2_ratings, counts.valid_ratings, threshold)


def callback_coverage(counts: CallbackCounts, threshold: Decimal = kpis.CALLBACK_COVERAGE.default_threshold) -> Rate:
    """Completed service tickets with a callback attempt within 72 h ÷ completed service tickets."""
    return _rate(kpis.CALLBACK_COVERAGE, counts.attempted_within_72h, counts.tickets_completed, threshold)


def callback_reach(counts: CallbackCounts, threshold: Decimal = kpis.CALLBACK_REACH.default_threshold) -> Rate:
    """Completed service tickets whose customer was reached within 72 h ÷ completed service tickets."""
    return _rate(kpis.CALLBACK_REACH, counts.reached_within_72h, counts.tickets_completed, threshold)


def first_time_fix_rate(counts: FirstTimeFixCounts, threshold: Decimal = kpis.FIRST_TIME_FIX.default_threshold) -> Rate:
    """Repairs fixed at the first effective visit with no repeat in 30 days ÷ repairs."""
    return _rate(kpis.FIRST_TIME_FIX, counts.fixed_first_time, counts.repairs, threshold)


def contact_timeliness(
    counts: TimelinessCounts, threshold: Decimal = kpis.CONTACT_TIMELINESS.default_threshold
) -> Rate:
    """Customers contacted by the response deadline ÷ response deadlines due."""
    return _rate(kpis.CONTACT_TIMELINESS, counts.on_time, counts.due, threshold)


def arrival_timeliness(
    counts: TimelinessCounts, threshold: Decimal = kpis.ARRIVAL_TIMELINESS.default_threshold
) -> Rate:
    """Technicians arrived by the arrival deadline ÷ arrival deadlines due."""
    return _rate(kpis.ARRIVAL_TIMELINESS, counts.on_time, counts.due, threshold)


def completion_timeliness(
    counts: TimelinessCounts, threshold: Decimal = kpis.COMPLETION_TIMELINESS.default_threshold
) -> Rate:
    """Tickets completed by the completion deadline ÷ completion deadlines due."""
    return _rate(kpis.COMPLETION_TIMELINESS, counts.on_time, counts.due, threshold)


def complaints_closed_within_7_days(
    counts: ComplaintClosureCounts, threshold: Decimal = kpis.COMPLAINTS_CLOSED_7_DAYS.default_threshold
) -> Rate:
    """Complaints closed within 7 days of opening ÷ complaints opened."""
    return _rate(kpis.COMPLAINTS_CLOSED_7_DAYS, counts.closed_within_7_days, counts.complaints_opened, threshold)
