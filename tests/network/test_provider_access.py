"""Provider B's staff against provider A's work (docs/network.md#who-sees-what): every object
endpoint of the API and every desk and admin page with an object in its URL, called by B's agent,
technician and manager with A's object and with one that does not exist. The two answers are the
same, and no row of any table changes. Headquarters reads A's objects through the same URLs.

The world (tests/network/provider_world.py) is built once for the module; every test runs in a
savepoint rolled back after it.
"""

import re
import string
from dataclasses import dataclass
from urllib.parse import unquote

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from tests.api.conftest import client_for
from tests.network.provider_world import MISSING_ID, MISSING_REFERENCE, build_network, snapshot

pytestmark = pytest.mark.django_db

User = get_user_model()

B_STAFF = ("b_agent", "b_technician", "b_manager")
REFERENCES = {"ticket", "done"}


@pytest.fixture(scope="module")
def network(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        keys = build_network()
        api = {name: client_for(User.objects.get(pk=pk)) for name, pk in keys.users.items()}
        yield keys, api
        transaction.set_rollback(True)


@pytest.fixture
def api(network) -> dict[str, APIClient]:
    return network[1]


@pytest.fixture
def ids(network) -> dict[str, object]:
    return network[0].ids


@pytest.fixture
def pages(network) -> dict[str, Client]:
    """A signed-in browser for each caller."""
    clients = {}
    for name, pk in network[0].users.items():
        clients[name] = Client()
        clients[name].force_login(User.objects.get(pk=pk))
    return clients


@dataclass(frozen=True)
class Row:
    method: str
    path: str

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def keys(self) -> list[str]:
        return [name for _text, name, _spec, _conv in string.Formatter().parse(self.path) if name]

    def url(self, ids: dict, *, missing: bool = False) -> str:
        values = {}
        for key in self.keys():
            if missing:
                values[key] = MISSING_REFERENCE if key in REFERENCES else MISSING_ID
            else:
                values[key] = ids[key]
        return self.path.format(**values)


def rows(method: str, *paths: str) -> list[Row]:
    return [Row(method, path) for path in paths]


API = [
    *rows(
        "get",
        "/api/tickets/{ticket}/",
        "/api/tickets/{ticket}/timeline/",
        "/api/tickets/{ticket}/dispatch-suggestions/",
        "/api/customers/{customer}/",
        "/api/units/{unit}/",
        "/api/claims/{claim}/",
        "/api/callbacks/{callback}/",
        "/api/feedback/{item}/",
        "/api/stock/levels/{stock_level}/",
        "/api/stock/transfers/{transfer}/",
        "/api/part-returns/{part_return}/",
        "/api/visits/{visit}/",
        "/api/technicians/{profile}/",
        "/api/field/jobs/{job}/",
        "/api/service-reports/{report}/",
        "/api/service-reports/{report}/pdf/",
    ),
    *rows(
        "post",
        "/api/tickets/{ticket}/transition/",
        "/api/tickets/{ticket}/assign/",
        "/api/tickets/{ticket}/offer/",
        "/api/tickets/{ticket}/accept/",
        "/api/tickets/{ticket}/return/",
        "/api/tickets/{ticket}/resolution/",
        "/api/tickets/{ticket}/notes/",
        "/api/claims/{claim}/choose/",
        "/api/claims/{claim}/goodwill/",
        "/api/claims/{claim}/execute/",
        "/api/callbacks/{callback}/attempts/",
        "/api/feedback/{item}/acknowledge/",
        "/api/feedback/{item}/answer/",
        "/api/stock/transfers/{transfer}/receive/",
        "/api/stock/transfers/{transfer}/cancel/",
        "/api/part-reservations/{reservation}/release/",
        "/api/parts-orders/{order}/receive/",
        "/api/parts-orders/{order}/cancel/",
        "/api/part-returns/{part_return}/ship/",
        "/api/part-returns/{part_return}/receive/",
        "/api/part-returns/{part_return}/inspect/",
        "/api/visits/{visit}/move/",
        "/api/visits/{visit}/cancel/",
        "/api/field/jobs/{job}/check-in/",
        "/api/field/jobs/{job}/record/",
        "/api/field/jobs/{job}/photos/",
        "/api/field/jobs/{job}/parts/",
        "/api/field/jobs/{job}/signature/",
        "/api/field/jobs/{job}/check-out/",
    ),
    *rows(
        "patch",
        "/api/customers/{customer}/",
        "/api/units/{unit}/",
        "/api/technicians/{profile}/",
        "/api/stock/levels/{stock_level}/",
    ),
]

PAGES = [
    *rows(
        "get",
        "/desk/tickets/{ticket}/",
        "/desk/customers/{customer}/",
        "/desk/customers/{customer}/messages/",
        "/desk/tickets/{ticket}/claims/new/",
        "/desk/tickets/{ticket}/claims/{claim}/",
        "/desk/tickets/{ticket}/warranty-record/",
        "/desk/parts/stations/{station}/parts/{part}/",
        "/desk/callbacks/{callback}/",
        "/feedback/{item}/",
        "/desk/field/jobs/{job}/",
        "/desk/field/jobs/{job}/parts/",
        "/desk/field/tickets/{ticket}/dispatch/",
        "/desk/field/tickets/{ticket}/visits/",
        "/desk/field/reports/{report}/",
    ),
    *rows(
        "post",
        "/desk/tickets/{ticket}/move/",
        "/desk/tickets/{ticket}/assign/",
        "/desk/tickets/{ticket}/note/",
        "/desk/tickets/{ticket}/resolution/",
        "/desk/tickets/{ticket}/contact/",
        "/desk/customers/{customer}/messages/",
        "/desk/tickets/{ticket}/claims/new/",
        "/desk/tickets/{ticket}/claims/{claim}/choose/",
        "/desk/tickets/{ticket}/claims/{claim}/goodwill/",
        "/desk/tickets/{ticket}/claims/{claim}/execute/",
        "/desk/parts/transfers/{transfer}/receive/",
        "/desk/parts/transfers/{transfer}/cancel/",
        "/desk/parts/returns/{part_return}/ship/",
        "/desk/parts/returns/{part_return}/receive/",
        "/desk/parts/returns/{part_return}/inspect/",
        "/desk/parts/tickets/{ticket}/reserve/",
        "/desk/parts/tickets/{ticket}/order/",
        "/desk/parts/tickets/{ticket}/orders/{order}/receive/",
        "/desk/parts/tickets/{ticket}/orders/{order}/cancel/",
        "/desk/parts/tickets/{ticket}/reservations/{reservation}/release/",
        "/desk/callbacks/{callback}/attempt/",
        "/feedback/{item}/acknowledge/",
        "/feedback/{item}/answer/",
        "/desk/field/jobs/{job}/signature/",
        "/desk/field/jobs/{job}/check-in/",
        "/desk/field/jobs/{job}/check-out/",
        "/desk/field/visits/{visit}/move/",
        "/desk/field/visits/{visit}/cancel/",
    ),
]

ADMIN = rows(
    "get",
    "/admin/tickets/ticket/{ticket_pk}/change/",
    "/admin/tickets/servicestation/{station}/change/",
    "/admin/customers/customer/{customer}/change/",
    "/admin/customers/productunit/{unit}/change/",
    "/admin/network/serviceprovider/{provider_a}/change/",
    "/admin/parts/stocklevel/{stock_level}/change/",
    "/admin/parts/stocktransfer/{transfer}/change/",
    "/admin/fieldwork/technicianprofile/{profile}/change/",
)


def _answer(response) -> tuple[int, bytes, str | None]:
    return response.status_code, response.content, response.headers.get("Location")


def _location(response, url: str) -> str | None:
    """Where a refusal sends the caller (the sign-in page, back to the URL asked), the URL left out."""
    location = response.headers.get("Location")
    return None if location is None else unquote(location).replace(url, "")


def _page(content: bytes, url: str) -> bytes:
    """A page without what differs on every render (the scripts' nonce, the form's CSRF token) or
    names the URL asked."""
    content = re.sub(rb'nonce="[^"]*"', b"", content)
    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)
    return content.replace(url.encode(), b"")


@pytest.mark.parametrize("row", API, ids=str)
@pytest.mark.parametrize("caller", B_STAFF)
def test_the_api_answers_for_another_providers_object_as_for_a_missing_one(api, ids, row, caller):
    client = api[caller]
    before = snapshot()

    theirs = getattr(client, row.method)(row.url(ids), {}, format="json")
    nobodys = getattr(client, row.method)(row.url(ids, missing=True), {}, format="json")

    assert theirs.status_code in (403, 404, 405), theirs.content
    assert _answer(theirs) == _answer(nobodys)
    assert snapshot() == before


# The technician's job endpoints answer the visit's own technician only, headquarters or not.
@pytest.mark.parametrize("row", [row for row in API if row.method == "get" and "/field/" not in row.path], ids=str)
def test_headquarters_reads_the_providers_objects(api, ids, row):
    assert api["hq_manager"].get(row.url(ids)).status_code == 200


@pytest.mark.parametrize("row", PAGES + ADMIN, ids=str)
@pytest.mark.parametrize("caller", B_STAFF)
def test_a_page_answers_for_another_providers_object_as_for_a_missing_one(pages, ids, row, caller):
    client = pages[caller]
    before = snapshot()

    theirs = getattr(client, row.method)(row.url(ids), {})
    nobodys = getattr(client, row.method)(row.url(ids, missing=True), {})

    assert theirs.status_code in (302, 403, 404, 405), theirs.content[:300]
    assert theirs.status_code == nobodys.status_code
    assert _location(theirs, row.url(ids)) == _location(nobodys, row.url(ids, missing=True))
    assert _page(theirs.content, row.url(ids)) == _page(nobodys.content, row.url(ids, missing=True))
    assert snapshot() == before


@pytest.mark.parametrize(
    "row",
    [
        *rows(
            "get",
            "/desk/tickets/{ticket}/",
            "/desk/customers/{customer}/",
            "/desk/tickets/{ticket}/claims/{claim}/",
            "/desk/callbacks/{callback}/",
            "/feedback/{item}/",
            "/desk/field/reports/{report}/",
        ),
        *ADMIN,
    ],
    ids=str,
)
def test_headquarters_opens_the_providers_pages(pages, ids, row):
    assert pages["hq_manager"].get(row.url(ids)).status_code == 200


def test_the_admin_is_closed_to_a_provider_whatever_their_staff_flag(pages):
    response = pages["b_manager"].get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login/?next=/admin/"
