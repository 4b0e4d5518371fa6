"""The counts each KPI takes, and the set logic that turns raw records into them.

The selectors count in SQL; these dataclasses are what they hand over. The record helpers
state the counting rules of docs/kpis.md ("counted once per original ticket and
class", "cases with at least one omission") in plain Python, for tests and small batches.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, fields
from enum import StrEnum

from .core import check_at_most, check_count


class _Counts:
    """Every field is a count: an int, never negative."""

    def __post_init__(self) -> None:
        for count_field in fields(self):  # type: ignore[arg-type]
            check_count(count_field.name, getattr(self, count_field.name))


@dataclass(frozen=True)
class ComplaintCounts(_Counts):
    """Complaint rate: valid service complaints, once per original ticket and class (see
    :func:`valid_service_complaints`) ÷ service tickets (repair, installation, maintenance)
    completed in the period."""

    valid_service_complaints: int
    service_tickets_completed: int


@dataclass(frozen=True)
class OmissionCounts(_Counts):
    """Omission rate: distinct cases with at least one omission ÷ cases with an obligation due.

    The four per-kind counts are distinct cases too; a case with two kinds of omission counts
    once in ``cases_with_omission``, so it lies between the largest kind count and their sum.
    """

    cases_due: int
    cases_with_omission: int
    unrecorded: int
    late: int
    no_callback_attempt: int
    no_feedback: int

    def __post_init__(self) -> None:
        super().__post_init__()
        kinds = (self.unrecorded, self.late, self.no_callback_attempt, self.no_feedback)
        check_at_most("cases_with_omission", self.cases_with_omission, "cases_due", self.cases_due)
        if not max(kinds) <= self.cases_with_omission <= sum(kinds):
            raise ValueError(
                f"cases_with_omission ({self.cases_with_omission}) must lie between the largest per-kind count "
                f"({max(kinds)}) and their sum ({sum(kinds)}): each case counts once"
            )


@dataclass(frozen=True)
class SatisfactionCounts(_Counts):
    """The customers' responses. ``valid_ratings`` are the ratings on a 5-point scale given in
    the period (unreachable customers and customers reached who gave no rating are not in it);
    ``low_ratings`` (1–2) and ``top2_ratings`` (4–5) are among them. ``callback_complaints``
    are rated responses of 3–5 whose caller also complained (a rating of 1–2 with a complaint
    counts once, as a low rating). ``unrated_complaints`` are complaints made during a callback
    without a rating: each is one dissatisfied response of its own."""

    valid_ratings: int
    low_ratings: int
    top2_ratings: int
    callback_complaints: int
    unrated_complaints: int = 0

    @property
    def responses(self) -> int:
        """Ratings, and complaints made without a rating."""
        return self.valid_ratings + self.unrated_complaints

    @property
    def dissatisfied(self) -> int:
        """Responses that are dissatisfied: a rating of 1–2, a complaint with a rating of 3–5,
        or a complaint without a rating."""
        return self.low_ratings + self.callback_complaints + self.unrated_complaints

    def __post_init__(self) -> None:
        super().__post_init__()
        rated = self.low_ratings + self.top2_ratings
        check_at_most("low_ratings + top2_ratings", rated, "valid_ratings", self.valid_ratings)
        complained = self.low_ratings + self.callback_complaints
        check_at_most("low_ratings + callback_complaints", complained, "valid_ratings", self.valid_ratings)


@dataclass(frozen=True)
class CallbackCounts(_Counts):
    """Callbacks within 72 h of completion, per completed service ticket."""

    tickets_completed: int
    attempted_within_72h: int
    reached_within_72h: int

    def __post_init__(self) -> None:
        super().__post_init__()
        check_at_most("attempted_within_72h", self.attempted_within_72h, "tickets_completed", self.tickets_completed)
        check_at_most("reached_within_72h", self.reached_within_72h, "attempted_within_72h", self.attempted_within_72h)


@dataclass(frozen=True)
class FirstTimeFixCounts(_Counts):
    """Repairs with a repair outcome, and those fixed at the first effective visit with no
    reopen or repeat within 30 days (final 30 days after the period ends)."""

    repairs: int
    fixed_first_time: int


@dataclass(frozen=True)
class TimelinessCounts(_Counts):
    """One SLA clock (contact, arrival or completion): deadlines due, and those met."""

    due: int
    on_time: int


@dataclass(frozen=True)
class ComplaintClosureCounts(_Counts):
    """Complaints opened in the period, and those closed within 7 days of opening."""

    complaints_opened: int
    closed_within_7_days: int


class ServiceComplaintClass(StrEnum):
    """The complaint classes about service; product-quality complaints are reported apart."""

    ATTITUDE = "attitude"
    DELAY = "delay"
    NO_SHOW = "no_show"
    OVERCHARGING = "overcharging"
    WORKMANSHIP = "workmanship"


@dataclass(frozen=True)
class ComplaintRecord:
    original_ticket_id: Hashable
    complaint_class: str
    is_valid: bool


def valid_service_complaints(records: Iterable[ComplaintRecord]) -> frozenset[tuple[Hashable, str]]:
    """The distinct (original ticket, class) pairs of valid service complaints.

    A customer calling twice about the same thing is one complaint; invalid complaints and
    product-quality complaints are not in the complaint rate.
    """
    service_classes = set(ServiceComplaintClass)
    return frozenset(
        (record.original_ticket_id, record.complaint_class)
        for record in records
        if record.is_valid and record.complaint_class in service_classes
    )


class OmissionKind(StrEnum):
    """One omission per no-leak (docs/kpis.md#omission-rate-and-the-four-no-leaks)."""

    UNRECORDED = "unrecorded"
    LATE = "late"
    NO_CALLBACK_ATTEMPT = "no_callback_attempt"
    NO_FEEDBACK = "no_feedback"


def omission_counts(cases_due: int, omissions: Iterable[tuple[Hashable, OmissionKind | str]]) -> OmissionCounts:
    """Count distinct cases per kind of omission and in total from ``(case id, kind)`` pairs."""
    by_kind: dict[OmissionKind, set[Hashable]] = {kind: set() for kind in OmissionKind}
    for case_id, kind in omissions:
        by_kind[OmissionKind(kind)].add(case_id)
    return OmissionCounts(
        cases_due=cases_due,
        cases_with_omission=len(set().union(*by_kind.values())),
        unrecorded=len(by_kind[OmissionKind.UNRECORDED]),
        late=len(by_kind[OmissionKind.LATE]),
        no_callback_attempt=len(by_kind[OmissionKind.NO_CALLBACK_ATTEMPT]),
        no_feedback=len(by_kind[OmissionKind.NO_FEEDBACK]),
    )
