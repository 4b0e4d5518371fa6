"""The booking API: free slots, visits (scoped; book, move, cancel), technician profiles and
dispatch suggestions, with field errors for bad input and nothing changed when refused."""

import datetime as dt

import pytest
import time_machine

from fieldwork.booking.services import visit_book
from fieldwork.models import TechnicianProfile, Visit, VisitStatus
from tests import factories
from tests.api.conftest import client_for, error, field_errors
from tests.fieldwork.booking_helpers import MONDAY, NOW, at, field_station, repair_ticket, technician_at

pytestmark = pytest.mark.django_db
TUESDAY = MONDAY + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def station():
    return field_station()


@pytest.fixture
def wang(station):
    return technician_at(station, user=factories.UserFactory(roles=["technician"], first_name="Wang", last_name="Lei"))


@pytest.fixture
def li(station):
    return technician_at(station, user=factories.UserFactory(roles=["technician"], first_name="Li", last_name="Na"))


def slots_url(station, **params):
    query = "&".join(f"{key}={value}" for key, value in {"station": station.pk, **params}.items())
    return f"/api/slots/?{query}"


def test_free_slots_of_a_station(agent, station, wang, li, django_assert_num_queries):
    client = client_for(agent)
    client.get("/api/slots/?station=0")  # the token is warm
    with django_assert_num_queries(7):
        response = client.get(slots_url(station, date_from="2026-03-03", date_to="2026-03-03"))
    assert response.status_code == 200
    assert [(row["start"], row["technician"]["name"], row["free"]) for row in response.json()] == [
        ("2026-03-03T09:00:00+08:00", "Li Na", 1),
        ("2026-03-03T09:00:00+08:00", "Wang Lei", 1),
        ("2026-03-03T13:00:00+08:00", "Li Na", 1),
        ("2026-03-03T13:00:00+08:00", "Wang Lei", 1),
    ]


def test_a_technician_gets_only_their_own_slots(station, wang, li):
    response = client_for(wang.user).get(
        slots_url(station, date_from="2026-03-03", date_to="2026-03-03", technician=li.user.pk)
    )
    assert {row["technician"]["id"] for row in response.json()} == {wang.user.pk}


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"date_from": "2026-03-03"}, {"date_to": ["This field is required."]}),
        (
            {"date_from": "2026-03-05", "date_to": "2026-03-03"},
            {"date_to": ["The last day cannot be before the first."]},
        ),
        ({"date_from": "2026-03-01", "date_to": "2026-05-01"}, {"date_to": ["Search at most 31 days at once."]}),
        (
            {"date_from": "soon", "date_to": "2026-03-03"},
            {"date_from": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
    ],
)
def test_a_bad_slot_search_gets_field_errors(agent, station, params, errors):
    assert field_errors(client_for(agent).get(slots_url(station, **params))) == errors


def test_booking_moving_and_cancelling_through_the_api(agent, station, wang):
    client = client_for(agent)
    ticket = repair_ticket()
    body = {
        "ticket": ticket.reference,
        "technician": wang.user.pk,
        "station": station.pk,
        "start": "2026-03-03T09:00:00+08:00",
    }

    response = client.post("/api/visits/", body, format="json")

    assert response.status_code == 201, response.content
    visit = response.json()
    assert (visit["ticket"], visit["status"], visit["start"], visit["technician"]["name"]) == (
        ticket.reference,
        "booked",
        "2026-03-03T09:00:00+08:00",
        "Wang Lei",
    )
    assert "token" not in visit
    assert field_errors(client.post("/api/visits/", body | {"ticket": repair_ticket().reference}, format="json")) == {
        "start": ["This slot is full. Choose another slot or technician."]
    }
    moved = client.post(f"/api/visits/{visit['id']}/move/", {"start": "2026-03-03T13:00:00+08:00"}, format="json")
    assert moved.status_code == 200 and moved.json()["start"] == "2026-03-03T13:00:00+08:00"
    assert field_errors(client.post(f"/api/visits/{visit['id']}/cancel/", {}, format="json")) == {
        "reason": ["This field is required."]
    }
    cancelled = client.post(f"/api/visits/{visit['id']}/cancel/", {"reason": "Fixed by phone"}, format="json")
    assert cancelled.json()["status"] == "cancelled"
    assert Visit.objects.filter(status=VisitStatus.CANCELLED).count() == 1


def test_a_late_booking_without_a_reason_and_an_unknown_ticket_get_field_errors(agent, station, wang):
    client = client_for(agent)
    ticket = repair_ticket(station=station, arrival_due=at(TUESDAY, 10))
    body = {
        "ticket": ticket.reference,
        "technician": wang.user.pk,
        "station": station.pk,
        "start": "2026-03-03T13:00:00+08:00",
    }
    assert field_errors(client.post("/api/visits/", body, format="json")) == {
        "late_reason": ["This visit starts after the arrival deadline: give the reason for booking it late."]
    }
    assert field_errors(client.post("/api/visits/", body | {"ticket": "AS-0000-000000"}, format="json")) == {
        "ticket": ["No ticket has this reference."]
    }
    assert not Visit.objects.exists()


def test_technicians_see_their_own_visits_and_cannot_book(agent, station, wang, li):
    mine = visit_book(
        ticket=repair_ticket(), technician=wang.user, station=station, start=at(TUESDAY, 9), by=agent, now=NOW
    )
    theirs = visit_book(
        ticket=repair_ticket(), technician=li.user, station=station, start=at(TUESDAY, 9), by=agent, now=NOW
    )
    client = client_for(wang.user)

    assert [row["id"] for row in client.get("/api/visits/").json()["results"]] == [mine.pk]
    assert client.get(f"/api/visits/{theirs.pk}/").status_code == 404
    assert [row["id"] for row in client_for(agent).get("/api/visits/").json()["results"]] == [mine.pk, theirs.pk]
    body = {
        "ticket": mine.ticket.reference,
        "technician": wang.user.pk,
        "station": station.pk,
        "start": "2026-03-03T13:00:00+08:00",
    }
    error(client.post("/api/visits/", body, format="json"), 403, "permission_denied")
    error(
        client.post(f"/api/visits/{mine.pk}/move/", {"start": "2026-03-03T13:00:00+08:00"}, format="json"),
        403,
        "permission_denied",
    )
    assert Visit.objects.get(pk=mine.pk).start == at(TUESDAY, 9)


def test_technician_profiles_are_read_by_staff_and_written_by_managers(agent, manager, station, wang):
    other = field_station(region="Jinan")
    category = factories.ProductCategoryFactory()
    [row] = client_for(agent).get("/api/technicians/").json()
    assert (row["name"], row["stations"], row["visits_per_slot"]) == ("Wang Lei", [station.pk], 1)

    error(
        client_for(agent).patch(f"/api/technicians/{wang.pk}/", {"visits_per_slot": 3}, format="json"),
        403,
        "permission_denied",
    )
    changed = client_for(manager).patch(
        f"/api/technicians/{wang.pk}/",
        {"visits_per_slot": 3, "stations": [station.pk, other.pk], "categories": [category.pk], "brands": ["Haier"]},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    wang.refresh_from_db()
    assert (wang.visits_per_slot, set(wang.stations.all()), list(wang.categories.all()), wang.brands) == (
        3,
        {station, other},
        [category],
        ["Haier"],
    )
    assert field_errors(
        client_for(manager).patch(f"/api/technicians/{wang.pk}/", {"visits_per_slot": 0, "stations": []}, format="json")
    ) == {
        "visits_per_slot": ["Ensure this value is greater than or equal to 1."],
        "stations": ["Give at least one service station."],
    }
    newcomer = factories.UserFactory(roles=["technician"])
    created = client_for(manager).post(
        "/api/technicians/", {"user": newcomer.pk, "stations": [other.pk]}, format="json"
    )
    assert created.status_code == 201, created.content
    assert TechnicianProfile.objects.get(user=newcomer).visits_per_slot == 1


def test_dispatch_suggestions_of_a_ticket(agent, technician, station, wang):
    ticket = repair_ticket(customer=factories.CustomerFactory(region="Qingdao"))
    answer = client_for(agent).get(f"/api/tickets/{ticket.reference}/dispatch-suggestions/").json()
    assert answer["reference"] == ticket.reference
    [suggestion] = answer["suggestions"]
    assert (suggestion["rank"], suggestion["technician"]["id"], suggestion["in_region"]) == (1, wang.user.pk, True)
    assert suggestion["slots"][0]["start"] == "2026-03-02T09:00:00+08:00"
    error(
        client_for(technician).get(f"/api/tickets/{ticket.reference}/dispatch-suggestions/"), 403, "permission_denied"
    )
    assert client_for(agent).get("/api/tickets/AS-0000-000000/dispatch-suggestions/").status_code == 404
