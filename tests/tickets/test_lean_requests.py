"""What each desk request no longer reads again, and that nothing it shows goes stale: the tables'
versions once per request, the signed-in staff member from the memo of users, the policy
versions and the unit's contracts (aftersales/table_memo.py, aftersales/auth_backends.py,
tickets/page_rows.py), and the menu rendered once per set of roles."""

import datetime as dt
import gc
from decimal import Decimal

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales import table_memo
from aftersales.auth_backends import MEMO_BACKEND
from aftersales.roles import Role
from customers.models import WarrantyPolicy
from customers.services import policy_publish
from tests import factories
from tests.contracts.factories_contracts import ContractProductFactory, sell
from tests.factories import PASSWORD
from tickets.choices import Kind, Status
from tickets.models import ServiceStation, TicketEvent
from tickets.selectors import timeline_rows
from warranty.evaluation import policy_for_unit

pytestmark = pytest.mark.django_db


def _signed_in(client, user):
    """Signed in through the desk's sign-in form, as staff sign in."""
    client.logout()
    response = client.post(reverse("desk:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def _ticket_page(client, ticket):
    return client.get(reverse("desk:ticket", args=[ticket.reference]))


# --- the tables' versions, once per request ------------------------------------------------------


def test_a_request_reads_the_versions_once_and_again_after_its_own_write(monkeypatch):
    reads = []
    original = table_memo._read_tokens
    monkeypatch.setattr(table_memo, "_read_tokens", lambda labels: reads.append(set(labels)) or original(labels))
    station = factories.ServiceStationFactory()

    with table_memo.request_versions():
        table_memo.rows(ServiceStation, [station.pk])
        table_memo.rows(get_user_model(), [])
        assert len(reads) == 1 and {"tickets.servicestation", "auth.user"} <= reads[0]
        station.name = "Renamed"
        station.save()  # a write of the request: the versions are read again at the next use
        assert table_memo.rows(ServiceStation, [station.pk])[station.pk].name == "Renamed"
        assert len(reads) == 2

    # Outside a request each use reads what it needs.
    table_memo.rows(ServiceStation, [station.pk])
    table_memo.rows(ServiceStation, [station.pk])
    assert reads[2:] == [{"tickets.servicestation"}, {"tickets.servicestation"}]


def test_a_change_made_elsewhere_shows_on_the_next_request(client, agent):
    station = factories.ServiceStationFactory(name="Qingdao Laoshan")
    ticket = factories.TicketFactory(station=station, status=Status.NEW, kind=Kind.CONSULTATION)
    _signed_in(client, agent)
    assert "Qingdao Laoshan" in _ticket_page(client, ticket).content.decode()
    ServiceStation.objects.filter(pk=station.pk).update(name="Qingdao Licang")
    table_memo.bump(ServiceStation)  # what a bulk update of a kept table must say
    page = _ticket_page(client, ticket).content.decode()
    assert "Qingdao Licang" in page and "Qingdao Laoshan" not in page


def test_rows_taken_from_the_memo_are_not_joined():
    ticket = factories.TicketFactory()
    TicketEvent.objects.create(ticket=ticket, kind="note", note="x", actor=factories.UserFactory(roles=[Role.AGENT]))
    with CaptureQueriesContext(connection) as queries:
        events = timeline_rows(ticket)
    assert [event.actor.username for event in events if event.actor]  # the actor is there
    assert not any("JOIN" in query["sql"] for query in queries.captured_queries)


# --- the signed-in staff member ------------------------------------------------------------------


def test_a_staff_session_is_served_from_the_memo_of_users(client, agent, django_assert_num_queries):
    _signed_in(client, agent)
    assert client.session[BACKEND_SESSION_KEY] == MEMO_BACKEND
    client.get(reverse("desk:queue"))  # fills the memo, as on any running server
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("desk:queue")).status_code == 200
    assert not any('FROM "auth_user"' in query["sql"] for query in queries.captured_queries)


def test_a_password_changed_elsewhere_signs_the_other_sessions_out(client, agent):
    _signed_in(client, agent)
    assert client.get(reverse("desk:queue")).status_code == 200
    agent.set_password("another-long-passphrase")
    agent.save()
    response = client.get(reverse("desk:queue"))
    assert response.status_code == 302 and reverse("desk:login") in response["Location"]


def test_a_deactivated_or_demoted_staff_member_loses_the_desk_at_the_next_request(client, agent):
    _signed_in(client, agent)
    assert client.get(reverse("desk:queue")).status_code == 200
    agent.groups.remove(Group.objects.get(name=Role.AGENT))
    assert client.get(reverse("desk:queue")).status_code in (302, 403)

    other = factories.UserFactory(roles=[Role.AGENT], username="agent2")
    _signed_in(client, other)
    assert client.get(reverse("desk:queue")).status_code == 200
    get_user_model().objects.filter(pk=other.pk).update(is_active=False)
    table_memo.bump(get_user_model())
    response = client.get(reverse("desk:queue"))
    assert response.status_code == 302 and reverse("desk:login") in response["Location"]


def test_a_session_signed_in_by_djangos_backend_stays_valid(client, agent):
    _signed_in(client, agent)
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    assert client.get(reverse("desk:queue")).status_code == 200


def test_a_customers_account_is_read_from_the_database_and_never_kept(client):
    customer = factories.CustomerFactory()
    user = factories.UserFactory(username=customer.phone)
    client.force_login(user)
    client.get(reverse("portal:home"))
    label = get_user_model()._meta.label_lower
    assert user.pk not in table_memo._memos.get(label, (None, {}))[1]


def test_a_wrong_password_is_checked_once(client, agent, monkeypatch):
    from django.contrib.auth.hashers import MD5PasswordHasher

    checks = []
    original = MD5PasswordHasher.verify
    monkeypatch.setattr(MD5PasswordHasher, "verify", lambda self, *a: checks.append(1) or original(self, *a))
    response = client.post(reverse("desk:login"), {"username": agent.username, "password": "wrong-passphrase"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert len(checks) == 1


# --- policy versions and contracts ---------------------------------------------------------------


def test_a_new_policy_version_applies_from_the_next_evaluation():
    unit = factories.ProductUnitFactory(invoice_date=dt.date(2026, 6, 1))
    before = policy_for_unit(unit)
    newer = WarrantyPolicy.objects.get(pk=before.pk)
    newer.effective_from = dt.date(2026, 1, 1)
    newer.whole_unit_months = 30
    published = policy_publish(policy=newer, by=None)
    found = policy_for_unit(unit)
    assert (found.pk, found.version, found.whole_unit_months) == (published.pk, before.version + 1, 30)
    assert found.category == unit.model.category


def test_a_contract_sold_after_the_page_was_seen_shows_on_the_next_one(client, agent):
    unit = factories.ProductUnitFactory(invoice_date=dt.date.today() - dt.timedelta(days=800))
    ticket = factories.TicketFactory(customer=unit.owner, unit=unit)
    _signed_in(client, agent)
    assert "Covered by a service contract" not in _ticket_page(client, ticket).content.decode()
    contract = sell(ContractProductFactory(price=Decimal("399.00")), unit)
    page = _ticket_page(client, ticket).content.decode()
    assert "Covered by a service contract" in page
    assert f'href="{reverse("contracts:detail", args=[contract.pk])}"' in page


# --- the menu, once per set of roles -------------------------------------------------------------


def test_the_menu_is_each_users_own_in_their_language(client, agent, manager):
    caches["local"].clear()
    quality = reverse("dashboard:home")
    _signed_in(client, agent)
    assert quality not in client.get(reverse("desk:queue")).content.decode()
    _signed_in(client, manager)
    assert quality in client.get(reverse("desk:queue")).content.decode()
    chinese = client.get(reverse("desk:queue"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "质量看板" in chinese[: chinese.index("</nav>")]
    _signed_in(client, agent)
    assert quality not in client.get(reverse("desk:queue")).content.decode()


# --- the collector ----------------------------------------------------------------------------------


def test_the_served_processes_leave_what_loading_made_to_reference_counting():
    threshold = gc.get_threshold()
    from aftersales.wsgi import GC_FIRST_GENERATION_THRESHOLD, settle_collector

    try:
        settle_collector()
        assert gc.get_threshold()[0] == GC_FIRST_GENERATION_THRESHOLD
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
