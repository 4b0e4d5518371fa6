"""Every figure breaks down by service provider, each provider ranked among the providers; a
provider's own managers see their provider's figures and ranks only (docs/kpis.md#by-service-provider).

March 2026, built through the services with the clock controlled. No service dispatches a ticket
to a provider yet: each job is assigned at the desk to a station of its provider, and the test
sets ``ticket.provider`` to that station's provider (``dispatched``). The figures below are
worked out by hand from the formulas of docs/kpis.md:

    Alpha  a1 repair 2 Mar, rated 5; a2 repair 3 Mar, rated 3
    Beta   b1 repair 4 Mar, rated 4; b2 repair 10 Mar, started an hour after its arrival
           deadline, rated 5; d1 a service complaint (workmanship) about b1, logged at the
           headquarters desk on 6 Mar: the complaint ticket has no provider (headquarters'
           work), but the complaint counts against Beta, whose job it is about
    Gamma  c1 repair 5 Mar, rated 5; c2 a repair of c1's unit on 12 Mar (so c1 is not fixed
           first time), rated 5

    every repair: opened 09:00, dispatched 10:00, started 12:00, resolved 14:00 (b2 apart),
    called back and rated at 16:00 the next day.

                        Alpha      Beta       Gamma      rank (best first; equal rates share)
    complaint rate      0/2 0 %    1/2 50 %   0/2 0 %    Alpha 1, Gamma 1, Beta 3 of 3
    omission rate       0/2        0/2        0/2        all 1 of 3
    dissatisfaction     0/2        0/2        0/2        all 1 of 3
    first-time fix      2/2        2/2        1/2 50 %   Alpha 1, Beta 1, Gamma 3 of 3
    contact on time     2/2        2/2        2/2        all 1 of 3
    arrival on time     2/2        1/2 50 %   2/2        Alpha 1, Gamma 1, Beta 3 of 3
    completion on time  2/2        2/2        2/2        all 1 of 3
    satisfaction (CSI)  1/2 50 %   2/2        2/2        Beta 1, Gamma 1, Alpha 3 of 3
"""

import datetime as dt
import json
import re
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from aftersales.api.token_store import token_issue
from aftersales.roles import Role
from followups.callbacks.services import record_attempt
from followups.choices import CallbackKind, CallbackResult, CallbackStatus
from followups.models import CallbackVisit
from quality import metrics, snapshots
from quality.metrics import Dimensions, Period, Totals
from quality.models import Dimension, RateSnapshot
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
RANKED = (
    "complaint_rate",
    "omission_rate",
    "dissatisfaction_rate",
    "first_time_fix_rate",
    "contact_timeliness",
    "arrival_timeliness",
    "completion_timeliness",
    "satisfaction_top2",
)


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=SHANGHAI)


@contextmanager
def clock(moment: dt.datetime):
    with time_machine.travel(moment, tick=False):
        yield


@pytest.fixture(autouse=True)
def judged_from_one_record(settings, monkeypatch):
    # A handful of jobs: every rate with a record is judged, so every provider is ranked.
    settings.QUALITY_MIN_RECORDS = 1
    monkeypatch.setattr(SimpleRateThrottle, "cache", LocMemCache("provider-breakdown-tests", {}))
    SimpleRateThrottle.cache.clear()


class Network:
    """Three providers' month of work and one complaint logged at headquarters."""

    def __init__(self) -> None:
        self.agent = factories.UserFactory(roles=[Role.AGENT], username="hq-agent")
        self.technician = factories.UserFactory(roles=[Role.TECHNICIAN], username="tech")
        self.alpha = factories.ServiceProviderFactory(code="alpha", name="Alpha Service", name_zh="阿尔法服务")
        self.beta = factories.ServiceProviderFactory(code="beta", name="Beta Repairs", name_zh="贝塔维修")
        self.gamma = factories.ServiceProviderFactory(code="gamma", name="Gamma Fix", name_zh="伽马修")
        self.stations = {
            provider.pk: factories.ServiceStationFactory(provider=provider)
            for provider in (self.alpha, self.beta, self.gamma)
        }
        self.workmanship = factories.FaultCategoryFactory(code="workmanship", group=FaultGroup.SERVICE)

        self.a1 = self.serve(2, self.alpha)
        self.a2 = self.serve(3, self.alpha)
        self.b1 = self.serve(4, self.beta)
        self.b2 = self.serve(10, self.beta, late_arrival=True)
        self.c1 = self.serve(5, self.gamma)
        self.c2 = self.serve(12, self.gamma, unit=self.c1.unit)
        for ticket, score in ((self.a1, 5), (self.a2, 3), (self.b1, 4), (self.b2, 5), (self.c1, 5), (self.c2, 5)):
            self.call(ticket, score)
        with clock(at(6)):
            self.d1 = ticket_create(
                customer=self.b1.customer,
                kind=Kind.COMPLAINT,
                channel="phone",
                description="The seal leaks again.",
                fault_category=self.workmanship,
                complaint_about=self.b1,
                by=self.agent,
            )

    def serve(self, day: int, provider, *, late_arrival: bool = False, unit=None) -> Ticket:
        customer = unit.owner if unit else factories.CustomerFactory()
        with clock(at(day, 9)):
            ticket = ticket_create(
                customer=customer,
                kind=Kind.REPAIR,
                channel="phone",
                description="Leaks water.",
                unit=unit or factories.ProductUnitFactory(owner=customer),
                by=self.agent,
            )
        with clock(at(day, 10)):
            ticket_assign(ticket=ticket, station=self.stations[provider.pk], assignee=self.technician, by=self.agent)
            ticket_transition(ticket=ticket, move="dispatch", by=self.agent)
        dispatched(ticket)
        started = ticket.arrival_due + HOUR if late_arrival else at(day, 12)
        with clock(started):
            ticket_transition(ticket=ticket, move="start", by=self.technician)
        with clock(started + 2 * HOUR):
            ticket_record_resolution(
                ticket=ticket,
                by=self.technician,
                work_done="Replaced the seal.",
                fault_code="WEAR-1",
                fault_component="seal",
                root_cause="Worn seal.",
            )
            return ticket_transition(ticket=ticket, move="resolve", by=self.technician)

    def call(self, ticket: Ticket, score: int) -> None:
        visit = CallbackVisit.objects.get(ticket=ticket, kind=CallbackKind.AFTER_SERVICE, status=CallbackStatus.DUE)
        when = ticket.resolved_at + dt.timedelta(days=1)
        when = when.replace(hour=16) if when.astimezone(SHANGHAI).hour < 16 else when
        with clock(when):
            record_attempt(
                visit=visit,
                result=CallbackResult.REACHED,
                by=self.agent,
                scores={"score_overall": score},
                at=when,
            )


def dispatched(ticket: Ticket) -> None:
    """The provider of the station the desk assigned the job to (no service sets it yet)."""
    ticket.refresh_from_db()
    Ticket.objects.filter(pk=ticket.pk).update(provider=ticket.station.provider)
    ticket.refresh_from_db()


@pytest.fixture
def network() -> Network:
    built = Network()
    snapshots.refresh(MARCH, now=NOW)
    return built


# (numerator, denominator) of each ranked KPI, worked out by hand (module docstring).
EXPECTED = {
    "alpha": {
        "complaint_rate": (0, 2),
        "omission_rate": (0, 2),
        "dissatisfaction_rate": (0, 2),
        "first_time_fix_rate": (2, 2),
        "contact_timeliness": (2, 2),
        "arrival_timeliness": (2, 2),
        "completion_timeliness": (2, 2),
        "satisfaction_top2": (1, 2),
    },
    "beta": {
        "complaint_rate": (1, 2),
        "omission_rate": (0, 2),
        "dissatisfaction_rate": (0, 2),
        "first_time_fix_rate": (2, 2),
        "contact_timeliness": (2, 2),
        "arrival_timeliness": (1, 2),
        "completion_timeliness": (2, 2),
        "satisfaction_top2": (2, 2),
    },
    "gamma": {
        "complaint_rate": (0, 2),
        "omission_rate": (0, 2),
        "dissatisfaction_rate": (0, 2),
        "first_time_fix_rate": (1, 2),
        "contact_timeliness": (2, 2),
        "arrival_timeliness": (2, 2),
        "completion_timeliness": (2, 2),
        "satisfaction_top2": (2, 2),
    },
}
# Each provider's place on each rate, of 3, worked out by hand.
RANKS = {
    "alpha": {**dict.fromkeys(RANKED, 1), "satisfaction_top2": 3},
    "beta": {**dict.fromkeys(RANKED, 1), "complaint_rate": 3, "arrival_timeliness": 3},
    "gamma": {**dict.fromkeys(RANKED, 1), "first_time_fix_rate": 3},
}


def pairs(totals: Totals) -> dict[str, tuple[int, int]]:
    rates = metrics.rates_of(totals)
    return {key: (rates[key].numerator, rates[key].denominator) for key in RANKED}


def provider_manager(provider, username: str):
    return factories.UserFactory(roles=[Role.MANAGER], provider=provider, username=username)


def api_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user).key}")
    return client


def test_the_scenario_is_what_the_figures_are_worked_out_from(network):
    assert network.b2.started_at > network.b2.arrival_due
    assert network.b2.resolved_at <= network.b2.completion_due
    assert network.d1.provider is None and network.d1.complaint_about == network.b1
    assert [t.provider for t in (network.a1, network.b2, network.c2)] == [network.alpha, network.beta, network.gamma]


def test_each_provider_s_figures_are_its_own_work_and_the_complaints_about_it(network):
    by_provider = metrics.totals_by(MARCH, ("provider",), now=NOW)
    for name in EXPECTED:
        provider = getattr(network, name)
        assert pairs(by_provider[(str(provider.pk),)]) == EXPECTED[name], name
        assert pairs(metrics.totals(MARCH, Dimensions(provider=provider), now=NOW)) == EXPECTED[name], name
    # The complaint ticket itself is headquarters' case; its rows and the providers' sum to the whole.
    assert by_provider[("none",)].cases_due == 1
    assert sum(by_provider.values(), Totals()) == metrics.totals(MARCH, now=NOW)
    assert snapshots.totals_by_value(MARCH, Dimension.PROVIDER) == {key[0]: t for key, t in by_provider.items()}
    assert list(metrics.drilldown("service_complaints", MARCH, Dimensions(provider=network.beta))) == [network.d1]


def test_headquarters_sees_every_provider_by_name_with_its_rank(network):
    manager = factories.UserFactory(roles=[Role.MANAGER], username="hq-manager")
    body = api_client(manager).get("/api/metrics/", {**MARCH_PARAMS, "group_by": "provider"}).json()

    rows = {row["label"]: row for row in body["results"]}
    assert list(rows) == ["Alpha Service", "Beta Repairs", "Gamma Fix", "Headquarters"]
    for name, label in (("alpha", "Alpha Service"), ("beta", "Beta Repairs"), ("gamma", "Gamma Fix")):
        row = rows[label]
        assert row["value"] == str(getattr(network, name).pk)
        got = {key: (row["rates"][key]["numerator"], row["rates"][key]["denominator"]) for key in RANKED}
        assert got == EXPECTED[name]
        assert row["ranks"] == {key: {"position": RANKS[name][key], "of": 3} for key in RANKED}, name
    assert rows["Headquarters"]["value"] == "none" and rows["Headquarters"]["ranks"] is None
    assert rows["Beta Repairs"]["rates"]["complaint_rate"]["percent"] == "50.00"

    html = _home(manager, {"by": "provider"})
    assert all(name in html for name in ("Alpha Service", "Beta Repairs", "Gamma Fix", "Headquarters"))
    beta_row = html.split(f'data-value="{network.beta.pk}"')[1].split("</tr>")[0]
    assert "50.00 %" in beta_row and "3 of 3" in beta_row


def test_provider_names_are_in_the_reader_s_language(network, client):
    manager = factories.UserFactory(roles=[Role.MANAGER], username="hq-manager-zh")
    body = (
        api_client(manager)
        .get("/api/metrics/", {**MARCH_PARAMS, "group_by": "provider"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
        .json()
    )
    assert {row["label"] for row in body["results"]} >= {"阿尔法服务", "贝塔维修", "伽马修"}


def _home(user, params: dict) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/dashboard/", {**MARCH_PARAMS, **params})
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _others_absent(text: str, network: Network, own) -> None:
    for other in (network.alpha, network.beta, network.gamma):
        if other == own:
            continue
        for word in (other.name, other.name_zh, other.code):
            assert word not in text, word
        for pattern in (f'data-value="{other.pk}"', f'value="{other.pk}"', f'"value": "{other.pk}"'):
            assert pattern not in text, pattern
    for station in network.stations.values():
        assert station.name not in text


def test_a_provider_s_manager_sees_only_their_figures_and_their_rank(network):
    manager = provider_manager(network.beta, "beta-manager")

    body = api_client(manager).get("/api/metrics/", MARCH_PARAMS).json()
    assert [row["value"] for row in body["results"]] == [str(network.beta.pk)]
    row = body["results"][0]
    assert row["label"] == "Beta Repairs"
    assert {key: (row["rates"][key]["numerator"], row["rates"][key]["denominator"]) for key in RANKED} == EXPECTED[
        "beta"
    ]
    assert row["ranks"] == {key: {"position": RANKS["beta"][key], "of": 3} for key in RANKED}
    assert body["filter"] == {"dimension": "provider", "value": str(network.beta.pk)}
    grouped = api_client(manager).get("/api/metrics/", {**MARCH_PARAMS, "group_by": "provider"}).json()
    assert grouped["results"] == body["results"]
    _others_absent(json.dumps(grouped, ensure_ascii=False), network, network.beta)

    html = _home(
        manager, {"by": "station", "dimension": "station", "value": str(network.stations[network.alpha.pk].pk)}
    )
    _others_absent(html, network, network.beta)
    # Every link of the figures (drill-downs, tabs, sorting, exports) is to Beta's own slice.
    figures = html.split('class="filters dashboard-filters"')[1]
    assert set(re.findall(r"[?&;]value=([^&\"#]+)", figures)) == {str(network.beta.pk)}
    assert "Headquarters" not in html
    assert "Beta Repairs" in html
    assert re.findall(r'<tr data-value="([^"]+)"', html) == [str(network.beta.pk)]
    # The complaint rate's card: 1 of 2, third of the three providers.
    complaint_card = html.split('id="figure-complaint_rate"')[1].split("</article>")[0]
    assert "50.00" in complaint_card and "Rank 3 of 3 providers" in complaint_card


@pytest.mark.parametrize(
    "params,field",
    [
        ({"group_by": "station"}, "group_by"),
        ({"dimension": "station", "value": "1"}, "dimension"),
        ({"dimension": "provider", "value": "none"}, "value"),
    ],
)
def test_a_provider_s_manager_cannot_ask_for_the_network_s_rows(network, params, field):
    manager = provider_manager(network.alpha, "alpha-manager")
    response = api_client(manager).get("/api/metrics/", {**MARCH_PARAMS, **params})
    assert response.status_code == 400
    assert field in str(response.json())


def test_another_provider_s_id_is_refused_the_same_as_one_that_does_not_exist(network):
    manager = provider_manager(network.alpha, "alpha-manager-2")
    client = api_client(manager)
    other = client.get("/api/metrics/", {**MARCH_PARAMS, "dimension": "provider", "value": str(network.gamma.pk)})
    missing = client.get("/api/metrics/", {**MARCH_PARAMS, "dimension": "provider", "value": "987654"})
    assert other.status_code == missing.status_code == 400
    assert other.json() == missing.json()


def test_provider_staff_get_no_network_settings_or_lists(network, client):
    manager = provider_manager(network.alpha, "alpha-manager-3")
    client.force_login(manager)
    for url in ("/dashboard/thresholds/", "/dashboard/alerts/", "/dashboard/recalls/"):
        assert client.get(url).status_code == 403, url
    assert api_client(manager).get("/api/recalls/").status_code == 403
    agent = factories.UserFactory(roles=[Role.AGENT], provider=network.alpha, username="alpha-agent")
    client.force_login(agent)
    assert client.get("/dashboard/").status_code == 403


def test_the_provider_breakdown_reads_a_constant_number_of_queries(network, django_assert_num_queries):
    manager = factories.UserFactory(roles=[Role.MANAGER], username="hq-manager-q")
    own = provider_manager(network.gamma, "gamma-manager-q")

    def count(user, params) -> int:
        client = api_client(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/metrics/", {**MARCH_PARAMS, **params}).status_code == 200
        return len(captured)

    # The roles and stations come from the process's memo (aftersales/table_memo.py), filled by
    # the first requests as on any running server.
    count(manager, {"group_by": "provider"}), count(own, {})
    before = (count(manager, {"group_by": "provider"}), count(own, {}))
    for number in range(20):  # twenty more providers with figures every day of the month
        provider = factories.ServiceProviderFactory()
        RateSnapshot.objects.bulk_create(
            RateSnapshot(day=day, dimension=Dimension.PROVIDER, value=str(provider.pk), service_completed=number)
            for day in MARCH.days
        )
    assert (count(manager, {"group_by": "provider"}), count(own, {})) == before
    client = api_client(own)
    with django_assert_num_queries(before[1]):
        client.get("/api/metrics/", MARCH_PARAMS)


def test_every_kpi_of_the_provider_rows_sums_to_the_whole(network):
    manager = factories.UserFactory(roles=[Role.MANAGER], username="hq-manager-sum")
    client = api_client(manager)
    overall = client.get("/api/metrics/", MARCH_PARAMS).json()["results"][0]["rates"]
    grouped = client.get("/api/metrics/", {**MARCH_PARAMS, "group_by": "provider"}).json()["results"]
    for key in KPIS:
        for part in ("numerator", "denominator"):
            assert sum(row["rates"][key][part] for row in grouped) == overall[key][part], (key, part)
