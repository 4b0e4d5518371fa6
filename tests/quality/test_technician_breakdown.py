"""Every figure breaks down by technician: the ticket's assignee, and for a complaint about a
ticket, that original ticket's technician — whoever logged the complaint. Tickets no technician
was assigned to are the "none" row, so the technicians' rows and it sum to the whole
organisation, numerator and denominator, in the metrics, the snapshots, GET /api/metrics/ and
the dashboard.

March 2026, built through the services with the clock controlled; the expected figures are
worked out here by hand from the formulas (README, quality section):

    a1  repair, technician Wei Zhang, resolved 2 Mar; callback 3 Mar: rated 5
    a2  repair, Wei Zhang, resolved 3 Mar; callback 4 Mar: rated 2 → reopened, a complaint
        about a2 with no class (in neither complaint count)
    b1  repair, technician Na Li, resolved 4 Mar; callback 5 Mar: complaint (workmanship), no
        rating → reopened, a complaint about b1
    idle  repair dispatched on 5 Mar to the station only: no technician
    d1, d2  the same complaint about a1 (attitude), logged at the desk by another agent on
        6 and 7 Mar: counts once, under Wei Zhang
    d3  a complaint (delay) about no ticket on file: under its own technician, none

    complaint rate     Wei Zhang (d1) 1 ÷ (a1, a2) 2; Na Li (b1's) 1 ÷ 1; none (d3) 1 ÷ 0;
                       whole 3 ÷ 3
    dissatisfaction    Wei Zhang (a2) 1 ÷ 2 ratings; Na Li 1 unrated complaint ÷ 1; whole 2 ÷ 3
    satisfaction       Wei Zhang 1 ÷ 2; Na Li 0 ÷ 0
    callback coverage  Wei Zhang 2 ÷ 2; Na Li 1 ÷ 1; none 0 ÷ 0
    first-time fix     Wei Zhang (a1; a2 reopened) 1 ÷ 2; Na Li (b1 reopened) 0 ÷ 1
    complaints closed  the five complaint tickets (a2's, b1's, d1–d3) have no technician of
    within 7 days      their own: none 0 ÷ 5
"""

import datetime as dt
import re
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from aftersales.api.token_store import token_issue
from aftersales.roles import Role
from followups.callbacks.services import record_attempt
from followups.choices import CallbackKind, CallbackResult, CallbackStatus
from followups.models import CallbackVisit
from quality import metrics, snapshots
from quality.metrics import Dimensions, Period, Totals
from quality.models import Dimension, QualityAlert, RateSnapshot
from quality.rates import KPIS
from tests import factories
from tickets.choices import FaultGroup, Kind
from tickets.models import Ticket
from tickets.services import ticket_assign, ticket_create, ticket_record_resolution, ticket_transition

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = Period.month(2026, 3)
MARCH_PARAMS = {"start": "2026-03-01", "end": "2026-03-31"}
HOUR = dt.timedelta(hours=1)
NOW = dt.datetime(2026, 4, 20, 10, 0, tzinfo=SHANGHAI)


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=SHANGHAI)


@contextmanager
def clock(moment: dt.datetime):
    """Every service, ``auto_now`` stamp and ``timezone.now()`` sees ``moment``."""
    with time_machine.travel(moment, tick=False):
        yield


@pytest.fixture(autouse=True)
def throttle_counts_per_test(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "cache", LocMemCache("technician-breakdown-tests", {}))
    SimpleRateThrottle.cache.clear()


class March:
    """The month's work of two technicians, the job no technician took, and the complaints."""

    def __init__(self) -> None:
        self.agent = factories.UserFactory(roles=[Role.AGENT], username="tech-agent")
        self.desk_agent = factories.UserFactory(roles=[Role.AGENT], username="tech-desk-agent")
        self.zhang = factories.UserFactory(
            roles=[Role.TECHNICIAN], username="tech-zhang", first_name="Wei", last_name="Zhang"
        )
        self.li = factories.UserFactory(roles=[Role.TECHNICIAN], username="tech-li", first_name="Na", last_name="Li")
        self.station = factories.ServiceStationFactory()
        self.attitude = factories.FaultCategoryFactory(code="attitude", group=FaultGroup.SERVICE)
        self.delay = factories.FaultCategoryFactory(code="delay", group=FaultGroup.SERVICE)
        self.workmanship = factories.FaultCategoryFactory(code="workmanship", group=FaultGroup.SERVICE)

        self.a1 = self.serve(2, self.zhang)
        self.a2 = self.serve(3, self.zhang)
        self.b1 = self.serve(4, self.li)
        self.call(self.a1, at(3, 16), score=5)
        self.call(self.a2, at(4, 16), score=2)
        self.call(self.b1, at(5, 16), complaint_class=self.workmanship)
        self.idle = self.open_repair(at(5, 9))
        with clock(at(5, 10)):
            ticket_assign(ticket=self.idle, station=self.station, assignee=None, by=self.agent)
            ticket_transition(ticket=self.idle, move="dispatch", by=self.agent)
        self.d1 = self.complain(at(6), self.a1, self.attitude)
        self.d2 = self.complain(at(7), self.a1, self.attitude)
        self.d3 = self.complain(at(8), None, self.delay)

    def open_repair(self, when: dt.datetime) -> Ticket:
        customer = factories.CustomerFactory()
        with clock(when):
            return ticket_create(
                customer=customer,
                kind=Kind.REPAIR,
                channel="phone",
                description="Leaks water.",
                unit=factories.ProductUnitFactory(owner=customer),
                by=self.agent,
            )

    def serve(self, day: int, technician) -> Ticket:
        """A repair opened at 09:00, dispatched to ``technician`` at 10:00, started at 12:00,
        resolved at 14:00."""
        ticket = self.open_repair(at(day, 9))
        with clock(at(day, 10)):
            ticket_assign(ticket=ticket, station=self.station, assignee=technician, by=self.agent)
            ticket_transition(ticket=ticket, move="dispatch", by=self.agent)
        with clock(at(day, 12)):
            ticket_transition(ticket=ticket, move="start", by=technician)
        with clock(at(day, 14)):
            ticket_record_resolution(
                ticket=ticket,
                by=technician,
                work_done="Replaced the seal.",
                fault_code="WEAR-1",
                fault_component="seal",
                root_cause="Worn seal.",
            )
            return ticket_transition(ticket=ticket, move="resolve", by=technician)

    def call(self, ticket: Ticket, when: dt.datetime, *, score=None, complaint_class=None) -> None:
        visit = CallbackVisit.objects.get(ticket=ticket, kind=CallbackKind.AFTER_SERVICE, status=CallbackStatus.DUE)
        with clock(when):
            record_attempt(
                visit=visit,
                result=CallbackResult.REACHED,
                by=self.agent,
                scores={"score_overall": score},
                raised_complaint=complaint_class is not None,
                complaint_class=complaint_class,
                at=when,
            )

    def complain(self, when: dt.datetime, about: Ticket | None, category) -> Ticket:
        with clock(when):
            return ticket_create(
                customer=about.customer if about else factories.CustomerFactory(),
                kind=Kind.COMPLAINT,
                channel="phone",
                description="The technician was rude.",
                fault_category=category,
                complaint_about=about,
                by=self.desk_agent,
            )

    def key(self, technician) -> str:
        return str(technician.pk)


@pytest.fixture
def month() -> March:
    return March()


def api(params: dict) -> dict:
    manager = factories.UserFactory(roles=[Role.MANAGER], username="tech-manager")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=manager).key}")
    response = client.get("/api/metrics/", {**params, "page_size": 100})
    assert response.status_code == 200, response.content
    return response.json()


def figures(totals: Totals) -> dict[str, tuple[int, int]]:
    """The hand-checked KPIs as (numerator, denominator)."""
    rates = metrics.rates_of(totals)
    keys = (
        "complaint_rate",
        "dissatisfaction_rate",
        "satisfaction_top2",
        "callback_coverage",
        "first_time_fix_rate",
        "complaints_closed_within_7_days",
    )
    return {key: (rates[key].numerator, rates[key].denominator) for key in keys}


EXPECTED = {
    "zhang": {
        "complaint_rate": (1, 2),
        "dissatisfaction_rate": (1, 2),
        "satisfaction_top2": (1, 2),
        "callback_coverage": (2, 2),
        "first_time_fix_rate": (1, 2),
        "complaints_closed_within_7_days": (0, 0),
    },
    "li": {
        "complaint_rate": (1, 1),
        "dissatisfaction_rate": (1, 1),
        "satisfaction_top2": (0, 0),
        "callback_coverage": (1, 1),
        "first_time_fix_rate": (0, 1),
        "complaints_closed_within_7_days": (0, 0),
    },
    "none": {
        "complaint_rate": (1, 0),
        "dissatisfaction_rate": (0, 0),
        "satisfaction_top2": (0, 0),
        "callback_coverage": (0, 0),
        "first_time_fix_rate": (0, 0),
        "complaints_closed_within_7_days": (0, 5),
    },
    "whole": {
        "complaint_rate": (3, 3),
        "dissatisfaction_rate": (2, 3),
        "satisfaction_top2": (1, 2),
        "callback_coverage": (3, 3),
        "first_time_fix_rate": (1, 3),
        "complaints_closed_within_7_days": (0, 5),
    },
}


def test_the_scenario_is_what_the_figures_are_worked_out_from(month):
    assert (month.a1.assignee, month.a2.assignee, month.b1.assignee) == (month.zhang, month.zhang, month.li)
    complaints = Ticket.objects.filter(kind=Kind.COMPLAINT)
    assert complaints.count() == 5
    assert set(complaints.values_list("assignee", flat=True)) == {None}
    assert Ticket.objects.get(pk=month.idle.pk).assignee is None
    b1_complaint = complaints.get(complaint_about=month.b1)
    assert (b1_complaint.created_by, b1_complaint.fault_category) == (month.agent, month.workmanship)


def test_each_technician_is_charged_with_the_complaints_about_their_work(month):
    by_technician = metrics.totals_by(MARCH, ("technician",), now=NOW)

    assert set(by_technician) == {(month.key(month.zhang),), (month.key(month.li),), ("none",)}
    assert figures(by_technician[(month.key(month.zhang),)]) == EXPECTED["zhang"]
    assert figures(by_technician[(month.key(month.li),)]) == EXPECTED["li"]
    assert figures(by_technician[("none",)]) == EXPECTED["none"]
    assert figures(metrics.totals(MARCH, now=NOW)) == EXPECTED["whole"]
    # d1 was logged by the desk agent about Wei Zhang's job: under Wei Zhang, and under the agent
    # who logged a1 — not the one who took the complaint.
    by_agent = metrics.complaint_counts(MARCH, group_by=("agent",))
    assert by_agent[(str(month.agent.pk),)].counts.valid_service_complaints == 2  # d1 and b1's
    assert by_agent[(str(month.desk_agent.pk),)].counts.valid_service_complaints == 1  # d3, about nothing


def test_the_technician_rows_and_the_none_row_sum_to_the_whole_for_every_kpi(month):
    whole = metrics.totals(MARCH, now=NOW)
    direct = metrics.totals_by(MARCH, ("technician",), now=NOW)
    assert sum(direct.values(), Totals()) == whole
    snapshots.refresh(MARCH, now=NOW)
    stored = snapshots.totals_by_value(MARCH, Dimension.TECHNICIAN)
    assert stored == {key[0]: totals for key, totals in direct.items()}
    assert snapshots.totals(MARCH) == whole

    overall = api(MARCH_PARAMS)["results"][0]["rates"]
    grouped = api({**MARCH_PARAMS, "group_by": "technician"})["results"]
    assert {row["value"] for row in grouped} == {month.key(month.zhang), month.key(month.li), "none"}
    for key in KPIS:
        for part in ("numerator", "denominator"):
            assert sum(row["rates"][key][part] for row in grouped) == overall[key][part], (key, part)


def test_the_api_groups_by_technician_with_their_names(month):
    snapshots.refresh(MARCH, now=NOW)

    rows = {row["value"]: row for row in api({**MARCH_PARAMS, "group_by": "technician"})["results"]}

    assert rows[month.key(month.zhang)]["label"] == "Wei Zhang"
    assert rows[month.key(month.li)]["label"] == "Na Li"
    assert rows["none"]["label"] == "—"
    for name, value in (("zhang", month.key(month.zhang)), ("li", month.key(month.li)), ("none", "none")):
        got = {key: (rate["numerator"], rate["denominator"]) for key, rate in rows[value]["rates"].items()}
        assert {key: got[key] for key in EXPECTED[name]} == EXPECTED[name], name
    complaint_rate = rows[month.key(month.zhang)]["rates"]["complaint_rate"]
    assert complaint_rate["percent"] == "50.00"


def test_the_schema_offers_technician_to_group_by_and_narrow_to():
    client = APIClient()
    client.force_authenticate(factories.UserFactory(roles=[Role.MANAGER], username="tech-schema"))
    schema = client.get("/api/schema/", {"format": "json"}).json()
    parameters = {parameter["name"]: parameter for parameter in schema["paths"]["/api/metrics/"]["get"]["parameters"]}

    assert "technician" in parameters["group_by"]["schema"]["enum"]
    assert "technician" in parameters["dimension"]["schema"]["enum"]


def test_a_technician_filter_narrows_every_figure_to_their_work(month):
    narrowed = metrics.totals(MARCH, Dimensions(technician=month.zhang), now=NOW)
    assert figures(narrowed) == EXPECTED["zhang"]
    assert (
        metrics.totals(MARCH, Dimensions.for_value("technician", month.key(month.li)), now=NOW)
        == (metrics.totals_by(MARCH, ("technician",), now=NOW)[(month.key(month.li),)])
    )
    assert figures(metrics.totals(MARCH, Dimensions(technician="none"), now=NOW)) == EXPECTED["none"]
    # The complaints behind Wei Zhang's figure: d1 only (d2 repeats it; d3 is about nothing).
    assert list(metrics.drilldown("service_complaints", MARCH, Dimensions(technician=month.zhang))) == [month.d1]

    snapshots.refresh(MARCH, now=NOW)
    body = api({**MARCH_PARAMS, "dimension": "technician", "value": month.key(month.zhang)})
    assert body["filter"] == {"dimension": "technician", "value": month.key(month.zhang)}
    rates = body["results"][0]["rates"]
    assert {key: (rates[key]["numerator"], rates[key]["denominator"]) for key in EXPECTED["zhang"]} == EXPECTED["zhang"]


def test_a_bad_technician_value_is_a_field_error(month, manager):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=manager).key}")

    response = client.get("/api/metrics/", {**MARCH_PARAMS, "dimension": "technician", "value": "zhang"})

    assert response.status_code == 400
    assert "value" in str(response.json())


def _breakdown(html: str) -> str:
    start = html.index('id="breakdown"')
    tag = html.rfind("<", 0, start)
    name = re.match(r"<(\w+)", html[tag:]).group(1)
    return html[tag : html.index(f"</{name}>", start)]


def _row(html: str, value: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.split(f'data-value="{value}"')[1].split("</tr>")[0]))


@pytest.mark.parametrize(
    ("language", "tab", "narrow_to"),
    [("en", "Technician", "Technician"), ("zh-hans", "维修技师", "维修技师")],
)
def test_the_dashboard_has_a_technician_tab_and_filter(month, client, manager, language, tab, narrow_to):
    snapshots.refresh(MARCH, now=NOW)
    client.force_login(manager)
    params = {"range": "custom", **MARCH_PARAMS}

    response = client.get("/dashboard/", {**params, "by": "technician"}, headers={"accept-language": language})

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'by=technician[^"]*" class="active" aria-current="page">\s*{tab}\s*<', html)
    assert f'<option value="technician">{narrow_to}</option>' in html
    breakdown = _breakdown(html)
    assert "Wei Zhang" in _row(breakdown, month.key(month.zhang))
    assert "Na Li" in _row(breakdown, month.key(month.li))
    assert "—" in _row(breakdown, "none")
    # Wei Zhang's complaint rate: d1 over a1 and a2.
    assert "1/2" in _row(breakdown, month.key(month.zhang))

    narrowed = client.get(
        "/dashboard/",
        {**params, "dimension": "technician", "value": month.key(month.zhang)},
        headers={"accept-language": language},
    )
    assert narrowed.status_code == 200
    scope = re.search(r'<span class="scope">(.*?)</span>', narrowed.content.decode()).group(1)
    assert scope == f"{tab}: Wei Zhang"
    assert narrowed.context["scope"].dimensions() == Dimensions(technician=month.zhang.pk)


def test_the_breakdown_exports_per_technician(month, client, manager):
    snapshots.refresh(MARCH, now=NOW)
    client.force_login(manager)

    response = client.get("/dashboard/export/breakdown.csv", {"range": "custom", **MARCH_PARAMS, "by": "technician"})

    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Technician,Key,")
    assert {line.split(",")[0] for line in lines[1:]} == {"Wei Zhang", "Na Li", "—"}


def test_a_technician_over_the_threshold_raises_an_alert_with_their_name():
    zhang = factories.UserFactory(roles=[Role.TECHNICIAN], username="alert-zhang", first_name="Wei", last_name="Zhang")
    li = factories.UserFactory(roles=[Role.TECHNICIAN], username="alert-li", first_name="Na", last_name="Li")
    today = NOW.date()
    # 3 of 20 dissatisfied is 15 %, over 10 %; 19 of 19 is too few to judge.
    RateSnapshot.objects.create(
        day=today, dimension=Dimension.TECHNICIAN, value=str(zhang.pk), ratings=20, low_ratings=3
    )
    RateSnapshot.objects.create(day=today, dimension=Dimension.TECHNICIAN, value=str(li.pk), ratings=19, low_ratings=19)

    assert snapshots.check_rate_alerts(now=NOW) == (1, 0)

    alert = QualityAlert.objects.get()
    assert (alert.kpi, alert.dimension, alert.value, alert.label) == (
        "dissatisfaction_rate",
        Dimension.TECHNICIAN,
        str(zhang.pk),
        "Wei Zhang",
    )
    assert (alert.numerator, alert.denominator) == (3, 20)
