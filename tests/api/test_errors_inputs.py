"""The inputs that answered 500 answer a 400 or a 404 in the one error shape: a date-time filter
with a UTC offset PostgreSQL refuses, a JSON body nested a thousand levels deep, a path with a NUL
character."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.parsers import JSONParser as PlainJSONParser
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from aftersales.api.filters import DateTimeFilter
from aftersales.api.parsers import MAX_DEPTH, ContentNegotiation, JSONParser, nesting_depth
from aftersales.roles import Role
from customers.models import Customer
from followups.api.filters import CallbackFilter
from followups.choices import CallbackStatus
from tests import factories
from tests.api.conftest import client_for, error, field_errors
from tickets.api.filters import TicketFilter
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

OFFSET_ERROR = ["Give a UTC offset from -15:59 to +15:59."]


@pytest.fixture
def admin():
    return factories.UserFactory(roles=[Role.ADMIN], username="admin1")


@pytest.fixture
def as_admin(admin):
    return client_for(admin)


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


# --- date-time filters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/api/tickets/", {"created_after": "2026-01-01T00:00:00-21:45"}),
        ("/api/tickets/", {"created_before": "2026-01-01T00:00:00+16:00"}),
        ("/api/callbacks/", {"due_before": "2026-01-01T00:00:00+16:00"}),
        ("/api/callbacks/", {"due_before": "2026-01-01T00:00:00-23:59"}),
    ],
)
def test_a_utc_offset_beyond_15_59_is_a_400_on_the_parameter(as_admin, url, query):
    """PostgreSQL refuses such an offset ("time zone displacement out of range"): it was a 500."""
    (name,) = query

    assert field_errors(as_admin.get(url, query)) == {name: OFFSET_ERROR}


def test_every_date_time_filter_of_the_api_is_the_shared_one():
    """The filters that take a date-time: each refuses what the database cannot compare."""
    date_time_filters = {
        (filterset.__name__, name): type(declared)
        for filterset in (TicketFilter, CallbackFilter)
        for name, declared in filterset.base_filters.items()
        if "date" in type(declared).__name__.lower() or "time" in type(declared).__name__.lower()
    }

    assert date_time_filters == {
        ("TicketFilter", "created_after"): DateTimeFilter,
        ("TicketFilter", "created_before"): DateTimeFilter,
        ("CallbackFilter", "due_before"): DateTimeFilter,
    }


def test_the_largest_offsets_in_range_still_filter_and_compare_in_utc(as_admin):
    """2026-01-02T15:59+15:59 is 2026-01-02T00:00Z; 2026-01-01T08:01-15:59 is 2026-01-02T00:00Z too."""
    ticket = factories.TicketFactory()
    Ticket.objects.filter(pk=ticket.pk).update(created_at=dt.datetime(2026, 1, 2, 0, 0, tzinfo=dt.UTC))

    def listed(query: dict) -> list[str]:
        response = as_admin.get("/api/tickets/", query)
        assert response.status_code == 200, response.content
        return [row["reference"] for row in response.json()["results"]]

    assert listed({"created_after": "2026-01-02T15:59:00+15:59"}) == [ticket.reference]
    assert listed({"created_after": "2026-01-01T08:01:00-15:59"}) == [ticket.reference]
    assert listed({"created_before": "2026-01-01T08:01:00-15:59"}) == []
    assert listed({"created_after": "2026-01-02T16:00:00+15:59"}) == []


@pytest.mark.postgres
def test_on_postgresql_an_out_of_range_offset_is_a_400_and_an_extreme_one_in_range_is_answered(as_admin):
    callback = factories.CallbackVisitFactory(status=CallbackStatus.DUE)

    refused = as_admin.get("/api/tickets/", {"created_after": "2026-01-01T00:00:00-21:45"})
    answered = as_admin.get("/api/callbacks/", {"due_before": "9000-01-01T00:00:00+15:59"})

    assert field_errors(refused) == {"created_after": OFFSET_ERROR}
    assert answered.status_code == 200, answered.content
    assert [row["id"] for row in answered.json()["results"]] == [callback.pk]


# --- JSON nested too deep ------------------------------------------------------------------------


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 1_000, 5_000, 100_000])
def test_a_json_body_nested_too_deep_is_a_400_on_warranty_evaluation(as_admin, levels):
    response = as_admin.generic("POST", "/api/warranty/evaluate/", deep(levels), content_type="application/json")

    assert error(response, 400, "parse_error") == f"JSON parse error - nested more than {MAX_DEPTH} levels deep."


@pytest.mark.parametrize("levels", [1_000, 100_000])
def test_a_json_body_nested_too_deep_is_a_400_on_the_token_endpoint_and_signs_no_one_in(anonymous, levels):
    body = '{"username": "admin1", "password": ' + deep(levels) + "}"

    response = anonymous.generic("POST", "/api/auth/token/", body, content_type="application/json")

    assert error(response, 400, "parse_error") == f"JSON parse error - nested more than {MAX_DEPTH} levels deep."


def test_a_deep_body_on_a_write_endpoint_changes_nothing(as_admin):
    customer = factories.CustomerFactory(name="Li Na")
    body = '{"name": "Wang Fang", "address": ' + deep(2_000) + "}"

    response = as_admin.generic("PATCH", f"/api/customers/{customer.pk}/", body, content_type="application/json")

    assert error(response, 400, "parse_error").startswith("JSON parse error")
    assert Customer.objects.get(pk=customer.pk).name == "Li Na"


def test_a_body_as_deep_as_the_limit_is_still_read(as_admin):
    """Depth alone is no error: the body reaches the view, which answers for its fields."""
    body = '{"proof": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}"

    response = as_admin.generic("POST", "/api/warranty/evaluate/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize(
    ("data", "depth"),
    [(1, 0), ("x", 0), ([], 1), ({}, 1), ({"a": [1, {"b": []}]}, 4), ([[[]], []], 3), ([[]] * 3, 2)],
)
def test_nesting_depth(data, depth):
    assert nesting_depth(data, limit=10) == depth


def test_nesting_depth_stops_counting_past_the_limit():
    data: list = []
    for _ in range(50_000):
        data = [data]

    assert nesting_depth(data, limit=5) == 6


def _api_views(resolver: URLResolver | None = None, prefix: str = ""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "cls", None)
            if view_class is not None and issubclass(view_class, APIView):
                yield prefix + str(pattern.pattern), view_class


def test_every_api_view_reads_json_with_the_depth_bound():
    """Whatever parsers a view lists (several list DRF's own JSONParser), a JSON body is read by
    the bounded one, so no endpoint, present or future, falls back to the unbounded parser."""
    request = APIRequestFactory().post("/", "{}", content_type="application/json")
    views = list(_api_views())
    readers = {}
    for route, view_class in views:
        parsers = view_class().get_parsers()
        if any(isinstance(parser, PlainJSONParser) for parser in parsers):
            readers[route] = type(ContentNegotiation().select_parser(request, parsers))

    assert len(views) > 30 and "api/auth/token/" in readers and "api/warranty/evaluate/" in readers
    assert set(readers.values()) == {JSONParser}, readers


# --- a NUL character in the path -----------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/desk/tickets/%00/",
        "/desk/tickets/AS-2026-000001%00/",
        "/desk/tickets/x%00/claims/1/",
        "/desk/callbacks/%00/",
        "/track/%00/",
        "/track/AS-2026-000001%00/cancel/",
        "/admin/tickets/ticket/%00/change/",
        "/admin/customers/customer/%00/change/",
        "/%00",
    ],
)
def test_a_nul_in_a_page_path_is_the_not_found_page(admin, path):
    """The desk looked the reference up, and PostgreSQL refuses a NUL in a query: it was a 500."""
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    ticket = factories.TicketFactory()

    response = client.get(path.replace("AS-2026-000001", ticket.reference))

    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b"There is nothing at this address" in response.content


@pytest.mark.parametrize(
    "path", ["/api/tickets/%00/", "/api/%00/", "/api/customers/1%00/", "/api/auth/token/%00/", "/api/%00"]
)
def test_a_nul_in_an_api_path_is_a_json_404(as_admin, path):
    """Without its slash, the path is first redirected to the slashed one, as every API path is."""
    response = as_admin.get(path, follow=True)

    assert response["Content-Type"] == "application/json"
    assert error(response, 404, "not_found") == "Not found."


@pytest.mark.postgres
def test_on_postgresql_a_nul_in_a_desk_reference_is_a_404(admin):
    client = Client(raise_request_exception=False)
    client.force_login(admin)

    assert client.get("/desk/tickets/%00/").status_code == 404
    assert client.post("/desk/tickets/AS%00/note/", {"text": "x"}).status_code == 404
