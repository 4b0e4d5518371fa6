"""fieldwork/visit_links: the customer confirms or moves their visit from the link in the message.

The clock stands at Monday 2 March 2026, 08:00 in Shanghai; the station works 09:00–17:00 on
weekdays in half days, with a 12-hour cut-off.
"""

import datetime as dt
import uuid

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from fieldwork import notify
from fieldwork.booking.services import visit_book, visit_cancel
from fieldwork.models import Visit, VisitStatus
from notifications.models import OutboundMessage
from tests import factories
from tests.fieldwork.booking_helpers import MONDAY, NOW, at, field_station, repair_ticket, technician_at
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db
TUESDAY = MONDAY + dt.timedelta(days=1)
WEDNESDAY = MONDAY + dt.timedelta(days=2)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def no_limits_from_other_tests():
    cache.clear()


@pytest.fixture
def station():
    return field_station()


@pytest.fixture
def wang(station):
    user = factories.UserFactory(roles=["technician"], first_name="Wang", last_name="Lei", email="wang@example.com")
    return technician_at(station, user=user)


@pytest.fixture
def visit(station, wang, agent):
    ticket = repair_ticket()
    return visit_book(ticket=ticket, technician=wang.user, station=station, start=at(WEDNESDAY, 9), by=agent, now=NOW)


def url(visit_or_token):
    token = visit_or_token.token if isinstance(visit_or_token, Visit) else visit_or_token
    return reverse("visit:link", args=[token])


def snapshot(visit):
    visit = Visit.objects.get(pk=visit.pk)
    return (visit.start, visit.status, visit.token, TicketEvent.objects.filter(ticket=visit.ticket).count())


def test_the_page_shows_the_visit_and_the_times_it_may_move_to(client, visit):
    response = client.get(url(visit))

    assert response.status_code == 200
    html = response.content.decode()
    assert visit.ticket.reference in html
    assert 'id="technician">Wang<' in html and "Lei" not in html
    assert "Drum washer" in html
    assert 'id="confirm-form"' in html
    # From the 12-hour cut-off on: Monday's afternoon is too soon; the visit's own slot is not offered.
    offered = [choice[0] for choice in response.context["move_form"].fields["start"].choices]
    assert offered[:3] == [at(TUESDAY, 9).isoformat(), at(TUESDAY, 13).isoformat(), at(WEDNESDAY, 13).isoformat()]
    assert at(MONDAY, 13).isoformat() not in offered


def test_an_unknown_key_is_a_plain_404(client, visit):
    response = client.get(url(uuid.uuid4()))
    assert response.status_code == 404
    assert visit.ticket.reference not in response.content.decode()
    assert client.post(url(uuid.uuid4()), {"action": "confirm"}).status_code == 404
    assert client.get("/v/not-a-uuid/").status_code == 404
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.BOOKED


def test_confirming_logs_it_and_tells_the_technician(client, visit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(visit), {"action": "confirm"})

    assert response.status_code == 302 and response["Location"] == url(visit)
    visit.refresh_from_db()
    assert (visit.status, visit.confirmed_at) == (VisitStatus.CONFIRMED, NOW)
    event = visit.ticket.events.get(message_code="visit.confirmed")
    assert (event.actor, event.note) == (None, "The customer confirmed the visit: 4 Mar 2026, 09:00–13:00.")
    [email] = mail.outbox
    assert email.to == ["wang@example.com"]
    assert email.subject == f"{visit.ticket.reference}: the customer confirmed the visit"
    assert "http://" in email.body and reverse("desk:ticket", args=[visit.ticket.reference]) in email.body
    assert "You confirmed this time" in client.get(url(visit)).content.decode()


def test_moving_gives_a_new_link_the_old_one_stops_and_the_technician_is_told(
    client, visit, django_capture_on_commit_callbacks
):
    old = visit.token
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(visit), {"action": "move", "start": at(TUESDAY, 13).isoformat()})

    visit.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == url(visit)
    assert (visit.start, visit.end, visit.status) == (at(TUESDAY, 13), at(TUESDAY, 17), VisitStatus.CONFIRMED)
    assert visit.token != old
    assert client.get(url(old)).status_code == 404
    assert client.post(url(old), {"action": "confirm"}).status_code == 404
    visit.ticket.refresh_from_db()
    assert visit.ticket.appointment_start == at(TUESDAY, 13)
    event = visit.ticket.events.get(message_code="visit.moved_by_customer")
    assert event.note == "The customer moved the visit from 4 Mar 2026 09:00 to 3 Mar 2026, 13:00–17:00."
    [email] = mail.outbox
    assert email.subject == f"{visit.ticket.reference}: the customer moved the visit"
    assert email.body.startswith(
        f"{visit.ticket.customer.name} moved the visit for {visit.ticket.reference} from 4 Mar 2026 09:00.\nAppointment: 3 Mar 2026 13:00 – 17:00\n"
    )
    # The customer's new link, by SMS in their language.
    newest = OutboundMessage.objects.filter(template="visit_booked").latest("id")
    assert newest.context["visit_url"].endswith(url(visit))


@pytest.mark.parametrize(
    "start",
    [
        at(MONDAY, 13),  # free, but within the cut-off
        at(TUESDAY, 10),  # not a slot
        at(dt.date(2026, 3, 30), 9),  # beyond the bookable days
        "tomorrow",
    ],
)
def test_a_time_not_offered_changes_nothing(client, visit, start):
    before = snapshot(visit)
    value = start.isoformat() if isinstance(start, dt.datetime) else start
    response = client.post(url(visit), {"action": "move", "start": value})
    assert response.status_code == 400
    assert response.context["move_form"].errors["start"]
    assert snapshot(visit) == before
    assert not mail.outbox


def test_a_slot_taken_meanwhile_changes_nothing(client, visit, station, wang, agent):
    before = snapshot(visit)
    visit_book(ticket=repair_ticket(), technician=wang.user, station=station, start=at(TUESDAY, 13), by=agent, now=NOW)
    response = client.post(url(visit), {"action": "move", "start": at(TUESDAY, 13).isoformat()})
    assert response.status_code == 400
    assert snapshot(visit)[:3] == before[:3]


def test_after_the_cut_off_the_page_says_so_and_refuses_changes(client, station, wang, agent):
    visit = visit_book(
        ticket=repair_ticket(), technician=wang.user, station=station, start=at(MONDAY, 13), by=agent, now=NOW
    )
    page = client.get(url(visit)).content.decode()
    assert "up to 12 hours before it" in page
    assert 'id="confirm-form"' not in page and 'id="move-form"' not in page
    before = snapshot(visit)
    assert client.post(url(visit), {"action": "confirm"}).status_code == 400
    assert client.post(url(visit), {"action": "move", "start": at(TUESDAY, 9).isoformat()}).status_code == 400
    assert snapshot(visit) == before


def test_a_cancelled_visits_link_stops_working_and_a_done_visit_offers_nothing(client, visit, agent):
    token = visit.token
    visit_cancel(visit=visit, by=agent, reason="Fixed by phone")
    assert client.get(url(token)).status_code == 404
    visit.refresh_from_db()
    page = client.get(url(visit)).content.decode()
    assert 'id="visit-closed"' in page and 'id="move-form"' not in page
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.DONE)
    assert client.post(url(visit), {"action": "confirm"}).status_code == 400
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.CHECKED_IN)
    page = client.get(url(visit)).content.decode()
    assert "The technician is with you" in page and 'id="confirm-form"' not in page


def test_posts_are_limited_per_address(client, visit, settings):
    for _ in range(20):
        client.post(url(visit), {"action": "move", "start": "nonsense"})
    before = snapshot(visit)
    response = client.post(url(visit), {"action": "confirm"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert snapshot(visit) == before


def test_the_customer_is_told_in_their_language_with_the_link(station, wang, agent, settings):
    settings.SITE_URL = "https://service.example.com"
    ticket = repair_ticket(customer=factories.CustomerFactory(preferred_language="zh-hans"))
    visit = visit_book(ticket=ticket, technician=wang.user, station=station, start=at(TUESDAY, 9), by=agent, now=NOW)

    notify.visit_booked(visit)  # what the booking runs after its commit
    [message] = OutboundMessage.objects.filter(template="visit_booked")
    assert (message.language, message.recipient) == ("zh-hans", ticket.customer.phone)
    assert message.context["visit_url"] == f"https://service.example.com/v/{visit.token}/"
    assert message.context["product"] == "滚筒洗衣机"
