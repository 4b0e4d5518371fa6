"""The CSI index per station, provider, model and month (quality/metrics/csi.py), on the dashboard
and the API, and how a program's answers feed the dissatisfaction rate, worked by hand from
docs/csi.md and docs/kpis.md.

Three responses to the program of tests/csi/factories_csi.py (reception ×1, repair quality ×2,
price choice ×1, overall ×2, a comment never scored):

- A, 15 January, station S1 (provider P1), model M1: 5, 4, "clear" (5), 4 →
  (100 + 2×75 + 100 + 2×75) / 6 = 83.33
- B, 10 February, S1, M1: 3, 5, "no charge" (not scored), 5 → (50 + 2×100 + 2×100) / 5 = 90.00
- C, 20 February, station S2 (provider P2), model M2: 2, 3, "only at the end" (2), 3 →
  (25 + 2×50 + 25 + 2×50) / 6 = 41.67

Index: S1 (= P1 = M1) (83.33 + 90.00) / 2 = 86.665 → 86.67; S2 (= P2 = M2) 41.67; January 83.33;
February (90.00 + 41.67) / 2 = 65.835 → 65.84; both months (83.33 + 90.00 + 41.67) / 3 = 71.67.
Dissatisfaction: C answered reception 2, so its rating (overall 3) is dissatisfied; A (4) and B (5)
are not: 1 of 3.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from aftersales.roles import Role
from followups.choices import SurveyChannel
from followups.csi.services import survey_response_record
from quality import snapshots
from quality.metrics.csi import csi_index
from quality.metrics.period import Period
from tests import factories
from tests.api.conftest import client_for
from tests.csi.factories_csi import due_visit, repair_program

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
JAN_FEB = Period(dt.date(2026, 1, 1), dt.date(2026, 2, 28))
D = Decimal


def at(month, day):
    return dt.datetime(2026, month, day, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def world():
    program, q = repair_program(ticket_kinds=[], channels=[])
    p1 = factories.ServiceProviderFactory(code="p1", name="Provider One")
    p2 = factories.ServiceProviderFactory(code="p2", name="Provider Two")
    s1 = factories.ServiceStationFactory(code="s1", name="Station One", provider=p1)
    s2 = factories.ServiceStationFactory(code="s2", name="Station Two", provider=p2)
    m1 = factories.ProductModelFactory(code="M1", name="Model One")
    m2 = factories.ProductModelFactory(code="M2", name="Model Two")
    responses = [
        (at(1, 15), s1, m1, {"reception": 5, "quality": 4, "price": "clear", "overall": 4, "comment": "Fine"}),
        (at(2, 10), s1, m1, {"reception": 3, "quality": 5, "price": "not_asked", "overall": 5}),
        (at(2, 20), s2, m2, {"reception": 2, "quality": 3, "price": "unclear", "overall": 3}),
    ]
    for moment, station, model, answers in responses:
        with time_machine.travel(moment, tick=False):
            survey_response_record(
                visit=due_visit(station=station, model=model),
                program=program,
                channel=SurveyChannel.SMS,
                answers={q[key].pk: value for key, value in answers.items()},
            )
    return {"p1": p1, "p2": p2, "s1": s1, "s2": s2, "m1": m1, "m2": m2}


def rows(found):
    return [(row.label, row.month, row.index, row.responses) for row in found]


def test_the_index_by_station_provider_model_and_month(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert rows(csi_index(JAN_FEB)) == [("", None, D("71.67"), 3)]
    assert rows(csi_index(JAN_FEB, group_by="station")) == [
        ("Station One", None, D("86.67"), 2),
        ("Station Two", None, D("41.67"), 1),
    ]
    assert rows(csi_index(JAN_FEB, group_by="provider")) == [
        ("Provider One", None, D("86.67"), 2),
        ("Provider Two", None, D("41.67"), 1),
    ]
    assert rows(csi_index(JAN_FEB, group_by="model")) == [
        ("Model One", None, D("86.67"), 2),
        ("Model Two", None, D("41.67"), 1),
    ]
    assert rows(csi_index(JAN_FEB, by_month=True)) == [
        ("", dt.date(2026, 1, 1), D("83.33"), 1),
        ("", dt.date(2026, 2, 1), D("65.84"), 2),
    ]
    with django_assert_num_queries(1):
        by_station_month = csi_index(JAN_FEB, group_by="station", by_month=True)
    assert rows(by_station_month) == [
        ("Station One", dt.date(2026, 1, 1), D("83.33"), 1),
        ("Station One", dt.date(2026, 2, 1), D("90.00"), 1),
        ("Station Two", dt.date(2026, 2, 1), D("41.67"), 1),
    ]
    assert rows(csi_index(JAN_FEB, provider=world["p2"].pk)) == [("", None, D("41.67"), 1)]
    assert rows(csi_index(Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31)))) == [("", None, D("83.33"), 1)]


def test_a_contact_point_of_1_or_2_counts_once_in_the_dissatisfaction_rate(world):
    snapshots.refresh(JAN_FEB, now=at(3, 1))
    manager = factories.UserFactory(roles=[Role.MANAGER])
    answer = client_for(manager).get("/api/metrics/", {"start": "2026-01-01", "end": "2026-02-28"})
    assert answer.status_code == 200
    rate = answer.json()["results"][0]["rates"]["dissatisfaction_rate"]
    assert (rate["numerator"], rate["denominator"]) == (1, 3)


@pytest.fixture
def hq_manager():
    return factories.UserFactory(roles=[Role.MANAGER])


def test_the_dashboard_shows_the_trend_and_the_breakdown(client, world, hq_manager, django_assert_num_queries):
    client.force_login(hq_manager)
    with time_machine.travel(at(2, 28), tick=False):
        # user, roles; the trend, the total, the breakdown by month and in all
        # The session comes from the cache (cached_db sessions).
        with django_assert_num_queries(6):
            response = client.get(reverse("dashboard:csi"), {"group_by": "station", "months": 6})
    assert response.status_code == 200
    assert [p.start for p in response.context["periods"]] == [dt.date(2025, m, 1) for m in (9, 10, 11, 12)] + [
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    ]
    assert response.context["total"].index == D("71.67")
    trend = [(row.index if row else None) for _period, row in response.context["trend"]]
    assert trend == [None, None, None, None, D("83.33"), D("65.84")]
    assert [p.percent for p in response.context["chart"].points] == [D("83.33"), D("65.84")]
    breakdown = [
        (r.label, r.total.index, [c.index if c else None for c in r.months]) for r in response.context["breakdown"]
    ]
    assert breakdown == [
        ("Station One", D("86.67"), [None, None, None, None, D("83.33"), D("90.00")]),
        ("Station Two", D("41.67"), [None, None, None, None, None, D("41.67")]),
    ]
    html = response.content.decode()
    assert 'id="csi-breakdown"' in html and "86.67" in html and "<svg" in html


def test_a_providers_manager_sees_only_their_provider(client, world):
    manager = factories.UserFactory(roles=[Role.MANAGER], provider=world["p1"])
    client.force_login(manager)
    with time_machine.travel(at(2, 28), tick=False):
        response = client.get(reverse("dashboard:csi"), {"group_by": "provider"})
    assert response.context["total"].index == D("86.67")
    assert [r.label for r in response.context["breakdown"]] == ["Provider One"]
    assert "Provider Two" not in response.content.decode()
    answer = client_for(manager).get("/api/csi/", {"group_by": "station", "from": "2026-01-01", "to": "2026-02-28"})
    assert [row["label"] for row in answer.json()["results"]] == ["Station One"]


def test_the_dashboard_refuses_agents(client, agent):
    client.force_login(agent)
    assert client.get(reverse("dashboard:csi")).status_code == 403


def test_the_api_answers_the_index(world, hq_manager, django_assert_num_queries):
    api = client_for(hq_manager)
    api.get("/api/csi/")  # the token's first use
    params = {"group_by": "station", "by_month": "true", "from": "2026-01-01", "to": "2026-02-28"}
    # the token with its user, the roles, the index
    with django_assert_num_queries(2):
        answer = api.get("/api/csi/", params)
    assert answer.status_code == 200
    body = answer.json()
    assert body["period"] == {"start": "2026-01-01", "end": "2026-02-28"}
    assert [(r["label"], r["month"], r["csi"], r["responses"]) for r in body["results"]] == [
        ("Station One", "2026-01-01", "83.33", 1),
        ("Station One", "2026-02-01", "90.00", 1),
        ("Station Two", "2026-02-01", "41.67", 1),
    ]
    assert body["results"][0]["key"] == world["s1"].pk
    whole = api.get("/api/csi/", {"from": "2026-01-01", "to": "2026-02-28"}).json()["results"]
    assert whole == [{"key": None, "label": "", "month": None, "csi": "71.67", "responses": 3}]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "region"}, "group_by"),
        ({"from": "2026-03-01", "to": "2026-01-01"}, "from"),
        ({"from": "2024-01-01", "to": "2026-01-01"}, "from"),
        ({"to": "yesterday"}, "to"),
    ],
)
def test_bad_api_queries_are_field_errors(hq_manager, params, field):
    answer = client_for(hq_manager).get("/api/csi/", params)
    assert answer.status_code == 400
    assert field in answer.json()["errors"]


def test_the_api_refuses_agents(agent):
    assert client_for(agent).get("/api/csi/").status_code == 403


def test_a_top_overall_score_with_a_low_contact_point_is_dissatisfied_and_not_satisfied(world):
    """D, 25 February at S1: reception 1 but overall 5. Ratings: A 4, B 5, C 3 (reception 2), D 5
    (reception 1). Dissatisfied: C and D → 2 of 4. Satisfied (top two boxes, not dissatisfied): A
    and B → 2 of 4, so the two counts never overlap and D is counted once, as dissatisfied."""
    program, q = repair_program(code="repair-csi-d", ticket_kinds=[], channels=[])
    with time_machine.travel(at(2, 25), tick=False):
        survey_response_record(
            visit=due_visit(station=world["s1"], model=world["m1"]),
            program=program,
            channel=SurveyChannel.SMS,
            answers={q["reception"].pk: 1, q["quality"].pk: 5, q["price"].pk: "clear", q["overall"].pk: 5},
        )
    snapshots.refresh(JAN_FEB, now=at(3, 1))
    manager = factories.UserFactory(roles=[Role.MANAGER])
    answer = client_for(manager).get("/api/metrics/", {"start": "2026-01-01", "end": "2026-02-28"})

    rates = answer.json()["results"][0]["rates"]
    assert (rates["dissatisfaction_rate"]["numerator"], rates["dissatisfaction_rate"]["denominator"]) == (2, 4)
    assert (rates["satisfaction_top2"]["numerator"], rates["satisfaction_top2"]["denominator"]) == (2, 4)
