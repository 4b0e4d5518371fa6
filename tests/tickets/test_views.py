"""The desk pages: access by role, filters and search, intake, moves, and query counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer, ProductUnit
from tests import factories
from tickets.choices import EventKind, FaultGroup, Kind, Priority, Status
from tickets.models import Ticket, TicketEvent
from tickets.services import ticket_create

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def _refs(response) -> set[str]:
    return {ticket.reference for ticket in response.context["page"].object_list}


# --- access ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("desk:queue"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('desk:login')}?next=/desk/"


def test_user_without_desk_role_is_refused(client, department_user):
    _login(client, department_user)
    # Where they land after signing in: sent on to their feedback inbox.
    response = client.get(reverse("desk:queue"))
    assert (response.status_code, response["Location"]) == (302, reverse("feedback:inbox"))
    assert client.get(reverse("desk:ticket_new")).status_code == 403
    assert client.get(reverse("desk:caller_lookup")).status_code == 403


def test_technician_sees_only_own_jobs(client, technician, other_technician):
    mine = factories.TicketFactory(assignee=technician, status=Status.DISPATCHED)
    theirs = factories.TicketFactory(assignee=other_technician, status=Status.DISPATCHED)
    _login(client, technician)
    assert _refs(client.get(reverse("desk:queue"))) == {mine.reference}
    assert client.get(reverse("desk:ticket", args=[mine.reference])).status_code == 200
    assert client.get(reverse("desk:ticket", args=[theirs.reference])).status_code == 404


def test_technician_cannot_log_tickets_or_open_customers(client, technician):
    customer = factories.CustomerFactory()
    _login(client, technician)
    assert client.get(reverse("desk:ticket_new")).status_code == 403
    assert client.get(reverse("desk:customer", args=[customer.pk])).status_code == 403


def test_denied_move_on_someone_elses_job_changes_nothing(client, technician, other_technician):
    ticket = factories.TicketFactory(assignee=other_technician, status=Status.DISPATCHED)
    _login(client, technician)
    response = client.post(
        reverse("desk:ticket_move", args=[ticket.reference]), {"move": "start", "version": ticket.version}
    )
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version) == (Status.DISPATCHED, 1)
    assert not TicketEvent.objects.filter(ticket=ticket).exists()


def test_technician_cannot_assign_and_nothing_changes(client, technician):
    ticket = factories.TicketFactory(assignee=technician, status=Status.DISPATCHED)
    station = factories.ServiceStationFactory()
    _login(client, technician)
    response = client.post(
        reverse("desk:ticket_assign", args=[ticket.reference]), {"station": station.pk, "version": ticket.version}
    )
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.station_id is None
    assert not TicketEvent.objects.filter(ticket=ticket).exists()


# --- queue ----------------------------------------------------------------------------------


def test_queue_filters_and_search(client, agent, technician):
    now = timezone.now()
    station = factories.ServiceStationFactory()
    customer = factories.CustomerFactory(name="Zhang Wei", phone="+8613711112222")
    unit = factories.ProductUnitFactory(owner=customer, serial="FR-77-0001")
    repair = factories.TicketFactory(customer=customer, unit=unit, kind=Kind.REPAIR, priority=Priority.URGENT)
    complaint = factories.TicketFactory(
        kind=Kind.COMPLAINT, status=Status.ACKNOWLEDGED, station=station, next_due=now - dt.timedelta(hours=1)
    )
    job = factories.TicketFactory(kind=Kind.INSTALLATION, status=Status.DISPATCHED, assignee=technician)
    _login(client, agent)
    queue = reverse("desk:queue")
    assert _refs(client.get(queue)) == {repair.reference, complaint.reference, job.reference}
    assert _refs(client.get(queue, {"status": Status.ACKNOWLEDGED})) == {complaint.reference}
    assert _refs(client.get(queue, {"status": [Status.NEW, Status.DISPATCHED]})) == {repair.reference, job.reference}
    assert _refs(client.get(queue, {"kind": Kind.INSTALLATION})) == {job.reference}
    assert _refs(client.get(queue, {"priority": Priority.URGENT})) == {repair.reference}
    assert _refs(client.get(queue, {"station": station.pk})) == {complaint.reference}
    assert _refs(client.get(queue, {"assignee": technician.pk})) == {job.reference}
    assert _refs(client.get(queue, {"overdue": "on"})) == {complaint.reference}
    assert _refs(client.get(queue, {"q": repair.reference.lower()})) == {repair.reference}
    assert _refs(client.get(queue, {"q": "137 1111 2222"})) == {repair.reference}
    assert _refs(client.get(queue, {"q": "fr-77-0001"})) == {repair.reference}
    assert _refs(client.get(queue, {"q": "zhang"})) == {repair.reference}
    assert _refs(client.get(queue, {"q": "nobody"})) == set()


def test_queue_sorting(client, agent):
    low = factories.TicketFactory(priority=Priority.LOW)
    urgent = factories.TicketFactory(priority=Priority.URGENT)
    normal = factories.TicketFactory(priority=Priority.NORMAL)
    _login(client, agent)
    response = client.get(reverse("desk:queue"), {"sort": "priority"})
    assert [t.reference for t in response.context["page"].object_list] == [
        urgent.reference,
        normal.reference,
        low.reference,
    ]


def test_queue_rejects_bad_filters_with_400(client, agent):
    _login(client, agent)
    response = client.get(reverse("desk:queue"), {"status": "bogus", "station": "abc"})
    assert response.status_code == 400
    assert set(response.context["filter"].errors) == {"status", "station"}


def test_queue_query_count_does_not_grow_with_page_size(client, agent, django_assert_num_queries):
    station = factories.ServiceStationFactory()
    tech = factories.UserFactory(username="qtech", roles=["technician"])
    for _ in range(60):
        factories.TicketFactory(station=station, assignee=tech, status=Status.DISPATCHED)
    _login(client, agent)
    # The stations and staff a page shows come from the process's memo (aftersales/table_memo.py),
    # filled by the first page as on any running server.
    client.get(reverse("desk:queue"))
    # count, page ids, rows (the session from the cache; the user, roles, stations, staff and the
    # pickers from the memo)
    with django_assert_num_queries(3):
        small = client.get(reverse("desk:queue"), {"page_size": 25})
    with django_assert_num_queries(3):
        large = client.get(reverse("desk:queue"), {"page_size": 100})
    assert len(small.context["page"].object_list) == 25
    assert len(large.context["page"].object_list) == 60


# --- new ticket -----------------------------------------------------------------------------


def _intake(**overrides):
    data = {"kind": Kind.REPAIR, "channel": "phone", "priority": Priority.NORMAL, "description": "Leaks water."}
    data.update(overrides)
    return data


def test_caller_lookup_shows_customer_units_and_history(client, agent):
    customer = factories.CustomerFactory(name="Liu Yang", phone="+8613500001111")
    unit = factories.ProductUnitFactory(owner=customer, serial="LOOK-1")
    open_ticket = factories.TicketFactory(customer=customer, unit=unit)
    _login(client, agent)
    response = client.get(reverse("desk:caller_lookup"), {"phone": "135-0000-1111"})
    assert response.status_code == 200
    assert response.context["customer"] == customer
    assert [u.serial for u in response.context["units"]] == ["LOOK-1"]
    assert response.context["units"][0].in_warranty is True
    assert response.context["history"]["open"] == [open_ticket]
    assert "Liu Yang" in response.content.decode()


def test_new_ticket_for_existing_customer_and_unit(client, agent):
    unit = factories.ProductUnitFactory()
    _login(client, agent)
    response = client.post(reverse("desk:ticket_new"), _intake(phone=unit.owner.phone, unit=str(unit.pk)))
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:ticket", args=[ticket.reference])
    assert (ticket.customer, ticket.unit, ticket.created_by) == (unit.owner, unit, agent)
    assert Customer.objects.count() == 1


def test_new_caller_with_new_product_in_one_step(client, agent):
    model = factories.ProductModelFactory()
    _login(client, agent)
    response = client.post(
        reverse("desk:ticket_new"),
        _intake(
            phone="186 0000 1234",
            customer_name="Chen Jie",
            customer_region="Chengdu",
            unit="new",
            unit_model=model.pk,
            unit_serial="NEW-0001",
            unit_invoice_date=(timezone.localdate() - dt.timedelta(days=3)).isoformat(),
            unit_has_invoice="on",
        ),
    )
    assert response.status_code == 302
    ticket = Ticket.objects.select_related("customer", "unit").get()
    assert (ticket.customer.name, ticket.customer.phone, ticket.customer.region) == (
        "Chen Jie",
        "+8618600001234",
        "Chengdu",
    )
    assert (ticket.unit.serial, ticket.unit.model, ticket.unit.has_invoice) == ("NEW-0001", model, True)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phone": ""}, "phone", "Enter the caller's phone number."),
        ({"phone": "12345"}, "phone", "This phone number is not valid: check the digits and the country code."),
        ({"phone": "call me"}, "phone", "A phone number contains digits only."),
        ({"customer_name": ""}, "customer_name", "This caller is new: enter their name to create the customer."),
        ({"unit_invoice_date": "2999-01-01"}, "unit_invoice_date", "This date is in the future."),
        ({"unit_invoice_date": "31/02/2024"}, "unit_invoice_date", "Enter a valid date."),
        ({"unit_model": "999999"}, "unit_model", "Choose a known product model."),
        (
            {"unit_serial": "TAKEN-1"},
            "unit_serial",
            "A unit of this model with this serial number is already registered.",
        ),
        ({"description": "  "}, "description", "Describe the problem or request."),
        ({"kind": "teleport"}, "kind", "Select a valid choice. teleport is not one of the available choices."),
    ],
)
def test_bad_intake_input_gets_field_errors_and_saves_nothing(client, agent, overrides, field, message):
    model = factories.ProductModelFactory()
    factories.ProductUnitFactory(model=model, serial="TAKEN-1")
    customers, units = Customer.objects.count(), ProductUnit.objects.count()
    data = _intake(
        phone="13800009999",
        customer_name="Zhao Lei",
        unit="new",
        unit_model=model.pk,
        unit_serial="FRESH-1",
        unit_invoice_date="2024-05-01",
    )
    data.update(overrides)
    _login(client, agent)
    response = client.post(reverse("desk:ticket_new"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert (Customer.objects.count(), ProductUnit.objects.count(), Ticket.objects.count()) == (customers, units, 0)
    # What was typed is still there.
    assert 'value="Zhao Lei"' in response.content.decode() or field == "customer_name"


def test_duplicate_is_flagged_on_check_and_on_create(client, agent):
    fault = factories.FaultCategoryFactory(group=FaultGroup.PRODUCT)
    unit = factories.ProductUnitFactory()
    first = ticket_create(
        customer=unit.owner,
        unit=unit,
        fault_category=fault,
        kind=Kind.REPAIR,
        channel="phone",
        description="x",
        by=agent,
    )
    _login(client, agent)
    check = client.get(
        reverse("desk:duplicate_check"), {"phone": unit.owner.phone, "unit": unit.pk, "fault_category": fault.pk}
    )
    assert check.context["duplicates"] == [first]
    client.post(reverse("desk:ticket_new"), _intake(phone=unit.owner.phone, unit=str(unit.pk), fault_category=fault.pk))
    second = Ticket.objects.exclude(pk=first.pk).get()
    assert second.suspected_duplicate_of == first
    assert second.events.filter(kind=EventKind.DUPLICATE).count() == 1
    page = client.get(reverse("desk:ticket", args=[second.reference]))
    assert f"Likely a duplicate of {first.reference}" in page.content.decode()


# --- ticket page and actions ------------------------------------------------------------------


def test_ticket_page_query_count_does_not_grow_with_the_timeline(client, agent, django_assert_num_queries):
    ticket = factories.TicketFactory()
    _login(client, agent)
    for _ in range(3):
        TicketEvent.objects.create(ticket=ticket, kind=EventKind.NOTE, actor=agent, note="n")
    # The roles, stations, staff and pickers come from the process's memo (aftersales/table_memo.py),
    # filled by the first page as on any running server.
    client.get(reverse("desk:ticket", args=[ticket.reference]))
    # ticket, which cards have rows (tickets/page_rows.py: none here, so no card reads its table,
    # nor the unit's contracts), events; who pays for the job (warranty/entitlement.py): with no
    # claim yet, the engine's evaluation of the facts on record (the unit's repairs). The session
    # comes from the cache; the user, roles, stations, staff, pickers, fault codes, policy versions
    # and holidays from the memo.
    with django_assert_num_queries(4):
        client.get(reverse("desk:ticket", args=[ticket.reference]))
    for _ in range(30):
        TicketEvent.objects.create(ticket=ticket, kind=EventKind.NOTE, actor=agent, note="n")
    with django_assert_num_queries(4):
        response = client.get(reverse("desk:ticket", args=[ticket.reference]))
    assert len(response.context["events"]) == 33


def test_illegal_move_is_refused_with_a_message_and_changes_nothing(client, agent):
    ticket = factories.TicketFactory(status=Status.NEW)
    _login(client, agent)
    response = client.post(reverse("desk:ticket_move", args=[ticket.reference]), {"move": "close", "version": 1})
    assert response.status_code == 400
    assert response.context["move_form"].non_field_errors() == ["This move is not possible from the current status."]
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version) == (Status.NEW, 1)
    assert not ticket.events.exists()


def test_hold_without_note_shows_the_error_on_the_note(client, agent):
    ticket = factories.TicketFactory(status=Status.ACKNOWLEDGED)
    _login(client, agent)
    response = client.post(reverse("desk:ticket_move", args=[ticket.reference]), {"move": "hold", "version": 1})
    assert response.status_code == 400
    assert response.context["move_form"].errors["note"] == ["Give the reason in the note."]


def test_stale_form_is_refused_with_409(client, agent):
    ticket = factories.TicketFactory(status=Status.NEW, version=3)
    _login(client, agent)
    response = client.post(reverse("desk:ticket_move", args=[ticket.reference]), {"move": "acknowledge", "version": 2})
    assert response.status_code == 409
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version) == (Status.NEW, 3)


def test_full_repair_journey_through_the_desk(client, agent, technician):
    station = factories.ServiceStationFactory()
    ticket = factories.TicketFactory(kind=Kind.REPAIR)
    url = reverse("desk:ticket_move", args=[ticket.reference])
    _login(client, agent)

    def version():
        return Ticket.objects.get(pk=ticket.pk).version

    assert client.post(url, {"move": "acknowledge", "version": version()}).status_code == 302
    assign = reverse("desk:ticket_assign", args=[ticket.reference])
    assert (
        client.post(assign, {"station": station.pk, "assignee": technician.pk, "version": version()}).status_code == 302
    )
    assert client.post(url, {"move": "dispatch", "version": version()}).status_code == 302
    _login(client, technician)
    assert client.post(url, {"move": "start", "version": version()}).status_code == 302
    resolution = reverse("desk:ticket_resolution", args=[ticket.reference])
    bad = client.post(resolution, {"work_done": "Replaced pump", "charge": "-5", "version": version()})
    assert bad.status_code == 400
    assert bad.context["resolution_form"].errors["charge"] == ["Ensure this value is greater than or equal to 0."]
    partial = client.post(resolution, {"work_done": "Replaced pump", "version": version()})
    assert partial.status_code == 400
    assert partial.context["resolution_form"].errors["fault_code"] == ["A repair needs a fault code."]
    ok = client.post(
        resolution,
        {
            "work_done": "Replaced pump",
            "fault_code": "E21",
            "fault_component": "drain pump",
            "root_cause": "Pump impeller cracked",
            "charge": "0",
            "version": version(),
        },
    )
    assert ok.status_code == 302
    assert client.post(url, {"move": "resolve", "version": version()}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert list(ticket.events.filter(kind=EventKind.STATUS).values_list("to_status", flat=True)) == [
        Status.ACKNOWLEDGED,
        Status.DISPATCHED,
        Status.IN_PROGRESS,
        Status.RESOLVED,
    ]


def test_merge_by_reference(client, agent):
    target = factories.TicketFactory()
    duplicate = factories.TicketFactory(customer=target.customer, unit=target.unit)
    _login(client, agent)
    response = client.post(
        reverse("desk:ticket_move", args=[duplicate.reference]),
        {"move": "merge", "merge_into": target.reference, "version": 1},
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Status.MERGED, target)
    missing = factories.TicketFactory()
    response = client.post(
        reverse("desk:ticket_move", args=[missing.reference]),
        {"move": "merge", "merge_into": "AS-1999-000001", "version": 1},
    )
    assert response.status_code == 400
    assert response.context["move_form"].errors["merge_into"] == ["No ticket has this reference."]


def test_notes_public_and_internal(client, agent):
    ticket = factories.TicketFactory()
    _login(client, agent)
    url = reverse("desk:ticket_note", args=[ticket.reference])
    client.post(url, {"note": "Customer prefers mornings", "is_public": "on"})
    client.post(url, {"note": "Check the stock of pumps"})
    assert list(ticket.events.values_list("note", "is_public")) == [
        ("Customer prefers mornings", True),
        ("Check the stock of pumps", False),
    ]
    empty = client.post(url, {"note": ""})
    assert empty.status_code == 400
    assert empty.context["note_form"].errors["note"] == ["Write the note first."]
    assert ticket.events.count() == 2


def test_pages_render_in_chinese(client, agent):
    ticket = factories.TicketFactory()
    _login(client, agent)
    client.cookies.load({"django_language": "zh-hans"})
    queue = client.get(reverse("desk:queue")).content.decode()
    detail = client.get(reverse("desk:ticket", args=[ticket.reference])).content.decode()
    assert "工单队列" in queue
    assert "时间线" in detail


def test_ticket_page_shows_system_events_without_an_actor(client, agent):
    ticket = factories.TicketFactory(channel="web", created_by=None)
    TicketEvent.objects.create(ticket=ticket, kind=EventKind.SLA_BREACHED, actor=None, note="late")
    _login(client, agent)
    response = client.get(reverse("desk:ticket", args=[ticket.reference]))
    assert response.status_code == 200
    assert "System" in response.content.decode()


def test_queue_count_stops_at_the_cap(client, agent, settings):
    settings.DESK_COUNT_CAP = 5
    for _ in range(7):
        factories.TicketFactory()
    _login(client, agent)
    response = client.get(reverse("desk:queue"), {"page_size": 25})
    paginator = response.context["page"].paginator
    assert (paginator.count, paginator.is_capped, len(response.context["page"].object_list)) == (5, True, 5)
    assert "More than 5 tickets" in response.content.decode()
