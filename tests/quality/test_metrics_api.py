"""GET /api/metrics/ (issue 6, item 7): every rate with numerator, denominator, value,
threshold and status, from the snapshots; who may call it; errors per parameter; the schema."""

import datetime as dt
import json
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from aftersales.api.token_store import token_issue
from quality.metrics import business_today
from quality.models import Dimension, KpiThreshold, RateSnapshot
from quality.rates import KPIS
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/metrics/"
SHANGHAI = ZoneInfo("Asia/Shanghai")
COMPUTED = dt.datetime(2026, 4, 1, 2, 0, tzinfo=SHANGHAI)
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture(autouse=True)
def throttle_counts_per_test(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "cache", LocMemCache("metrics-throttle-tests", {}))
    SimpleRateThrottle.cache.clear()


@pytest.fixture
def api(manager) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=manager).key}")
    return client


def snapshot(day: dt.date, dimension: str = Dimension.ALL, value: str = "", **counts) -> RateSnapshot:
    return RateSnapshot.objects.create(day=day, dimension=dimension, value=value, computed_at=COMPUTED, **counts)


def worked_month() -> None:
    """docs/kpis.md#a-worked-month's worked month, over two days."""
    snapshot(
        dt.date(2026, 3, 2),
        service_completed=120,
        service_complaints=2,
        cases_due=110,
        cases_with_omission=4,
        omission_no_callback=3,
        omission_late=1,
        ratings=100,
        low_ratings=3,
        callback_complaints=1,
        top2_ratings=90,
        callback_attempted=118,
        callback_reached=108,
        repairs=90,
        fixed_first_time=70,
    )
    snapshot(
        dt.date(2026, 3, 31),
        service_completed=80,
        service_complaints=1,
        cases_due=100,
        cases_with_omission=2,
        omission_no_callback=1,
        omission_late=1,
        omission_no_feedback=1,
        ratings=70,
        low_ratings=2,
        top2_ratings=60,
        callback_attempted=78,
        callback_reached=72,
        repairs=60,
        fixed_first_time=50,
    )


def test_every_rate_of_the_whole_organisation(api):
    worked_month()
    snapshot(dt.date(2026, 4, 1), ratings=10, low_ratings=10)  # outside the period

    response = api.get(URL, MARCH)

    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"start": "2026-03-01", "end": "2026-03-31"}
    assert (body["group_by"], body["filter"]) == ("all", None)
    assert body["as_of"] == "2026-04-01T02:00:00+08:00"
    [row] = body["results"]
    assert (row["value"], row["label"]) == ("", "Whole organisation")
    assert set(row["rates"]) == set(KPIS)
    assert row["rates"]["dissatisfaction_rate"] == {
        "numerator": 6,
        "denominator": 170,
        "value": "0.035294",
        "percent": "3.53",
        "threshold": "0.1000",
        "direction": "lower_is_better",
        "status": "ok",
    }
    assert row["rates"]["complaint_rate"] == {
        "numerator": 3,
        "denominator": 200,
        "value": "0.015000",
        "percent": "1.50",
        "threshold": "0.1000",
        "direction": "lower_is_better",
        "status": "ok",
    }
    assert (row["rates"]["omission_rate"]["numerator"], row["rates"]["omission_rate"]["percent"]) == (6, "2.86")
    assert row["rates"]["first_time_fix_rate"]["percent"] == "80.00"
    assert row["rates"]["arrival_timeliness"] == {
        "numerator": 0,
        "denominator": 0,
        "value": None,
        "percent": None,
        "threshold": "0.9000",
        "direction": "higher_is_better",
        "status": "no_data",
    }


def test_a_manager_threshold_decides_the_status(api, manager):
    worked_month()
    KpiThreshold.objects.create(kpi="dissatisfaction_rate", threshold=Decimal("0.03"), updated_by=manager)

    rate = api.get(URL, MARCH).json()["results"][0]["rates"]["dissatisfaction_rate"]

    assert (rate["threshold"], rate["status"]) == ("0.0300", "alert")


@pytest.mark.parametrize(
    ("params", "start", "end"),
    [
        ({"period": "month", "date": "2026-03-17"}, "2026-03-01", "2026-03-31"),
        ({"period": "week", "date": "2026-03-04"}, "2026-03-02", "2026-03-08"),
        ({"period": "day", "date": "2026-03-31"}, "2026-03-31", "2026-03-31"),
        ({"end": "2026-03-31"}, "2026-03-02", "2026-03-31"),
    ],
)
def test_periods(api, params, start, end):
    worked_month()

    body = api.get(URL, params).json()

    assert body["period"] == {"start": start, "end": end}


def test_the_default_is_the_last_30_days(api):
    today = business_today()
    snapshot(today, ratings=4, low_ratings=1)
    snapshot(today - dt.timedelta(days=30), ratings=4, low_ratings=4)

    body = api.get(URL).json()

    assert body["period"] == {"start": (today - dt.timedelta(days=29)).isoformat(), "end": today.isoformat()}
    assert body["results"][0]["rates"]["dissatisfaction_rate"]["numerator"] == 1


def test_group_by_station_gives_one_row_per_station(api):
    north = factories.ServiceStationFactory(code="n", name="North")
    south = factories.ServiceStationFactory(code="s", name="South")
    worked_month()
    snapshot(dt.date(2026, 3, 5), Dimension.STATION, str(south.pk), ratings=4, low_ratings=1)
    snapshot(dt.date(2026, 3, 5), Dimension.STATION, str(north.pk), ratings=10, low_ratings=0)
    snapshot(dt.date(2026, 3, 6), Dimension.STATION, str(north.pk), ratings=10, low_ratings=3)

    body = api.get(URL, {**MARCH, "group_by": "station"}).json()

    assert body["group_by"] == "station"
    assert [(row["value"], row["label"]) for row in body["results"]] == [
        (str(north.pk), "North"),
        (str(south.pk), "South"),
    ]
    north_rate = body["results"][0]["rates"]["dissatisfaction_rate"]
    assert (north_rate["numerator"], north_rate["denominator"], north_rate["percent"], north_rate["status"]) == (
        3,
        20,
        "15.00",
        "alert",
    )


def test_a_dimension_filter_narrows_to_one_value(api):
    model = factories.ProductModelFactory(code="XQG70")
    batch = f"{model.pk}:B2026-01"
    snapshot(dt.date(2026, 3, 5), Dimension.BATCH, batch, ratings=8, low_ratings=2)
    snapshot(dt.date(2026, 3, 5), Dimension.BATCH, f"{model.pk}:B2026-02", ratings=8, low_ratings=0)

    for group_by in ("all", "batch"):
        body = api.get(URL, {**MARCH, "dimension": "batch", "value": batch, "group_by": group_by}).json()
        assert body["filter"] == {"dimension": "batch", "value": batch}
        [row] = body["results"]
        assert (row["value"], row["label"]) == (batch, "XQG70 · B2026-01")
        assert row["rates"]["dissatisfaction_rate"]["percent"] == "25.00"


def test_no_snapshots_is_no_data_not_an_error(api):
    body = api.get(URL, {**MARCH, "group_by": "model"}).json()
    assert body["results"] == []
    assert body["as_of"] is None
    whole = api.get(URL, MARCH).json()["results"][0]["rates"]["complaint_rate"]
    assert (whole["value"], whole["status"]) == (None, "no_data")


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"start": "2026-03-31", "end": "2026-03-01"}, {"end": ["The last day cannot be before the first day."]}),
        ({"start": "2025-01-01", "end": "2026-03-01"}, {"end": ["A period covers at most 366 days."]}),
        ({"start": "2026-02-30"}, {"start": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}),
        (
            {"start": "9999-01-01", "end": "9999-01-02"},
            {"start": ["Give a date up to 2999-12-31."], "end": ["Give a date up to 2999-12-31."]},
        ),
        ({"period": "month", **MARCH}, {"period": ["Give start and end, or period and date, not both."]}),
        ({"date": "2026-03-01"}, {"date": ["A date goes with period (day, week or month)."]}),
        ({"period": "year"}, {"period": ['"year" is not a valid choice.']}),
        ({"group_by": "planet"}, {"group_by": ['"planet" is not a valid choice.']}),
        ({"value": "5"}, {"dimension": ["Say which dimension the value is of."]}),
        ({"dimension": "station"}, {"value": ["Choose a value for this dimension."]}),
        ({"dimension": "station", "value": "north"}, {"value": ["Choose one of the listed values."]}),
        (
            {"dimension": "batch", "value": "B7"},
            {"value": ["A batch is written as <model id>:<batch>, for example 12:B2026-01."]},
        ),
        (
            {"dimension": "station", "value": "5", "group_by": "model"},
            {"group_by": ["Figures are kept per dimension: group by the dimension you narrow to, or by all."]},
        ),
    ],
)
def test_bad_parameters_are_field_errors(api, params, errors):
    response = api.get(URL, params)

    assert response.status_code == 400
    assert response.json()["errors"] == errors


def test_anonymous_callers_get_401():
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_bad_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(URL).status_code == 401


@pytest.mark.parametrize("role", ["agent", "technician", "department_user"])
def test_only_managers_and_admins_may_read_the_figures(request, role):
    user = request.getfixturevalue(role)
    by_token = APIClient()
    by_token.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user).key}")
    by_session = APIClient()
    by_session.force_login(user)

    for client in (by_token, by_session):
        response = client.get(URL)
        assert response.status_code == 403
        assert response.json() == {
            "detail": "Only managers and administrators may read the quality figures.",
            "code": "permission_denied",
        }


def test_a_manager_by_session_and_an_admin_by_token(manager):
    session = APIClient()
    session.force_login(manager)
    assert session.get(URL).status_code == 200
    admin = factories.UserFactory(username="admin1", roles=["admin"])
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=admin).key}")
    assert token.get(URL).status_code == 200


def test_the_query_count_does_not_grow_with_the_rows(api, django_assert_num_queries):
    stations = [factories.ServiceStationFactory(code=f"s{n}", name=f"Station {n}") for n in range(30)]
    for station in stations[:2]:
        snapshot(dt.date(2026, 3, 5), Dimension.STATION, str(station.pk), ratings=2)
    params = {**MARCH, "group_by": "station"}

    # token and user, roles, thresholds, sums by station, station names, last computed.
    with django_assert_num_queries(6):
        assert len(api.get(URL, params).json()["results"]) == 2
    for station in stations[2:]:
        snapshot(dt.date(2026, 3, 5), Dimension.STATION, str(station.pk), ratings=2)
    with django_assert_num_queries(5):
        assert len(api.get(URL, params).json()["results"]) == 30


def test_a_long_breakdown_comes_a_page_at_a_time_by_label(api):
    model = factories.ProductModelFactory(code="XQG70")
    for n in range(5):
        snapshot(dt.date(2026, 3, 5), Dimension.BATCH, f"{model.pk}:B{n}", ratings=4, low_ratings=n % 2)
    params = {**MARCH, "group_by": "batch", "page_size": 2}

    first = api.get(URL, params).json()
    assert (first["count"], first["previous"]) == (5, None)
    assert [row["label"] for row in first["results"]] == ["XQG70 · B0", "XQG70 · B1"]
    assert first["results"][1]["rates"]["dissatisfaction_rate"]["numerator"] == 1
    second = api.get(first["next"]).json()
    assert [row["label"] for row in second["results"]] == ["XQG70 · B2", "XQG70 · B3"]
    assert second["previous"] == f"http://testserver{URL}?{urlencode({**params, 'page': 1})}"
    last = api.get(second["next"]).json()
    assert ([row["label"] for row in last["results"]], last["next"]) == (["XQG70 · B4"], None)


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"page": "4", "page_size": "2"}, {"page": ["There is no page 4: the last is 3."]}),
        ({"page": "0"}, {"page": ["Ensure this value is greater than or equal to 1."]}),
        ({"page_size": "501"}, {"page_size": ["Ensure this value is less than or equal to 500."]}),
        ({"page_size": "many"}, {"page_size": ["A valid integer is required."]}),
    ],
)
def test_bad_pages_are_field_errors(api, params, errors):
    model = factories.ProductModelFactory(code="XQG70")
    for n in range(5):
        snapshot(dt.date(2026, 3, 5), Dimension.BATCH, f"{model.pk}:B{n}", ratings=4)

    response = api.get(URL, {**MARCH, "group_by": "batch", **params})

    assert response.status_code == 400
    assert response.json()["errors"] == errors


def test_no_results_is_one_empty_page(api):
    body = api.get(URL, {**MARCH, "group_by": "batch"}).json()

    assert (body["count"], body["next"], body["previous"], body["results"]) == (0, None, None, [])


def test_the_schema_describes_the_endpoint(client):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    operation = schema["paths"]["/api/metrics/"]["get"]
    assert set(operation["responses"]) >= {"200", "400", "401", "403"}
    assert {parameter["name"] for parameter in operation["parameters"]} == {
        "start",
        "end",
        "period",
        "date",
        "group_by",
        "dimension",
        "value",
        "page",
        "page_size",
    }
    components = schema["components"]["schemas"]
    assert set(components["MetricRates"]["properties"]) == set(KPIS)
    assert set(components["Rate"]["properties"]) == {
        "numerator",
        "denominator",
        "value",
        "percent",
        "threshold",
        "direction",
        "status",
    }


def test_the_schema_is_valid_openapi():
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    validate_schema(SchemaGenerator().get_schema(request=None, public=True))
