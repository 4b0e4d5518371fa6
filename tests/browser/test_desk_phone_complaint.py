"""An agent logs a phone complaint for an existing customer and works it to resolved."""

import pytest

from aftersales.roles import Role
from tests import factories
from tests.browser.conftest import screenshot, sign_in
from tickets.choices import EventKind, FaultGroup, Kind, Status
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_agent_logs_phone_complaint_and_resolves_it(page, live_server):
    agent = factories.UserFactory(username="agent-browser", first_name="Li", last_name="Na", roles=[Role.AGENT])
    customer = factories.CustomerFactory(name="王芳", phone="+8613912345678")
    unit = factories.ProductUnitFactory(owner=customer, serial="WM2026000777")
    delay = factories.FaultCategoryFactory(code="delay", name="Delay", group=FaultGroup.SERVICE)

    sign_in(page, live_server, agent.username, factories.PASSWORD)
    page.click("text=New ticket")
    # The caller is found while the number is typed, in the way it is spoken.
    page.type("input[name=phone]", "139 1234 5678", delay=20)
    page.wait_for_selector(".caller-card >> text=王芳")
    assert page.is_visible(f"text={unit.serial}")
    page.check(f"input[name=unit][value='{unit.pk}']")
    page.select_option("select[name=kind]", Kind.COMPLAINT)
    page.select_option("select[name=fault_category]", str(delay.pk))
    page.fill("textarea[name=description]", "Technician did not come at the agreed time yesterday.")
    screenshot(page, "desk-new-ticket")
    page.click("text=Log ticket")

    page.wait_for_selector(".pagehead .status-new")
    ticket = Ticket.objects.get(customer=customer)
    assert page.url.endswith(f"/desk/tickets/{ticket.reference}/")
    assert (ticket.kind, ticket.channel, ticket.unit_id, ticket.created_by_id) == (
        Kind.COMPLAINT,
        "phone",
        unit.pk,
        agent.pk,
    )

    page.click("button.move-acknowledge")
    page.wait_for_selector(".pagehead .status-acknowledged")
    page.fill("#resolution textarea[name=work_done]", "Apologised; rescheduled the visit for 9:00 today.")
    page.click("text=Save resolution")
    page.wait_for_selector("text=Resolution saved.")
    page.click("button.move-resolve")
    page.wait_for_selector(".pagehead .status-resolved")
    screenshot(page, "desk-ticket-resolved")

    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert ticket.work_done == "Apologised; rescheduled the visit for 9:00 today."
    moves = list(ticket.events.filter(kind=EventKind.STATUS).values_list("from_status", "to_status", "actor"))
    assert moves == [(Status.NEW, Status.ACKNOWLEDGED, agent.pk), (Status.ACKNOWLEDGED, Status.RESOLVED, agent.pk)]
    assert page.locator(".timeline .event").count() == 4  # created, acknowledged, resolution, resolved
