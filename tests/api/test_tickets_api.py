"""/api/tickets/…: the list and its filters, new tickets, one ticket, moves, assignment, notes and the
timeline, with the desk's role rules: staff see all, a technician their jobs, a customer their own."""

import datetime as dt
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from rest_framework import serializers

from notifications.models import OutboundMessage
from tests import factories
from tests.api.conftest import RESOLUTION, client_for, error, field_errors
from tickets.choices import Channel, EventKind, Kind, Priority, Status
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

TICKETS = "/api/tickets/"
CONFLICT = "Someone else changed this ticket while you were working on it. Reload it and try again."
ROLE = "Your role does not allow this move."
NOT_FROM_HERE = "This move is not possible from the current status."


def iso(value: dt.datetime | None) -> str | None:
    return None if value is None else serializers.DateTimeField().to_representation(value)


def url(ticket: Ticket, action: str = "") -> str:
    return f"{TICKETS}{ticket.reference}/{action + '/' if action else ''}"


def list_row(ticket: Ticket, overdue: bool = False) -> dict:
    ticket.refresh_from_db()
    unit = ticket.unit
    return {
        "reference": ticket.reference,
        "kind": ticket.kind,
        "channel": ticket.channel,
        "status": ticket.status,
        "priority": ticket.priority,
        "description": ticket.description,
        "customer": {"id": ticket.customer_id, "name": ticket.customer.name, "phone": ticket.customer.phone},
        "unit": None
        if unit is None
        else {"id": unit.pk, "serial": unit.serial, "model": unit.model.code, "model_name": unit.model.name},
        "station": None
        if ticket.station is None
        else {"id": ticket.station_id, "code": ticket.station.code, "name": ticket.station.name},
        "assignee": None
        if ticket.assignee is None
        else {"id": ticket.assignee_id, "name": ticket.assignee.get_full_name()},
        "created_at": iso(ticket.created_at),
        "next_due": iso(ticket.next_due),
        "overdue": overdue,
        "version": ticket.version,
    }


def move(name: str, label: str, blocked_by=(), needs_note=False) -> dict:
    return {"move": name, "label": label, "needs_note": needs_note, "blocked_by": list(blocked_by)}


NEW_TICKET_STAFF_MOVES = [
    move("acknowledge", "Acknowledge"),
    move("dispatch", "Dispatch", ["Assign a service station or a technician before dispatching."]),
    move("hold", "Put on hold", needs_note=True),
    move("cancel", "Cancel", needs_note=True),
    move("merge", "Merge into another ticket"),
]


def snapshot(ticket: Ticket) -> tuple:
    """Everything a write could change on a ticket, and its timeline's length."""
    ticket.refresh_from_db()
    return (
        ticket.status,
        ticket.version,
        ticket.station_id,
        ticket.assignee_id,
        ticket.appointment_start,
        ticket.work_done,
        ticket.updated_at,
        TicketEvent.objects.filter(ticket=ticket).count(),
    )


@pytest.fixture
def station():
    return factories.ServiceStationFactory(code="qd-1", name="Qingdao East")


@pytest.fixture
def own_ticket(customer):
    """A new ticket of the portal customer."""
    return factories.TicketFactory(customer=customer)


@pytest.fixture
def job(technician, station):
    """A dispatched ticket assigned to ``technician``."""
    return factories.TicketFactory(status=Status.DISPATCHED, station=station, assignee=technician)


# --- the list ---------------------------------------------------------------------------------


def test_agents_list_every_ticket_newest_first(as_agent, own_ticket, job):
    response = as_agent.get(TICKETS)

    assert response.status_code == 200
    assert response.json() == {"next": None, "previous": None, "results": [list_row(job), list_row(own_ticket)]}


def test_a_technician_lists_only_their_jobs(as_technician, as_other_technician, own_ticket, job):
    assert [row["reference"] for row in as_technician.get(TICKETS).json()["results"]] == [job.reference]
    assert as_other_technician.get(TICKETS).json()["results"] == []


def test_a_customer_lists_only_their_own_tickets(as_customer, as_other_customer, own_ticket, job):
    # The desk's deadline is not the customer's to see (api_serializers.CUSTOMER_HIDDEN_AS_NULL).
    assert as_customer.get(TICKETS).json()["results"] == [{**list_row(own_ticket), "next_due": None, "overdue": None}]
    assert as_other_customer.get(TICKETS).json()["results"] == []
    assert as_other_customer.get(TICKETS, {"q": own_ticket.reference}).json()["results"] == []


def test_department_users_may_not_use_tickets(department_user, own_ticket):
    client = client_for(department_user)
    message = "Sign in as service staff or as a customer with a portal account."

    assert error(client.get(TICKETS), 403, "permission_denied") == message
    assert error(client.get(url(own_ticket)), 403, "permission_denied") == message


@pytest.fixture
def queue(customer, other_customer, station, technician):
    """Tickets that differ in every filtered field; named by what sets them apart."""
    now = timezone.now()
    unit = factories.ProductUnitFactory(owner=other_customer, serial="SN-FIND-ME")
    tickets = {
        "new_repair": factories.TicketFactory(customer=customer),
        "urgent_complaint": factories.TicketFactory(
            customer=customer, kind=Kind.COMPLAINT, priority=Priority.URGENT, status=Status.ACKNOWLEDGED
        ),
        "dispatched": factories.TicketFactory(
            customer=other_customer, unit=unit, status=Status.DISPATCHED, station=station, assignee=technician
        ),
        "overdue": factories.TicketFactory(customer=other_customer, next_due=now - dt.timedelta(hours=1)),
        "old": factories.TicketFactory(customer=other_customer, status=Status.CLOSED),
    }
    Ticket.objects.filter(pk=tickets["old"].pk).update(created_at=now - dt.timedelta(days=40))
    Ticket.objects.filter(pk=tickets["dispatched"].pk).update(next_due=now + dt.timedelta(hours=5))
    return tickets


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": ["new"]}, {"new_repair", "overdue"}),
        ({"status": ["acknowledged", "dispatched"]}, {"urgent_complaint", "dispatched"}),
        ({"kind": "complaint"}, {"urgent_complaint"}),
        ({"priority": "urgent"}, {"urgent_complaint"}),
        ({"station": "STATION"}, {"dispatched"}),
        ({"assignee": "TECHNICIAN"}, {"dispatched"}),
        ({"customer": "CUSTOMER"}, {"new_repair", "urgent_complaint"}),
        ({"unit": "UNIT"}, {"dispatched"}),
        ({"overdue": "true"}, {"overdue"}),
        ({"overdue": "false"}, {"new_repair", "urgent_complaint", "dispatched", "overdue", "old"}),
        ({"created_before": "DAYS_AGO_30"}, {"old"}),
        ({"created_after": "DAYS_AGO_30", "status": ["closed"]}, set()),
        ({"q": "139-0000-0001"}, {"new_repair", "urgent_complaint"}),
        ({"q": "sn-find-me"}, {"dispatched"}),
        ({"q": "wang"}, {"dispatched", "overdue", "old"}),
        ({"q": "REFERENCE"}, {"old"}),
    ],
)
def test_filters_narrow_the_list_like_the_desk(as_agent, queue, customer, station, technician, query, expected):
    substitutes = {
        "STATION": station.pk,
        "TECHNICIAN": technician.pk,
        "CUSTOMER": customer.pk,
        "UNIT": queue["dispatched"].unit_id,
        "DAYS_AGO_30": (timezone.now() - dt.timedelta(days=30)).isoformat(),
        "REFERENCE": queue["old"].reference.lower(),
    }
    query = {key: substitutes.get(value, value) if isinstance(value, str) else value for key, value in query.items()}
    names = {ticket.reference: name for name, ticket in queue.items()}

    response = as_agent.get(TICKETS, query)

    assert response.status_code == 200
    assert {names[row["reference"]] for row in response.json()["results"]} == expected


def test_overdue_is_shown_on_each_row(as_agent, queue):
    rows = {row["reference"]: row["overdue"] for row in as_agent.get(TICKETS).json()["results"]}

    assert rows[queue["overdue"].reference] is True
    assert rows[queue["dispatched"].reference] is False


def test_bad_filters_are_field_errors(as_agent):
    response = as_agent.get(
        TICKETS, {"status": "bogus", "kind": "x", "station": "one", "overdue": "maybe", "created_after": "yesterday"}
    )

    assert field_errors(response) == {
        "status": ["Select a valid choice. bogus is not one of the available choices."],
        "kind": ["Select a valid choice. x is not one of the available choices."],
        "station": ["Enter a whole number."],
        "created_after": ["Enter a valid date/time."],
    }


def test_cursor_pagination_goes_forward_and_back(as_agent):
    tickets = factories.TicketFactory.create_batch(7)
    now = timezone.now()
    for age, ticket in enumerate(tickets):  # the first made is the oldest
        Ticket.objects.filter(pk=ticket.pk).update(created_at=now - dt.timedelta(minutes=10 - age))
    newest_first = [ticket.reference for ticket in reversed(tickets)]

    first = as_agent.get(TICKETS, {"page_size": 3}).json()
    second = as_agent.get(first["next"]).json()
    third = as_agent.get(second["next"]).json()
    back = as_agent.get(third["previous"]).json()

    assert first["previous"] is None
    assert [row["reference"] for row in first["results"]] == newest_first[:3]
    assert [row["reference"] for row in second["results"]] == newest_first[3:6]
    assert [row["reference"] for row in third["results"]] == newest_first[6:]
    assert third["next"] is None
    assert back["results"] == second["results"]
    assert urlsplit(first["next"]).path == TICKETS


@pytest.mark.parametrize("who", ["agent", "technician", "customer"])
def test_list_queries_do_not_grow_with_the_page(request, who, station, technician, django_assert_num_queries):
    user = request.getfixturevalue(who)
    client = client_for(user.user if who == "customer" else user)
    owner = user if who == "customer" else factories.CustomerFactory()
    factories.TicketFactory.create_batch(60, customer=owner, station=station, assignee=technician)
    # Token and user, (a customer's record,) the page; the user's groups come from the memo.
    expected = {"agent": 2, "technician": 2, "customer": 3}[who]
    # The stations and staff a page shows come from the process's memo (aftersales/table_memo.py),
    # filled by the first page as on any running server.
    client.get(TICKETS)
    for size in (5, 50):
        with django_assert_num_queries(expected):
            response = client.get(TICKETS, {"page_size": size})
        assert len(response.json()["results"]) == size


# --- new tickets ------------------------------------------------------------------------------


def test_an_agent_logs_a_call_for_a_customer(as_agent, agent, customer):
    unit = factories.ProductUnitFactory(owner=customer)
    fault = factories.FaultCategoryFactory(code="no-spin")

    response = as_agent.post(
        TICKETS,
        {
            "customer": customer.pk,
            "unit": unit.pk,
            "kind": "repair",
            "channel": "phone",
            "description": "  Does not spin; error E21. ",
            "priority": "high",
            "fault_category": "no-spin",
        },
        format="json",
    )

    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert response["Location"] == f"/api/tickets/{ticket.reference}/"
    body = response.json()
    assert body == {
        **list_row(ticket),
        "unit": {
            "id": unit.pk,
            "serial": unit.serial,
            "model": unit.model.code,
            "model_name": unit.model.name,
            "warranty_start": unit.warranty_start.isoformat(),
            "warranty_end": unit.warranty_end.isoformat(),
            "in_warranty": True,
        },
        "fault_category": {"code": "no-spin", "name": fault.name},
        "contacted_at": None,
        "updated_at": iso(ticket.updated_at),
        "acknowledged_at": None,
        "dispatched_at": None,
        "started_at": None,
        "resolved_at": None,
        "verified_at": None,
        "closed_at": None,
        "cancelled_at": None,
        "response_due": iso(ticket.response_due),
        "dispatch_due": iso(ticket.dispatch_due),
        "arrival_due": iso(ticket.arrival_due),
        "completion_due": iso(ticket.completion_due),
        "on_hold_since": None,
        "preferred_visit_date": None,
        "preferred_visit_slot": "",
        "appointment_start": None,
        "appointment_end": None,
        "fault_code": "",
        "fault_component": "",
        "root_cause": "",
        "work_done": "",
        "parts_used": "",
        "charge": "0.00",
        "visits": 0,
        "reopened_count": 0,
        "suspected_duplicate_of": None,
        "merged_into": None,
        "complaint_about": None,
        "provider": None,
        "provider_offered_at": None,
        "provider_accept_due": None,
        "provider_accepted_at": None,
        "moves": NEW_TICKET_STAFF_MOVES,
    }
    assert (ticket.description, ticket.priority, ticket.channel, ticket.created_by) == (
        "Does not spin; error E21.",
        Priority.HIGH,
        Channel.PHONE,
        agent,
    )
    assert list(ticket.events.values_list("kind", "actor")) == [(EventKind.CREATED, agent.pk)]


def test_a_likely_duplicate_is_logged_and_flagged(as_agent, customer):
    unit = factories.ProductUnitFactory(owner=customer)
    fault = factories.FaultCategoryFactory(code="no-spin")
    first = factories.TicketFactory(customer=customer, unit=unit, fault_category=fault)
    body = {"customer": customer.pk, "unit": unit.pk, "kind": "repair", "channel": "web", "description": "Again."}

    response = as_agent.post(TICKETS, {**body, "fault_category": "no-spin"}, format="json")

    assert response.status_code == 201
    assert response.json()["suspected_duplicate_of"] == first.reference


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"kind": "repair", "description": "x"},
            {"customer": ["This field is required."], "channel": ["This field is required."]},
        ),
        (
            {
                "customer": 999999,
                "unit": 999999,
                "kind": "repair",
                "channel": "phone",
                "description": "x",
                "fault_category": "nope",
                "complaint_about": "AS-2026-1",
            },
            {
                "customer": ["Unknown customer."],
                "unit": ["Unknown product unit."],
                "fault_category": ["Unknown fault category."],
                "complaint_about": ["No ticket has this reference."],
            },
        ),
        (
            {"customer": "CUSTOMER", "unit": "OTHERS_UNIT", "kind": "repair", "channel": "phone", "description": "x"},
            {"unit": ["This product is registered to another customer."]},
        ),
        (
            {"customer": "CUSTOMER", "kind": "repair", "channel": "fax", "description": "", "priority": "asap"},
            {
                "channel": ['"fax" is not a valid choice.'],
                "description": ["This field may not be blank."],
                "priority": ['"asap" is not a valid choice.'],
            },
        ),
        (
            {
                "customer": "CUSTOMER",
                "kind": "repair",
                "channel": "phone",
                "description": "x",
                "preferred_visit_date": "2030-01-01",
            },
            {
                "preferred_visit_date": [
                    "Customers give their preferred visit; staff agree the visit with the assign endpoint."
                ]
            },
        ),
        (
            {
                "customer": "CUSTOMER",
                "kind": "repair",
                "channel": "phone",
                "description": "x",
                "contacted_at": "2999-01-01T10:00:00+08:00",
            },
            {"contacted_at": ["The first contact cannot be in the future."]},
        ),
    ],
)
def test_bad_staff_input_is_a_400_and_nothing_is_logged(as_agent, customer, other_customer, body, errors):
    others_unit = factories.ProductUnitFactory(owner=other_customer)
    substitutes = {"CUSTOMER": customer.pk, "OTHERS_UNIT": others_unit.pk}
    body = {key: substitutes.get(value, value) if isinstance(value, str) else value for key, value in body.items()}

    assert field_errors(as_agent.post(TICKETS, body, format="json")) == errors
    assert not Ticket.objects.exists()


def test_a_customer_requests_service_for_themselves_like_on_the_portal(as_customer, customer):
    customer.email = "li.na@example.com"
    customer.save()
    unit = factories.ProductUnitFactory(owner=customer)
    visit_day = timezone.localdate() + dt.timedelta(days=2)

    response = as_customer.post(
        TICKETS,
        {
            "unit": unit.pk,
            "kind": "repair",
            "description": "Leaks water.",
            "preferred_visit_date": visit_day.isoformat(),
            "preferred_visit_slot": "morning",
        },
        format="json",
    )

    assert response.status_code == 201
    ticket = Ticket.objects.get()
    body = response.json()
    assert (body["reference"], body["channel"], body["status"], body["customer"]["id"]) == (
        ticket.reference,
        "web",
        "new",
        customer.pk,
    )
    assert body["unit"]["id"] == unit.pk
    assert (body["preferred_visit_date"], body["preferred_visit_slot"]) == (visit_day.isoformat(), "morning")
    assert body["moves"] == [move("customer_cancel", "Cancel my request")]
    assert (ticket.customer, ticket.unit, ticket.channel) == (customer, unit, Channel.WEB)
    # Told by SMS: an email the customer has not confirmed receives nothing.
    assert list(OutboundMessage.objects.values_list("ticket_reference", "channel", "recipient", "template")) == [
        (ticket.reference, "sms", customer.phone, "request_received")
    ]


def test_a_customer_cannot_use_someone_elses_unit_nor_staff_fields(as_customer, customer, other_customer):
    others_unit = factories.ProductUnitFactory(owner=other_customer)

    with_unit = as_customer.post(TICKETS, {"unit": others_unit.pk, "kind": "repair", "description": "x"}, format="json")
    staff_fields = as_customer.post(
        TICKETS,
        {"customer": other_customer.pk, "kind": "consultation", "description": "x", "priority": "urgent"},
        format="json",
    )

    assert field_errors(with_unit) == {"unit": ["Unknown product unit."]}
    assert field_errors(staff_fields) == {
        "customer": ["Only service staff set this."],
        "priority": ["Only service staff set this."],
        "kind": ["Choose repair, installation, maintenance or complaint."],
    }
    assert not Ticket.objects.exists()


def test_a_customers_own_requests_are_rate_limited_like_the_portals(as_customer, as_agent, customer):
    body = {"kind": "repair", "description": "Leaks."}
    for _attempt in range(10):
        assert as_customer.post(TICKETS, body, format="json").status_code == 201

    response = as_customer.post(TICKETS, body, format="json")

    assert error(response, 429, "throttled").startswith("Request was throttled.")
    assert Ticket.objects.count() == 10
    assert as_customer.get(TICKETS).status_code == 200
    staff_body = {**body, "customer": customer.pk, "channel": "phone"}
    assert as_agent.post(TICKETS, staff_body, format="json").status_code == 201


def test_technicians_do_not_log_tickets(as_technician, customer):
    response = as_technician.post(
        TICKETS, {"customer": customer.pk, "kind": "repair", "channel": "phone", "description": "x"}, format="json"
    )

    assert error(response, 403, "permission_denied") == "Only agents, managers and administrators may do this."
    assert not Ticket.objects.exists()


# --- one ticket -------------------------------------------------------------------------------


def test_one_ticket_with_its_version_and_the_callers_moves(as_agent, as_technician, as_customer, own_ticket, job):
    agent_view = as_agent.get(url(own_ticket)).json()
    technician_view = as_technician.get(url(job)).json()
    customer_view = as_customer.get(url(own_ticket)).json()

    assert agent_view["version"] == 1
    assert agent_view["moves"] == NEW_TICKET_STAFF_MOVES
    assert technician_view["moves"] == [move("start", "Start work"), move("hold", "Put on hold", needs_note=True)]
    assert customer_view["moves"] == [move("customer_cancel", "Cancel my request")]


def test_a_customer_sees_their_ticket_as_the_portal_shows_it(as_agent, as_customer, customer, technician, station):
    technician.first_name, technician.last_name = "Wei", "Zhang"
    technician.save()
    earlier = factories.TicketFactory(customer=customer)
    ticket = factories.TicketFactory(
        customer=customer,
        status=Status.RESOLVED,
        station=station,
        assignee=technician,
        suspected_duplicate_of=earlier,
        fault_code="Q-PUMP",
        fault_component="Drain pump",
        root_cause="Impeller cracked in moulding",
        work_done="Replaced the drain pump.",
        parts_used="Drain pump ×1",
        charge=Decimal("0.00"),
        next_due=timezone.now() - dt.timedelta(hours=1),
        response_due=timezone.now() - dt.timedelta(days=2),
        completion_due=timezone.now() - dt.timedelta(hours=1),
    )

    staff = as_agent.get(url(ticket)).json()
    own = as_customer.get(url(ticket)).json()
    listed = next(row for row in as_customer.get(TICKETS).json()["results"] if row["reference"] == ticket.reference)

    assert staff["assignee"] == {"id": technician.pk, "name": "Wei Zhang"}
    assert (staff["overdue"], staff["suspected_duplicate_of"], staff["root_cause"]) == (
        True,
        earlier.reference,
        "Impeller cracked in moulding",
    )
    hidden = {
        "next_due": None,
        "overdue": None,
        "response_due": None,
        "dispatch_due": None,
        "arrival_due": None,
        "completion_due": None,
        "suspected_duplicate_of": None,
        "fault_code": "",
        "fault_component": "",
        "root_cause": "",
        "assignee": {"id": technician.pk, "name": "Wei"},
    }
    assert own == {**staff, **hidden, "moves": own["moves"]}
    assert (own["work_done"], own["parts_used"], own["charge"]) == ("Replaced the drain pump.", "Drain pump ×1", "0.00")
    assert {name: listed[name] for name in ("next_due", "overdue", "assignee")} == {
        "next_due": None,
        "overdue": None,
        "assignee": {"id": technician.pk, "name": "Wei"},
    }


def test_a_reference_is_found_in_any_case(as_agent, own_ticket):
    response = as_agent.get(url(own_ticket).lower())

    assert response.status_code == 200
    assert response.json()["reference"] == own_ticket.reference


def test_detail_query_count(as_agent, own_ticket, django_assert_num_queries):
    # Token and user, groups, the ticket with its joins (the callback check only runs when resolved).
    with django_assert_num_queries(3):
        assert as_agent.get(url(own_ticket)).status_code == 200


# --- moves ------------------------------------------------------------------------------------


def test_an_agent_acknowledges_a_ticket(as_agent, agent, own_ticket):
    response = as_agent.post(
        url(own_ticket, "transition"), {"move": "acknowledge", "expected_version": 1}, format="json"
    )

    assert response.status_code == 200
    own_ticket.refresh_from_db()
    body = response.json()
    assert (body["status"], body["version"], body["acknowledged_at"]) == (
        "acknowledged",
        2,
        iso(own_ticket.acknowledged_at),
    )
    assert own_ticket.status == Status.ACKNOWLEDGED
    event = own_ticket.events.get(kind=EventKind.STATUS)
    assert (event.actor, event.from_status, event.to_status) == (agent, Status.NEW, Status.ACKNOWLEDGED)


def test_a_blocked_move_is_a_400_with_the_reasons(as_agent, own_ticket):
    before = snapshot(own_ticket)

    dispatch = as_agent.post(url(own_ticket, "transition"), {"move": "dispatch", "expected_version": 1}, format="json")
    cancel = as_agent.post(url(own_ticket, "transition"), {"move": "cancel", "expected_version": 1}, format="json")
    verify = as_agent.post(url(own_ticket, "transition"), {"move": "verify", "expected_version": 1}, format="json")

    assert field_errors(dispatch) == {"move": ["Assign a service station or a technician before dispatching."]}
    assert field_errors(cancel) == {"move": ["Give the reason in the note."]}
    assert field_errors(verify) == {"move": [NOT_FROM_HERE]}
    assert snapshot(own_ticket) == before


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"move": ["This field is required."], "expected_version": ["This field is required."]}),
        (
            {"move": "fly", "expected_version": 0},
            {
                "move": ['"fly" is not a valid choice.'],
                "expected_version": ["Ensure this value is greater than or equal to 1."],
            },
        ),
        (
            {"move": "merge", "expected_version": 1, "merge_into": "AS-2026-123456"},
            {"merge_into": ["No ticket has this reference."]},
        ),
        (
            {"move": "acknowledge", "expected_version": 1, "merge_into": "OTHER"},
            {"merge_into": ["Only a merge takes a ticket to merge into."]},
        ),
    ],
)
def test_bad_move_input_is_a_400(as_agent, own_ticket, body, errors):
    other = factories.TicketFactory()
    if body.get("merge_into") == "OTHER":
        body = {**body, "merge_into": other.reference}
    before = snapshot(own_ticket)

    assert field_errors(as_agent.post(url(own_ticket, "transition"), body, format="json")) == errors
    assert snapshot(own_ticket) == before


def test_merge_into_another_ticket(as_agent, own_ticket, customer):
    original = factories.TicketFactory(customer=customer)

    response = as_agent.post(
        url(own_ticket, "transition"),
        {"move": "merge", "expected_version": 1, "merge_into": original.reference.lower()},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["merged_into"]) == ("merged", original.reference)


def test_a_stale_version_is_a_409_and_the_ticket_is_unchanged(as_agent, own_ticket):
    Ticket.objects.filter(pk=own_ticket.pk).update(version=2)
    before = snapshot(own_ticket)

    response = as_agent.post(
        url(own_ticket, "transition"), {"move": "acknowledge", "expected_version": 1}, format="json"
    )

    assert response.status_code == 409
    assert response.json() == {"detail": CONFLICT, "code": "conflict"}
    assert snapshot(own_ticket) == before


def test_a_technician_makes_the_field_moves_on_their_job(as_technician, technician, job):
    start = as_technician.post(url(job, "transition"), {"move": "start", "expected_version": 1}, format="json")

    assert start.status_code == 200
    assert (start.json()["status"], start.json()["visits"]) == ("in_progress", 1)
    before = snapshot(job)
    cancel = as_technician.post(
        url(job, "transition"), {"move": "cancel", "note": "no", "expected_version": 2}, format="json"
    )
    assert field_errors(cancel) == {"move": [NOT_FROM_HERE]}
    hold_new = factories.TicketFactory(assignee=technician)
    acknowledge = as_technician.post(
        url(hold_new, "transition"), {"move": "acknowledge", "expected_version": 1}, format="json"
    )
    assert field_errors(acknowledge) == {"move": [ROLE]}
    assert snapshot(job) == before


def test_a_customer_cancels_their_request_before_dispatch(as_customer, customer, own_ticket):
    acknowledge = as_customer.post(
        url(own_ticket, "transition"), {"move": "acknowledge", "expected_version": 1}, format="json"
    )
    assert field_errors(acknowledge) == {"move": [ROLE]}

    response = as_customer.post(
        url(own_ticket, "transition"),
        {"move": "customer_cancel", "note": "Fixed it myself.", "expected_version": 1},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["moves"]) == ("cancelled", [])
    event = own_ticket.events.get(kind=EventKind.STATUS)
    assert (event.to_status, event.note, event.data) == (
        Status.CANCELLED,
        "Fixed it myself.",
        {"move": "customer_cancel", "by": "customer"},
    )


def test_a_customer_cannot_cancel_once_dispatched(as_customer, customer, station):
    ticket = factories.TicketFactory(customer=customer, status=Status.DISPATCHED, station=station)
    before = snapshot(ticket)

    response = as_customer.post(
        url(ticket, "transition"), {"move": "customer_cancel", "expected_version": 1}, format="json"
    )

    assert field_errors(response) == {"move": [NOT_FROM_HERE]}
    assert snapshot(ticket) == before


# --- assignment -------------------------------------------------------------------------------


def test_an_agent_assigns_a_station_and_technician_and_agrees_the_visit(as_agent, own_ticket, station, technician):
    day = timezone.localdate() + dt.timedelta(days=1)

    response = as_agent.post(
        url(own_ticket, "assign"),
        {
            "station": station.pk,
            "assignee": technician.pk,
            "expected_version": 1,
            "appointment_date": day.isoformat(),
            "appointment_slot": "afternoon",
        },
        format="json",
    )

    assert response.status_code == 200
    own_ticket.refresh_from_db()
    body = response.json()
    assert body["station"] == {"id": station.pk, "code": "qd-1", "name": "Qingdao East"}
    assert body["assignee"] == {"id": technician.pk, "name": technician.get_full_name()}
    assert (body["version"], body["appointment_start"]) == (2, iso(own_ticket.appointment_start))
    assert own_ticket.appointment_start.astimezone(timezone.get_current_timezone()).hour == 13
    assert list(own_ticket.events.values_list("kind", flat=True)) == [EventKind.ASSIGNED, EventKind.NOTE]


def test_assign_keeps_what_is_left_out_and_clears_what_is_null(as_agent, job, station, technician):
    keep = as_agent.post(url(job, "assign"), {"station": None, "expected_version": 1}, format="json")

    assert keep.status_code == 200
    job.refresh_from_db()
    assert (job.station_id, job.assignee_id, job.version) == (None, technician.pk, 2)


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"station": 999999, "assignee": 999999},
            {
                "station": ["Unknown service station."],
                "assignee": ["Unknown user."],
                "expected_version": ["This field is required."],
            },
        ),
        (
            {"expected_version": 1, "appointment_date": "2030-01-01"},
            {"appointment_slot": ["Give both the day and the time of the visit."]},
        ),
        (
            {"expected_version": 1, "appointment_date": "2001-01-01", "appointment_slot": "morning"},
            {"appointment_date": ["The appointment cannot be in the past."]},
        ),
        ({"expected_version": 1, "assignee": "AGENT"}, {"assignee": ["Only a technician can be assigned a job."]}),
    ],
)
def test_bad_assignments_are_400s_and_change_nothing(as_agent, agent, own_ticket, body, errors):
    if body.get("assignee") == "AGENT":
        body = {**body, "assignee": agent.pk}
    before = snapshot(own_ticket)

    assert field_errors(as_agent.post(url(own_ticket, "assign"), body, format="json")) == errors
    assert snapshot(own_ticket) == before


def test_a_stale_assignment_is_a_409(as_agent, own_ticket, station):
    Ticket.objects.filter(pk=own_ticket.pk).update(version=5)
    before = snapshot(own_ticket)

    response = as_agent.post(url(own_ticket, "assign"), {"station": station.pk, "expected_version": 4}, format="json")

    assert response.json() == {"detail": CONFLICT, "code": "conflict"}
    assert response.status_code == 409
    assert snapshot(own_ticket) == before


def test_technicians_and_customers_may_not_assign_even_their_own(as_technician, as_customer, job, own_ticket, station):
    before_job, before_own = snapshot(job), snapshot(own_ticket)

    by_technician = as_technician.post(url(job, "assign"), {"station": None, "expected_version": 1}, format="json")
    by_customer = as_customer.post(
        url(own_ticket, "assign"), {"station": station.pk, "expected_version": 1}, format="json"
    )

    message = "Only agents, managers and administrators may do this."
    assert error(by_technician, 403, "permission_denied") == error(by_customer, 403, "permission_denied") == message
    assert (snapshot(job), snapshot(own_ticket)) == (before_job, before_own)


# --- the resolution ---------------------------------------------------------------------------


def test_a_technician_records_the_resolution_and_resolves_their_job(as_technician, technician, job):
    started = as_technician.post(url(job, "transition"), {"move": "start", "expected_version": 1}, format="json")
    assert started.json()["moves"][1] == move(
        "resolve",
        "Resolve",
        [
            "Record the resolution (the work done) before resolving.",
            "A repair needs its fault code, component and root cause before it can be resolved.",
        ],
    )

    recorded = as_technician.post(url(job, "resolution"), {**RESOLUTION, "expected_version": 2}, format="json")

    assert recorded.status_code == 200
    body = recorded.json()
    assert (body["work_done"], body["fault_code"], body["root_cause"], body["charge"], body["version"]) == (
        "Replaced the drain pump.",
        "WM-PUMP",
        "Pump impeller cracked.",
        "0.00",
        3,
    )
    assert body["moves"][1] == move("resolve", "Resolve")
    resolved = as_technician.post(url(job, "transition"), {"move": "resolve", "expected_version": 3}, format="json")
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "resolved"
    assert job.callbacks.count() == 1


def test_a_repair_resolution_needs_the_fault_analysis(as_agent, job):
    before = snapshot(job)

    response = as_agent.post(
        url(job, "resolution"), {"work_done": "Fixed.", "charge": "-5", "expected_version": 1}, format="json"
    )
    missing = as_agent.post(url(job, "resolution"), {"work_done": "Fixed.", "expected_version": 1}, format="json")

    assert field_errors(response) == {"charge": ["Ensure this value is greater than or equal to 0."]}
    assert field_errors(missing) == {
        "fault_code": ["A repair needs a fault code."],
        "fault_component": ["Name the faulty component."],
        "root_cause": ["Give the root cause."],
    }
    assert snapshot(job) == before


def test_a_stale_resolution_is_a_409_and_customers_record_none(as_agent, as_customer, job, own_ticket):
    Ticket.objects.filter(pk=job.pk).update(version=3)
    before_job, before_own = snapshot(job), snapshot(own_ticket)

    stale = as_agent.post(url(job, "resolution"), {**RESOLUTION, "expected_version": 2}, format="json")
    by_customer = as_customer.post(url(own_ticket, "resolution"), {**RESOLUTION, "expected_version": 1}, format="json")

    assert stale.status_code == 409
    assert stale.json() == {"detail": CONFLICT, "code": "conflict"}
    assert error(by_customer, 403, "permission_denied") == "Only service staff may do this."
    assert (snapshot(job), snapshot(own_ticket)) == (before_job, before_own)


# --- notes and the timeline -------------------------------------------------------------------


def test_staff_add_internal_and_public_notes(as_agent, agent, as_technician, own_ticket, job):
    internal = as_agent.post(url(own_ticket, "notes"), {"note": " Called, no answer. "}, format="json")
    public = as_technician.post(url(job, "notes"), {"note": "Part ordered.", "is_public": True}, format="json")

    assert internal.status_code == 201
    event = own_ticket.events.get(kind=EventKind.NOTE)
    assert internal.json() == {
        "id": event.pk,
        "kind": "note",
        "created_at": iso(event.created_at),
        "from_status": "",
        "to_status": "",
        "note": "Called, no answer.",
        "message_code": "",
        "message_params": {},
        "is_public": False,
        "actor": agent.get_full_name(),
        "data": {},
    }
    assert public.status_code == 201
    assert (public.json()["note"], public.json()["is_public"]) == ("Part ordered.", True)


def test_a_customer_adds_information_to_their_request(as_customer, own_ticket):
    response = as_customer.post(
        url(own_ticket, "notes"), {"note": "It also smells burnt.", "is_public": False}, format="json"
    )

    assert response.status_code == 201
    event = own_ticket.events.get(kind=EventKind.NOTE)
    assert response.json() == {
        "id": event.pk,
        "kind": "note",
        "created_at": iso(event.created_at),
        "from_status": "",
        "to_status": "",
        "note": "It also smells burnt.",
        "message_code": "",
        "message_params": {},
        "is_public": True,
        "actor": None,
        "data": {},
    }


def test_empty_notes_and_notes_on_closed_requests_are_refused(as_agent, as_customer, customer, own_ticket):
    closed = factories.TicketFactory(customer=customer, status=Status.CLOSED)

    assert field_errors(as_agent.post(url(own_ticket, "notes"), {"note": "  "}, format="json")) == {
        "note": ["Write the note first."]
    }
    assert field_errors(as_customer.post(url(closed, "notes"), {"note": "Hello?"}, format="json")) == {
        "note": ["This request is closed. Submit a new request instead."]
    }
    assert not TicketEvent.objects.exists()


@pytest.fixture
def history(agent, own_ticket, station, technician):
    """A ticket's timeline with public and internal events, in this order."""
    from tickets import services

    services.append_event(own_ticket, EventKind.CREATED, None, to_status=Status.NEW, is_public=True)
    services.ticket_add_note(ticket=own_ticket, note="Internal.", is_public=False, by=agent)
    services.ticket_assign(ticket=own_ticket, station=station, assignee=technician, by=agent)
    services.ticket_add_note(ticket=own_ticket, note="We will call you.", is_public=True, by=agent)
    services.ticket_transition(ticket=own_ticket, move="acknowledge", by=agent)
    return list(own_ticket.events.order_by("created_at", "id"))


def test_staff_see_the_whole_timeline_oldest_first(as_agent, agent, history):
    response = as_agent.get(url(history[0].ticket, "timeline"))

    assert response.status_code == 200
    body = response.json()
    assert (body["next"], body["previous"]) == (None, None)
    assert [row["id"] for row in body["results"]] == [event.pk for event in history]
    assert body["results"][4] == {
        "id": history[4].pk,
        "kind": "status",
        "created_at": iso(history[4].created_at),
        "from_status": "new",
        "to_status": "acknowledged",
        "note": "",
        "message_code": "",
        "message_params": {},
        "is_public": True,
        "actor": agent.get_full_name(),
        "data": {"move": "acknowledge"},
    }


def test_a_customer_sees_only_the_public_timeline_without_names(as_customer, history):
    body = as_customer.get(url(history[0].ticket, "timeline")).json()

    public = [history[0], history[3], history[4]]
    assert [row["id"] for row in body["results"]] == [event.pk for event in public]
    assert {row["actor"] for row in body["results"]} == {None}
    assert {str(row["data"]) for row in body["results"]} == {"{}"}


def test_the_timeline_pages_by_cursor(as_agent, history, django_assert_num_queries):
    first = as_agent.get(url(history[0].ticket, "timeline"), {"page_size": 2}).json()
    second = as_agent.get(first["next"]).json()
    back = as_agent.get(second["previous"]).json()

    assert [row["id"] for row in first["results"]] == [history[0].pk, history[1].pk]
    assert [row["id"] for row in second["results"]] == [history[2].pk, history[3].pk]
    assert back == first
    for size in (2, 5):
        # Token and user, groups, the ticket, the page of events with their actors.
        with django_assert_num_queries(3):
            as_agent.get(url(history[0].ticket, "timeline"), {"page_size": size})


# --- the role matrix --------------------------------------------------------------------------

OBJECT_ENDPOINTS = [
    ("get", ""),
    ("get", "timeline"),
    ("post", "transition"),
    ("post", "assign"),
    ("post", "resolution"),
    ("post", "notes"),
]
WRITES = {
    "transition": {"move": "customer_cancel", "expected_version": 1, "note": "x"},
    "assign": {"station": None, "expected_version": 1},
    "resolution": {**RESOLUTION, "expected_version": 1},
    "notes": {"note": "Hello."},
}


@pytest.mark.parametrize(("method", "action"), OBJECT_ENDPOINTS)
def test_another_customers_ticket_is_not_found_and_unchanged(as_other_customer, own_ticket, method, action):
    before = snapshot(own_ticket)

    response = getattr(as_other_customer, method)(url(own_ticket, action), WRITES.get(action, {}), format="json")

    assert error(response, 404, "not_found") == "Not found."
    assert snapshot(own_ticket) == before


@pytest.mark.parametrize(("method", "action"), OBJECT_ENDPOINTS)
def test_another_technicians_job_is_not_found_and_unchanged(as_other_technician, job, method, action):
    before = snapshot(job)
    body = {**WRITES.get(action, {}), "move": "start"} if action == "transition" else WRITES.get(action, {})

    response = getattr(as_other_technician, method)(url(job, action), body, format="json")

    assert error(response, 404, "not_found") == "Not found."
    assert snapshot(job) == before


@pytest.mark.parametrize(("method", "action"), OBJECT_ENDPOINTS)
def test_an_unknown_reference_answers_the_same(as_agent, method, action):
    response = getattr(as_agent, method)(f"{TICKETS}AS-2026-999999/{action + '/' if action else ''}", {}, format="json")

    assert error(response, 404, "not_found") == "Not found."


@pytest.mark.parametrize(("method", "action"), [("get", ""), ("post", ""), *OBJECT_ENDPOINTS])
def test_anonymous_callers_are_told_to_authenticate(anonymous, own_ticket, method, action):
    before = snapshot(own_ticket)
    target = TICKETS if action == "" and method == "post" else url(own_ticket, action)

    response = getattr(anonymous, method)(target, WRITES.get(action, {}), format="json")

    assert error(response, 401, "not_authenticated") == "Authentication credentials were not provided."
    assert snapshot(own_ticket) == before


def test_a_session_also_authenticates_the_pages_calls(client, agent, own_ticket):
    client.force_login(agent)

    response = client.get(url(own_ticket))

    assert response.status_code == 200
    assert response.json()["reference"] == own_ticket.reference
