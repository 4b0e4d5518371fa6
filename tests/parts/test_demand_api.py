"""The parts demand API (parts/api/demand_views.py): reservations, parts orders and old-part
returns. Agents and managers work every ticket's parts, a technician their own jobs'; someone
else's row is a 404 like a missing one, a role that may never use the endpoint a 403; denied
requests and bad input change nothing."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from parts.models import PartReturn
from parts.usage import part_use
from tests.api.conftest import client_for, error, field_errors, portal_customer, throttle_counts_per_test  # noqa: F401
from tests.parts.demand_helpers import PartFactory, level, repair_in_progress, snapshot, station, stocked

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def north():
    return station("qd-north")


@pytest.fixture
def pump():
    return PartFactory(number="WM-PUMP-01", name="Drain pump")


@pytest.fixture
def ticket(technician, north):
    return repair_in_progress(technician, north)


def test_reserve_list_and_release(technician, ticket, north, pump, django_assert_num_queries):
    stocked(north, pump, 3)
    client = client_for(technician)

    response = client.post(
        "/api/part-reservations/",
        {"ticket": ticket.reference, "station": "qd-north", "part": "WM-PUMP-01", "quantity": 2},
        format="json",
    )

    assert response.status_code == 201, response.content
    reservation = response.json()
    assert reservation == {
        "id": reservation["id"],
        "ticket": ticket.reference,
        "station": "qd-north",
        "part": {"number": "WM-PUMP-01", "name": "Drain pump"},
        "quantity": 2,
        "status": "reserved",
        "created_at": "2026-03-02T10:00:00+08:00",
        "closed_at": None,
    }
    assert level(north, pump) == (3, 2)
    # token with its user, roles, page of reservations with ticket, station and part joined
    with django_assert_num_queries(2):
        listed = client.get("/api/part-reservations/", {"ticket": ticket.reference}).json()["results"]
    assert [row["id"] for row in listed] == [reservation["id"]]

    released = client.post(f"/api/part-reservations/{reservation['id']}/release/")
    assert (released.status_code, released.json()["status"]) == (200, "released")
    assert level(north, pump) == (3, 0)
    again = client.post(f"/api/part-reservations/{reservation['id']}/release/")
    assert field_errors(again) == {"reservation": ["This reservation was already used or released."]}


def test_not_enough_free_stock_is_a_field_error_and_changes_nothing(agent, ticket, north, pump):
    stocked(north, pump, 1)
    before = snapshot()
    response = client_for(agent).post(
        "/api/part-reservations/",
        {"ticket": ticket.reference, "station": "qd-north", "part": "WM-PUMP-01", "quantity": 2},
        format="json",
    )
    assert field_errors(response) == {"quantity": ["Not enough WM-PUMP-01 in stock at Station qd-north: 1 free."]}
    assert snapshot() == before


def test_bad_input_gets_every_field_error(agent):
    response = client_for(agent).post("/api/part-reservations/", {"quantity": "many"}, format="json")
    assert field_errors(response) == {
        "ticket": ["This field is required."],
        "station": ["This field is required."],
        "part": ["This field is required."],
        "quantity": ["A valid integer is required."],
    }
    response = client_for(agent).post(
        "/api/part-reservations/",
        {"ticket": "AS-2026-999999", "station": "nowhere", "part": "X", "quantity": 1},
        format="json",
    )
    assert field_errors(response) == {
        "ticket": ["Unknown ticket."],
        "station": ["Unknown service station."],
        "part": ["No part has this number."],
    }


def test_order_list_and_cancel(agent, ticket, north, pump):
    client = client_for(agent)
    order = client.post(
        "/api/parts-orders/",
        {"ticket": ticket.reference, "station": "qd-north", "part": "WM-PUMP-01", "quantity": 1, "source": "supplier"},
        format="json",
    ).json()
    assert {key: order[key] for key in ("status", "source", "ordered_at", "waiting_days")} == {
        "status": "ordered",
        "source": "supplier",
        "ordered_at": "2026-03-02T10:00:00+08:00",
        "waiting_days": 0,
    }
    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):
        listed = client.get("/api/parts-orders/", {"ticket": ticket.reference}).json()["results"]
        assert [(row["id"], row["waiting_days"]) for row in listed] == [(order["id"], 3)]
        cancelled = client.post(f"/api/parts-orders/{order['id']}/cancel/").json()
    assert (cancelled["status"], cancelled["waiting_days"]) == ("cancelled", 3)
    response = client.post(f"/api/parts-orders/{order['id']}/receive/")
    assert field_errors(response) == {"order": ["This order was already received or cancelled."]}


def test_someone_elses_rows_are_missing_and_other_roles_are_refused(
    technician, other_technician, department_user, ticket, north, pump
):
    stocked(north, pump, 2)
    client = client_for(technician)
    reservation = client.post(
        "/api/part-reservations/",
        {"ticket": ticket.reference, "station": "qd-north", "part": "WM-PUMP-01", "quantity": 1},
        format="json",
    ).json()
    order = client.post(
        "/api/parts-orders/",
        {"ticket": ticket.reference, "station": "qd-north", "part": "WM-PUMP-01", "quantity": 1, "source": "central"},
        format="json",
    ).json()
    part_use(ticket=ticket, station=north, part=pump, quantity=1, by=technician, under_warranty=True)
    part_return = PartReturn.objects.get()
    before = snapshot()

    other = client_for(other_technician)
    for path in (
        f"/api/part-reservations/{reservation['id']}/release/",
        f"/api/parts-orders/{order['id']}/receive/",
        f"/api/parts-orders/{order['id']}/cancel/",
        f"/api/part-returns/{part_return.pk}/receive/",
    ):
        assert error(other.post(path), 404, "not_found") == "Not found."
    assert error(
        other.post(f"/api/part-returns/{part_return.pk}/ship/", {"tracking": "SF1"}, format="json"), 404, "not_found"
    )
    assert error(other.get(f"/api/part-returns/{part_return.pk}/"), 404, "not_found")
    assert other.get("/api/part-reservations/").json()["results"] == []
    assert other.get("/api/parts-orders/").json()["results"] == []
    assert other.get("/api/part-returns/").json()["results"] == []

    customer = portal_customer("+8613900000009", "Li Na")
    for user in (department_user, customer.user):
        refused = client_for(user)
        assert error(refused.get("/api/part-returns/"), 403, "permission_denied") == "Sign in as service staff."
        assert error(refused.post(f"/api/parts-orders/{order['id']}/cancel/"), 403, "permission_denied")
    assert snapshot() == before


def test_returns_list_filters_and_moves(technician, agent, ticket, north, pump, django_assert_num_queries):
    stocked(north, pump, 2)
    part_use(ticket=ticket, station=north, part=pump, quantity=1, by=technician, under_warranty=True, failed_batch="B7")
    part_use(
        ticket=repair_in_progress(technician, north),
        station=north,
        part=pump,
        quantity=1,
        by=technician,
        under_warranty=True,
    )
    first, second = PartReturn.objects.order_by("id")
    PartReturn.objects.filter(pk=first.pk).update(due_by=NOW - dt.timedelta(days=1))
    client = client_for(agent)

    # token with its user, roles, page of returns with usage, part, station and ticket joined
    with django_assert_num_queries(3):
        rows = client.get("/api/part-returns/").json()["results"]
    assert [(row["rma_number"], row["overdue"]) for row in rows] == [
        (first.rma_number, True),
        (second.rma_number, False),
    ]
    assert rows[0]["failed_batch"] == "B7"
    overdue = client.get("/api/part-returns/", {"overdue": "true"}).json()["results"]
    assert [row["rma_number"] for row in overdue] == [first.rma_number]

    bad = client.post(f"/api/part-returns/{first.pk}/inspect/", {"finding": "confirmed"}, format="json")
    assert field_errors(bad) == {"status": ["This return is to return: it cannot be inspected now."]}
    assert field_errors(client.post(f"/api/part-returns/{first.pk}/ship/", {}, format="json")) == {
        "tracking": ["This field is required."]
    }
    shipped = client.post(f"/api/part-returns/{first.pk}/ship/", {"tracking": "SF1"}, format="json").json()
    assert (shipped["status"], shipped["tracking"], shipped["overdue"]) == ("shipped", "SF1", False)
    client.post(f"/api/part-returns/{first.pk}/receive/")
    inspected = client.post(
        f"/api/part-returns/{first.pk}/inspect/", {"finding": "confirmed", "note": "Cracked."}, format="json"
    ).json()
    assert (inspected["status"], inspected["finding"], inspected["finding_note"]) == (
        "inspected",
        "confirmed",
        "Cracked.",
    )
    assert [
        row["rma_number"] for row in client.get("/api/part-returns/", {"status": "inspected"}).json()["results"]
    ] == [first.rma_number]
