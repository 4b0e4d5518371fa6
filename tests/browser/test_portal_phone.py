"""On a phone: a new customer requests a repair with a photo of the invoice and gets a
reference; tracks it; an agent resolves it in the desk; the customer rates it 2 and the
rating shows on the ticket."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from aftersales.roles import Role
from customers.models import ProductCategory
from followups.models import SatisfactionRating
from notifications.sms.locmem import outbox as sms_outbox
from tests import factories
from tests.browser.conftest import ARTIFACTS, screenshot, sign_in
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def test_phone_customer_submits_tracks_and_rates(browser, live_server):
    washer = factories.ProductModelFactory(
        code="XQG100-M9", name="Drum washer", category=ProductCategory.objects.get(code="washing_machine")
    )
    agent = factories.UserFactory(username="agent-portal", roles=[Role.AGENT])
    technician = factories.UserFactory(username="tech-portal", first_name="Qiang", roles=[Role.TECHNICIAN])
    station = factories.ServiceStationFactory(name="Qingdao Laoshan")
    ARTIFACTS.mkdir(exist_ok=True)
    invoice = ARTIFACTS / "invoice-photo.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (240, 240, 240)).save(buffer, "JPEG")
    invoice.write_bytes(buffer.getvalue())

    customer = browser.new_context(locale="en-US", **PHONE)
    customer.set_default_timeout(15000)
    page = customer.new_page()
    page.goto(f"{live_server.url}/")
    screenshot(page, "portal-home-phone")
    page.click("text=Request service")
    page.fill("textarea[name=description]", "The drum stops in the middle of the wash.")
    page.fill("input[name=model]", washer.code)
    page.fill("input[name=serial]", "M9-000123")
    page.fill("input[name=purchase_date]", (timezone.localdate() - dt.timedelta(days=40)).isoformat())
    page.dispatch_event("input[name=purchase_date]", "change")
    page.wait_for_selector(".entitlement")
    assert "Covered by the three guarantees" in page.inner_text(".entitlement")
    page.set_input_files("input[name=proof]", str(invoice))
    page.fill("input[name=name]", "Sun Li")
    page.fill("input[name=phone]", "135 2222 3333")
    page.fill("input[name=address]", "8 Xianggang Road, Qingdao")
    screenshot(page, "portal-submit-phone")
    page.click("text=Send my request")
    page.wait_for_selector("#reference")
    reference = page.inner_text("#reference").strip()
    screenshot(page, "portal-submitted-phone")
    ticket = Ticket.objects.get(reference=reference)
    assert (ticket.channel, ticket.attachments.count(), ticket.customer.phone) == ("web", 1, "+8613522223333")

    # Tracking from a fresh visit: reference and phone.
    tracker = browser.new_context(locale="en-US", **PHONE)
    track = tracker.new_page()
    track.goto(f"{live_server.url}/track/")
    track.fill("input[name=reference]", reference)
    track.fill("input[name=phone]", "13522223333")
    track.click("text=Show my request")
    track.wait_for_selector("#meaning")
    assert "We have received your request" in track.inner_text("#meaning")
    # Its details and actions need the code sent to the phone.
    assert track.query_selector("#timeline") is None
    track.click("#prove button.send-code")
    track.wait_for_selector("#code-sent")
    code = [message for message in sms_outbox if message.to == "+8613522223333"][-1].params["code"]
    track.fill("#prove input[name=code]", code)
    track.click("#prove button.primary")
    track.wait_for_selector("#timeline")

    # The agent works it through to resolved in the desk.
    desk = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900}).new_page()
    sign_in(desk, live_server, agent.username, factories.PASSWORD)
    desk.goto(f"{live_server.url}/desk/tickets/{reference}/")
    desk.click("button.move-acknowledge")
    desk.wait_for_selector(".pagehead .status-acknowledged")
    desk.select_option("select[name=station]", str(station.pk))
    desk.select_option("select[name=assignee]", str(technician.pk))
    desk.click("text=Save assignment")
    desk.wait_for_selector("text=Assignment saved.")
    desk.click("button.move-dispatch")
    desk.wait_for_selector(".pagehead .status-dispatched")
    desk.click("button.move-start")
    desk.wait_for_selector(".pagehead .status-in_progress")
    desk.fill("#resolution input[name=fault_code]", "E31")
    desk.fill("#resolution input[name=fault_component]", "drive belt")
    desk.fill("#resolution textarea[name=root_cause]", "Belt worn through")
    desk.fill("#resolution textarea[name=work_done]", "Replaced the drive belt")
    desk.click("text=Save resolution")
    desk.wait_for_selector("text=Resolution saved.")
    desk.click("button.move-resolve")
    desk.wait_for_selector(".pagehead .status-resolved")

    # The customer rates it 2.
    track.reload()
    track.wait_for_selector("#rate")
    track.check("input[name=score][value='2']")
    track.fill("textarea[name=comment]", "Fixed, but two days late.")
    screenshot(track, "portal-rate-phone")
    track.click("text=Send my rating")
    track.wait_for_selector("text=Thank you for your rating.")
    rating = SatisfactionRating.objects.get(ticket=ticket)
    assert (rating.score, rating.source, rating.comment) == (2, "portal", "Fixed, but two days late.")

    desk.goto(f"{live_server.url}/desk/tickets/{reference}/")
    assert desk.inner_text("#ratings .rating-score") == "2 / 5"
    screenshot(desk, "desk-ticket-rated")
    # Nothing overflows sideways on the phone.
    assert track.evaluate("document.documentElement.scrollWidth") <= 390


def test_portal_pages_on_a_desktop_and_in_chinese(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    for name, path in (
        ("home", "/"),
        ("submit", "/request/"),
        ("track", "/track/"),
        ("help", "/help/"),
        ("prices", "/prices/"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.get_attribute("html", "lang") == "zh-hans"
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        screenshot(page, f"portal-{name}-desktop-zh")
