"""The desk's unit history page: every item of a rich history with its exact values, oldest
first, in a constant number of queries however long the history is."""

import re

import pytest
from django.urls import reverse

from tests.archive.scenario import rich_history

pytestmark = pytest.mark.django_db


def _titles(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", title).strip() for title in re.findall(r'class="entry-title">([^<]*)<', html)]


def _kinds(html: str) -> list[str]:
    return re.findall(r'<li class="entry entry-([a-z_]+)">', html)


def test_the_url():
    assert reverse("archive:unit", args=[7]) == "/desk/units/7/"
    assert reverse("archive:search") == "/desk/units/"


def test_every_item_shows_in_chronological_order(client, agent):
    rich = rich_history()
    client.force_login(agent)
    response = client.get(f"/desk/units/{rich.unit.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert _kinds(html) == [
        "purchase", "delivery", "installation", "registration", "contract", "ticket", "plan_visit", "odometer",
        "part", "ticket", "claim", "part", "visit", "replacement", "remedy", "callback", "rating", "survey",
        "ticket", "recall",
    ]  # fmt: skip
    contract = rich.contract.number
    assert _titles(html) == [
        "Bought", "Delivered", "Installed", "Registered", contract, "AS-2026-000101", "Visit 1 of 2", "12,345 km",
        "WM-FLT-01 Drain filter", "AS-2026-000202", "Claim on AS-2026-000202", "WM-BRG-02 Drum bearing",
        "Visit for AS-2026-000202", "Replaced by serial number SN-ARCHIVE-2", "Replacement with the same model",
        "After service", "5 out of 5", "After repair", "AS-2026-000303", "Door lock recall",
    ]  # fmt: skip


def test_the_values_of_each_item(client, agent):
    rich = rich_history()
    client.force_login(agent)
    html = client.get(f"/desk/units/{rich.unit.pk}/").content.decode()
    for expected in (
        # purchase and the summary cards
        "<dt>Dealer</dt><dd>Suning Qingdao</dd>",
        "<dt>Price</dt><dd>¥3,999.00</dd>",
        '<dd id="count-tickets">3 (1 open)</dd>',
        '<dd id="count-claims">1</dd>',
        '<dd id="count-parts">3</dd>',
        '<dd id="count-recalls">1</dd>',
        '<dd id="latest-km">12,345 km on 2 Feb 2026</dd>',
        # the tickets, with the network's own findings at the desk
        "<dt>Kind</dt><dd>Maintenance</dd>",
        "<dt>Description</dt><dd>Drum does not spin.</dd>",
        "<dt>Root cause</dt><dd>Bearing seized: water ingress.</dd>",
        "<dt>Fault code</dt><dd>QF-MOTOR</dd>",
        "<dt>Technician</dt><dd>Wei Zhang</dd>",
        # the claim and its remedy
        "<dt>Rule</dt><dd>general.replace_in_15_days</dd>",
        "<dt>Remedies allowed</dt><dd>Replacement with the same model, Free repair</dd>",
        "<dt>Remedy chosen</dt><dd>Replacement with the same model</dd>",
        "<dt>Replacement serial number</dt><dd>SN-ARCHIVE-2</dd>",
        # parts with their numbers, costs at the desk
        "<dt>Part number</dt><dd>WM-BRG-02</dd>",
        "<dt>Quantity</dt><dd>2</dd>",
        "<dt>Under warranty</dt><dd>no</dd>",
        "<dt>Price</dt><dd>¥85.00</dd>",
        "<dt>Standard cost</dt><dd>¥41.00</dd>",
        "<dt>Unit cost</dt><dd>¥12.50</dd>",
        # the contract and its visit
        "<dt>Kind</dt><dd>Maintenance plan</dd>",
        "<dt>Starts</dt><dd>20 Jan 2026</dd>",
        "<dt>Ends</dt><dd>19 Jan 2027</dd>",
        "<dt>Covers</dt><dd>Parts and labour</dd>",
        "<dt>Payment reference</dt><dd>PAY-7788</dd>",
        f"<dt>Contract</dt><dd>{rich.contract.number}</dd>",
        # follow-ups
        "<dt>Overall</dt><dd>5</dd>",
        "<dt>Quality of work</dt><dd>4</dd>",
        "<dt>Comment</dt><dd>Asked about the price of the plan.</dd>",
        "<dt>Comment</dt><dd>Quick and tidy.</dd>",
        "<dt>CSI</dt><dd>92.50</dd>",
        # the recall
        "<dt>Reason and remedy</dt><dd>Door lock may not close: replace the lock.</dd>",
    ):
        assert expected in html, expected
    assert f'href="/desk/units/{rich.replacement.pk}/"' in html
    assert f'href="/desk/tickets/AS-2026-000202/claims/{rich.claim.pk}/"' in html
    assert 'href="/desk/tickets/AS-2026-000101/"' in html


def _count_queries(client, user, extra_tickets, django_assert_num_queries, expected):
    rich = rich_history(extra_tickets=extra_tickets)
    client.force_login(user)
    with django_assert_num_queries(expected):
        response = client.get(f"/desk/units/{rich.unit.pk}/")
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("extra_tickets", [0, 18])
def test_the_queries_do_not_grow_with_the_history(client, agent, django_assert_num_queries, extra_tickets):
    # user, roles and provider, the unit, then one query per kind of row (11); the session from
    # the cache.
    response = _count_queries(client, agent, extra_tickets, django_assert_num_queries, 14)
    assert response.content.decode().count('<li class="entry entry-ticket">') == 3 + extra_tickets


def test_the_ticket_page_and_the_customer_page_link_to_the_history(client, agent):
    rich = rich_history()
    client.force_login(agent)
    link = f'href="/desk/units/{rich.unit.pk}/"'
    assert link in client.get("/desk/tickets/AS-2026-000202/").content.decode()
    assert link in client.get(f"/desk/customers/{rich.owner.pk}/").content.decode()
