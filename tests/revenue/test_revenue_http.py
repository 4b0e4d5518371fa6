"""The revenue page, its exports and ``GET /api/revenue/``: who may read them, what a provider's
managers get, the figures (tests/revenue/test_revenue_figures.py works them out by hand), the CSV
and XLSX cells, and bad filters answered beside the field, never with a 500."""

import csv
import io

import pytest
import time_machine
from django.core.cache.backends.locmem import LocMemCache
from openpyxl import load_workbook
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from aftersales.api.token_store import token_issue
from aftersales.roles import Role
from tests import factories
from tests.revenue.scenario import at, build

pytestmark = pytest.mark.django_db

PAGE = "/dashboard/revenue/"
API = "/api/revenue/"
MARCH_APRIL = {"from": "2026-03", "to": "2026-04"}
# The page and the API are asked in May 2026 (their default range is the six months to May).
IN_MAY = at(5, 6)


@pytest.fixture(autouse=True)
def throttle_counts_per_test(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "cache", LocMemCache("revenue-throttle-tests", {}))
    SimpleRateThrottle.cache.clear()


@pytest.fixture
def world():
    return build()


@pytest.fixture
def clock():
    with time_machine.travel(IN_MAY, tick=False):
        yield


def api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user).key}")
    return client


# --- The page -----------------------------------------------------------------------------------


def test_the_page_shows_the_figures_by_station(client, world, clock):
    client.force_login(world.seller)
    answer = client.get(PAGE, MARCH_APRIL)
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Qingdao East" in page and "Yantai" in page
    assert "¥4,314.00" in page  # the whole period's service revenue
    assert "57.14 %" in page  # coverage 4 ÷ 7
    assert "/dashboard/revenue/export.csv?from=2026-03&amp;to=2026-04&amp;by=station" in page


def test_the_dashboard_links_the_page(client, world, clock):
    client.force_login(world.seller)
    assert 'href="/dashboard/revenue/"' in client.get("/dashboard/").content.decode()


def test_the_page_by_month(client, world, clock):
    client.force_login(world.seller)
    page = client.get(PAGE, MARCH_APRIL | {"by": "month"}).content.decode()
    assert "2026-03" in page and "¥2,894.50" in page and "¥1,419.50" in page


def test_the_page_costs_a_fixed_number_of_queries(client, world, clock, django_assert_num_queries):
    client.force_login(world.seller)
    # The user, their roles and provider, 13 for the figures.
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(15):
        assert client.get(PAGE, MARCH_APRIL).status_code == 200


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "2026-13"}, "from", "Give a month from 01 to 12."),
        ({"from": "March"}, "from", "Give a month as YYYY-MM, such as 2026-03."),
        ({"from": "2026-04", "to": "2026-03"}, "to", "The last month cannot be before the first month."),
        ({"from": "2020-01", "to": "2026-04"}, "to", "A range covers at most 36 months."),
        ({"to": "1999-12"}, "to", "Give a year from 2000 to 2999."),
        ({"by": "customer"}, "by", "Select a valid choice. customer is not one of the available choices."),
        ({"from": "2026-030"}, "from", "Ensure this value has at most 7 characters (it has 8)."),
    ],
)
def test_bad_filters_are_shown_beside_the_field(client, world, clock, query, field, message):
    client.force_login(world.seller)
    answer = client.get(PAGE, query)
    assert answer.status_code == 400
    assert answer.context["form"].errors[field] == [message]
    assert message.replace("'", "&#x27;") in answer.content.decode()
    export = client.get("/dashboard/revenue/export.csv", query)
    assert export.status_code == 400
    assert f"{field}: {message}" in export.content.decode()


@pytest.mark.parametrize("roles", [[Role.AGENT], [Role.TECHNICIAN], [Role.DEPARTMENT]])
def test_only_managers_open_the_page(client, world, clock, roles):
    client.force_login(factories.UserFactory(roles=roles, username="not-a-manager"))
    assert client.get(PAGE).status_code == 403
    assert client.get("/dashboard/revenue/export.xlsx").status_code == 403


def test_bad_months_keep_the_breakdown_chosen(client, world, clock):
    client.force_login(world.seller)
    answer = client.get(PAGE, {"from": "2026-13", "by": "month"})
    assert answer.status_code == 400
    # The last six months (December to May), by month as asked.
    assert [row.label for row in answer.context["report"].rows][0] == "2025-12"


def test_a_visitor_is_sent_to_sign_in(client, world, clock):
    answer = client.get(PAGE)
    assert answer.status_code == 302 and "login" in answer["Location"]


def test_a_providers_manager_sees_their_own_figures(client, world, clock):
    client.force_login(world.manager_p1)
    # Asking for the providers' breakdown changes nothing: East's own row only.
    page = client.get(PAGE, MARCH_APRIL | {"by": "provider"}).content.decode()
    assert "East Service Co" in page and "¥3,495.00" in page
    assert "West Service Co" not in page and "Yantai" not in page and "¥4,314.00" not in page


# --- Exports ------------------------------------------------------------------------------------

HEADER = [
    "Station",
    "Code",
    "Extended warranties sold",
    "Extended warranties sold: amount",
    "Maintenance plans sold",
    "Maintenance plans sold: amount",
    "Extended warranties renewed",
    "Extended warranties renewed: amount",
    "Maintenance plans renewed",
    "Maintenance plans renewed: amount",
    "Units in use",
    "Units with a contract in force",
    "Contract coverage (%)",
    "Leads found: new",
    "Leads found: contacted",
    "Leads found: won",
    "Leads found: lost",
    "Leads closed won",
    "Leads closed lost",
    "Lead conversion (%)",
    "Referrals made",
    "Referrals converted",
    "Referral conversion (%)",
    "Contract revenue",
    "Paid repairs",
    "Paid repair charges",
    "Won leads' value",
    "Service revenue",
]
# By hand: see tests/revenue/test_revenue_figures.py.
QINGDAO = ["Qingdao East", "qd-east", 1, "300.00", 1, "199.50", 1, "300.00", 0, "0.00", 3, 2, "66.67"]
QINGDAO += [0, 1, 1, 1, 2, 1, "66.67", 1, 1, "100.00", "799.50", 2, "195.50", "2500.00", "3495.00"]
WHOLE = ["Whole period", "", 2, "600.00", 3, "598.50", 1, "300.00", 0, "0.00", 7, 4, "57.14"]
WHOLE += [1, 1, 1, 2, 2, 2, "50.00", 3, 2, "66.67", "1498.50", 3, "315.50", "2500.00", "4314.00"]
NO_STATION_PERCENTS = ("", "", "")


def test_csv_export(client, world, clock):
    client.force_login(world.seller)
    answer = client.get("/dashboard/revenue/export.csv", MARCH_APRIL)
    assert answer.status_code == 200
    assert answer["Content-Disposition"] == 'attachment; filename="revenue-station_2026-03-01_2026-04-30.csv"'
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert rows[1] == [str(value) for value in QINGDAO]
    assert [row[0] for row in rows[1:]] == [
        "Qingdao East",
        "Yantai",
        "No station (the portal, or another provider's station)",
        "Whole period",
    ]
    # No unit, no closed lead, no referral: no rate, an empty cell (never 0).
    assert (rows[3][12], rows[3][19], rows[3][22]) == NO_STATION_PERCENTS
    assert rows[4] == [str(value) for value in WHOLE]


def test_xlsx_export(client, world, clock):
    client.force_login(world.seller)
    answer = client.get("/dashboard/revenue/export.xlsx", MARCH_APRIL | {"by": "month"})
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Month" and rows[0][1:] == HEADER[1:]
    assert [row[0] for row in rows[1:]] == ["2026-03", "2026-04", "Whole period"]
    # March: counts are numbers, amounts and percentages numbers with two places.
    assert rows[1][2:6] == [1, 300, 2, 399]
    assert (rows[1][12], rows[1][-1]) == (50, 2894.5)
    assert rows[2][-1] == 1419.5 and rows[2][12] == 57.14
    assert rows[3][-1] == 4314 and rows[3][22] == 66.67


def test_an_unknown_format_is_not_found(client, world, clock):
    client.force_login(world.seller)
    assert client.get("/dashboard/revenue/export.pdf").status_code == 404


# --- The API ------------------------------------------------------------------------------------


def test_the_api_by_station(world, clock, django_assert_num_queries):
    api = api_for(world.seller)
    api.get(API, MARCH_APRIL)  # the token's first use is written down once
    # The token and its user, the user's roles and provider, 13 for the figures.
    with django_assert_num_queries(14):
        answer = api.get(API, MARCH_APRIL)
    assert answer.status_code == 200
    data = answer.json()
    assert data["period"] == {"start": "2026-03-01", "end": "2026-04-30"}
    assert data["group_by"] == "station" and data["count"] == 3
    east = data["results"][0]
    assert (east["label"], east["code"], east["month"]) == ("Qingdao East", "qd-east", None)
    assert east["contracts"] == {
        "sold": {
            "count": 2,
            "amount": "499.50",
            "extended_warranty": {"count": 1, "amount": "300.00"},
            "maintenance_plan": {"count": 1, "amount": "199.50"},
        },
        "renewed": {
            "count": 1,
            "amount": "300.00",
            "extended_warranty": {"count": 1, "amount": "300.00"},
            "maintenance_plan": {"count": 0, "amount": "0.00"},
        },
    }
    assert east["coverage"] == {"units_in_use": 3, "units_covered": 2, "rate": "0.6667", "percent": "66.67"}
    assert east["leads"] == {
        "found": {"new": 0, "contacted": 1, "won": 1, "lost": 1, "total": 3},
        "closed_won": 2,
        "closed_lost": 1,
        "conversion_rate": "0.6667",
        "conversion_percent": "66.67",
        "won_value": "2500.00",
    }
    assert east["referrals"] == {"made": 1, "converted": 1, "conversion_rate": "1.0000", "conversion_percent": "100.00"}
    assert east["revenue"] == {
        "contracts": "799.50",
        "paid_repairs": 2,
        "repair_charges": "195.50",
        "leads_won": "2500.00",
        "total": "3495.00",
    }
    assert data["results"][2]["coverage"] == {"units_in_use": 0, "units_covered": 0, "rate": None, "percent": None}
    assert data["total"]["revenue"]["total"] == "4314.00"
    assert data["total"]["coverage"]["rate"] == "0.5714"
    # No object ids anywhere.
    assert "id" not in east and "pk" not in east


def test_the_api_by_month_and_its_default_range(world, clock):
    api = api_for(world.seller)
    data = api.get(API, MARCH_APRIL | {"group_by": "month"}).json()
    assert [(row["label"], row["month"], row["revenue"]["total"]) for row in data["results"]] == [
        ("2026-03", "2026-03", "2894.50"),
        ("2026-04", "2026-04", "1419.50"),
    ]
    # No range: the six months to this one (December 2025 – May 2026).
    default = api.get(API, {"group_by": "month"}).json()
    assert default["period"] == {"start": "2025-12-01", "end": "2026-05-31"}
    assert [row["month"] for row in default["results"]] == [
        "2025-12",
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
    ]
    assert default["total"]["revenue"]["total"] == "4314.00"


def test_a_providers_manager_gets_their_own_figures_whatever_they_ask(world, clock):
    data = api_for(world.manager_p1).get(API, MARCH_APRIL | {"group_by": "provider"}).json()
    assert [row["label"] for row in data["results"]] == ["East Service Co"]
    assert data["total"]["revenue"]["total"] == "3495.00"
    west = api_for(world.manager_p2).get(API, MARCH_APRIL).json()
    assert [row["label"] for row in west["results"]] == ["Yantai"]
    assert west["total"]["revenue"]["total"] == "619.50"


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"from": "2026-13"}, {"from": ["Give a month from 01 to 12."]}),
        ({"from": "2026-04", "to": "2026-03"}, {"to": ["The last month cannot be before the first month."]}),
        ({"to": "2026-3"}, {"to": ["Give a month as YYYY-MM, such as 2026-03."]}),
        ({"from": "2020-01", "to": "2026-04"}, {"to": ["A range covers at most 36 months."]}),
        ({"group_by": "customer"}, {"group_by": ['"customer" is not a valid choice.']}),
        ({"from": "x" * 500}, {"from": ["Ensure this field has no more than 7 characters."]}),
    ],
)
def test_the_api_answers_bad_filters_per_field(world, clock, query, errors):
    answer = api_for(world.seller).get(API, query)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    assert answer.json()["errors"] == errors


@pytest.mark.parametrize("roles", [[Role.AGENT], [Role.SALES], [Role.TECHNICIAN]])
def test_only_managers_read_the_api(world, clock, roles):
    user = factories.UserFactory(roles=roles, username="api-not-manager")
    answer = api_for(user).get(API)
    assert answer.status_code == 403
    assert APIClient().get(API).status_code == 401


def test_the_api_is_described(world, clock):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/revenue/"]["get"]
    assert operation["operationId"] == "revenue"
    assert {parameter["name"] for parameter in operation["parameters"]} == {"from", "to", "group_by"}
    assert set(operation["responses"]) == {"200", "400", "401", "403", "429"}
