"""An agent works the callback queue: no answer first, then the customer is reached, rates the
repair 2 out of 5, and the ticket reopens with a linked complaint."""

import re

import pytest
from django.core import mail

from aftersales.roles import Role
from followups.choices import CallbackKind, CallbackResult, CallbackStatus
from followups.models import CallbackVisit
from tests import factories
from tests.browser.conftest import screenshot, sign_in
from tickets.choices import Kind, Status
from tickets.models import Ticket
from tickets.services import ticket_assign, ticket_create, ticket_record_resolution, ticket_transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _resolved_repair(agent, technician, customer, unit) -> Ticket:
    """A repair worked through the services, so resolving it schedules its after-service callback."""
    ticket = ticket_create(
        customer=customer, unit=unit, kind=Kind.REPAIR, channel="phone", description="Drum does not spin.", by=agent
    )
    station = factories.ServiceStationFactory(code="qd-licang", name="Qingdao Licang station")
    ticket = ticket_assign(ticket=ticket, station=station, assignee=technician, by=agent)
    ticket = ticket_transition(ticket=ticket, move="dispatch", by=agent)
    ticket = ticket_transition(ticket=ticket, move="start", by=technician)
    ticket = ticket_record_resolution(
        ticket=ticket,
        by=technician,
        work_done="Replaced the drive belt and tested a full wash cycle.",
        fault_code="E31",
        fault_component="drive belt",
        root_cause="Belt worn through.",
    )
    return ticket_transition(ticket=ticket, move="resolve", by=technician)


def test_agent_records_no_answer_then_a_dissatisfied_customer_reopens_the_ticket(page, live_server):
    agent = factories.UserFactory(username="agent-callbacks", first_name="Li", last_name="Na", roles=[Role.AGENT])
    technician = factories.UserFactory(
        username="tech-callbacks", first_name="Zhao", last_name="Lei", roles=[Role.TECHNICIAN]
    )
    manager = factories.UserFactory(username="manager-callbacks", roles=[Role.MANAGER])
    customer = factories.CustomerFactory(name="王芳", phone="+8613912345678")
    unit = factories.ProductUnitFactory(owner=customer, serial="WM2026000888")
    ticket = _resolved_repair(agent, technician, customer, unit)
    visit = CallbackVisit.objects.get(ticket=ticket, kind=CallbackKind.AFTER_SERVICE)

    sign_in(page, live_server, agent.username, factories.PASSWORD)
    page.click("nav >> text=Callbacks")
    page.wait_for_selector("table.callbacks")
    row = page.locator("table.callbacks tbody tr", has_text=ticket.reference)
    assert "王芳" in row.inner_text()
    assert row.locator("td.attempts").inner_text() == "0"
    screenshot(page, "callbacks-queue")

    row.locator("text=Call").click()
    page.wait_for_selector("#record")
    assert "Replaced the drive belt" in page.inner_text("#ticket")
    assert "Confirm the problem reported in" in page.inner_text(".script")
    assert not page.is_visible("input[name=score_overall]")
    screenshot(page, "callback-page")
    page.click("button.result-no_answer")
    page.wait_for_selector("text=No answer recorded for 王芳; the callback stays in the queue.")
    assert (
        page.locator("table.callbacks tbody tr", has_text=ticket.reference).locator("td.attempts").inner_text() == "1"
    )
    screenshot(page, "callbacks-queue-after-no-answer")

    page.locator("table.callbacks tbody tr", has_text=ticket.reference).locator("text=Call").click()
    page.wait_for_selector("#attempts .attempt-no_answer")
    page.click("label.reached-toggle")
    page.click(".field-score_overall label.score:has-text('2')")
    page.click(".field-score_attitude label.score:has-text('4')")
    page.fill("textarea[name=comment]", "The drum is noisy again after two days.")
    screenshot(page, "callback-reached-rating-2")
    # Enter on a rating records nothing: the form comes back with the answers kept.
    page.press("input[name=score_overall][value='2']", "Enter")
    page.wait_for_selector("#result-error >> text=Choose the result of the call.")
    assert page.is_checked("input[name=score_overall][value='2']")
    assert page.input_value("textarea[name=comment]") == "The drum is noisy again after two days."
    assert visit.attempts.count() == 1
    page.click("button.result-reached")

    page.wait_for_selector(".flash >> text=reopened")
    message = page.inner_text(".flash")
    match = re.fullmatch(
        rf"Ticket {ticket.reference} reopened; complaint (AS-\d{{4}}-\d{{6}}) opened\.", message.strip()
    )
    assert match, message
    screenshot(page, "callbacks-queue-after-reopen")

    page.goto(f"{live_server.url}/desk/tickets/{ticket.reference}/")
    page.wait_for_selector(".pagehead .status-reopened")
    card = page.inner_text("#callbacks")
    assert "After service" in card and "2 attempts" in card and match.group(1) in card
    screenshot(page, "ticket-reopened-with-callbacks")
    page.click("#callbacks >> text=After service")
    page.wait_for_selector("#outcome")
    assert "Done" in page.inner_text("#outcome") and match.group(1) in page.inner_text("#outcome")
    assert not page.is_visible("button.result-no_answer")
    screenshot(page, "callback-done")

    ticket.refresh_from_db()
    visit.refresh_from_db()
    assert (ticket.status, ticket.reopened_count) == (Status.REOPENED, 1)
    assert (visit.status, visit.score_overall, visit.score_attitude) == (CallbackStatus.DONE, 2, 4)
    assert list(visit.attempts.values_list("result", "by")) == [
        (CallbackResult.NO_ANSWER, agent.pk),
        (CallbackResult.REACHED, agent.pk),
    ]
    complaint = visit.complaint_ticket
    assert (complaint.reference, complaint.kind, complaint.customer_id) == (match.group(1), Kind.COMPLAINT, customer.pk)
    assert any(email.to == [manager.email] and complaint.reference in email.body for email in mail.outbox)
