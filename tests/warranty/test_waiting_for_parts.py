"""The days a repair waited for parts come from its parts orders into the three-guarantees claim:
the claim's ``waiting_days`` and, past the 90-day (phones: 60-day) no-parts limit, the
replacement the statute owes. Orders and claims are made through the API, the clock held still
(time-machine); the days are counted here by hand."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from customers.models import ProductCategory
from parts.models import PartsOrder
from tests.api.conftest import client_for, field_errors, throttle_counts_per_test  # noqa: F401 - autouse fixture
from tests.factories import ProductModelFactory, ProductUnitFactory, TicketFactory
from tests.parts.demand_helpers import PartFactory, station
from tickets.choices import Status
from warranty.models import WarrantyClaim

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
BOUGHT = dt.date(2026, 1, 5)
ORDERED = dt.datetime(2026, 1, 10, 10, 0, tzinfo=SHANGHAI)
NO_PARTS = (
    "Your repair has been waiting %(days)d days for spare parts from the maker, longer than the %(limit)d days "
    "allowed, so the seller replaces the product with the same model."
)


def repair(category: str, technician):
    model = ProductModelFactory(code=f"M-{category}", category=ProductCategory.objects.get(code=category))
    unit = ProductUnitFactory(model=model, invoice_date=BOUGHT, has_invoice=True)
    north = station()
    ticket = TicketFactory(
        customer=unit.owner, unit=unit, status=Status.IN_PROGRESS, assignee=technician, station=north
    )
    return ticket, north


def order_through_the_api(technician, ticket, north) -> dict:
    PartFactory(number="MAINBOARD-7")
    with time_machine.travel(ORDERED, tick=False):
        response = client_for(technician).post(
            "/api/parts-orders/",
            {
                "ticket": ticket.reference,
                "station": north.code,
                "part": "mainboard-7",
                "quantity": 1,
                "source": "central",
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    return response.json()


def claim_on(day: dt.date, agent, ticket) -> dict:
    with time_machine.travel(dt.datetime.combine(day, dt.time(11, 0), tzinfo=SHANGHAI), tick=False):
        response = client_for(agent).post("/api/claims/", {"ticket": ticket.reference}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.parametrize(
    ("category", "claim_day", "waited", "rule", "remedies"),
    [
        # 10 January to 11 March 2026: 21 + 28 + 11 = 60 days, not more than a phone's 60.
        pytest.param(
            "mobile_phone", dt.date(2026, 3, 11), 60, "general.repair_in_period", ["repair_free"], id="phone 60"
        ),
        # One day more: over the limit, the seller replaces.
        pytest.param("mobile_phone", dt.date(2026, 3, 12), 61, "general.no_parts_limit", ["replace"], id="phone 61"),
        # Other goods wait up to 90 days: 10 January to 10 April is 21 + 28 + 31 + 10 = 90.
        pytest.param(
            "washing_machine", dt.date(2026, 4, 10), 90, "general.repair_in_period", ["repair_free"], id="washer 90"
        ),
        pytest.param(
            "washing_machine", dt.date(2026, 4, 11), 91, "general.no_parts_limit", ["replace"], id="washer 91"
        ),
    ],
)
def test_the_no_parts_limit_decides_from_the_real_orders(
    technician, agent, category, claim_day, waited, rule, remedies
):
    ticket, north = repair(category, technician)
    order = order_through_the_api(technician, ticket, north)
    assert order["status"] == "ordered"
    ticket.refresh_from_db()
    assert ticket.status == Status.ON_HOLD

    claim = claim_on(claim_day, agent, ticket)

    assert (claim["rule"], claim["remedies"], claim["free"]) == (rule, remedies, True)
    stored = WarrantyClaim.objects.get(pk=claim["id"])
    assert stored.facts["waiting_days"] == waited
    assert stored.prefilled["waiting_days"] == waited
    assert stored.facts["open_repair"] == {"days_open": waited, "cause": "no_parts"}
    if rule == "general.no_parts_limit":
        limit = 60 if category == "mobile_phone" else 90
        assert claim["reasons"] == [NO_PARTS % {"days": waited, "limit": limit}]


def test_parts_received_stop_the_count_and_the_agent_cannot_type_another(technician, agent):
    ticket, north = repair("mobile_phone", technician)
    order = order_through_the_api(technician, ticket, north)
    # Received on 20 February: 10 January to 20 February is 21 + 20 = 41 days.
    with time_machine.travel(dt.datetime(2026, 2, 20, 16, 0, tzinfo=SHANGHAI), tick=False):
        response = client_for(technician).post(f"/api/parts-orders/{order['id']}/receive/")
    assert response.status_code == 200, response.content
    assert response.json()["waiting_days"] == 41
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS

    with time_machine.travel(dt.datetime(2026, 3, 20, 11, 0, tzinfo=SHANGHAI), tick=False):
        response = client_for(agent).post(
            "/api/claims/", {"ticket": ticket.reference, "facts": {"waiting_days": 0}}, format="json"
        )

    assert response.status_code == 201, response.content
    stored = WarrantyClaim.objects.get(pk=response.json()["id"])
    # The count from the orders stands; nothing typed is a correction of it.
    assert (stored.facts["waiting_days"], stored.corrections) == (41, {})
    # Still in progress and waited 41 days: an open repair held up by parts, under the limit.
    assert stored.facts["open_repair"] == {"days_open": 41, "cause": "no_parts"}
    assert stored.rule == "general.repair_in_period"


def test_a_ticket_that_never_waited_claims_no_waiting_days(technician, agent):
    ticket, _north = repair("mobile_phone", technician)
    claim = claim_on(dt.date(2026, 3, 12), agent, ticket)
    stored = WarrantyClaim.objects.get(pk=claim["id"])
    assert stored.facts["waiting_days"] == 0
    assert "open_repair" not in stored.prefilled
    assert PartsOrder.objects.count() == 0


def test_the_claim_form_shows_the_waiting_days_read_only_with_how_they_were_counted(client, technician, agent):
    ticket, north = repair("mobile_phone", technician)
    order_through_the_api(technician, ticket, north)
    client.force_login(agent)

    with time_machine.travel(dt.datetime(2026, 3, 12, 11, 0, tzinfo=SHANGHAI), tick=False):
        page = client.get(f"/desk/tickets/{ticket.reference}/claims/new/")
        form = page.context["form"]
        assert form["waiting_days"].value() == 61
        assert form.fields["waiting_days"].disabled is True
        assert form.fields["waiting_days"].help_text == (
            "Counted from 1 parts order of this ticket, from the day it was ordered to the day it arrived "
            "(or today): 10 Jan 2026–12 Mar 2026."
        )
        assert (form["open_repair_days"].value(), form["open_repair_cause"].value()) == (61, "no_parts")


def test_an_order_for_an_unknown_part_or_a_ticket_not_yours_changes_nothing(technician, other_technician):
    ticket, north = repair("mobile_phone", technician)
    PartFactory(number="MAINBOARD-7")
    body = {"ticket": ticket.reference, "station": north.code, "part": "NOPE", "quantity": 0, "source": "moon"}

    errors = field_errors(client_for(technician).post("/api/parts-orders/", body, format="json"))
    assert errors == {
        "quantity": ["Ensure this value is greater than or equal to 1."],
        "source": ['"moon" is not a valid choice.'],
    }
    errors = field_errors(
        client_for(technician).post("/api/parts-orders/", {**body, "quantity": 1, "source": "central"}, format="json")
    )
    assert errors == {"part": ["No part has this number."]}
    # Another technician's job is not a ticket they can name.
    errors = field_errors(
        client_for(other_technician).post(
            "/api/parts-orders/", {**body, "part": "MAINBOARD-7", "quantity": 1, "source": "central"}, format="json"
        )
    )
    assert errors == {"ticket": ["Unknown ticket."]}
    assert PartsOrder.objects.count() == 0
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
