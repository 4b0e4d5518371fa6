"""The causes the audit found behind wrong KPIs, each built through the services with the clock
controlled, and the expected numerator and denominator worked out here from the written formula
(README, quality section), not from the code:

- a reopened ticket is measured on its current round, and the desk's overdue list and the KPIs
  name the same tickets;
- everything opened from a test ticket is test data, left out of every figure;
- fault codes have one spelling, so the feedback item and the no-feedback omission agree;
- dissatisfaction = dissatisfied responses ÷ responses (a complaint without a rating is one of
  each); satisfaction stays on ratings;
- every breakdown has a row for records without a value and sums to the whole;
- no-leak 4 is "fed back and acknowledged within 7 days" of the resolution.
"""

import datetime as dt
import importlib
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from rest_framework.test import APIClient

from aftersales.api.token_store import token_issue
from aftersales.roles import Role
from followups.callbacks.services import record_attempt
from followups.choices import CallbackKind, CallbackResult, CallbackStatus
from followups.feedback.services import feedback_acknowledge
from followups.models import CallbackVisit, FeedbackItem
from quality import metrics, snapshots
from quality.metrics import Period, Totals
from quality.models import Dimension
from quality.rates import KPIS
from tests import factories
from tickets import selectors
from tickets.admin import FaultCodeForm
from tickets.choices import Kind, Status
from tickets.fault_codes import normalise_fault_code
from tickets.models import FaultCode, Ticket
from tickets.services import ticket_assign, ticket_create, ticket_record_resolution, ticket_transition

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = Period.month(2026, 3)
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
README = Path(__file__).resolve().parents[2] / "README.md"


def at(day: int, hour: int = 10, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@contextmanager
def clock(moment: dt.datetime):
    """Every service, ``auto_now`` stamp and ``timezone.now()`` sees ``moment``."""
    with time_machine.travel(moment, tick=False):
        yield


@pytest.fixture
def people(db):
    return {
        "agent": factories.UserFactory(roles=[Role.AGENT], username="agent-kpi"),
        "tech": factories.UserFactory(roles=[Role.TECHNICIAN], username="tech-kpi"),
        "dept": factories.UserFactory(roles=[Role.DEPARTMENT], username="dept-kpi"),
    }


@pytest.fixture
def station(db):
    return factories.ServiceStationFactory()


def open_repair(people, when: dt.datetime, *, customer=None, unit=None, is_test: bool = False, by="agent") -> Ticket:
    customer = customer or factories.CustomerFactory()
    if unit is None:
        unit = factories.ProductUnitFactory(owner=customer)
    with clock(when):
        return ticket_create(
            customer=customer,
            kind=Kind.REPAIR,
            channel="phone",
            description="Leaks water.",
            unit=unit or None,
            is_test=is_test,
            by=people[by] if by else None,
        )


def move(ticket: Ticket, name: str, when: dt.datetime, by, note: str = "") -> Ticket:
    with clock(when):
        return ticket_transition(ticket=ticket, move=name, by=by, note=note)


def dispatch(people, ticket: Ticket, when: dt.datetime, station=None) -> Ticket:
    with clock(when):
        ticket_assign(ticket=ticket, station=station, assignee=people["tech"], by=people["agent"])
    return move(ticket, "dispatch", when, people["agent"])


def resolve(people, ticket: Ticket, when: dt.datetime, *, code: str = "WEAR-1") -> Ticket:
    with clock(when):
        ticket_record_resolution(
            ticket=ticket,
            by=people["tech"],
            work_done="Replaced the seal.",
            fault_code=code,
            fault_component="seal",
            root_cause="Worn seal.",
        )
    return move(ticket, "resolve", when, people["tech"])


def serve(people, when: dt.datetime, *, station=None, code: str = "WEAR-1", **opening) -> Ticket:
    """A repair opened at ``when``, dispatched 1 h later, started after 3 h, resolved after 5 h."""
    ticket = open_repair(people, when, **opening)
    dispatch(people, ticket, when + HOUR, station)
    move(ticket, "start", when + 3 * HOUR, people["tech"])
    return resolve(people, ticket, when + 5 * HOUR, code=code)


def after_service_visit(ticket: Ticket) -> CallbackVisit:
    return CallbackVisit.objects.get(ticket=ticket, kind=CallbackKind.AFTER_SERVICE, status=CallbackStatus.DUE)


def call(people, ticket: Ticket, when: dt.datetime, *, score=None, complaint=False, result=CallbackResult.REACHED):
    with clock(when):
        return record_attempt(
            visit=after_service_visit(ticket),
            result=result,
            by=people["agent"],
            scores={"score_overall": score},
            raised_complaint=complaint,
            at=when,
        )


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


# --- A reopened ticket is measured on its current round --------------------------------------


def test_a_reopened_ticket_not_done_again_is_late_once_its_restarted_deadlines_pass(people, station):
    # Round one of each repair is on time: dispatched after 1 h, arrived after 3 h, resolved after 5 h.
    idle = serve(people, at(2, 9), station=station)  # reopened, then nothing
    redone = serve(people, at(2, 9, 30), station=station)  # reopened, then done again in time
    plain = serve(people, at(2, 10), station=station)  # never reopened
    reopened_at = at(4, 10)
    move(idle, "reopen", reopened_at, people["agent"], note="Leaking again.")
    move(redone, "reopen", reopened_at, people["agent"], note="Leaking again.")
    idle, redone = fresh(idle), fresh(redone)
    # The deadlines were restarted at the reopen by the services; the KPIs read the stored ones.
    assert idle.reopened_at == reopened_at and idle.dispatch_due > reopened_at
    assert idle.dispatched_at < reopened_at < idle.dispatch_due < idle.arrival_due < idle.completion_due
    dispatch(people, redone, redone.dispatch_due - 2 * HOUR, station)
    move(redone, "start", fresh(redone).arrival_due - HOUR, people["tech"])
    resolve(people, redone, fresh(redone).completion_due - HOUR)
    now = idle.completion_due + HOUR

    omissions = metrics.omission_counts(MARCH, now=now)
    arrival = metrics.timeliness_counts("arrival", MARCH, now=now)
    completion = metrics.timeliness_counts("completion", MARCH, now=now)

    # Late: dispatch or completion deadline (of the current round) passed without the step in
    # it — only the idle one. Cases due: the three (their recording obligation is long due).
    assert (omissions.late, omissions.cases_due) == (1, 3)
    # Arrival and completion: three deadlines due each; met by the redone and plain tickets,
    # missed by the idle one, whose round-one visit and resolution do not count.
    assert (arrival.due, arrival.on_time) == (3, 2)
    assert (completion.due, completion.on_time) == (3, 2)
    late = metrics.drilldown("late", MARCH, now=now)
    assert list(late.values_list("pk", flat=True)) == [idle.pk]
    assert plain.reopened_at is None

    # Before the restarted dispatch deadline, the idle ticket is not late yet.
    early = metrics.omission_counts(MARCH, now=idle.dispatch_due - MINUTE)
    assert early.late == 0


def test_the_desk_overdue_list_and_the_kpis_name_the_same_tickets(people, station):
    start = at(10, 9)
    reopened_idle = serve(people, start)
    move(reopened_idle, "reopen", start + DAY, people["agent"], note="Again.")
    reopened_redispatched = serve(people, start)
    move(reopened_redispatched, "reopen", start + DAY, people["agent"], note="Again.")
    dispatch(people, reopened_redispatched, start + DAY + HOUR, station)
    # The moment compared: just after the idle reopened ticket's restarted dispatch deadline.
    now = fresh(reopened_idle).dispatch_due + MINUTE
    new_late = open_repair(people, start)  # response deadline passes, never acknowledged
    new_in_time = open_repair(people, now - 30 * MINUTE)  # still inside its response time
    acknowledged = open_repair(people, start)
    move(acknowledged, "acknowledge", start + HOUR, people["agent"])  # dispatch deadline passes
    # Logged on a Saturday: 24 business hours to arrive run out on Tuesday at 15:00 (open Mon–Sat
    # 08:30–17:30), before the moment compared.
    dispatched_late = open_repair(people, start - 3 * DAY)
    dispatch(people, dispatched_late, start - 3 * DAY + HOUR, station)  # the technician never arrives
    straight = open_repair(people, now - 30 * MINUTE)
    dispatch(people, straight, now - 25 * MINUTE, station)  # dispatched without acknowledging
    working = serve(people, start)  # resolved: owes nothing
    on_hold = open_repair(people, start)
    move(on_hold, "hold", start + HOUR, people["agent"], note="Customer away.")
    tested = open_repair(people, start, is_test=True)  # overdue on the desk, but no KPI counts it
    assert fresh(dispatched_late).arrival_due < now < fresh(straight).arrival_due

    desk = set(Ticket.objects.filter(selectors.overdue_q(now)).values_list("pk", flat=True))
    kpis = set(
        Ticket.objects.filter(metrics.counted_tickets_q(), metrics.overdue_now_q(now)).values_list("pk", flat=True)
    )

    by_hand = {new_late.pk, acknowledged.pk, dispatched_late.pk, reopened_idle.pk}
    assert kpis == by_hand
    assert desk == by_hand | {tested.pk}
    assert {new_in_time.pk, straight.pk, working.pk, on_hold.pk, reopened_redispatched.pk}.isdisjoint(desk | kpis)
    # The desk's own list through the API, at the same moment.
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=people['agent']).key}")
    with clock(now):
        response = client.get("/api/tickets/", {"overdue": "true", "page_size": 100})
    assert response.status_code == 200
    listed = {row["reference"] for row in response.json()["results"]}
    assert listed == set(Ticket.objects.filter(pk__in=desk).values_list("reference", flat=True))


# --- Test tickets stay test tickets ------------------------------------------------------------


def test_everything_opened_from_a_test_ticket_is_test_data_and_counts_nowhere(people, station):
    trial = serve(people, at(5, 9), station=station, is_test=True)
    call(people, trial, at(6, 10), complaint=True)  # a complaint without a rating, on the callback
    with clock(at(7, 10)):
        desk_complaint = ticket_create(
            customer=trial.customer,
            kind=Kind.COMPLAINT,
            channel="phone",
            description="The technician was rude.",
            complaint_about=trial,
            by=people["agent"],
        )
    callback_complaint = (
        Ticket.objects.filter(kind=Kind.COMPLAINT, complaint_about=trial).exclude(pk=desk_complaint.pk).get()
    )

    assert callback_complaint.is_test and desk_complaint.is_test
    assert metrics.totals(MARCH, now=at(20, 10, month=4)) == Totals()
    snapshots.refresh(MARCH, now=at(20, 10, month=4))
    assert snapshots.totals(MARCH) == Totals()


# --- Fault codes have one spelling ---------------------------------------------------------------


def test_fault_codes_are_stored_in_one_spelling_everywhere(people):
    form = FaultCodeForm(
        data={
            "code": " qf 12 ",
            "name": "Pump seal",
            "component": "pump",
            "department": "production",
            "is_active": True,
        }
    )
    assert form.is_valid(), form.errors
    form.save()
    duplicate = FaultCodeForm(data={"code": "QF12", "name": "Again", "department": "design", "is_active": True})
    assert not duplicate.is_valid() and "code" in duplicate.errors
    assert normalise_fault_code(" q f\t12\n") == "QF12"

    acknowledged = serve(people, at(2, 9), code="qf12")
    ignored = serve(people, at(2, 10), code="Qf 12")
    not_quality = serve(people, at(2, 11), code="wear 1")
    for ticket in (acknowledged, ignored, not_quality):
        assert fresh(ticket).fault_code in ("QF12", "WEAR1")
    feedback_acknowledge(item=FeedbackItem.objects.get(ticket=acknowledged), by=people["dept"], now=at(4, 10))
    assert set(FeedbackItem.objects.values_list("fault_code", flat=True)) == {"QF12"}
    assert FeedbackItem.objects.count() == 2

    counts = metrics.omission_counts(MARCH, now=at(20, 10))
    # Quality repairs 7 days past their resolution: two; fed back and acknowledged: one.
    assert (counts.no_feedback, counts.cases_due) == (1, 3)


def test_the_migration_rewrites_stored_codes_in_their_one_spelling(people):
    FaultCode.objects.create(code="qf 7", name="Seal", department="production")
    FaultCode.objects.create(code="QF7", name="Seal (old)", department="", is_active=False)
    ticket = factories.TicketFactory(status=Status.RESOLVED)
    Ticket.objects.filter(pk=ticket.pk).update(fault_code="qf 7")
    item = factories.FeedbackItemFactory(ticket=ticket, fault_code="qf 7")

    # The models as that migration saw them (the feedback items were still in the tickets app).
    historical = MigrationLoader(connection).project_state(("tickets", "0022_normalise_fault_codes")).apps
    importlib.import_module("tickets.migrations.0022_normalise_fault_codes").normalise(historical, None)

    # One catalogue row per code: the active one routed to a department is kept.
    assert list(FaultCode.objects.values_list("code", "department")) == [("QF7", "production")]
    assert fresh(ticket).fault_code == "QF7"
    assert FeedbackItem.objects.get(pk=item.pk).fault_code == "QF7"


# --- Dissatisfaction = dissatisfied responses ÷ responses ---------------------------------------


def test_a_complaint_without_a_rating_is_one_dissatisfied_response_above_and_below_the_line(people, station):
    happy, low, rated_complaint, unrated, unreachable, middling = (
        serve(people, at(day, 9), station=station) for day in (2, 3, 4, 5, 6, 7)
    )
    call(people, happy, at(3, 10), score=5)
    call(people, low, at(4, 10), score=2)
    call(people, rated_complaint, at(5, 10), score=4, complaint=True)
    call(people, unrated, at(6, 10), complaint=True)
    for when in (at(7, 10), at(7, 15), at(8, 10)):
        call(people, unreachable, when, result=CallbackResult.NO_ANSWER)
    call(people, middling, at(8, 11), score=3)
    assert after_service_visit_or_none(unreachable) is None

    counts = metrics.satisfaction_counts(MARCH)
    rates = metrics.rates_of(metrics.totals(MARCH, now=at(20, 10)))

    # Responses: four ratings (5, 2, 4, 3) and one complaint without a rating = 5; the unreachable
    # customer gave none. Dissatisfied: the 2, the 4 with a complaint, the unrated complaint = 3.
    assert (counts.valid_ratings, counts.unrated_complaints) == (4, 1)
    assert (rates["dissatisfaction_rate"].numerator, rates["dissatisfaction_rate"].denominator) == (3, 5)
    # Satisfaction (top-2 box) stays on ratings: 5 and 4 of four ratings.
    assert (rates["satisfaction_top2"].numerator, rates["satisfaction_top2"].denominator) == (2, 4)

    # Through the API, from the snapshots.
    snapshots.refresh(MARCH, now=at(20, 10))
    body = metrics_api(people, {"start": "2026-03-01", "end": "2026-03-31"})
    dissatisfaction = body["results"][0]["rates"]["dissatisfaction_rate"]
    assert (dissatisfaction["numerator"], dissatisfaction["denominator"]) == (3, 5)


def test_only_unrated_complaints_are_at_most_one_hundred_per_cent(people):
    first, second = serve(people, at(2, 9)), serve(people, at(2, 11))
    call(people, first, at(3, 10), complaint=True)
    call(people, second, at(3, 11), complaint=True)
    rate = metrics.rates_of(metrics.totals(MARCH, now=at(20, 10)))["dissatisfaction_rate"]
    assert (rate.numerator, rate.denominator, rate.percent) == (2, 2, 100)


def after_service_visit_or_none(ticket: Ticket) -> CallbackVisit | None:
    return CallbackVisit.objects.filter(
        ticket=ticket, kind=CallbackKind.AFTER_SERVICE, status=CallbackStatus.DUE
    ).first()


def metrics_api(people, params: dict) -> dict:
    manager = factories.UserFactory(roles=[Role.MANAGER], username="manager-kpi")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=manager).key}")
    response = client.get("/api/metrics/", {**params, "page_size": 100})
    assert response.status_code == 200, response.content
    return response.json()


# --- Breakdowns add up -------------------------------------------------------------------------


def test_every_breakdown_sums_to_the_whole_organisation_numerator_and_denominator(people, station):
    nowhere = factories.CustomerFactory(region="")
    no_batch = factories.ProductUnitFactory(batch="")
    with_all = serve(people, at(2, 9), station=station)
    no_station = serve(people, at(3, 9))  # dispatched to a technician only
    no_region = serve(
        people, at(4, 9), station=station, customer=nowhere, unit=factories.ProductUnitFactory(owner=nowhere)
    )
    portal = serve(people, at(5, 9), by=None, customer=no_batch.owner, unit=no_batch)  # no agent, no batch
    no_unit = serve(people, at(6, 9), station=station, unit=False)  # no category, model or batch
    for ticket, score in ((with_all, 5), (no_station, 1), (no_region, 2), (portal, 4)):
        call(people, ticket, at(ticket.created_at.day + 1, 16), score=score)
    call(people, no_unit, at(8, 16), complaint=True)
    now = at(20, 10, month=4)
    snapshots.refresh(MARCH, now=now)

    whole = snapshots.totals(MARCH)
    assert whole.service_completed == 5 and whole.ratings == 4 and whole.unrated_complaints == 1
    for dimension in metrics.DIMENSION_PATHS:
        rows = snapshots.totals_by_value(MARCH, dimension)
        assert metrics.NO_VALUE in rows, dimension
        assert sum(rows.values(), Totals()) == whole, dimension
        # The same straight from the tickets.
        direct = metrics.totals_by(MARCH, (dimension,), now=now)
        assert sum(direct.values(), Totals()) == metrics.totals(MARCH, now=now) == whole, dimension

    # The API's grouped answer: each KPI's rows sum to the whole organisation's figure.
    period = {"start": "2026-03-01", "end": "2026-03-31"}
    overall = metrics_api(people, period)["results"][0]["rates"]
    for dimension in (Dimension.STATION, Dimension.REGION, Dimension.AGENT, Dimension.BATCH, Dimension.MODEL):
        grouped = metrics_api(people, {**period, "group_by": dimension})["results"]
        assert "none" in {row["value"] for row in grouped}
        for key in KPIS:
            assert sum(row["rates"][key]["numerator"] for row in grouped) == overall[key]["numerator"], (dimension, key)
            assert sum(row["rates"][key]["denominator"] for row in grouped) == overall[key]["denominator"], (
                dimension,
                key,
            )
    none_station = metrics_api(people, {**period, "dimension": "station", "value": "none"})["results"][0]["rates"]
    # Completed service tickets with no station: the one dispatched to a technician only, and the
    # portal's (dispatched to a technician only too).
    assert none_station["callback_coverage"]["denominator"] == 2


# --- No-leak 4: fed back and acknowledged within 7 days -----------------------------------------


@pytest.mark.parametrize(
    ("acknowledged_after", "omission"),
    [(None, 1), (7 * DAY - MINUTE, 0), (7 * DAY, 0), (7 * DAY + MINUTE, 1)],
)
def test_no_feedback_counts_until_the_item_is_fed_back_and_acknowledged_within_7_days(
    people, acknowledged_after, omission
):
    factories.FaultCodeFactory(code="QF20")
    repair = serve(people, at(2, 9), code="QF20")
    resolved_at = fresh(repair).resolved_at
    if acknowledged_after is not None:
        feedback_acknowledge(
            item=FeedbackItem.objects.get(ticket=repair), by=people["dept"], now=resolved_at + acknowledged_after
        )
    counts = metrics.omission_counts(MARCH, now=at(20, 10))
    assert (counts.no_feedback, counts.cases_due) == (omission, 1)
    assert metrics.drilldown("no_feedback", MARCH, now=at(20, 10)).count() == omission


def test_no_leak_4_is_written_the_same_way_in_the_readme_the_kpi_and_the_dashboard():
    phrase = "fed back and acknowledged within 7 days"
    quality = README.read_text(encoding="utf-8").split("## Quality control")[1].split("\n## ")[0]
    assert phrase in quality
    assert "acknowledged by the department within 7 days" in str(KPIS["omission_no_feedback"].description)
    assert phrase in str(metrics.DRILLDOWNS["no_feedback"])
