"""On a phone, in Chinese: a technician opens the day, checks in, records the diagnosis, photographs,
uses a part, gets the customer's signature and checks out; and a job form that fails to send keeps
what was typed and, sent again, is recorded once."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from fieldwork.models import JobPhoto, JobRecord, VisitStatus
from parts.models import PartUsage, StockLevel, StockMovement
from tests import factories
from tests.browser.conftest import sign_in
from tests.fieldwork import jobs_helpers as h
from tickets.choices import Status
from tickets.models import Ticket, TicketEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
SHOTS = Path("/tmp/shots")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"jobs_{name}.png"), full_page=True)


def _phone(browser):
    context = browser.new_context(locale="zh-CN", **PHONE)
    context.set_default_timeout(15000)
    return context, context.new_page()


def _today_at(hour: int) -> dt.datetime:
    return timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0)


def _submit(page, form: str) -> None:
    with page.expect_navigation():
        page.click(f"form[data-draft={form}] button[type=submit]")


def test_technician_does_the_job_on_a_phone(browser, live_server):
    tech = h.technician("tech-phone")
    visit = h.visit_for(tech, start=_today_at(9))
    h.visit_for(tech, start=_today_at(14))
    factories.TicketFactory(unit=visit.ticket.unit, customer=visit.ticket.customer, work_done="更换排水泵")
    part = h.part_in_stock(visit.station, number="BRD-100", quantity=2)
    photo = SHOTS / "jobs_upload.jpg"
    SHOTS.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (30, 120, 200)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())

    context, page = _phone(browser)
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    sign_in(page, live_server, tech.username, factories.PASSWORD)
    page.goto(f"{live_server.url}/desk/field/today/")
    assert page.get_attribute("html", "lang") == "zh-hans"
    assert page.locator(".field-card").count() == 2
    assert page.get_attribute(".field-card >> nth=0 >> a.field-address", "href").startswith("geo:0,0?q=")
    shot(page, "today")

    page.click(".field-card >> nth=0 >> a.field-open")
    page.wait_for_url(f"**/desk/field/jobs/{visit.pk}/")
    shot(page, "job_before_check_in")
    _submit(page, "check_in")
    page.fill("textarea[name=diagnosis]", "排水泵堵塞")
    page.fill("textarea[name=work_done]", "清理排水泵并更换控制板")
    _submit(page, "record")
    page.set_input_files("input[name=file]", str(photo))
    _submit(page, "photo")
    page.wait_for_selector(".field-photos img")
    page.fill("input[name=part_number]", "BRD-100")
    page.check("input[name=under_warranty]")
    _submit(page, "part")
    page.wait_for_selector(".field-parts >> text=BRD-100")

    canvas = page.locator("canvas.signature-pad")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + box["height"] / 2 + (15 if step % 2 else -15))
    page.mouse.up()
    assert page.input_value("input[name=signature]").startswith("data:image/png;base64,")
    page.fill("input[name=signed_by]", "王芳")
    shot(page, "job_signing")
    _submit(page, "sign")
    page.wait_for_selector("img.field-signed")
    _submit(page, "check_out")
    page.wait_for_selector(".field-done")
    shot(page, "job_done")
    context.close()
    assert violations == []

    visit.refresh_from_db()
    record = JobRecord.objects.get(visit=visit)
    assert visit.status == VisitStatus.DONE and visit.checked_in_at <= visit.checked_out_at
    assert Ticket.objects.get(pk=visit.ticket_id).status == Status.IN_PROGRESS
    assert (record.diagnosis, record.signed_by) == ("排水泵堵塞", "王芳")
    assert record.signature.read().startswith(b"\x89PNG")
    assert JobPhoto.objects.filter(visit=visit).count() == 1
    usage = PartUsage.objects.get()
    assert (usage.part_id, usage.quantity, usage.under_warranty) == (part.pk, 1, True)
    # The ledger adds up: 2 received, 1 used.
    assert StockLevel.objects.get(part=part, station=visit.station).on_hand == 1
    assert sum(StockMovement.objects.filter(part=part).values_list("quantity", flat=True)) == 1


def test_a_job_form_that_fails_to_send_keeps_the_text_and_records_once(browser, live_server):
    tech = h.technician("tech-offline")
    visit = h.visit_for(tech, start=_today_at(9))
    context, page = _phone(browser)
    sign_in(page, live_server, tech.username, factories.PASSWORD)
    page.goto(f"{live_server.url}/desk/field/jobs/{visit.pk}/")
    _submit(page, "check_in")

    lost = []

    def lose_the_answer_once(route):
        # The server gets the form and records it, but the answer never reaches the phone.
        if not lost:
            lost.append(route.fetch().status)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/record/", lose_the_answer_once)
    page.fill("textarea[name=diagnosis]", "电机碳刷磨损")
    page.fill("textarea[name=work_done]", "更换碳刷")
    page.click("form[data-draft=record] button[type=submit]")
    page.wait_for_selector(".field-unsent", state="visible")
    shot(page, "job_not_sent")
    key = page.input_value("form[data-draft=record] input[name=idempotency_key]")
    assert lost == [200]
    assert JobRecord.objects.filter(visit=visit).count() == 1

    page.reload()
    assert page.input_value("textarea[name=diagnosis]") == "电机碳刷磨损"
    assert page.input_value("form[data-draft=record] input[name=idempotency_key]") == key
    page.wait_for_selector(".field-unsent", state="visible")
    _submit(page, "record")
    page.wait_for_selector(".flash")
    assert not page.is_visible(".field-unsent")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.endsWith('.record')).length") == 0
    shot(page, "job_sent_again")
    context.close()

    assert JobRecord.objects.get(visit=visit).diagnosis == "电机碳刷磨损"
    assert TicketEvent.objects.filter(ticket=visit.ticket, message_code="job.recorded").count() == 1
