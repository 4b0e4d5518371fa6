"""The rate selectors: anchor events in the business time zone, the exclusions of docs/kpis.md
(test tickets, merged duplicates, cancelled before dispatch), complaints counted once,
dimension filters, one query per rate family, and the rates fed from the counts."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from followups.choices import CallbackKind, CallbackResult, RatingSource
from followups.models import CallbackAttempt, CallbackVisit, SatisfactionRating
from quality import metrics
from quality.metrics import Dimensions, Period
from quality.rates import (
    KPIS,
    CallbackCounts,
    ComplaintClosureCounts,
    ComplaintCounts,
    SatisfactionCounts,
    Status,
    TimelinessCounts,
)
from tests import factories
from tickets.choices import FaultGroup, Kind
from tickets.choices import Status as TicketStatus
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = Period.month(2026, 3)
H = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def ticket(*, created_at: dt.datetime | None = None, **fields) -> Ticket:
    """A ticket row; ``created_at`` is set after the insert because the field is auto_now_add."""
    row = factories.TicketFactory(**fields)
    if created_at is not None:
        Ticket.objects.filter(pk=row.pk).update(created_at=created_at)
        row.refresh_from_db()
    return row


def resolved(when: dt.datetime, **fields) -> Ticket:
    fields.setdefault("status", TicketStatus.RESOLVED)
    fields.setdefault("created_at", when - 2 * DAY)
    return ticket(resolved_at=when, **fields)


def rating(on: Ticket, score: int, when: dt.datetime, *, raised_complaint: bool = False) -> SatisfactionRating:
    row = SatisfactionRating.objects.create(
        ticket=on, source=RatingSource.CALLBACK, score=score, raised_complaint=raised_complaint
    )
    SatisfactionRating.objects.filter(pk=row.pk).update(created_at=when)
    return row


def attempt(on: Ticket, after: dt.timedelta, result: str, *, kind: str = CallbackKind.AFTER_SERVICE) -> None:
    visit = CallbackVisit.objects.create(
        kind=kind,
        customer=on.customer,
        ticket=on,
        due_at=on.resolved_at + DAY,
        dedupe_key=f"test:{kind}:{on.pk}:{CallbackVisit.objects.count()}",
    )
    CallbackAttempt.objects.create(visit=visit, result=result, at=on.resolved_at + after)


@pytest.fixture
def delay():
    return factories.FaultCategoryFactory(code="delay", group=FaultGroup.SERVICE)


@pytest.fixture
def attitude():
    return factories.FaultCategoryFactory(code="attitude", group=FaultGroup.SERVICE)


@pytest.fixture
def leaking():
    return factories.FaultCategoryFactory(code="leaking", group=FaultGroup.PRODUCT)


# Periods -------------------------------------------------------------------------------------


def test_period_bounds_are_whole_days_in_the_business_time_zone():
    since, until = MARCH.bounds
    assert (since, until) == (at(3, 1, 0), at(4, 1, 0))
    assert since.astimezone(dt.UTC) == dt.datetime(2026, 2, 28, 16, 0, tzinfo=dt.UTC)
    assert Period.month(2026, 12) == Period(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert Period.month(2026, 2).end == dt.date(2026, 2, 28)
    assert Period.week(dt.date(2026, 3, 4)) == Period(dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    assert Period.day(dt.date(2026, 3, 4)).bounds == (at(3, 4, 0), at(3, 5, 0))


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="cannot end"):
        Period(dt.date(2026, 3, 2), dt.date(2026, 3, 1))


# Complaint rate ------------------------------------------------------------------------------


def test_complaint_counts(delay, attitude, leaking):
    kept = resolved(at(3, 10), kind=Kind.REPAIR)
    resolved(at(3, 31, 23, 30), kind=Kind.INSTALLATION)  # 15:30 UTC on 31 March: still March
    resolved(at(3, 1, 0, 0), kind=Kind.MAINTENANCE)
    resolved(at(3, 10), kind=Kind.CONSULTATION)  # not a service ticket
    resolved(at(4, 1, 0, 30), kind=Kind.REPAIR)  # 16:30 UTC on 31 March, but April here
    resolved(at(2, 28, 23, 59), kind=Kind.REPAIR)
    resolved(at(3, 10), kind=Kind.REPAIR, is_test=True)
    resolved(at(3, 10), kind=Kind.REPAIR, merged_into=kept, status=TicketStatus.MERGED)

    customer = factories.CustomerFactory()
    unit = factories.ProductUnitFactory(owner=customer)
    original = resolved(at(2, 20), customer=customer, unit=unit)
    same = {"kind": Kind.COMPLAINT, "customer": customer, "unit": unit, "complaint_about": original}
    first = ticket(created_at=at(3, 5), fault_category=delay, **same)
    ticket(created_at=at(3, 6), fault_category=delay, **same)  # called twice about the same thing
    ticket(created_at=at(3, 6), fault_category=attitude, **same)  # another class: counts
    ticket(created_at=at(3, 7), fault_category=delay, kind=Kind.COMPLAINT)  # about nothing named: counts
    ticket(created_at=at(3, 7), fault_category=delay, kind=Kind.COMPLAINT, is_test=True)
    ticket(created_at=at(3, 7), fault_category=attitude, kind=Kind.COMPLAINT, merged_into=first)
    ticket(  # dismissed as invalid
        created_at=at(3, 7),
        fault_category=attitude,
        kind=Kind.COMPLAINT,
        status=TicketStatus.CANCELLED,
        cancelled_at=at(3, 8),
    )
    ticket(created_at=at(4, 1, 0, 10), fault_category=delay, kind=Kind.COMPLAINT)
    ticket(created_at=at(3, 9), fault_category=leaking, **same)
    ticket(created_at=at(3, 9), fault_category=leaking, **same)
    ticket(created_at=at(3, 9), kind=Kind.COMPLAINT)  # no class yet: in neither count

    tally = metrics.complaint_counts(MARCH)

    assert tally.counts == ComplaintCounts(valid_service_complaints=3, service_tickets_completed=3)
    assert tally.product_quality_complaints == 1


def test_a_repeat_complaint_counts_on_the_day_of_the_first(delay):
    original = resolved(at(2, 20))
    same = {"kind": Kind.COMPLAINT, "customer": original.customer, "fault_category": delay, "complaint_about": original}
    ticket(created_at=at(2, 27), **same)
    ticket(created_at=at(3, 2), **same)  # the second call, in March: counted in February already

    assert metrics.complaint_counts(MARCH).counts.valid_service_complaints == 0
    assert metrics.complaint_counts(Period.month(2026, 2)).counts.valid_service_complaints == 1


def test_a_ticket_cancelled_after_dispatch_still_counts(delay):
    ticket(
        created_at=at(3, 7),
        fault_category=delay,
        kind=Kind.COMPLAINT,
        status=TicketStatus.CANCELLED,
        dispatched_at=at(3, 7, 14),
        cancelled_at=at(3, 8),
    )
    assert metrics.complaint_counts(MARCH).counts.valid_service_complaints == 1


# Satisfaction --------------------------------------------------------------------------------


def test_satisfaction_counts():
    for score, complained in ((5, False), (4, False), (3, True), (1, True), (2, False)):
        rating(resolved(at(3, 10)), score, at(3, 12), raised_complaint=complained)
    rating(resolved(at(3, 10), is_test=True), 1, at(3, 12))
    rating(resolved(at(3, 28)), 1, at(4, 1, 0, 5))  # rated in April
    rating(resolved(at(3, 28)), 5, at(3, 31, 23, 55))  # 15:55 UTC: rated in March

    counts = metrics.satisfaction_counts(MARCH)

    # The low rating with a complaint counts once: 2 low + 1 complaint of 6 ratings.
    assert counts == SatisfactionCounts(valid_ratings=6, low_ratings=2, top2_ratings=3, callback_complaints=1)


def test_complaints_never_push_dissatisfaction_past_the_ratings():
    for score in (1, 2):
        rating(resolved(at(3, 10)), score, at(3, 12), raised_complaint=True)

    counts = metrics.satisfaction_counts(MARCH)

    assert counts.low_ratings + counts.callback_complaints == counts.valid_ratings == 2
    assert metrics.rates_for(MARCH)["dissatisfaction_rate"].value == Decimal(1)


# Callback coverage and reach -----------------------------------------------------------------


def test_callback_counts():
    missed_then_late = resolved(at(3, 10))
    attempt(missed_then_late, 10 * H, CallbackResult.NO_ANSWER)
    attempt(missed_then_late, 80 * H, CallbackResult.REACHED)
    attempt(resolved(at(3, 11)), 2 * H, CallbackResult.REACHED)
    attempt(resolved(at(3, 12)), 72 * H, CallbackResult.REACHED)  # exactly 72 h: in time
    resolved(at(3, 13))  # never called
    attempt(resolved(at(3, 14)), 73 * H, CallbackResult.REACHED)
    attempt(resolved(at(3, 15)), 2 * H, CallbackResult.REACHED, kind=CallbackKind.MAINTENANCE)
    attempt(resolved(at(3, 15), is_test=True), 2 * H, CallbackResult.REACHED)
    attempt(resolved(at(3, 15), kind=Kind.COMPLAINT), 2 * H, CallbackResult.REACHED)

    assert metrics.callback_counts(MARCH) == CallbackCounts(
        tickets_completed=6, attempted_within_72h=3, reached_within_72h=2
    )


# Timeliness ----------------------------------------------------------------------------------


def test_timeliness_counts():
    due = at(3, 10, 14)
    ticket(created_at=at(3, 10), response_due=due, acknowledged_at=due - H)
    ticket(created_at=at(3, 10), response_due=due, acknowledged_at=due)  # on the deadline: on time
    ticket(created_at=at(3, 10), response_due=due, acknowledged_at=due + H)
    ticket(created_at=at(3, 10), response_due=due)  # never acknowledged: late
    ticket(created_at=at(3, 10))  # no deadline: not due
    ticket(created_at=at(3, 31), response_due=at(4, 1, 9), acknowledged_at=at(3, 31, 13))  # deadline in April
    ticket(created_at=at(3, 10), response_due=due, acknowledged_at=due, is_test=True)
    ticket(created_at=at(3, 30), response_due=at(3, 31, 18))  # not due yet at NOW, not acknowledged
    ticket(created_at=at(3, 30), response_due=at(3, 31, 18), acknowledged_at=at(3, 30, 13))  # met early: due

    deadline = at(3, 20)
    resolved(deadline - DAY, completion_due=deadline)
    resolved(deadline + DAY, completion_due=deadline)
    resolved(deadline)  # no deadline: not due
    ticket(created_at=at(3, 15), completion_due=deadline)  # never resolved: late
    ticket(  # cancelled before the deadline: owes nothing
        created_at=at(3, 15),
        completion_due=deadline,
        dispatched_at=at(3, 16),
        cancelled_at=at(3, 17),
        status=TicketStatus.CANCELLED,
    )
    resolved(at(4, 2), completion_due=at(4, 3))

    arrival = at(3, 12, 10)
    ticket(created_at=at(3, 11), arrival_due=arrival, started_at=arrival - H)
    ticket(created_at=at(3, 11), arrival_due=arrival, started_at=arrival + H)
    ticket(created_at=at(3, 11), arrival_due=arrival)  # never arrived

    now = at(3, 31, 12)
    assert metrics.timeliness_counts("contact", MARCH, now=now) == TimelinessCounts(due=5, on_time=3)
    assert metrics.timeliness_counts("completion", MARCH, now=now) == TimelinessCounts(due=3, on_time=1)
    assert metrics.timeliness_counts("arrival", MARCH, now=now) == TimelinessCounts(due=3, on_time=1)


# Complaints closed within 7 days -------------------------------------------------------------


def test_complaint_closure_counts():
    opened = at(3, 10)
    complaint = {"kind": Kind.COMPLAINT, "created_at": opened}
    ticket(closed_at=opened + 6 * DAY, status=TicketStatus.CLOSED, **complaint)
    ticket(resolved_at=opened + 7 * DAY, status=TicketStatus.RESOLVED, **complaint)
    ticket(closed_at=opened + 8 * DAY, status=TicketStatus.CLOSED, **complaint)
    ticket(**complaint)  # still open after 7 days
    ticket(closed_at=opened + DAY, is_test=True, **complaint)
    ticket(kind=Kind.REPAIR, created_at=opened, closed_at=opened + DAY)  # not a complaint
    ticket(kind=Kind.COMPLAINT, created_at=at(3, 29))  # its 7 days are not over: not counted yet
    ticket(kind=Kind.COMPLAINT, created_at=at(3, 29), closed_at=at(3, 30))  # closed already: counted

    assert metrics.complaint_closure_counts(MARCH, now=at(4, 1, 12)) == ComplaintClosureCounts(
        complaints_opened=5, closed_within_7_days=3
    )


# Dimensions, queries and rates ---------------------------------------------------------------


def test_dimension_filters():
    north = factories.ServiceStationFactory(code="north")
    south = factories.ServiceStationFactory(code="south")
    cooling = factories.ProductCategoryFactory(code="air_conditioner")
    ac_unit = factories.ProductUnitFactory(model=factories.ProductModelFactory(category=cooling))
    resolved(at(3, 10), station=north)
    resolved(at(3, 10), station=north, customer=factories.CustomerFactory(region="Jinan"))
    resolved(at(3, 10), station=south, customer=ac_unit.owner, unit=ac_unit)

    def completed(**filters):
        return metrics.callback_counts(MARCH, Dimensions(**filters)).tickets_completed

    assert completed() == 3
    assert completed(station=north) == 2
    assert completed(station=south.pk) == 1
    assert completed(region="Jinan") == 1
    assert completed(product_category=cooling) == 1
    assert completed(station=north, region="Qingdao") == 1
    assert metrics.rates_for(MARCH, station=south)["callback_coverage"].denominator == 1


@pytest.mark.parametrize(
    ("selector", "queries"),
    [
        (metrics.complaint_counts, 1),
        # Ratings, and complaints made on a call without a rating: two tables.
        (metrics.satisfaction_counts, 2),
        (metrics.callback_counts, 1),
        (metrics.omission_counts, 1),
        (metrics.first_time_fix_counts, 1),
        (metrics.complaint_closure_counts, 1),
        (lambda *args: metrics.timeliness_counts("contact", *args), 1),
        (lambda *args: metrics.timeliness_counts("arrival", *args), 1),
        (lambda *args: metrics.timeliness_counts("completion", *args), 1),
    ],
)
def test_each_family_is_one_query(selector, queries, django_assert_num_queries, delay):
    done = resolved(at(3, 10), response_due=at(3, 8), completion_due=at(3, 11))
    attempt(done, H, CallbackResult.REACHED)
    rating(done, 4, at(3, 11))
    ticket(kind=Kind.COMPLAINT, fault_category=delay, created_at=at(3, 12))
    filters = Dimensions(station=factories.ServiceStationFactory(), product_category=1, region="Qingdao")

    with django_assert_num_queries(queries):
        selector(MARCH)
    with django_assert_num_queries(queries):
        selector(MARCH, filters)
    with django_assert_num_queries(queries):
        selector(MARCH, metrics.EVERYWHERE, ("day", "station"))


def test_rates_for_feeds_the_counts_to_the_rates(delay, django_assert_num_queries):
    for day in range(1, 5):
        done = resolved(at(3, day))
        attempt(done, H, CallbackResult.REACHED if day < 4 else CallbackResult.NO_ANSWER)
        rating(done, 5 if day < 4 else 1, at(3, day + 1))
    ticket(kind=Kind.COMPLAINT, fault_category=delay, created_at=at(3, 2), closed_at=at(3, 3))

    with django_assert_num_queries(10):
        rates = metrics.rates_for(MARCH, thresholds={"complaint_rate": Decimal("0.30")}, now=at(4, 20))

    assert set(rates) == set(KPIS)
    complaint = rates["complaint_rate"]
    assert (complaint.numerator, complaint.denominator, complaint.percent) == (1, 4, Decimal("25.00"))
    assert (complaint.threshold, complaint.status) == (Decimal("0.30"), Status.OK)
    dissatisfaction = rates["dissatisfaction_rate"]
    assert (dissatisfaction.numerator, dissatisfaction.denominator, dissatisfaction.status) == (1, 4, Status.ALERT)
    assert (rates["callback_coverage"].numerator, rates["callback_coverage"].denominator) == (4, 4)
    assert (rates["callback_reach"].numerator, rates["callback_reach"].status) == (3, Status.ALERT)
    assert (
        rates["complaints_closed_within_7_days"].numerator,
        rates["complaints_closed_within_7_days"].denominator,
    ) == (1, 1)
    assert rates["contact_timeliness"].status == Status.NO_DATA
