"""The history of a product in the customer's portal account: the customer's own items, in
their language, without what is internal to the service network."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests import factories
from tests.archive.scenario import rich_history

pytestmark = pytest.mark.django_db


def _proven(phone: str = "+8613900000001", **fields):
    user = factories.UserFactory(username=phone)
    return factories.CustomerFactory(phone=phone, user=user, account_verified_at=timezone.now(), **fields)


def test_the_url():
    assert reverse("portal:unit_history", args=[7]) == "/account/units/7/history/"


def test_the_customer_sees_their_products_history(client):
    owner = _proven(name="Li Na")
    rich = rich_history(owner=owner)
    client.force_login(owner.user)
    response = client.get(f"/account/units/{rich.unit.pk}/history/")
    assert response.status_code == 200
    html = response.content.decode()
    for expected in (
        'id="serial">SN-ARCHIVE-1<',
        "<dt>Dealer</dt><dd>Suning Qingdao</dd>",
        "<dt>Part number</dt><dd>WM-FLT-01</dd>",
        "<dt>Part number</dt><dd>WM-BRG-02</dd>",
        "<dt>Price</dt><dd>¥85.00</dd>",
        "<dt>Remedy chosen</dt><dd>Replacement with the same model</dd>",
        f'class="entry-title">{rich.contract.number}<',
        "<dt>Covers</dt><dd>Parts and labour</dd>",
        "<dt>Technician</dt><dd>Wei</dd>",
        "<dt>Comment</dt><dd>Quick and tidy.</dd>",
        "<dt>Overall</dt><dd>5</dd>",
        "Door lock recall",
        "12,345 km",
        'href="/track/AS-2026-000202/"',
        f'href="/account/units/{rich.replacement.pk}/history/"',
    ):
        assert expected in html, expected


def test_internal_items_are_hidden_from_the_customer(client):
    owner = _proven()
    rich = rich_history(owner=owner)
    client.force_login(owner.user)
    html = client.get(f"/account/units/{rich.unit.pk}/history/").content.decode()
    for hidden in (
        "Bearing seized",  # root cause
        "QF-MOTOR",  # fault code
        "Standard cost",
        "Unit cost",
        "¥41.00",
        "¥12.50",
        "Zhang",  # a technician's family name
        "Liu",  # an agent's
        "Asked about the price",  # the agent's callback note
        "PAY-7788",  # payment reference
        "general.replace_in_15_days",  # the engine's rule code
        "92.50",  # the CSI
        "/desk/",
    ):
        assert hidden not in html, hidden


def test_a_former_owners_requests_on_the_unit_are_not_shown(client):
    owner = _proven()
    rich = rich_history(owner=owner)
    former = factories.CustomerFactory(name="Former Owner")
    factories.TicketFactory(reference="AS-2026-000999", customer=former, unit=rich.unit, description="Old noise.")
    client.force_login(owner.user)
    html = client.get(f"/account/units/{rich.unit.pk}/history/").content.decode()
    assert "AS-2026-000999" not in html
    assert "Old noise." not in html


def test_in_chinese(client):
    owner = _proven(preferred_language="zh-hans")
    rich = rich_history(owner=owner)
    client.force_login(owner.user)
    html = client.get(f"/account/units/{rich.unit.pk}/history/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<html lang="zh-hans">' in html
    with translation.override("zh-hans"):
        for msgid in ("My products", "Serial number", "Price"):
            assert gettext(msgid) != msgid
            assert gettext(msgid) in html


def test_the_account_page_links_each_product_to_its_history(client):
    owner = _proven()
    unit = factories.ProductUnitFactory(owner=owner)
    client.force_login(owner.user)
    assert f'href="/account/units/{unit.pk}/history/"' in client.get("/account/").content.decode()


@pytest.mark.parametrize("extra_tickets", [0, 18])
def test_the_queries_do_not_grow_with_the_history(client, django_assert_num_queries, extra_tickets):
    owner = _proven()
    rich = rich_history(owner=owner, extra_tickets=extra_tickets)
    client.force_login(owner.user)
    # user, roles, the customer, the unit, then one query per kind of row (11).
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(15):
        response = client.get(f"/account/units/{rich.unit.pk}/history/")
    assert response.content.decode().count('<li class="entry entry-ticket">') == 3 + extra_tickets
