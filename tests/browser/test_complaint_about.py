"""The page asks what a complaint is about only when there is a complaint: the caller's ticket on
the new-ticket page once the kind is complaint, the class on the callback screen once the
customer complains."""

import pytest

from aftersales.roles import Role
from followups.choices import CallbackKind
from followups.models import CallbackVisit
from tests import factories
from tests.browser.conftest import screenshot, sign_in
from tickets.choices import FaultGroup, Kind, Status
from tickets.models import Ticket
from tickets.services import ticket_create, ticket_record_resolution, ticket_transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_agent_logs_a_complaint_about_the_callers_repair(page, live_server):
    agent = factories.UserFactory(username="agent-complaint-about", roles=[Role.AGENT])
    customer = factories.CustomerFactory(name="王芳", phone="+8613912345670")
    repair = factories.TicketFactory(customer=customer, kind=Kind.REPAIR, status=Status.CLOSED)
    delay = factories.FaultCategoryFactory(code="delay", name="Delay", group=FaultGroup.SERVICE)

    sign_in(page, live_server, agent.username, factories.PASSWORD)
    page.click("text=New ticket")
    page.type("input[name=phone]", "139 1234 5670", delay=20)
    page.wait_for_selector(".caller-card >> text=王芳")
    assert not page.is_visible("select[name=complaint_about]")
    page.select_option("select[name=kind]", Kind.COMPLAINT)
    page.wait_for_selector("select[name=complaint_about]", state="visible")
    page.select_option("select[name=complaint_about]", repair.reference)
    page.select_option("select[name=fault_category]", str(delay.pk))
    page.fill("textarea[name=description]", "The technician came three hours late.")
    screenshot(page, "desk-complaint-about")
    page.click("text=Log ticket")

    page.wait_for_selector(".pagehead .status-new")
    complaint = Ticket.objects.get(kind=Kind.COMPLAINT)
    assert (complaint.complaint_about, complaint.fault_category) == (repair, delay)
    assert repair.reference in page.inner_text(".complaint-about-ref")


def test_the_callback_screen_asks_the_class_once_the_customer_complains(page, live_server):
    agent = factories.UserFactory(username="agent-complaint-class", roles=[Role.AGENT])
    customer = factories.CustomerFactory(name="李雷", phone="+8613912345671")
    attitude = factories.FaultCategoryFactory(code="attitude", name="Staff attitude", group=FaultGroup.SERVICE)
    ticket = ticket_create(
        customer=customer, kind=Kind.CONSULTATION, channel="phone", description="How do I descale?", by=agent
    )
    ticket = ticket_transition(ticket=ticket, move="acknowledge", by=agent)
    ticket = ticket_record_resolution(ticket=ticket, by=agent, work_done="Explained the descaling programme.")
    ticket = ticket_transition(ticket=ticket, move="resolve", by=agent)
    visit = CallbackVisit.objects.get(ticket=ticket, kind=CallbackKind.AFTER_SERVICE)

    sign_in(page, live_server, agent.username, factories.PASSWORD)
    page.goto(f"{live_server.url}/desk/callbacks/{visit.pk}/")
    page.click("label.reached-toggle")
    assert not page.is_visible("select[name=complaint_class]")
    page.check("input[name=raised_complaint]")
    page.wait_for_selector("select[name=complaint_class]", state="visible")
    page.select_option("select[name=complaint_class]", str(attitude.pk))
    page.fill("textarea[name=comment]", "The technician was rude.")
    page.click("button.result-reached")

    page.wait_for_selector("text=opened")
    visit.refresh_from_db()
    assert (visit.complaint_ticket.complaint_about, visit.complaint_ticket.fault_category) == (ticket, attitude)
