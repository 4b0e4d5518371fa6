"""Who may open a unit's history: attackers get exactly the answer a missing unit gets, and
the serial search finds only units in the reader's scope."""

import re

import pytest
from django.utils import timezone

from tests import factories
from tests.archive import factories_archive as more

pytestmark = pytest.mark.django_db

MISSING = 999_999


def _proven(phone: str, *, proven: bool = True):
    user = factories.UserFactory(username=phone)
    return factories.CustomerFactory(phone=phone, user=user, account_verified_at=timezone.now() if proven else None)


def _page(response) -> bytes:
    """The page without its CSRF token, which differs on every page, and the language switcher's
    way back to the address asked for."""
    page = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", response.content)
    return re.sub(rb'name="next" type="hidden" value="[^"]*"', b"", page)


def _same(first, second) -> None:
    assert first.status_code == second.status_code
    assert _page(first) == _page(second)
    assert first.get("Location") == second.get("Location")


# --- the portal ---------------------------------------------------------------------------------


def test_another_customers_unit_answers_as_a_missing_one(client):
    me = _proven("+8613900000001")
    theirs = factories.ProductUnitFactory(owner=_proven("+8613900000002"), serial="SN-THEIRS")
    factories.TicketFactory(customer=theirs.owner, unit=theirs, reference="AS-2026-000777")
    client.force_login(me.user)
    other = client.get(f"/account/units/{theirs.pk}/history/")
    missing = client.get(f"/account/units/{MISSING}/history/")
    assert other.status_code == 404
    _same(other, missing)
    assert b"SN-THEIRS" not in other.content


@pytest.mark.parametrize("who", ["anonymous", "unproven", "staff"])
def test_no_proven_account_no_history(client, who, agent):
    unit = factories.ProductUnitFactory(owner=_proven("+8613900000003", proven=who != "unproven"))
    if who == "unproven":
        client.force_login(unit.owner.user)
    elif who == "staff":
        client.force_login(agent)
    own = client.get(f"/account/units/{unit.pk}/history/")
    missing = client.get(f"/account/units/{MISSING}/history/")
    assert own.status_code == 302
    assert own["Location"].startswith("/account/login/")
    assert own.content == missing.content == b""
    assert missing["Location"].startswith("/account/login/")
    assert unit.serial.encode() not in own.content


# --- the desk ------------------------------------------------------------------------------------


@pytest.fixture
def two_providers():
    mine = factories.ServiceProviderFactory(code="mine")
    theirs = factories.ServiceProviderFactory(code="theirs")
    my_unit = factories.ProductUnitFactory(serial="SN-MINE-1")
    their_unit = factories.ProductUnitFactory(serial="SN-THEIRS-1")
    factories.TicketFactory(customer=my_unit.owner, unit=my_unit, provider=mine, reference="AS-2026-000501")
    factories.TicketFactory(customer=their_unit.owner, unit=their_unit, provider=theirs, reference="AS-2026-000502")
    # The other provider also served my unit once: its ticket stays theirs.
    factories.TicketFactory(customer=my_unit.owner, unit=my_unit, provider=theirs, reference="AS-2026-000503")
    staff = factories.UserFactory(username="mine-agent", roles=["agent"], provider=mine)
    return staff, my_unit, their_unit


def test_a_provider_opens_a_unit_it_served_with_its_own_work_only(client, two_providers):
    staff, my_unit, _ = two_providers
    client.force_login(staff)
    response = client.get(f"/desk/units/{my_unit.pk}/")
    assert response.status_code == 200
    assert b"AS-2026-000501" in response.content
    assert b"AS-2026-000503" not in response.content


def test_a_recall_shows_without_the_ticket_another_provider_serves(client, two_providers):
    staff, my_unit, _ = two_providers
    theirs = factories.ServiceProviderFactory(code="theirs")
    recall_ticket = factories.TicketFactory(
        customer=my_unit.owner, unit=my_unit, provider=theirs, reference="AS-2026-000504"
    )
    more.RecallUnitFactory(
        campaign=more.RecallCampaignFactory(title="Hinge recall", model=my_unit.model),
        ticket=recall_ticket,
        unit=my_unit,
    )
    client.force_login(staff)
    html = client.get(f"/desk/units/{my_unit.pk}/").content.decode()
    assert "Hinge recall" in html
    assert "AS-2026-000504" not in html


def test_a_unit_another_provider_served_answers_as_a_missing_one(client, two_providers):
    staff, _, their_unit = two_providers
    client.force_login(staff)
    other = client.get(f"/desk/units/{their_unit.pk}/")
    missing = client.get(f"/desk/units/{MISSING}/")
    assert other.status_code == 404
    _same(other, missing)


def test_headquarters_sees_every_providers_work(client, agent, two_providers):
    _, my_unit, _ = two_providers
    client.force_login(agent)
    html = client.get(f"/desk/units/{my_unit.pk}/").content
    assert b"AS-2026-000501" in html and b"AS-2026-000503" in html


def test_technicians_and_customers_may_not_open_desk_unit_pages(client, technician):
    unit = factories.ProductUnitFactory()
    client.force_login(technician)
    assert client.get(f"/desk/units/{unit.pk}/").status_code == 403
    assert client.get("/desk/units/?serial=SN").status_code == 403
    client.force_login(_proven("+8613900000009").user)
    assert client.get(f"/desk/units/{unit.pk}/").status_code == 403


def test_anonymous_visitors_sign_in_first(client):
    unit = factories.ProductUnitFactory()
    response = client.get(f"/desk/units/{unit.pk}/")
    assert response.status_code == 302
    assert "/desk/login/" in response["Location"]


# --- the serial search ---------------------------------------------------------------------------


def test_the_search_finds_a_serial_in_any_case_and_by_its_start(client, agent):
    wanted = factories.ProductUnitFactory(serial="LSVAB1234567")
    factories.ProductUnitFactory(serial="LSVAB7654321")
    factories.ProductUnitFactory(serial="XX-OTHER")
    client.force_login(agent)
    exact = client.get("/desk/units/", {"serial": " lsvab1234567 "}).content.decode()
    assert f'href="/desk/units/{wanted.pk}/">LSVAB1234567<' in exact
    assert "LSVAB7654321" not in exact
    start = client.get("/desk/units/", {"serial": "lsvab"}).content.decode()
    assert "LSVAB1234567" in start and "LSVAB7654321" in start and "XX-OTHER" not in start


def test_two_characters_match_only_a_whole_serial(client, agent):
    factories.ProductUnitFactory(serial="AB123")
    client.force_login(agent)
    assert "AB123" not in client.get("/desk/units/", {"serial": "AB"}).content.decode()


def test_the_search_page_without_a_serial_and_with_a_bad_one(client, agent):
    client.force_login(agent)
    empty = client.get("/desk/units/")
    assert empty.status_code == 200
    assert b'id="results"' not in empty.content
    too_long = client.get("/desk/units/", {"serial": "X" * 65})
    assert too_long.status_code == 400
    assert b"Ensure this value has at most 64 characters" in too_long.content


def test_nothing_found(client, agent):
    client.force_login(agent)
    assert b"No unit with this serial number." in client.get("/desk/units/", {"serial": "NOPE-1"}).content


def test_a_provider_finds_only_units_it_served(client, two_providers):
    staff, _, _ = two_providers
    client.force_login(staff)
    html = client.get("/desk/units/", {"serial": "SN-"}).content.decode()
    assert "SN-MINE-1" in html
    assert "SN-THEIRS-1" not in html


def test_the_search_reads_a_fixed_number_of_queries(client, agent, django_assert_num_queries):
    for number in range(5):
        factories.ProductUnitFactory(serial=f"QQ{number:04d}")
    client.force_login(agent)
    # user, roles and provider, the units with their owner and model.
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(3):
        response = client.get("/desk/units/", {"serial": "QQ0"})
    # Each unit found links to its history (the menu links to the search itself).
    assert len(re.findall(r'href="/desk/units/\d+/"', response.content.decode())) == 5
