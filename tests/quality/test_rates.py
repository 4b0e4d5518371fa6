"""The 1234 rates and service KPIs (docs/kpis.md): the worked example, thresholds and
their boundaries, no data, roll-ups that sum, and counts that cannot be. No database.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest

from quality.rates import (
    KPIS,
    CallbackCounts,
    ComplaintClosureCounts,
    ComplaintCounts,
    ComplaintRecord,
    Direction,
    FirstTimeFixCounts,
    OmissionCounts,
    OmissionKind,
    Rate,
    SatisfactionCounts,
    Status,
    TimelinessCounts,
    arrival_timeliness,
    callback_coverage,
    callback_reach,
    combine,
    complaint_rate,
    complaints_closed_within_7_days,
    completion_timeliness,
    contact_timeliness,
    dissatisfaction_rate,
    first_time_fix_rate,
    omission_counts,
    omission_rate,
    omission_subrates,
    satisfaction_top2,
    valid_service_complaints,
)

OK, ALERT, NO_DATA = Status.OK, Status.ALERT, Status.NO_DATA
LOWER, HIGHER = Direction.LOWER_IS_BETTER, Direction.HIGHER_IS_BETTER
TEN = Decimal("0.10")

# The worked example, a month: the records behind the counts.
COMPLAINTS = [
    ComplaintRecord(original_ticket_id=11, complaint_class="delay", is_valid=True),
    ComplaintRecord(original_ticket_id=11, complaint_class="delay", is_valid=True),  # called twice: once
    ComplaintRecord(original_ticket_id=12, complaint_class="attitude", is_valid=True),
    ComplaintRecord(original_ticket_id=13, complaint_class="no_show", is_valid=True),
    ComplaintRecord(original_ticket_id=14, complaint_class="overcharging", is_valid=False),  # invalid
]
OMISSIONS = [
    *[(case, OmissionKind.NO_CALLBACK_ATTEMPT) for case in (1, 2, 3, 4)],
    (4, OmissionKind.LATE),  # also without a callback attempt
    (5, OmissionKind.LATE),
    (6, OmissionKind.NO_FEEDBACK),
]
CALLBACKS = CallbackCounts(tickets_completed=200, attempted_within_72h=196, reached_within_72h=180)
# 180 reached, 170 rated: 5 rated 1–2, 1 complained during the call; 10 reached without a rating.
SATISFACTION = SatisfactionCounts(valid_ratings=170, low_ratings=5, top2_ratings=150, callback_complaints=1)
OMISSION_COUNTS = omission_counts(210, OMISSIONS)


def example_rates() -> dict[str, Rate]:
    subrates = omission_subrates(OMISSION_COUNTS)
    return {
        "complaint rate": complaint_rate(ComplaintCounts(len(valid_service_complaints(COMPLAINTS)), 200)),
        "dissatisfaction": dissatisfaction_rate(SATISFACTION),
        "callback coverage": callback_coverage(CALLBACKS),
        "callback reach": callback_reach(CALLBACKS),
        "omission rate": omission_rate(OMISSION_COUNTS),
        "omission: unrecorded": subrates.unrecorded,
        "omission: late": subrates.late,
        "omission: no callback attempt": subrates.no_callback_attempt,
        "omission: no feedback": subrates.no_feedback,
        "first-time fix": first_time_fix_rate(FirstTimeFixCounts(repairs=150, fixed_first_time=120)),
    }


WORKED_EXAMPLE = [
    # name, numerator, denominator, percent, threshold, status
    ("complaint rate", 3, 200, "1.50", "0.10", OK),
    ("dissatisfaction", 6, 170, "3.53", "0.10", OK),
    ("callback coverage", 196, 200, "98.00", "0.95", OK),
    ("callback reach", 180, 200, "90.00", "0.85", OK),
    ("omission rate", 6, 210, "2.86", "0.10", OK),
    ("omission: unrecorded", 0, 210, "0.00", "0.10", OK),
    ("omission: late", 2, 210, "0.95", "0.10", OK),
    ("omission: no callback attempt", 4, 210, "1.90", "0.10", OK),
    ("omission: no feedback", 1, 210, "0.48", "0.10", OK),
    ("first-time fix", 120, 150, "80.00", "0.80", OK),  # exactly at its floor
]


@pytest.mark.parametrize(("name", "numerator", "denominator", "percent", "threshold", "status"), WORKED_EXAMPLE)
def test_worked_example(name, numerator, denominator, percent, threshold, status):
    rate = example_rates()[name]
    assert (rate.numerator, rate.denominator) == (numerator, denominator)
    assert rate.value == Decimal(numerator) / Decimal(denominator)
    assert rate.percent == Decimal(percent)
    assert rate.threshold == Decimal(threshold)
    assert rate.status == status


def test_worked_example_complaint_rate_value_is_an_exact_fraction():
    assert example_rates()["complaint rate"].value == Decimal("0.015")


def test_worked_example_omissions_count_each_case_once():
    assert OMISSION_COUNTS == OmissionCounts(
        cases_due=210, cases_with_omission=6, unrecorded=0, late=2, no_callback_attempt=4, no_feedback=1
    )


# Every KPI function, its counts built from (numerator, denominator), its direction and default threshold.
@dataclass(frozen=True)
class Kpi:
    key: str
    rate: Callable[..., Rate]
    counts: Callable[[int, int], object]
    direction: Direction
    threshold: str


def satisfaction(numerator: int, denominator: int, *, top2: bool) -> SatisfactionCounts:
    if top2:
        return SatisfactionCounts(
            valid_ratings=denominator, low_ratings=0, top2_ratings=numerator, callback_complaints=0
        )
    return SatisfactionCounts(valid_ratings=denominator, low_ratings=0, top2_ratings=0, callback_complaints=numerator)


def omissions(numerator: int, denominator: int) -> OmissionCounts:
    return OmissionCounts(denominator, numerator, 0, numerator, 0, 0)


def timeliness(numerator: int, denominator: int) -> TimelinessCounts:
    return TimelinessCounts(due=denominator, on_time=numerator)


def closures(numerator: int, denominator: int) -> ComplaintClosureCounts:
    return ComplaintClosureCounts(complaints_opened=denominator, closed_within_7_days=numerator)


def late_subrate(counts: OmissionCounts, threshold: Decimal = TEN) -> Rate:
    return omission_subrates(counts, late_threshold=threshold).late


ALL_KPIS = [
    Kpi("complaint_rate", complaint_rate, lambda n, d: ComplaintCounts(n, d), LOWER, "0.10"),
    Kpi("omission_rate", omission_rate, omissions, LOWER, "0.10"),
    Kpi("omission_late", late_subrate, omissions, LOWER, "0.10"),
    Kpi("dissatisfaction_rate", dissatisfaction_rate, lambda n, d: satisfaction(n, d, top2=False), LOWER, "0.10"),
    Kpi("satisfaction_top2", satisfaction_top2, lambda n, d: satisfaction(n, d, top2=True), HIGHER, "0.90"),
    Kpi("callback_coverage", callback_coverage, lambda n, d: CallbackCounts(d, n, 0), HIGHER, "0.95"),
    Kpi("callback_reach", callback_reach, lambda n, d: CallbackCounts(d, n, n), HIGHER, "0.85"),
    Kpi("first_time_fix_rate", first_time_fix_rate, lambda n, d: FirstTimeFixCounts(d, n), HIGHER, "0.80"),
    Kpi("contact_timeliness", contact_timeliness, timeliness, HIGHER, "0.90"),
    Kpi("arrival_timeliness", arrival_timeliness, timeliness, HIGHER, "0.90"),
    Kpi("completion_timeliness", completion_timeliness, timeliness, HIGHER, "0.90"),
    Kpi("complaints_closed_within_7_days", complaints_closed_within_7_days, closures, HIGHER, "0.90"),
]

KPI = {kpi.key: kpi for kpi in ALL_KPIS}


def by_key(kpis: list[Kpi]) -> list:
    return [pytest.param(kpi, id=kpi.key) for kpi in kpis]


@pytest.mark.parametrize("kpi", by_key(ALL_KPIS))
def test_defaults_match_the_registry(kpi):
    rate = kpi.rate(kpi.counts(1, 2))
    assert rate.direction == kpi.direction == KPIS[kpi.key].direction
    assert rate.threshold == Decimal(kpi.threshold) == KPIS[kpi.key].default_threshold


@pytest.mark.parametrize("kpi", by_key(ALL_KPIS))
def test_no_denominator_is_no_data(kpi):
    rate = kpi.rate(kpi.counts(0, 0))
    assert (rate.value, rate.percent, rate.status) == (None, None, NO_DATA)


# (numerator, denominator, status) around each direction's default threshold.
LOWER_BOUNDARIES = [(10, 100, OK), (1, 10, OK), (1001, 10000, ALERT), (11, 100, ALERT), (0, 100, OK)]
HIGHER_BOUNDARIES = {
    "0.80": [(80, 100, OK), (4, 5, OK), (7999, 10000, ALERT), (100, 100, OK)],
    "0.85": [(85, 100, OK), (17, 20, OK), (8499, 10000, ALERT), (0, 100, ALERT)],
    "0.90": [(90, 100, OK), (9, 10, OK), (899, 1000, ALERT), (100, 100, OK)],
    "0.95": [(95, 100, OK), (19, 20, OK), (949, 1000, ALERT), (0, 1, ALERT)],
}
BOUNDARIES = [
    pytest.param(kpi, numerator, denominator, status, id=f"{kpi.key}-{numerator}/{denominator}")
    for kpi in ALL_KPIS
    for numerator, denominator, status in (
        LOWER_BOUNDARIES if kpi.direction == LOWER else HIGHER_BOUNDARIES[kpi.threshold]
    )
]


@pytest.mark.parametrize(("kpi", "numerator", "denominator", "status"), BOUNDARIES)
def test_threshold_boundaries(kpi, numerator, denominator, status):
    """Equal to the threshold is ok; just past it in the bad direction is an alert."""
    assert kpi.rate(kpi.counts(numerator, denominator)).status == status


@pytest.mark.parametrize(
    ("kpi", "threshold", "numerator", "denominator", "status"),
    [
        (KPI["complaint_rate"], Decimal("0.01"), 3, 200, ALERT),  # the example's 1.5 % against a 1 % threshold
        (KPI["complaint_rate"], Decimal("0.015"), 3, 200, OK),
        (KPI["omission_late"], Decimal("0.005"), 2, 210, ALERT),
        (KPI["dissatisfaction_rate"], Decimal("0.03"), 6, 170, ALERT),
        (KPI["callback_coverage"], Decimal("0.99"), 196, 200, ALERT),
        (KPI["first_time_fix_rate"], Decimal("0.75"), 120, 150, OK),
    ],
    ids=lambda value: getattr(value, "key", None),
)
def test_threshold_is_overridable(kpi, threshold, numerator, denominator, status):
    rate = kpi.rate(kpi.counts(numerator, denominator), threshold=threshold)
    assert (rate.threshold, rate.status) == (threshold, status)


def test_omission_subrates_take_their_own_thresholds():
    subrates = omission_subrates(
        OMISSION_COUNTS,
        unrecorded_threshold=Decimal("0"),
        late_threshold=Decimal("0.005"),
        no_callback_threshold=Decimal("0.02"),
        no_feedback_threshold=Decimal("0.001"),
    )
    assert [subrates.unrecorded.status, subrates.late.status, subrates.no_callback_attempt.status] == [OK, ALERT, OK]
    assert subrates.no_feedback.status == ALERT


ROLL_UPS = [
    # days (numerator, denominator), summed, percent, status; averaging the ratios would say otherwise.
    ("quiet day then busy day", LOWER, [(0, 10), (15, 100)], (15, 110), "13.64", ALERT),  # average 7.5 %: ok
    ("busy day then quiet day", LOWER, [(1, 100), (5, 10)], (6, 110), "5.45", OK),  # average 25.5 %: alert
    ("three days", LOWER, [(1, 10), (9, 10), (0, 80)], (10, 100), "10.00", OK),  # average 33.3 %
    ("a day with no data", LOWER, [(0, 0), (3, 200)], (3, 200), "1.50", OK),
    ("higher is better", HIGHER, [(10, 10), (80, 100)], (90, 110), "81.82", ALERT),  # average 90 %: ok
    ("only no data", LOWER, [(0, 0), (0, 0)], (0, 0), None, NO_DATA),
]


@pytest.mark.parametrize(
    ("name", "direction", "days", "summed", "percent", "status"), ROLL_UPS, ids=[row[0] for row in ROLL_UPS]
)
def test_roll_ups_sum_numerators_and_denominators(name, direction, days, summed, percent, status):
    threshold = TEN if direction == LOWER else Decimal("0.90")
    rates = [Rate(numerator, denominator, threshold, direction) for numerator, denominator in days]
    rolled = combine(rates)
    assert (rolled.numerator, rolled.denominator) == summed
    assert rolled.percent == (Decimal(percent) if percent else None)
    assert (rolled.status, rolled.threshold, rolled.direction) == (status, threshold, direction)
    total = rates[0]
    for rate in rates[1:]:
        total = total + rate
    assert total == rolled


def test_roll_up_of_the_worked_example_by_day():
    """Two halves of the month roll up to the month's figures."""
    first = complaint_rate(ComplaintCounts(1, 120))
    second = complaint_rate(ComplaintCounts(2, 80))
    assert first + second == complaint_rate(ComplaintCounts(3, 200))


@pytest.mark.parametrize(
    ("rates", "message"),
    [
        ([], "at least one rate"),
        ([Rate(1, 10, TEN, LOWER), Rate(1, 10, Decimal("0.20"), LOWER)], "different thresholds or directions"),
        ([Rate(1, 10, TEN, LOWER), Rate(1, 10, TEN, HIGHER)], "different thresholds or directions"),
    ],
    ids=["nothing", "thresholds differ", "directions differ"],
)
def test_combine_refuses(rates, message):
    with pytest.raises(ValueError, match=message):
        combine(rates)


def test_add_refuses_what_is_not_a_rate():
    with pytest.raises(TypeError):
        Rate(1, 10, TEN, LOWER) + 1  # noqa: B018


def test_rate_fields_and_direction_from_string():
    rate = Rate(numerator=3, denominator=200, threshold=TEN, direction="lower_is_better")
    assert rate.direction is LOWER
    assert (rate.numerator, rate.denominator, rate.value, rate.threshold, rate.status) == (
        3,
        200,
        Decimal("0.015"),
        TEN,
        OK,
    )


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: Rate(-1, 10, TEN, LOWER), ValueError, "numerator cannot be negative, got -1"),
        (lambda: Rate(0, -1, TEN, LOWER), ValueError, "denominator cannot be negative, got -1"),
        (lambda: Rate(11, 10, TEN, LOWER), ValueError, r"numerator \(11\) cannot exceed denominator \(10\)"),
        (lambda: Rate(1, 0, TEN, LOWER), ValueError, r"numerator \(1\) cannot exceed denominator \(0\)"),
        (lambda: Rate(1.0, 10, TEN, LOWER), TypeError, "numerator must be an int"),
        (lambda: Rate(True, 10, TEN, LOWER), TypeError, "numerator must be an int"),
        (lambda: Rate(1, 10, 0.1, LOWER), ValueError, "threshold must be a Decimal fraction"),
        (lambda: Rate(1, 10, Decimal("10"), LOWER), ValueError, "threshold must be a Decimal fraction"),
        (lambda: Rate(1, 10, Decimal("-0.1"), LOWER), ValueError, "threshold must be a Decimal fraction"),
        (lambda: Rate(1, 10, TEN, "sideways"), ValueError, "sideways"),
        (lambda: complaint_rate(ComplaintCounts(-1, 200)), ValueError, "valid_service_complaints cannot be negative"),
        (lambda: first_time_fix_rate(FirstTimeFixCounts(200, 201)), ValueError, r"numerator \(201\) cannot exceed"),
        (lambda: TimelinessCounts(due=-3, on_time=0), ValueError, "due cannot be negative"),
        (lambda: first_time_fix_rate(FirstTimeFixCounts(150, 151)), ValueError, "cannot exceed denominator"),
        (
            lambda: dissatisfaction_rate(SatisfactionCounts(5, 5, 0, 1)),
            ValueError,
            r"low_ratings \+ callback_complaints \(6\) cannot exceed",
        ),
        (lambda: SatisfactionCounts(170, 20, 151, 0), ValueError, r"low_ratings \+ top2_ratings \(171\) cannot"),
        (lambda: CallbackCounts(200, 201, 0), ValueError, r"attempted_within_72h \(201\) cannot exceed"),
        (lambda: CallbackCounts(200, 180, 196), ValueError, r"reached_within_72h \(196\) cannot exceed"),
        (lambda: OmissionCounts(5, 6, 0, 6, 0, 0), ValueError, r"cases_with_omission \(6\) cannot exceed cases_due"),
        (lambda: OmissionCounts(210, 3, 0, 2, 4, 1), ValueError, r"largest per-kind count \(4\)"),
        (lambda: OmissionCounts(210, 8, 0, 2, 4, 1), ValueError, r"their sum \(7\)"),
        (lambda: OmissionCounts(210, 0, 0, 0, -1, 0), ValueError, "no_callback_attempt cannot be negative"),
        (lambda: omission_counts(10, [(1, "forgotten")]), ValueError, "forgotten"),
        (lambda: omission_counts(1, [(1, "late"), (2, "late")]), ValueError, "cannot exceed cases_due"),
    ],
)
def test_impossible_counts_are_refused(build, error, message):
    with pytest.raises(error, match=message):
        build()


COMPLAINT_TABLE = [
    ("none", [], set()),
    ("worked example", COMPLAINTS, {(11, "delay"), (12, "attitude"), (13, "no_show")}),
    (
        "same ticket, two classes: two complaints",
        [ComplaintRecord(1, "delay", True), ComplaintRecord(1, "workmanship", True)],
        {(1, "delay"), (1, "workmanship")},
    ),
    (
        "one invalid and one valid call about the same thing: counted",
        [ComplaintRecord(1, "attitude", False), ComplaintRecord(1, "attitude", True)],
        {(1, "attitude")},
    ),
    ("product quality is reported beside, not in", [ComplaintRecord(1, "product_quality", True)], set()),
    ("invalid only", [ComplaintRecord(1, "no_show", False)], set()),
]


@pytest.mark.parametrize(("name", "records", "expected"), COMPLAINT_TABLE, ids=[row[0] for row in COMPLAINT_TABLE])
def test_valid_service_complaints(name, records, expected):
    assert valid_service_complaints(records) == expected


OMISSION_TABLE = [
    ("none", [], (0, 0, 0, 0, 0)),
    ("one case, every kind", [(1, kind) for kind in OmissionKind], (1, 1, 1, 1, 1)),
    ("same omission listed twice", [(1, "late"), (1, "late")], (1, 0, 1, 0, 0)),
    ("worked example", OMISSIONS, (6, 0, 2, 4, 1)),
]


@pytest.mark.parametrize(("name", "pairs", "expected"), OMISSION_TABLE, ids=[row[0] for row in OMISSION_TABLE])
def test_omission_counts(name, pairs, expected):
    counts = omission_counts(10, pairs)
    assert counts.cases_due == 10
    found = (counts.cases_with_omission, counts.unrecorded, counts.late, counts.no_callback_attempt)
    assert (*found, counts.no_feedback) == expected


@pytest.mark.parametrize(
    ("numerator", "denominator", "percent"),
    [(1, 3, "33.33"), (2, 3, "66.67"), (1, 8, "12.50"), (1, 200, "0.50"), (1, 400, "0.25"), (1, 800, "0.13")],
)
def test_percent_rounds_half_up_to_two_decimals(numerator, denominator, percent):
    assert Rate(numerator, denominator, TEN, LOWER).percent == Decimal(percent)


@pytest.mark.parametrize("key", sorted(KPIS))
def test_every_kpi_has_plain_language_texts(key):
    kpi = KPIS[key]
    assert kpi.key == key
    assert str(kpi.label).strip()
    assert len(str(kpi.description)) > len(str(kpi.label))
    assert Decimal(0) < kpi.default_threshold < Decimal(1)


def test_every_rate_function_is_in_the_registry():
    assert {kpi.key for kpi in ALL_KPIS} | {"omission_unrecorded", "omission_no_callback", "omission_no_feedback"} == (
        set(KPIS)
    )


def test_a_complaint_rate_may_pass_100_percent_on_a_thin_slice():
    # Two complaints in a month about repairs completed the month before, one completion in it.
    rate = complaint_rate(ComplaintCounts(valid_service_complaints=2, service_tickets_completed=1))
    assert (rate.numerator, rate.denominator, rate.percent, rate.status) == (2, 1, Decimal("200.00"), Status.ALERT)
    rolled_up = combine([rate, complaint_rate(ComplaintCounts(0, 3))])
    assert (rolled_up.numerator, rolled_up.denominator, rolled_up.percent) == (2, 4, Decimal("50.00"))
