"""The four no-leak omissions, first-time fix, breakdowns and drill-downs, and docs/kpis.md#a-worked-month
worked example built row by row and counted by the selectors."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from followups.choices import CallbackKind, CallbackResult, RatingSource
from followups.models import CallbackAttempt, CallbackVisit, FeedbackItem, SatisfactionRating
from quality import metrics
from quality.metrics import Dimensions, Period
from quality.rates import FirstTimeFixCounts, OmissionCounts, Status
from tests import factories
from tickets.choices import FaultGroup, Kind
from tickets.choices import Status as TicketStatus
from tickets.models import Department, FaultCode, Ticket

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = Period.month(2026, 3)
H = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
LATER = dt.datetime(2026, 5, 15, 12, tzinfo=SHANGHAI)  # every March obligation is due


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def ticket(*, created_at: dt.datetime, **fields) -> Ticket:
    row = factories.TicketFactory(**fields)
    Ticket.objects.filter(pk=row.pk).update(created_at=created_at)
    row.refresh_from_db()
    return row


def completed(when: dt.datetime, **fields) -> Ticket:
    """A service ticket resolved at ``when``, logged two days before."""
    fields.setdefault("status", TicketStatus.RESOLVED)
    fields.setdefault("work_done", "Replaced the part.")
    return ticket(created_at=when - 2 * DAY, resolved_at=when, **fields)


def attempt(on: Ticket, after: dt.timedelta, result: str = CallbackResult.REACHED) -> None:
    visit = CallbackVisit.objects.create(
        kind=CallbackKind.AFTER_SERVICE,
        customer=on.customer,
        ticket=on,
        due_at=on.resolved_at + DAY,
        dedupe_key=f"test:{on.pk}:{CallbackVisit.objects.count()}",
    )
    CallbackAttempt.objects.create(visit=visit, result=result, at=on.resolved_at + after)


def feedback(on: Ticket, *, created: dt.datetime, acknowledged: dt.datetime | None) -> FeedbackItem:
    return FeedbackItem.objects.create(
        ticket=on,
        department=Department.PRODUCTION,
        fault_code=on.fault_code,
        created_at=created,
        acknowledge_due=created + 7 * DAY,
        acknowledged_at=acknowledged,
    )


@pytest.fixture
def quality_code():
    return FaultCode.objects.create(code="CMP-03", name="Compressor seized", department=Department.DESIGN)


# The four omissions ----------------------------------------------------------------------


def test_unrecorded_a_contact_logged_more_than_2_hours_later():
    ticket(created_at=at(3, 10, 12), contacted_at=at(3, 10, 9, 59), kind=Kind.CONSULTATION)  # 2 h 01 min
    ticket(created_at=at(3, 10, 12), contacted_at=at(3, 10, 10), kind=Kind.CONSULTATION)  # exactly 2 h
    ticket(created_at=at(3, 10, 12), kind=Kind.CONSULTATION)  # logged as the customer called

    counts = metrics.omission_counts(MARCH, now=LATER)

    assert counts == OmissionCounts(
        cases_due=3, cases_with_omission=1, unrecorded=1, late=0, no_callback_attempt=0, no_feedback=0
    )


def test_a_case_is_in_the_period_of_its_first_contact():
    # Contacted on 31 March at 22:00, logged on 1 April: a March case, unrecorded.
    ticket(created_at=at(4, 1, 9), contacted_at=at(3, 31, 22), kind=Kind.CONSULTATION)

    assert metrics.omission_counts(MARCH, now=LATER).unrecorded == 1
    assert metrics.omission_counts(Period.month(2026, 4), now=LATER).cases_due == 0


def test_late_dispatch_or_completion():
    due = at(3, 11, 12)
    ticket(created_at=at(3, 10), dispatch_due=due, dispatched_at=due + H)  # dispatched late
    ticket(created_at=at(3, 10), dispatch_due=due, dispatched_at=due)  # on the deadline
    ticket(created_at=at(3, 10), dispatch_due=due)  # never dispatched, deadline passed
    ticket(created_at=at(3, 10), completion_due=due, resolved_at=due + H, status=TicketStatus.RESOLVED)
    ticket(  # cancelled before its completion deadline: owed nothing more
        created_at=at(3, 10),
        dispatch_due=at(3, 10, 14),
        dispatched_at=at(3, 10, 13),
        completion_due=due,
        cancelled_at=due - H,
        status=TicketStatus.CANCELLED,
    )
    ticket(created_at=at(3, 31, 10), dispatch_due=at(4, 1, 10))  # not due yet on 31 March

    counts = metrics.omission_counts(MARCH, now=at(3, 31, 20))

    assert (counts.cases_due, counts.late, counts.cases_with_omission) == (6, 3, 3)


def test_no_callback_attempt_within_72_hours():
    attempt(completed(at(3, 10)), 72 * H)  # just in time
    attempt(completed(at(3, 10)), 73 * H)  # too late
    completed(at(3, 10))  # never called
    reopened = completed(at(3, 10), status=TicketStatus.REOPENED)  # not completed any more: no callback owed
    completed(at(3, 10), kind=Kind.CONSULTATION)  # not a service ticket
    completed(at(3, 30, 12))  # its 72 h are not over at "now"

    counts = metrics.omission_counts(MARCH, now=at(4, 1, 12))

    assert counts.no_callback_attempt == 2
    assert reopened.pk not in set(
        metrics.drilldown("no_callback_attempt", MARCH, now=at(4, 1, 12)).values_list("pk", flat=True)
    )


def test_no_feedback_for_a_quality_fault(quality_code):
    FaultCode.objects.create(code="PWR-02", name="Rodent damage")  # no department: not a quality fault
    quality = {"fault_code": "CMP-03", "kind": Kind.REPAIR}
    fed_back = completed(at(3, 10), **quality)
    feedback(fed_back, created=at(3, 10), acknowledged=at(3, 12))
    unacknowledged = completed(at(3, 10), **quality)
    feedback(unacknowledged, created=at(3, 10), acknowledged=None)  # 7 days passed unacknowledged
    late_ack = completed(at(3, 10), **quality)
    feedback(late_ack, created=at(3, 10), acknowledged=at(3, 18))
    completed(at(3, 10), **quality)  # no item at all
    completed(at(3, 10), fault_code="PWR-02")  # not a quality fault
    waiting = completed(at(3, 28), **quality)
    feedback(waiting, created=at(3, 28), acknowledged=None)  # still within its 7 days at "now"

    now = at(4, 2, 12)
    counts = metrics.omission_counts(MARCH, now=now)

    assert counts.no_feedback == 3
    listed = set(metrics.drilldown("no_feedback", MARCH, now=now).values_list("pk", flat=True))
    assert fed_back.pk not in listed and waiting.pk not in listed and unacknowledged.pk in listed


def test_a_case_with_several_omissions_counts_once():
    case = completed(at(3, 10), dispatch_due=at(3, 8, 10), dispatched_at=at(3, 8, 11), contacted_at=at(3, 8) - 3 * H)
    Ticket.objects.filter(pk=case.pk).update(created_at=at(3, 8))

    counts = metrics.omission_counts(MARCH, now=LATER)

    assert counts == OmissionCounts(
        cases_due=1, cases_with_omission=1, unrecorded=1, late=1, no_callback_attempt=1, no_feedback=0
    )
    assert list(metrics.drilldown("omission", MARCH, now=LATER)) == [case]


def test_excluded_tickets_are_not_cases():
    kept = ticket(created_at=at(3, 10), dispatch_due=at(3, 10, 14))
    ticket(created_at=at(3, 10), dispatch_due=at(3, 10, 14), is_test=True)
    ticket(created_at=at(3, 10), dispatch_due=at(3, 10, 14), merged_into=kept, status=TicketStatus.MERGED)
    ticket(created_at=at(3, 10), dispatch_due=at(3, 10, 14), cancelled_at=at(3, 10, 13), status=TicketStatus.CANCELLED)

    assert metrics.omission_counts(MARCH, now=LATER) == OmissionCounts(1, 1, 0, 1, 0, 0)


# First-time fix --------------------------------------------------------------------------


def test_first_time_fix():
    unit = factories.ProductUnitFactory()
    first_time = completed(at(3, 10), visits=1, unit=unit, customer=unit.owner)
    completed(at(3, 10), visits=2)  # a second visit
    completed(at(3, 10), visits=1, reopened_count=1)  # reopened
    repeated = completed(at(3, 12), visits=1)
    ticket(created_at=at(4, 11), kind=Kind.REPAIR, unit=repeated.unit, customer=repeated.customer)  # 30 days on: repeat
    later = completed(at(3, 14), visits=1)
    ticket(
        created_at=at(4, 14, 12, 1), kind=Kind.REPAIR, unit=later.unit, customer=later.customer
    )  # 31 days: new fault
    completed(at(3, 10), visits=1, kind=Kind.INSTALLATION)  # not a repair
    completed(at(3, 10), visits=1, work_done="")  # no repair outcome recorded
    tested = completed(at(3, 16), visits=1)
    ticket(created_at=at(3, 20), kind=Kind.REPAIR, unit=tested.unit, customer=tested.customer, is_test=True)
    no_unit = completed(at(3, 18), visits=1, unit=None, fault_category=factories.FaultCategoryFactory())
    ticket(
        created_at=at(3, 25),
        kind=Kind.REPAIR,
        unit=None,
        customer=no_unit.customer,
        fault_category=no_unit.fault_category,
    )

    assert metrics.first_time_fix_counts(MARCH) == FirstTimeFixCounts(repairs=7, fixed_first_time=3)
    not_first = set(metrics.drilldown("not_first_time", MARCH).values_list("pk", flat=True))
    assert first_time.pk not in not_first and repeated.pk in not_first and no_unit.pk in not_first


# Breakdowns ------------------------------------------------------------------------------


def test_group_by_day_and_dimension_sums_to_the_total():
    north, south = factories.ServiceStationFactory(), factories.ServiceStationFactory()
    model = factories.ProductModelFactory()
    unit_a = factories.ProductUnitFactory(model=model, batch="2403A")
    unit_b = factories.ProductUnitFactory(model=model, batch="2403B")
    completed(at(3, 1, 0, 10), station=north, unit=unit_a, customer=unit_a.owner)  # 28 Feb 16:10 UTC: 1 March
    completed(at(3, 1, 23, 50), station=north, unit=unit_b, customer=unit_b.owner)
    completed(at(3, 2), station=south, unit=None)

    by_day = metrics.callback_counts(MARCH, group_by=("day",))
    by_station = metrics.callback_counts(MARCH, group_by=("day", "station"))
    by_batch = metrics.callback_counts(MARCH, group_by=("batch",))

    assert {key: value.tickets_completed for key, value in by_day.items()} == {
        (dt.date(2026, 3, 1),): 2,
        (dt.date(2026, 3, 2),): 1,
    }
    assert {key: value.tickets_completed for key, value in by_station.items()} == {
        (dt.date(2026, 3, 1), str(north.pk)): 2,
        (dt.date(2026, 3, 2), str(south.pk)): 1,
    }
    # A ticket with no unit has no batch: it is in the "none" row, so the rows sum to the whole.
    assert {key: value.tickets_completed for key, value in by_batch.items()} == {
        (f"{model.pk}:2403A",): 1,
        (f"{model.pk}:2403B",): 1,
        (metrics.NO_VALUE,): 1,
    }
    assert metrics.callback_counts(MARCH, Dimensions.for_value("batch", f"{model.pk}:2403A")).tickets_completed == 1


def test_every_family_grouped_is_ten_queries(django_assert_num_queries):
    completed(at(3, 3), station=factories.ServiceStationFactory())
    with django_assert_num_queries(10):
        grouped = metrics.totals_by(MARCH, ("day", "agent"), now=LATER)
    with django_assert_num_queries(10):
        whole = metrics.totals(MARCH, now=LATER)
    # No agent on the factory ticket: it is in the "none" rows, which sum to the whole.
    assert {agent for _day, agent in grouped} == {metrics.NO_VALUE}
    assert sum(grouped.values(), metrics.Totals()) == whole
    assert (whole.service_completed, whole.cases_due, whole.repairs) == (1, 1, 1)


# The worked example of docs/kpis.md#a-worked-month --------------------------------------------------


def test_the_worked_example():
    """A month: 200 service tickets completed (150 repairs), 4 complaint calls (3 valid service
    complaints, one called about twice) and 1 invalid complaint, 6 other contacts; callbacks,
    ratings, late dispatches and a quality fault without feedback as the example states."""
    service = factories.FaultCategoryFactory(code="no_show", group=FaultGroup.SERVICE)
    FaultCode.objects.create(code="CMP-03", name="Compressor seized", department=Department.DESIGN)
    model = factories.ProductModelFactory()
    tickets = []
    for n in range(200):
        unit = factories.ProductUnitFactory(model=model)
        resolved_at = at(3, 3 + n % 24, 10)
        repair = n < 150
        tickets.append(
            completed(
                resolved_at,
                customer=unit.owner,
                unit=unit,
                kind=Kind.REPAIR if repair else Kind.INSTALLATION,
                visits=2 if 120 <= n < 140 else 1,
                reopened_count=1 if 140 <= n < 150 else 0,
                fault_code="CMP-03" if n in (0, 1, 2) else "",
                dispatch_due=resolved_at - DAY if n in (196, 5) else None,
                dispatched_at=resolved_at - DAY + H if n in (196, 5) else None,
            )
        )
    # Callbacks: attempted within 72 h for 196 (not the last 4), reached 180.
    for n, done in enumerate(tickets[:196]):
        attempt(done, 24 * H, CallbackResult.REACHED if n < 180 else CallbackResult.NO_ANSWER)
    # 170 of the 180 reached gave a rating: 5 rated 1–2, 1 rated 3 and complained on the call.
    scores = [1, 2, 1, 2, 1] + [3] + [5] * 164
    SatisfactionRating.objects.bulk_create(
        SatisfactionRating(
            ticket=done, source=RatingSource.CALLBACK, score=score, raised_complaint=(n == 5), created_at=at(3, 28)
        )
        for n, (done, score) in enumerate(zip(tickets[:170], scores, strict=True))
    )
    SatisfactionRating.objects.update(created_at=at(3, 29))
    # Quality faults: two fed back in time, one never.
    for done in tickets[1:3]:
        feedback(done, created=done.resolved_at, acknowledged=done.resolved_at + DAY)
    # Complaints: three valid (one customer called twice), one dismissed as invalid.
    about = {"kind": Kind.COMPLAINT, "fault_category": service, "resolved_at": at(3, 27), "status": TicketStatus.CLOSED}
    for n in range(3):
        ticket(created_at=at(3, 20 + n), customer=tickets[n].customer, complaint_about=tickets[n], **about)
    ticket(created_at=at(3, 24), customer=tickets[0].customer, complaint_about=tickets[0], **about)
    ticket(
        created_at=at(3, 24),
        kind=Kind.COMPLAINT,
        fault_category=service,
        cancelled_at=at(3, 24, 15),
        status=TicketStatus.CANCELLED,
    )
    # Six more contacts with an obligation due and none missed.
    for n in range(6):
        ticket(created_at=at(3, 5 + n), kind=Kind.CONSULTATION, status=TicketStatus.CLOSED)

    rates = metrics.rates_for(MARCH, now=LATER)

    def figures(key):
        rate = rates[key]
        return rate.numerator, rate.denominator, rate.percent, rate.status

    assert figures("complaint_rate") == (3, 200, Decimal("1.50"), Status.OK)
    assert figures("dissatisfaction_rate") == (6, 170, Decimal("3.53"), Status.OK)
    assert figures("callback_coverage") == (196, 200, Decimal("98.00"), Status.OK)
    assert figures("callback_reach") == (180, 200, Decimal("90.00"), Status.OK)
    assert figures("omission_rate") == (6, 210, Decimal("2.86"), Status.OK)
    assert figures("omission_no_callback") == (4, 210, Decimal("1.90"), Status.OK)
    assert figures("omission_late") == (2, 210, Decimal("0.95"), Status.OK)
    assert figures("omission_no_feedback") == (1, 210, Decimal("0.48"), Status.OK)
    assert figures("omission_unrecorded") == (0, 210, Decimal("0.00"), Status.OK)
    assert figures("first_time_fix_rate") == (120, 150, Decimal("80.00"), Status.OK)
    assert figures("satisfaction_top2") == (164, 170, Decimal("96.47"), Status.OK)
    assert figures("complaints_closed_within_7_days") == (4, 4, Decimal("100.00"), Status.OK)
    assert list(metrics.drilldown("no_feedback", MARCH, now=LATER)) == [tickets[0]]
    dissatisfied = set(metrics.drilldown("dissatisfied", MARCH).values_list("pk", flat=True))
    assert dissatisfied == {done.pk for done in tickets[:6]}
