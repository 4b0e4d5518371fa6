"""The parts catalogue and stock API: role and station scope, exact ledger rows, field errors
that write nothing."""

from decimal import Decimal

import pytest

from parts.models import Part, StockLevel, StockMovement, StockTransfer, TransferStatus
from parts.stock import transfer_ship
from tests import factories
from tests.api.conftest import (
    client_for,
    error,
    field_errors,
    throttle_counts_per_test,  # noqa: F401 (autouse fixture)
)
from tests.parts.stock_helpers import PartFactory, station, stocked, technician_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(manager, technician):
    mine, theirs = station("qd", name="Qingdao East"), station("jn", name="Jinan West")
    technician_at(technician, mine)
    pump = PartFactory(number="PUMP-1", name="Drain pump", standard_cost=Decimal("12.50"))
    belt = PartFactory(number="BELT-7", name="Drive belt")
    stocked(mine, pump, 4, manager)
    stocked(theirs, belt, 9, manager)
    return mine, theirs, pump, belt


# --- the catalogue ----------------------------------------------------------------------------


def test_the_catalogue_is_listed_and_searched_by_everyone_who_sees_stock(technician, setup):
    Part.objects.get(number="PUMP-1").fits.add(factories.ProductModelFactory(code="XQG100"))
    api = client_for(technician)
    body = api.get("/api/parts/").json()
    assert [row["number"] for row in body["results"]] == ["BELT-7", "PUMP-1"]
    pump = body["results"][1]
    assert pump == {
        "id": pump["id"],
        "number": "PUMP-1",
        "name": "Drain pump",
        "name_zh": "排水泵",
        "fits": ["XQG100"],
        "is_main_component": False,
        "standard_cost": "12.50",
        "price": "30.00",
        "warranty_days": 90,
        "is_active": True,
    }
    assert [row["number"] for row in api.get("/api/parts/", {"q": "drive"}).json()["results"]] == ["BELT-7"]
    assert [row["number"] for row in api.get("/api/parts/", {"fits": "XQG100"}).json()["results"]] == ["PUMP-1"]
    assert api.get(f"/api/parts/{pump['id']}/").json()["number"] == "PUMP-1"


def test_managers_add_and_change_parts(manager):
    factories.ProductModelFactory(code="XQG100")
    factories.ProductModelFactory(code="XQG200")
    api = client_for(manager)
    response = api.post(
        "/api/parts/",
        {
            "number": "MOTOR-3",
            "name": "Motor",
            "name_zh": "电机",
            "fits": ["XQG100"],
            "is_main_component": True,
            "standard_cost": "310.10",
            "price": "520.00",
            "warranty_days": 365,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    part = Part.objects.get(number="MOTOR-3")
    assert response["Location"] == f"/api/parts/{part.pk}/"
    assert (part.standard_cost, part.is_main_component, part.warranty_days) == (Decimal("310.10"), True, 365)
    response = api.patch(f"/api/parts/{part.pk}/", {"price": "499.00", "fits": ["XQG100", "XQG200"]}, format="json")
    assert response.status_code == 200
    assert response.json()["fits"] == ["XQG100", "XQG200"]
    part.refresh_from_db()
    assert (part.price, part.name) == (Decimal("499.00"), "Motor")


def test_bad_parts_are_field_errors(manager, setup):
    api = client_for(manager)
    assert field_errors(
        api.post("/api/parts/", {"number": "pump-1", "name": "Again", "fits": ["NOPE"]}, format="json")
    ) == {"number": ["Another part has this number."], "fits": ["Unknown model code: NOPE."]}
    assert field_errors(api.post("/api/parts/", {"number": "pump-1", "name": "Again"}, format="json")) == {
        "number": ["Another part has this number."]
    }
    errors = field_errors(api.post("/api/parts/", {"standard_cost": "-1", "price": "abc"}, format="json"))
    assert set(errors) == {"number", "name", "standard_cost", "price"}
    assert Part.objects.count() == 2


def test_only_managers_change_the_catalogue(agent, technician, setup):
    pump = Part.objects.get(number="PUMP-1")
    for user in (agent, technician):
        api = client_for(user)
        error(api.post("/api/parts/", {"number": "X", "name": "X"}, format="json"), 403, "permission_denied")
        error(api.patch(f"/api/parts/{pump.pk}/", {"price": "1.00"}, format="json"), 403, "permission_denied")
    pump.refresh_from_db()
    assert pump.price == Decimal("30.00") and Part.objects.count() == 2


def test_department_users_see_no_parts_or_stock(department_user, setup):
    api = client_for(department_user)
    for url in ("/api/parts/", "/api/stock/levels/", "/api/stock/movements/", "/api/stock/transfers/"):
        error(api.get(url), 403, "permission_denied")


# --- stock ------------------------------------------------------------------------------------


def test_a_technician_lists_only_their_stations_stock(technician, setup, django_assert_num_queries):
    mine, theirs, pump, belt = setup
    api = client_for(technician)
    api.get("/api/stock/levels/")
    with django_assert_num_queries(2):  # token, roles, the page with its joins: no query per row
        body = api.get("/api/stock/levels/").json()
    assert [
        (row["station"]["code"], row["part"]["number"], row["on_hand"], row["free"]) for row in body["results"]
    ] == [("qd", "PUMP-1", 4, 4)]
    other = StockLevel.objects.get(station=theirs, part=belt)
    error(api.get(f"/api/stock/levels/{other.pk}/"), 404, "not_found")
    assert api.get("/api/stock/levels/", {"station": theirs.pk}).json()["results"] == []
    movements = api.get("/api/stock/movements/").json()["results"]
    assert [(row["station"]["code"], row["kind"], row["quantity"]) for row in movements] == [("qd", "receipt", 4)]


def test_an_agent_sees_every_station_and_filters_below_reorder(agent, setup):
    mine, theirs, pump, belt = setup
    StockLevel.objects.filter(part=belt).update(reorder_point=9)
    api = client_for(agent)
    assert len(api.get("/api/stock/levels/").json()["results"]) == 2
    below = api.get("/api/stock/levels/", {"below_reorder": "true"}).json()["results"]
    assert [(row["part"]["number"], row["below_reorder"]) for row in below] == [("BELT-7", True)]
    assert [row["part"]["number"] for row in api.get("/api/stock/levels/", {"q": "pump"}).json()["results"]] == [
        "PUMP-1"
    ]


def test_goods_received_through_the_api(technician, setup):
    mine, _theirs, pump, _belt = setup
    api = client_for(technician)
    response = api.post(
        "/api/stock/receipts/",
        {"station": mine.pk, "part": "PUMP-1", "quantity": 6, "unit_cost": "11.00", "batch": "B9", "reason": "DN-1"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["quantity"], body["on_hand_after"], body["unit_cost"], body["reason"]) == (
        "receipt",
        6,
        10,
        "11.00",
        "DN-1",
    )
    assert StockLevel.objects.get(station=mine, part=pump).on_hand == 10


def test_receiving_into_another_station_is_refused_and_writes_nothing(technician, setup):
    _mine, theirs, _pump, _belt = setup
    api = client_for(technician)
    before = StockMovement.objects.count()
    errors = field_errors(
        api.post("/api/stock/receipts/", {"station": theirs.pk, "part": "BELT-7", "quantity": 1}, format="json")
    )
    assert errors == {"station": ["Unknown station."]}
    errors = field_errors(api.post("/api/stock/receipts/", {"station": "x", "part": "", "quantity": 0}, format="json"))
    assert set(errors) == {"station", "part", "quantity"}
    assert StockMovement.objects.count() == before


def test_a_count_through_the_api_needs_a_reason(technician, setup):
    mine, _theirs, pump, _belt = setup
    api = client_for(technician)
    errors = field_errors(
        api.post(
            "/api/stock/counts/", {"station": mine.pk, "part": "PUMP-1", "counted": 2, "reason": ""}, format="json"
        )
    )
    assert errors == {"reason": ["Say why the stock differs (a count needs a reason)."]}
    assert StockLevel.objects.get(station=mine, part=pump).on_hand == 4
    response = api.post(
        "/api/stock/counts/", {"station": mine.pk, "part": "PUMP-1", "counted": 2, "reason": "broken"}, format="json"
    )
    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["quantity"], response.json()["on_hand_after"]) == ("count", -2, 2)


def test_a_transfer_through_the_api(technician, other_technician, setup):
    mine, theirs, pump, _belt = setup
    technician_at(other_technician, theirs)
    api = client_for(technician)
    errors = field_errors(
        api.post(
            "/api/stock/transfers/",
            {"station": mine.pk, "to_station": theirs.pk, "part": "PUMP-1", "quantity": 5},
            format="json",
        )
    )
    assert errors == {"quantity": ["Not enough PUMP-1 in stock at Qingdao East: 4 free."]}
    response = api.post(
        "/api/stock/transfers/",
        {"station": mine.pk, "to_station": theirs.pk, "part": "PUMP-1", "quantity": 3},
        format="json",
    )
    assert response.status_code == 201, response.content
    transfer = response.json()
    assert (transfer["status"], transfer["quantity"], transfer["to_station"]["code"]) == ("in_transit", 3, "jn")
    # The sender cannot receive it.
    assert field_errors(api.post(f"/api/stock/transfers/{transfer['id']}/receive/")) == {
        "transfer": ["Only the receiving station can receive this transfer."]
    }
    response = client_for(other_technician).post(f"/api/stock/transfers/{transfer['id']}/receive/")
    assert response.status_code == 200
    assert response.json()["status"] == "received"
    assert StockLevel.objects.get(station=theirs, part=pump).on_hand == 3
    assert StockLevel.objects.get(station=mine, part=pump).on_hand == 1


def test_another_stations_transfer_is_a_404_and_stays_in_transit(manager, technician, setup):
    _mine, theirs, _pump, belt = setup
    transfer = transfer_ship(from_station=theirs, to_station=station("yt"), part=belt, quantity=2, by=manager)
    api = client_for(technician)
    error(api.get(f"/api/stock/transfers/{transfer.pk}/"), 404, "not_found")
    error(api.post(f"/api/stock/transfers/{transfer.pk}/receive/"), 404, "not_found")
    error(api.post(f"/api/stock/transfers/{transfer.pk}/cancel/", {"reason": "x"}, format="json"), 404, "not_found")
    assert api.get("/api/stock/transfers/").json()["results"] == []
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.IN_TRANSIT


def test_a_transfer_is_cancelled_with_a_reason(manager, setup):
    mine, theirs, pump, _belt = setup
    transfer = transfer_ship(from_station=mine, to_station=theirs, part=pump, quantity=2, by=manager)
    api = client_for(manager)
    assert field_errors(api.post(f"/api/stock/transfers/{transfer.pk}/cancel/", {}, format="json")) == {
        "reason": ["This field is required."]
    }
    response = api.post(f"/api/stock/transfers/{transfer.pk}/cancel/", {"reason": "wrong part"}, format="json")
    assert response.json()["status"] == "cancelled"
    assert StockLevel.objects.get(station=mine, part=pump).on_hand == 4
    assert StockTransfer.objects.get().status == TransferStatus.CANCELLED


def test_movements_filter_by_kind_and_ticket(agent, technician, setup):
    from parts.usage import part_use

    mine, _theirs, pump, _belt = setup
    ticket = factories.TicketFactory(reference="AS-2026-000777")
    part_use(ticket=ticket, station=mine, part=pump, quantity=1, by=technician, under_warranty=False)
    api = client_for(agent)
    rows = api.get("/api/stock/movements/", {"ticket": "AS-2026-000777"}).json()["results"]
    assert [(row["kind"], row["quantity"], row["ticket"], row["on_hand_after"]) for row in rows] == [
        ("consume", -1, "AS-2026-000777", 3)
    ]
    assert len(api.get("/api/stock/movements/", {"kind": "receipt"}).json()["results"]) == 2
    assert set(field_errors(api.get("/api/stock/movements/", {"kind": "nope"}))) == {"kind"}


@pytest.mark.parametrize(
    "url",
    [
        "/api/stock/transfers/99999999999999999999999/",
        "/api/stock/levels/99999999999999999999999/",
        "/api/parts/99999999999999999999999/",
    ],
)
def test_an_id_too_large_for_the_database_is_a_404(agent, url):
    error(client_for(agent).get(url), 404, "not_found")


def test_a_station_too_large_for_the_database_is_a_field_error(agent):
    api = client_for(agent)
    big = "99999999999999999999999"
    assert set(field_errors(api.get("/api/stock/levels/", {"station": big}))) == {"station"}
    assert set(
        field_errors(api.post("/api/stock/receipts/", {"station": big, "part": "X", "quantity": 1}, format="json"))
    ) == {"station"}


# --- every object endpoint, called about another station's object ---------------------------------

OBJECT_ENDPOINTS = [
    ("get", "/api/parts/{part}/", None),
    ("patch", "/api/parts/{part}/", {"price": "1.00"}),
    ("get", "/api/stock/levels/{level}/", None),
    ("get", "/api/stock/transfers/{transfer}/", None),
    ("post", "/api/stock/transfers/{transfer}/receive/", None),
    ("post", "/api/stock/transfers/{transfer}/cancel/", {"reason": "lost"}),
]
NOT_FOR_CUSTOMERS = "Only agents, technicians, managers and administrators may use this endpoint."


def parts_tables() -> dict:
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Part, StockLevel, StockMovement, StockTransfer)
    }


@pytest.mark.parametrize(("method", "path", "body"), OBJECT_ENDPOINTS)
def test_another_stations_object_is_answered_like_a_missing_one_and_nothing_changes(
    manager, technician, department_user, method, path, body
):
    from tests.api.conftest import portal_customer

    theirs, elsewhere = station("jn"), station("yt")
    technician_at(technician, station("qd"))
    part = PartFactory(number="BELT-7")
    stocked(theirs, part, 5, manager)
    transfer = transfer_ship(from_station=theirs, to_station=elsewhere, part=part, quantity=1, by=manager)
    ids = {"part": part.pk, "level": StockLevel.objects.get(station=theirs).pk, "transfer": transfer.pk}
    missing = {name: 999999 for name in ids}
    customer = portal_customer("+8613900000001", "Li Na")
    before = parts_tables()

    def call(user, keys):
        api = client_for(user)
        return getattr(api, method)(path.format(**keys), body, format="json")

    if "/parts/" not in path:  # the catalogue is shared; stock is the station's own
        assert (
            call(technician, ids).json()
            == call(technician, missing).json()
            == {
                "detail": "Not found.",
                "code": "not_found",
            }
        )
    else:
        expected = 200 if method == "get" else 403
        assert call(technician, ids).status_code == expected
    for outsider in (customer.user, department_user):
        assert error(call(outsider, ids), 403, "permission_denied") == NOT_FOR_CUSTOMERS
    assert parts_tables() == before
