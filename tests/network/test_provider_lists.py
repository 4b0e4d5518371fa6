"""Provider B's lists hold none of provider A's work; headquarters' lists hold A's and B's; the
pickers offer B's staff only B's people and stations; a provider's intake lands with the provider
(docs/network.md#who-sees-what)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

from customers.models import Customer
from tests.api.conftest import client_for
from tests.network.provider_world import A_CUSTOMER, build_network
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

User = get_user_model()

# Each list endpoint, and the key of A's object its rows carry (the ticket's reference, else the id).
API_LISTS = {
    "/api/tickets/": ("reference", "ticket"),
    "/api/customers/": ("id", "customer"),
    "/api/units/": ("id", "unit"),
    "/api/claims/": ("id", "claim"),
    "/api/callbacks/": ("id", "callback"),
    "/api/feedback/": ("id", "item"),
    "/api/stock/levels/": ("id", "stock_level"),
    "/api/stock/movements/": ("id", "movement"),
    "/api/stock/transfers/": ("id", "transfer"),
    "/api/part-reservations/": ("id", "reservation"),
    "/api/parts-orders/": ("id", "order"),
    "/api/part-returns/": ("id", "part_return"),
    "/api/visits/": ("id", "visit"),
    "/api/technicians/": ("id", "profile"),
    "/api/service-reports/": ("id", "report"),
}
DESK_LISTS = (
    "/desk/",
    "/desk/callbacks/",
    "/feedback/",
    "/desk/parts/",
    "/desk/parts/transfers/",
    "/desk/parts/returns/",
    "/desk/field/today/",
)


@pytest.fixture(scope="module")
def network(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        keys = build_network()
        api = {name: client_for(User.objects.get(pk=pk)) for name, pk in keys.users.items()}
        yield keys, api
        transaction.set_rollback(True)


def _browser(network, name: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(pk=network[0].users[name]))
    return client


def _keys(response, field: str) -> set:
    assert response.status_code == 200, response.content
    body = response.json()
    return {row[field] for row in (body["results"] if isinstance(body, dict) else body)}


@pytest.mark.parametrize("path", API_LISTS)
@pytest.mark.parametrize("caller", ["b_agent", "b_manager"])
def test_a_providers_api_lists_hold_none_of_another_providers_work(network, path, caller):
    keys, api = network
    field, name = API_LISTS[path]
    response = api[caller].get(path)
    if response.status_code == 403:  # the role may not list these at all
        return
    assert keys.ids[name] not in _keys(response, field)


@pytest.mark.parametrize("path", API_LISTS)
def test_headquarters_lists_hold_the_providers_work(network, path):
    keys, api = network
    field, name = API_LISTS[path]
    assert keys.ids[name] in _keys(api["hq_manager"].get(path), field)


def test_b_sees_its_own_ticket_and_headquarters_sees_both(network):
    keys, api = network
    assert _keys(api["b_agent"].get("/api/tickets/"), "reference") == {keys.ids["b_ticket"]}
    assert {keys.ids["ticket"], keys.ids["b_ticket"]} <= _keys(api["hq_manager"].get("/api/tickets/"), "reference")


@pytest.mark.parametrize("path", DESK_LISTS)
@pytest.mark.parametrize("caller", ["b_agent", "b_technician", "b_manager"])
def test_a_providers_desk_lists_name_none_of_another_providers_work(network, path, caller):
    keys, _api = network
    response = _browser(network, caller).get(path)
    assert response.status_code in (200, 403)
    assert A_CUSTOMER.encode() not in response.content
    assert keys.ids["ticket"].encode() not in response.content
    assert b"Alpha Qingdao" not in response.content


def test_headquarters_queue_lists_both_providers_work(network):
    keys, _api = network
    content = _browser(network, "hq_manager").get("/desk/").content
    assert keys.ids["ticket"].encode() in content
    assert keys.ids["b_ticket"].encode() in content


def test_the_pickers_offer_a_provider_only_its_own_people_and_stations(network):
    keys, _api = network
    page = _browser(network, "b_agent").get(f"/desk/tickets/{keys.ids['b_ticket']}/").content.decode()
    assert "Beta Fixer" in page and "Beta Jinan" in page
    assert "Alpha" not in page
    hq_page = _browser(network, "hq_manager").get(f"/desk/tickets/{keys.ids['b_ticket']}/").content.decode()
    assert "Alpha Fixer" in hq_page and "Alpha Qingdao" in hq_page


def test_a_provider_cannot_give_its_ticket_to_another_providers_technician(network):
    keys, api = network
    b_ticket = Ticket.objects.get(reference=keys.ids["b_ticket"])
    response = api["b_agent"].post(
        f"/api/tickets/{b_ticket.reference}/assign/",
        {"assignee": keys.users["a_technician"], "expected_version": b_ticket.version},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"assignee"}
    assert Ticket.objects.get(pk=b_ticket.pk).assignee_id is None


def test_a_providers_intake_is_its_own_work_and_one_phone_stays_one_customer(network):
    """B's agent logs a call from A's customer, whom B has never served: the ticket is B's, at B's
    station, and it is the customer on file, not a second one."""
    keys, _api = network
    customers = Customer.objects.count()
    response = _browser(network, "b_agent").post(
        "/desk/tickets/new/",
        {
            "phone": "+8613900000101",
            "customer_name": "Someone Else",
            "kind": "repair",
            "channel": "phone",
            "priority": "normal",
            "description": "Makes a noise.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket = Ticket.objects.get(description="Makes a noise.")
    assert (ticket.provider_id, ticket.station.code) == (keys.ids["provider_b"], "b-1")
    assert ticket.customer_id == keys.ids["customer"]
    assert ticket.provider_accepted_at == ticket.created_at
    assert Customer.objects.count() == customers
    assert Customer.objects.get(pk=keys.ids["customer"]).name == A_CUSTOMER


def test_headquarters_intake_stays_with_headquarters(network):
    keys, api = network
    response = api["hq_manager"].post(
        "/api/tickets/",
        {"customer": keys.ids["customer"], "kind": "repair", "channel": "phone", "description": "Hums."},
        format="json",
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(description="Hums.")
    assert (ticket.provider_id, ticket.station_id, ticket.provider_accepted_at) == (None, None, None)


def test_recalls_and_webhooks_are_headquarters_only(network):
    _keys_, api = network
    assert _browser(network, "b_manager").get("/dashboard/recalls/").status_code == 403
    assert _browser(network, "hq_manager").get("/dashboard/recalls/").status_code == 200
    refused = api["b_manager"].get("/api/webhooks/")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Only headquarters staff may use this endpoint.", "code": "permission_denied"}
    assert api["hq_manager"].get("/api/webhooks/").status_code == 200
