"""On a phone, in Chinese: the customer opens the link from the SMS of a booked visit, moves the
visit to another free time, and the technician is told by email. At the desk: an agent books a
suggested slot in one click from the ticket page."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from fieldwork.booking.availability import free_slots
from fieldwork.booking.services import visit_book
from fieldwork.models import Visit, VisitStatus
from notifications.sms.locmem import outbox as sms_outbox
from tests import factories
from tests.browser.conftest import screenshot, sign_in
from tests.factories import PASSWORD
from tests.fieldwork.booking_helpers import field_calendar, field_station, repair_ticket, technician_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
EVERY_DAY = {
    f"{day}_{edge}": value
    for day in ("saturday", "sunday")
    for edge, value in (("opens", dt.time(9)), ("closes", dt.time(17)))
}


def test_a_customer_moves_their_visit_from_the_sms_link_and_the_technician_is_told(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    station = field_station(calendar=field_calendar(name="Every day", **EVERY_DAY), cutoff=12, days_ahead=14)
    technician = factories.UserFactory(roles=["technician"], first_name="强", last_name="王", email="wang@example.com")
    technician_at(station, user=technician)
    agent = factories.UserFactory(roles=["agent"])
    customer = factories.CustomerFactory(name="孙丽", preferred_language="zh-hans")
    ticket = repair_ticket(customer=customer)
    now = timezone.now()
    today = timezone.localdate()
    offered = [
        slot
        for slot in free_slots(station, date_from=today, date_to=today + dt.timedelta(days=7), now=now)
        if slot.start > now + dt.timedelta(hours=13)
    ]
    visit = visit_book(ticket=ticket, technician=technician, station=station, start=offered[0].start, by=agent)

    # The SMS, in Chinese, carries the link.
    [sms] = [message for message in sms_outbox if message.to == customer.phone]
    assert sms.language == "zh-hans"
    [link] = re.findall(r"https?://\S+/v/[0-9a-f-]+/", sms.text)
    assert link == f"{live_server.url}/v/{visit.token}/"

    phone = browser.new_context(locale="zh-CN", **PHONE)
    phone.set_default_timeout(15000)
    page = phone.new_page()
    page.goto(link)
    page.wait_for_selector("#visit-time")
    assert page.inner_text("#technician").strip() == "强"
    assert page.inner_text("#reference").strip() == ticket.reference
    assert page.evaluate("document.documentElement.lang") == "zh-hans"
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "visit-link-phone-zh")

    choices = page.query_selector_all("#move-form input[type=radio]")
    assert len(choices) >= 2
    target = choices[1].get_attribute("value")
    choices[1].check()
    page.click("#move-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/v/[0-9a-f-]+/$"))
    page.wait_for_selector("#confirmed")
    screenshot(page, "visit-link-moved-phone-zh")

    visit.refresh_from_db()
    assert visit.start == dt.datetime.fromisoformat(target)
    assert visit.status == VisitStatus.CONFIRMED
    assert page.url == f"{live_server.url}/v/{visit.token}/"
    assert Visit.objects.filter(token=link.rstrip("/").rsplit("/", 1)[1]).count() == 0
    assert ticket.events.filter(message_code="visit.moved_by_customer").count() == 1
    told = [message for message in mail.outbox if message.to == ["wang@example.com"]]
    assert len(told) == 1 and ticket.reference in told[0].subject
    # The old link says nothing any more.
    old = phone.new_page()
    assert old.goto(link).status == 404


def test_an_agent_books_a_suggested_slot_in_one_click_from_the_ticket_page(browser, live_server, page):
    station = field_station(calendar=field_calendar(name="Every day", **EVERY_DAY))
    technician = factories.UserFactory(roles=["technician"], first_name="Qiang", last_name="Wang")
    technician_at(station, user=technician)
    agent = factories.UserFactory(username="agent-booking", roles=["agent"])
    ticket = repair_ticket(customer=factories.CustomerFactory(region=station.region))
    sign_in(page, live_server, "agent-booking", PASSWORD)

    page.goto(f"{live_server.url}/desk/tickets/{ticket.reference}/")
    page.wait_for_selector("#dispatch .slot-book button")  # loaded after the page
    assert "serves the customer's region" in page.inner_text("#suggestion-1")
    first = page.query_selector("#dispatch .slot-book input[name=start]").get_attribute("value")
    page.click("#dispatch .slot-book button")
    page.wait_for_selector(".field-visit")
    screenshot(page, "desk-visit-booked")

    visit = Visit.objects.get(ticket=ticket)
    assert (visit.technician, visit.start, visit.booked_by) == (technician, dt.datetime.fromisoformat(first), agent)
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.appointment_start) == (technician, visit.start)
