"""The ticket page offers only what the ticket's state and the user's role allow: the moves of
tickets/transitions.py, the assignment while the ticket can still be assigned, the resolution
while it can still change, the merge target where a merge is a move. The visit fields show the
current booking, and the technicians of the ticket's station come first."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from fieldwork.models import TechnicianProfile
from tests import factories
from tickets.choices import Kind, Status
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

ALL_MOVES = {
    "acknowledge",
    "dispatch",
    "start",
    "hold",
    "resume",
    "resolve",
    "verify",
    "close",
    "reopen",
    "cancel",
    "merge",
}

# status: (the agent's move buttons, assignment form, resolution form, merge target)
AGENT_PAGE = {
    Status.NEW: ({"acknowledge", "dispatch", "hold", "cancel", "merge"}, True, True, True),
    Status.ACKNOWLEDGED: ({"dispatch", "hold", "resolve", "cancel", "merge"}, True, True, True),
    Status.DISPATCHED: ({"start", "hold", "cancel"}, True, True, False),
    Status.IN_PROGRESS: ({"hold", "resolve"}, True, True, False),
    Status.ON_HOLD: ({"resume", "cancel", "merge"}, True, True, True),
    Status.RESOLVED: ({"verify", "reopen"}, True, True, False),
    Status.VERIFIED: ({"close", "reopen"}, True, True, False),
    Status.CLOSED: ({"reopen"}, False, False, False),
    Status.REOPENED: ({"acknowledge", "dispatch", "hold", "resolve", "cancel", "merge"}, True, True, True),
    Status.CANCELLED: (set(), False, False, False),
    Status.MERGED: (set(), False, False, False),
}
# status: (the assigned technician's move buttons, resolution form); never the assignment.
TECHNICIAN_PAGE = {
    Status.NEW: ({"hold"}, True),
    Status.DISPATCHED: ({"start", "hold"}, True),
    Status.IN_PROGRESS: ({"hold", "resolve"}, True),
    Status.ON_HOLD: ({"resume"}, True),
    Status.RESOLVED: (set(), True),
    Status.CLOSED: (set(), False),
    Status.CANCELLED: (set(), False),
    Status.MERGED: (set(), False),
}


def _page(client, user, ticket) -> str:
    client.force_login(user)
    response = client.get(reverse("desk:ticket", args=[ticket.reference]))
    assert response.status_code == 200
    return response.content.decode()


def _buttons(page: str) -> set[str]:
    return set(re.findall(r'name="move" value="([a-z_]+)"', page))


def _ticket(status: str, **fields) -> Ticket:
    held = {"held_from": Status.DISPATCHED} if status == Status.ON_HOLD else {}
    return factories.TicketFactory(status=status, kind=Kind.CONSULTATION, **held, **fields)


def _has_assign_form(page: str, ticket: Ticket) -> bool:
    return f'action="{reverse("desk:ticket_assign", args=[ticket.reference])}"' in page


def _has_resolution_form(page: str, ticket: Ticket) -> bool:
    return f'action="{reverse("desk:ticket_resolution", args=[ticket.reference])}"' in page


@pytest.mark.parametrize("status", list(AGENT_PAGE))
def test_the_agent_sees_exactly_what_the_state_allows(client, agent, status):
    moves, assign, resolution, merge = AGENT_PAGE[status]
    ticket = _ticket(status)
    page = _page(client, agent, ticket)

    assert _buttons(page) == moves
    assert _has_assign_form(page, ticket) is assign
    assert ('name="assignee"' in page) is assign
    assert ('name="appointment_date"' in page) is assign
    assert _has_resolution_form(page, ticket) is resolution
    assert ('name="work_done"' in page) is resolution
    assert ('id="fault-codes"' in page) is resolution
    assert ('name="merge_into"' in page) is merge
    # What cannot be changed any more is still shown.
    assert ("<dt>Work done</dt>" in page) is not resolution
    assert ("No further steps are open to you on this ticket." in page) is (not moves)
    # The note stays open in every state.
    assert f'action="{reverse("desk:ticket_note", args=[ticket.reference])}"' in page


@pytest.mark.parametrize("status", list(TECHNICIAN_PAGE))
def test_the_technician_sees_exactly_what_the_state_allows_on_their_job(client, technician, status):
    moves, resolution = TECHNICIAN_PAGE[status]
    ticket = _ticket(status, assignee=technician)
    page = _page(client, technician, ticket)

    assert _buttons(page) == moves
    assert not _has_assign_form(page, ticket)
    assert 'name="assignee"' not in page
    assert _has_resolution_form(page, ticket) is resolution
    assert 'name="merge_into"' not in page
    assert _buttons(page) <= ALL_MOVES


def test_a_closed_ticket_refuses_an_assignment_sent_from_an_old_page_and_says_why(client, agent, technician):
    ticket = _ticket(Status.CLOSED)
    client.force_login(agent)
    response = client.post(
        reverse("desk:ticket_assign", args=[ticket.reference]),
        {"station": "", "assignee": technician.pk, "version": ticket.version},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "A closed, cancelled or merged ticket cannot be assigned." in page
    assert not _has_assign_form(page, ticket)
    ticket.refresh_from_db()
    assert ticket.assignee_id is None


# --- the booked visit ---------------------------------------------------------------------------


@pytest.fixture
def booked(business_tz, technician):
    day = timezone.localdate() + dt.timedelta(days=3)
    start = dt.datetime.combine(day, dt.time(9), business_tz)
    ticket = _ticket(
        Status.DISPATCHED,
        assignee=technician,
        appointment_start=start,
        appointment_end=start + dt.timedelta(hours=2),
    )
    return ticket, day


def test_the_visit_fields_show_the_booking(client, agent, booked):
    ticket, day = booked
    page = _page(client, agent, ticket)
    assert f'name="appointment_date" value="{day.isoformat()}"' in page
    assert '<option value="morning" selected>' in page
    assert f"Booked: {day.day} {day:%b %Y} 09:00–11:00" in page


def test_saving_the_assignment_as_shown_keeps_the_booking(client, agent, booked, other_technician):
    ticket, day = booked
    start, end = ticket.appointment_start, ticket.appointment_end
    client.force_login(agent)
    response = client.post(
        reverse("desk:ticket_assign", args=[ticket.reference]),
        {
            "station": "",
            "assignee": other_technician.pk,
            "appointment_date": day.isoformat(),
            "appointment_slot": "morning",
            "version": ticket.version,
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == other_technician
    assert (ticket.appointment_start, ticket.appointment_end) == (start, end)


def test_changing_the_visit_fields_books_the_new_slot(client, agent, booked, business_tz):
    ticket, day = booked
    client.force_login(agent)
    client.post(
        reverse("desk:ticket_assign", args=[ticket.reference]),
        {
            "station": "",
            "assignee": ticket.assignee_id,
            "appointment_date": day.isoformat(),
            "appointment_slot": "afternoon",
            "version": ticket.version,
        },
    )
    ticket.refresh_from_db()
    assert ticket.appointment_start == dt.datetime.combine(day, dt.time(13), business_tz)
    assert ticket.appointment_end == dt.datetime.combine(day, dt.time(17), business_tz)


def test_a_booking_outside_every_slot_shows_its_day_and_is_kept(client, agent, technician, business_tz):
    day = timezone.localdate() + dt.timedelta(days=2)
    start = dt.datetime.combine(day, dt.time(12, 15), business_tz)
    ticket = _ticket(
        Status.DISPATCHED, assignee=technician, appointment_start=start, appointment_end=start + dt.timedelta(hours=1)
    )
    page = _page(client, agent, ticket)
    assert f'name="appointment_date" value="{day.isoformat()}"' in page
    assert '<option value="" selected>—</option>' in page
    response = client.post(
        reverse("desk:ticket_assign", args=[ticket.reference]),
        {"station": "", "assignee": technician.pk, "appointment_date": day.isoformat(), "version": ticket.version},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.appointment_start == start


def test_a_day_without_a_time_is_still_refused_when_nothing_is_booked(client, agent):
    ticket = _ticket(Status.NEW)
    client.force_login(agent)
    day = timezone.localdate() + dt.timedelta(days=2)
    response = client.post(
        reverse("desk:ticket_assign", args=[ticket.reference]),
        {"station": "", "assignee": "", "appointment_date": day.isoformat(), "version": ticket.version},
    )
    assert response.status_code == 400
    assert "Give both the day and the time of the visit." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.appointment_start is None


# --- the station's technicians first -------------------------------------------------------------


def _technician(username: str, first: str, *stations, active: bool = True):
    user = factories.UserFactory(username=username, first_name=first, last_name="Tech", roles=["technician"])
    if stations:
        profile = TechnicianProfile.objects.create(user=user, is_active=active)
        profile.stations.add(*stations)
    return user


def _assignee_select(page: str) -> str:
    start = page.index('<select name="assignee"')
    return page[start : page.index("</select>", start)]


def test_the_stations_technicians_come_first_in_a_labelled_group(client, agent, django_assert_num_queries):
    laoshan = factories.ServiceStationFactory(name="Qingdao Laoshan")
    licang = factories.ServiceStationFactory(name="Qingdao Licang")
    wang = _technician("wang", "Wang", laoshan, licang)
    zhao = _technician("zhao", "Zhao", laoshan)
    chen = _technician("chen", "Chen", licang)
    an = _technician("an", "An")  # no profile
    bo = _technician("bo", "Bo", laoshan, active=False)  # takes no visits
    ticket = _ticket(Status.NEW, station=laoshan, assignee=chen)
    client.force_login(agent)
    # The stations and staff a page shows come from the process's memo (aftersales/table_memo.py),
    # filled by the first page as on any running server.
    client.get(reverse("desk:ticket", args=[ticket.reference]))
    # ticket, which cards have rows (tickets/page_rows.py: none here, so no card reads its table,
    # nor the unit's contracts), events; who pays for the job (warranty/entitlement.py): with no
    # claim yet, the engine's evaluation of the facts on record (the unit's repairs). The session
    # comes from the cache; the user, roles, stations, staff, pickers, fault codes, policy versions
    # and holidays from the memo.
    with django_assert_num_queries(4):
        page = client.get(reverse("desk:ticket", args=[ticket.reference])).content.decode()
    select = _assignee_select(page)

    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    assert [label for label, _options in groups] == ["Technicians of Qingdao Laoshan", "Other technicians"]
    here = re.findall(r'<option value="(\d+)"', groups[0][1])
    others = re.findall(r'<option value="(\d+)"', groups[1][1])
    assert here == [str(wang.pk), str(zhao.pk)]
    assert others == [str(an.pk), str(bo.pk), str(chen.pk)]
    assert f'<option value="{chen.pk}" selected>Chen Tech</option>' in select
    assert select.index('<option value="">No technician</option>') < select.index("<optgroup")


def test_without_a_station_the_technicians_are_one_list(client, agent):
    laoshan = factories.ServiceStationFactory(name="Qingdao Laoshan")
    _technician("wang", "Wang", laoshan)
    _technician("an", "An")
    select = _assignee_select(_page(client, agent, _ticket(Status.NEW)))
    assert "<optgroup" not in select
    assert select.count("<option") == 3


def test_a_station_without_technicians_of_its_own_lists_the_others_in_their_group(client, agent):
    station = factories.ServiceStationFactory(name="Chengdu Wuhou")
    _technician("an", "An")
    select = _assignee_select(_page(client, agent, _ticket(Status.NEW, station=station)))
    assert re.findall(r'<optgroup label="([^"]+)">', select) == ["Other technicians"]


def test_the_grouped_select_is_written_as_the_widget_would_write_it():
    from django.template.loader import render_to_string

    from tickets.desk_rendering import select_tag
    from tickets.forms import AssignForm

    laoshan = factories.ServiceStationFactory(name="Qingdao Laoshan")
    _technician("wang", "Wang", laoshan)
    chen = _technician("chen", "Chen")
    form = AssignForm(ticket=_ticket(Status.NEW, station=laoshan, assignee=chen))
    written = render_to_string("tickets/partials/select.html", {"select": select_tag(form["assignee"])})
    assert written == str(form["assignee"])
    assert "<optgroup" in written
