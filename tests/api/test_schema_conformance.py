"""The OpenAPI schema generates with no warning and is valid OpenAPI 3; and the inputs Schemathesis
found (tests/api/test_schemathesis.py) are answered as the schema says, pinned here one by one:
a 400 with the parameter's error in the one shape, or a JSON 404, never a 500 or an HTML page."""

import json
import warnings

import pytest
from django.core.cache.backends.base import CacheKeyWarning
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from aftersales.roles import Role
from tests import factories
from tests.api.conftest import client_for, error, field_errors
from tickets.choices import Status

pytestmark = pytest.mark.django_db


def test_the_schema_generates_with_no_warning_and_is_valid_openapi(tmp_path):
    """What `manage.py spectacular --validate --fail-on-warn` checks: a warning (a field whose type
    could not be worked out, a clashing component name) fails the command, so it fails this test."""
    GENERATOR_STATS.reset()  # warnings another test's generation left behind are not this one's

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3.")


@pytest.fixture
def as_admin():
    return client_for(factories.UserFactory(roles=[Role.ADMIN], username="admin1"))


LISTS = [
    "/api/customers/",
    "/api/units/",
    "/api/tickets/",
    "/api/claims/",
    "/api/callbacks/",
    "/api/feedback/",
    "/api/recalls/",
    "/api/alerts/",
    "/api/webhooks/",
]


@pytest.mark.parametrize("url", LISTS)
def test_a_cursor_the_list_did_not_give_out_is_a_400_on_the_cursor(as_admin, url):
    assert field_errors(as_admin.get(url, {"cursor": "Ü"})) == {"cursor": ["Invalid cursor"]}


def test_a_cursor_is_checked_on_the_lists_under_an_object_too(as_admin):
    ticket = factories.TicketFactory()
    subscription = factories.WebhookSubscriptionFactory()
    as_owner = client_for(subscription.owner)

    assert field_errors(as_admin.get(f"/api/tickets/{ticket.reference}/timeline/", {"cursor": "x"})) == {
        "cursor": ["Invalid cursor"]
    }
    assert field_errors(as_owner.get(f"/api/webhooks/{subscription.pk}/deliveries/", {"cursor": "x"})) == {
        "cursor": ["Invalid cursor"]
    }


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/callbacks/null,null/"),
        ("get", "/api/customers/-1537/"),
        ("patch", "/api/customers/2.5/"),
        ("post", "/api/claims/true/choose/"),
        ("delete", "/api/webhooks/%02/"),
        # A newline in the path, which a plain "." in a URL pattern does not match.
        ("get", "/api/callbacks/%C3%B1_%0A%13/"),
        ("get", "/api/tickets/%0A/"),
        ("get", "/api/tickets/AS-2026-000001/no-such-thing/"),
    ],
)
def test_a_path_that_names_no_endpoint_is_a_json_404(as_admin, method, url):
    response = getattr(as_admin, method)(url)

    assert response["Content-Type"] == "application/json"
    assert error(response, 404, "not_found") == "Not found."


def test_a_path_without_its_slash_is_still_redirected_to_the_endpoint(as_admin):
    response = as_admin.get("/api/tickets")

    assert (response.status_code, response["Location"]) == (301, "/api/tickets/")


@pytest.mark.parametrize(
    ("url", "query", "errors"),
    [
        # Larger than a 64-bit id: the database would overflow.
        (
            "/api/tickets/",
            {"station": "4070811756957961475589354291200"},
            {"station": ["Ensure this value is less than or equal to 9223372036854775807."]},
        ),
        ("/api/units/", {"customer": "0"}, {"customer": ["Ensure this value is greater than or equal to 1."]}),
        ("/api/callbacks/", {"customer": "2.673342543158913e+16"}, {"customer": ["Enter a whole number."]}),
        ("/api/feedback/", {"model": "1.5"}, {"model": ["Enter a whole number."]}),
        # Year 1 at +08:00 is in year 0 in UTC, where the database compares.
        (
            "/api/tickets/",
            {"created_after": "0001-01-01T00:00:00+08:00"},
            {"created_after": ["Enter a valid date/time."]},
        ),
        # An offset PostgreSQL cannot take (tests/api/test_errors_inputs.py).
        (
            "/api/tickets/",
            {"created_after": "0001-01-01T00:00:00+19:16"},
            {"created_after": ["Give a UTC offset from -15:59 to +15:59."]},
        ),
        ("/api/tickets/", {"created_before": "0001-01-01T00:00:00"}, {"created_before": ["Enter a valid date/time."]}),
        ("/api/callbacks/", {"due_before": "9999-12-31T23:00:00-05:00"}, {"due_before": ["Enter a valid date/time."]}),
    ],
)
def test_an_id_or_time_the_database_cannot_take_is_a_400_on_the_parameter(as_admin, url, query, errors):
    assert field_errors(as_admin.get(url, query)) == errors


def test_the_time_filters_still_take_the_far_past_and_future_the_database_can(as_admin):
    ticket = factories.TicketFactory()

    response = as_admin.get("/api/tickets/", {"created_after": "0002-01-01T00:00:00Z", "created_before": "9999-01-01"})

    assert response.status_code == 200, response.content
    assert [row["reference"] for row in response.json()["results"]] == [ticket.reference]


def test_a_ticket_with_no_preferred_time_of_day_answers_blank_as_its_schema_allows(as_admin):
    ticket = factories.TicketFactory(status=Status.NEW)
    schema = SchemaGenerator().get_schema(request=None, public=True)

    response = as_admin.get(f"/api/tickets/{ticket.reference}/")

    assert response.status_code == 200
    assert response.json()["preferred_visit_slot"] == ""
    slot = schema["components"]["schemas"]["Ticket"]["properties"]["preferred_visit_slot"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in slot["oneOf"]


def test_a_username_of_any_characters_is_counted_under_a_plain_cache_key(anonymous):
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)

        response = anonymous.post("/api/auth/token/", {"username": "\x04q\x82 ü", "password": "x"}, format="json")

    assert list(field_errors(response)) == ["non_field_errors"]


HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def undescribed(schema: dict) -> list[str]:
    """What the schema leaves undescribed: operations and parameters without a description, and
    component properties with none of their own that are not a bare reference (``$ref``, or an
    ``allOf`` of one) to a component that has one."""
    components = schema["components"]["schemas"]

    def described(part: dict) -> bool:
        return bool(str(part.get("description", "")).strip())

    def refers_to_a_described_component(prop: dict) -> bool:
        target = prop.get("$ref") or (prop["allOf"][0].get("$ref") if len(prop.get("allOf", [])) == 1 else None)
        return target is not None and described(components[target.rsplit("/", 1)[-1]])

    missing = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            if not described(operation):
                missing.append(f"operation {method.upper()} {path}")
            for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
                if not described(parameter):
                    missing.append(f"parameter {method.upper()} {path} {parameter['in']}:{parameter['name']}")
    for name, component in components.items():
        for prop_name, prop in component.get("properties", {}).items():
            if not (described(prop) or refers_to_a_described_component(prop)):
                missing.append(f"property {name}.{prop_name}")
    return missing


def test_the_schema_describes_every_operation_parameter_and_property(tmp_path):
    """The schema an integrator reads says what each endpoint does, what each parameter takes and
    what each field of each body (errors included) holds: nothing is left to guess from a name."""
    GENERATOR_STATS.reset()

    call_command("spectacular", "--format", "openapi-json", "--file", str(tmp_path / "schema.json"))

    missing = undescribed(json.loads((tmp_path / "schema.json").read_text()))
    assert not missing, f"{len(missing)} without a description:\n" + "\n".join(missing)


def test_every_cursor_page_requires_its_links_and_results(tmp_path, as_admin):
    """A page always carries next, previous (null at either end) and results: the schema says so,
    so a client may rely on them."""
    GENERATOR_STATS.reset()
    call_command("spectacular", "--format", "openapi-json", "--file", str(tmp_path / "schema.json"))
    components = json.loads((tmp_path / "schema.json").read_text())["components"]["schemas"]

    pages = {name: body for name, body in components.items() if name.startswith("Paginated")}

    assert len(pages) == 31, sorted(pages)  # every list endpoint
    assert {name: body["required"] for name, body in pages.items()} == dict.fromkeys(
        pages, ["next", "previous", "results"]
    )
    first = as_admin.get("/api/tickets/").json()
    assert set(first) == {"next", "previous", "results"} and first["previous"] is None
