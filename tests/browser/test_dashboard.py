"""A manager opens the quality dashboard, sees the dissatisfaction rate over its threshold, and
drills down to the tickets behind it (issue 6, item 8); the page also works on a phone."""

import re

import pytest

from aftersales.roles import Role
from followups.choices import RatingSource
from followups.models import SatisfactionRating
from quality import snapshots
from quality.metrics import Period, business_today
from tests import factories
from tests.browser.conftest import screenshot, sign_in
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _rated(score: int, station) -> Ticket:
    ticket = factories.TicketFactory(station=station)
    SatisfactionRating.objects.create(ticket=ticket, source=RatingSource.CALLBACK, score=score)
    return ticket


def _twenty_ratings_four_dissatisfied() -> list[Ticket]:
    """Enough ratings to judge (QUALITY_MIN_RECORDS, 20): fewer would be "too few to judge"."""
    north = factories.ServiceStationFactory(code="qd-north", name="Qingdao North")
    south = factories.ServiceStationFactory(code="qd-south", name="Qingdao South")
    dissatisfied = [_rated(1, north), _rated(2, south), _rated(1, south), _rated(2, north)]
    for index, score in enumerate((5, 5, 4, 4, 5, 3, 4, 5) * 2):
        _rated(score, north if index % 2 else south)
    snapshots.refresh(Period.last_days(2, business_today()))
    snapshots.check_rate_alerts()
    return dissatisfied


def test_a_manager_sees_dissatisfaction_over_its_threshold_and_drills_down(page, live_server):
    manager = factories.UserFactory(
        username="manager-dashboard", first_name="Chen", last_name="Jing", roles=[Role.MANAGER]
    )
    dissatisfied = _twenty_ratings_four_dissatisfied()

    sign_in(page, live_server, manager.username, factories.PASSWORD)
    page.click("nav >> text=Quality")
    page.wait_for_selector("#figure-dissatisfaction_rate")
    figure = page.locator("#figure-dissatisfaction_rate")
    assert figure.locator(".badge").inner_text() == "Alert"
    assert figure.locator(".big").inner_text() == "20.00 %"
    assert re.sub(r"\s+", " ", figure.locator(".fraction").inner_text()) == "4 of 20 · over the 10 % threshold"
    assert "figure-alert" in figure.get_attribute("class")
    assert figure.locator("svg.trend").count() == 2
    # Today's rolling 7 days and this week: 4 of 20 each, past the threshold; the volume beside.
    assert figure.locator("svg.trend circle.dot.crossed").count() == 2
    assert figure.locator("svg.trend rect.bar").count() == 2
    banner = page.locator(".alert-banner")
    assert "Dissatisfaction rate · whole organisation: 20.00 % (4 of 20) over the 10 % threshold" in re.sub(
        r"\s+", " ", banner.inner_text()
    )
    breakdown = page.locator("#breakdown")
    assert "Qingdao North" in breakdown.inner_text() and "Qingdao South" in breakdown.inner_text()
    screenshot(page, "dashboard-home")

    page.click("#breakdown th >> text=Dissatisfaction rate")
    page.wait_for_url(re.compile(r"sort=dissatisfaction_rate"))
    screenshot(page, "dashboard-breakdown-sorted")

    figure = page.locator("#figure-dissatisfaction_rate")
    figure.locator("a.drilldown").click()
    page.wait_for_selector("table.drilldown-list")
    assert page.locator("h1").inner_text() == "Dissatisfied customers"
    listed = page.locator("table.drilldown-list a.ref").all_inner_texts()
    assert sorted(listed) == sorted(ticket.reference for ticket in dissatisfied)
    assert "Tickets 1 to 4" in page.inner_text("main")
    assert page.locator("#drilldown-count").inner_text() == "4 responses behind this figure"
    screenshot(page, "dashboard-drilldown")

    page.locator("table.drilldown-list a.ref", has_text=dissatisfied[0].reference).click()
    page.wait_for_url(f"{live_server.url}/desk/tickets/{dissatisfied[0].reference}/")


def test_the_dashboard_fits_a_phone(browser, live_server):
    manager = factories.UserFactory(username="manager-phone", roles=[Role.MANAGER])
    _twenty_ratings_four_dissatisfied()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        sign_in(page, live_server, manager.username, factories.PASSWORD)
        page.goto(f"{live_server.url}/dashboard/")
        page.wait_for_selector("#figure-dissatisfaction_rate")
        assert page.locator("#figure-dissatisfaction_rate .big").inner_text() == "20.00 %"
        # Nothing but the tables' own scrolling boxes is wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "dashboard-phone")
        page.goto(f"{live_server.url}/dashboard/thresholds/")
        page.wait_for_selector("form.thresholds-form")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "dashboard-thresholds-phone")
    finally:
        context.close()
