"""The desk's booking pages: the ticket page's visits card, the dispatch suggestions with one
form per slot, and booking, moving and cancelling from them."""

import datetime as dt

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from fieldwork.booking.services import visit_book
from fieldwork.models import Visit, VisitStatus
from tests import factories
from tests.fieldwork.booking_helpers import MONDAY, NOW, at, field_station, repair_ticket, technician_at
from tickets.choices import Status

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
    user = factories.UserFactory(roles=["technician"], first_name="Wang", last_name="Lei")
    return technician_at(station, user=user, categories=[factories.ProductCategoryFactory()])


@pytest.fixture
def ticket():
    return repair_ticket()


def said(client, response):
    """What the redirected-to page tells (read once: the next page does not repeat it)."""
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    client.get(response["Location"])
    return messages


def test_the_ticket_page_shows_the_visits_and_loads_the_suggestions_for_the_desk(client, agent, ticket, station, wang):
    visit = visit_book(ticket=ticket, technician=wang.user, station=station, start=at(TUESDAY, 9), by=agent, now=NOW)
    client.force_login(agent)

    html = client.get(reverse("desk:ticket", args=[ticket.reference])).content.decode()

    assert f'id="visit-{visit.pk}"' in html
    assert "Tue 3 Mar 2026 09:00–13:00" in html and "Wang Lei" in html and "not confirmed yet" in html
    assert reverse("fieldwork:visit_move", args=[visit.pk]) in html
    assert f'hx-get="{reverse("fieldwork:dispatch", args=[ticket.reference])}"' in html


def test_a_technician_sees_the_visit_but_no_booking_forms(client, agent, technician, ticket, station, wang):
    visit_book(ticket=ticket, technician=wang.user, station=station, start=at(TUESDAY, 9), by=agent, now=NOW)
    ticket.refresh_from_db()
    client.force_login(wang.user)
    html = client.get(reverse("desk:ticket", args=[ticket.reference])).content.decode()
    assert 'id="field-visits"' in html
    assert "visit-move" not in html and "dispatch-suggestions" not in html
    assert client.get(reverse("fieldwork:dispatch", args=[ticket.reference])).status_code == 403


def test_the_suggestions_offer_one_booking_form_per_free_slot(
    client, agent, ticket, station, wang, django_assert_num_queries
):
    client.force_login(agent)
    url = reverse("fieldwork:dispatch", args=[ticket.reference])
    client.get(url)  # the session is warm
    # the ticket; the suggestions (ticket, profiles, stations, categories, models, slot settings,
    # national days, holding visits); a visit to come? The session comes from the cache, the user
    # and roles from the memo (aftersales/table_memo.py).
    with django_assert_num_queries(10):
        response = client.get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.templates[0].name == "fieldwork/partials/dispatch.html"
    assert html.count('class="slot-book"') == 6  # Monday to Wednesday, two half days each
    assert f'value="{at(MONDAY, 13).isoformat()}"' in html
    for _ in range(3):
        technician_at(station)
    with django_assert_num_queries(12):
        client.get(url, headers={"HX-Request": "true"})
    assert client.get(url).templates[0].name == "fieldwork/dispatch.html"


def test_one_click_books_and_dispatches(client, agent, ticket, station, wang):
    client.force_login(agent)
    response = client.post(
        reverse("fieldwork:visit_book", args=[ticket.reference]),
        {"technician": wang.user.pk, "station": station.pk, "start": at(TUESDAY, 13).isoformat()},
    )
    assert response.status_code == 302 and response["Location"] == reverse("desk:ticket", args=[ticket.reference])
    assert said(client, response) == ["Visit booked with Wang Lei, 3 Mar 2026 13:00; the customer is told."]
    visit = Visit.objects.get()
    ticket.refresh_from_db()
    assert (visit.start, ticket.assignee, ticket.station) == (at(TUESDAY, 13), wang.user, station)


def test_a_refused_booking_says_why_and_changes_nothing(client, agent, ticket, station, wang):
    visit_book(ticket=repair_ticket(), technician=wang.user, station=station, start=at(TUESDAY, 13), by=agent, now=NOW)
    client.force_login(agent)
    url = reverse("fieldwork:visit_book", args=[ticket.reference])
    response = client.post(
        url, {"technician": wang.user.pk, "station": station.pk, "start": at(TUESDAY, 13).isoformat()}
    )
    assert said(client, response) == ["This slot is full. Choose another slot or technician."]
    response = client.post(url, {"technician": "x", "station": station.pk, "start": "soon"})
    assert said(client, response) == [
        "Select a valid choice. That choice is not one of the available choices.",
        "Enter a valid date/time.",
    ]
    assert Visit.objects.count() == 1
    ticket.refresh_from_db()
    assert ticket.version == 1


def test_a_technician_cannot_book_move_or_cancel(client, agent, ticket, station, wang):
    visit = visit_book(ticket=ticket, technician=wang.user, station=station, start=at(TUESDAY, 9), by=agent, now=NOW)
    client.force_login(wang.user)
    assert client.post(reverse("fieldwork:visit_book", args=[ticket.reference]), {}).status_code == 403
    assert (
        client.post(reverse("fieldwork:visit_move", args=[visit.pk]), {"start": "2026-03-03T13:00"}).status_code == 403
    )
    assert client.post(reverse("fieldwork:visit_cancel", args=[visit.pk]), {"reason": "no"}).status_code == 403
    visit.refresh_from_db()
    assert (visit.start, visit.status) == (at(TUESDAY, 9), VisitStatus.BOOKED)


def test_moving_and_cancelling_at_the_desk(client, agent, ticket, station, wang):
    visit = visit_book(ticket=ticket, technician=wang.user, station=station, start=at(TUESDAY, 9), by=agent, now=NOW)
    client.force_login(agent)
    response = client.post(reverse("fieldwork:visit_move", args=[visit.pk]), {"start": "2026-03-03T13:00"})
    assert said(client, response) == ["Visit moved; the customer is told."]
    visit.refresh_from_db()
    assert visit.start == at(TUESDAY, 13)
    response = client.post(reverse("fieldwork:visit_cancel", args=[visit.pk]), {"reason": ""})
    assert said(client, response) == ["This field is required."]
    response = client.post(reverse("fieldwork:visit_cancel", args=[visit.pk]), {"reason": "Fixed by phone"})
    assert said(client, response) == ["Visit cancelled."]
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED


def test_a_closed_ticket_offers_no_booking(client, agent):
    ticket = repair_ticket(status=Status.CLOSED)
    client.force_login(agent)
    html = client.get(reverse("desk:ticket", args=[ticket.reference])).content.decode()
    assert "dispatch-suggestions" not in html
