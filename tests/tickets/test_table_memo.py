"""The desk's pages take stations, providers, fault categories and staff, and the options of their
pickers, from each process's memo (aftersales/table_memo.py): never stale, whatever changes them."""

import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.http import QueryDict
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from aftersales import table_memo
from fieldwork.models import TechnicianProfile
from network.models import ProviderMember
from tests import factories
from tickets.choices import Kind, Status
from tickets.filters import TicketQueueFilter
from tickets.models import ServiceStation, Ticket

pytestmark = pytest.mark.django_db


def _select(page: str, name: str) -> str:
    start = page.index(f'<select name="{name}"')
    return page[start : page.index("</select>", start)]


def _options(page: str, name: str) -> list[str]:
    return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', _select(page, name))


def _ticket(**fields):
    return factories.TicketFactory(status=Status.NEW, kind=Kind.CONSULTATION, **fields)


@pytest.fixture
def desk(client, agent):
    client.force_login(agent)
    return client


def test_a_renamed_station_shows_its_new_name_on_the_next_ticket_page_and_queue(desk):
    station = factories.ServiceStationFactory(name="Qingdao Laoshan")
    ticket = _ticket(station=station)
    page_url = reverse("desk:ticket", args=[ticket.reference])
    assert "Qingdao Laoshan" in desk.get(page_url).content.decode()
    assert "Qingdao Laoshan" in _options(desk.get(reverse("desk:queue")).content.decode(), "station")

    station.name = "Qingdao Licang"
    station.save()

    page = desk.get(page_url).content.decode()
    assert "Qingdao Licang" in page and "Qingdao Laoshan" not in page
    queue = desk.get(reverse("desk:queue")).content.decode()
    assert "Qingdao Licang" in _options(queue, "station") and "Qingdao Laoshan" not in queue


def test_a_technician_renamed_or_made_one_shows_at_once_in_the_pickers(desk):
    wang = factories.UserFactory(username="wang", first_name="Wang", last_name="Tech", roles=["technician"])
    ticket = _ticket(assignee=wang)
    queue = desk.get(reverse("desk:queue")).content.decode()
    assert "wang" in _options(queue, "assignee")

    wang.username = "wang.wei"
    wang.save()
    zhao = factories.UserFactory(username="zhao", first_name="Zhao", last_name="Tech")
    zhao.groups.add(Group.objects.get(name="technician"))

    queue = desk.get(reverse("desk:queue")).content.decode()
    assert _options(queue, "assignee") == ["wang.wei", "zhao"]

    zhao.groups.clear()  # no longer a technician: gone from the pickers
    page = desk.get(reverse("desk:ticket", args=[ticket.reference])).content.decode()
    assert "Zhao Tech" not in _select(page, "assignee")
    assert "Wang Tech" in _select(page, "assignee")


def test_a_technician_given_the_tickets_station_moves_into_its_group(desk):
    laoshan = factories.ServiceStationFactory(name="Qingdao Laoshan")
    chen = factories.UserFactory(username="chen", first_name="Chen", last_name="Tech", roles=["technician"])
    profile = TechnicianProfile.objects.create(user=chen)
    ticket = _ticket(station=laoshan)
    url = reverse("desk:ticket", args=[ticket.reference])
    assert "Technicians of Qingdao Laoshan" not in desk.get(url).content.decode()

    profile.stations.add(laoshan)

    select = _select(desk.get(url).content.decode(), "assignee")
    assert re.search(rf'<optgroup label="Technicians of Qingdao Laoshan">\s*<option value="{chen.pk}"', select)


def test_a_providers_agent_never_gets_the_options_headquarters_saw(client, agent):
    provider = factories.ServiceProviderFactory()
    own = factories.UserFactory(username="own-tech", roles=["technician"], provider=provider)
    factories.UserFactory(username="hq-tech", roles=["technician"])
    provider_agent = factories.UserFactory(username="provider-agent", roles=["agent"], provider=provider)
    client.force_login(agent)
    assert sorted(_options(client.get(reverse("desk:queue")).content.decode(), "assignee")) == ["hq-tech", "own-tech"]

    client.force_login(provider_agent)
    assert _options(client.get(reverse("desk:queue")).content.decode(), "assignee") == ["own-tech"]

    ProviderMember.objects.filter(user=own).delete()  # leaves the provider: a bulk delete, signalled
    assert _options(client.get(reverse("desk:queue")).content.decode(), "assignee") == []
    assert own.pk


def test_the_pickers_are_in_the_readers_language(desk):
    factories.ServiceStationFactory(name="Qingdao Laoshan", name_zh="青岛崂山")
    assert "Qingdao Laoshan" in _options(desk.get(reverse("desk:queue")).content.decode(), "station")
    with translation.override("zh-hans"):
        page = desk.get(reverse("desk:queue"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "青岛崂山" in _options(page, "station")


def test_once_filled_the_memo_spares_the_queries_and_a_change_reads_them_again(desk, django_assert_num_queries):
    station = factories.ServiceStationFactory(name="Qingdao Laoshan")
    technician = factories.UserFactory(username="tech", roles=["technician"])
    factories.TicketFactory.create_batch(3, station=station, assignee=technician)
    desk.get(reverse("desk:queue"))
    # count, page ids, rows: the session from the cache; the user, roles, stations, staff and
    # pickers from memory
    with django_assert_num_queries(3):
        desk.get(reverse("desk:queue"))
    station.save()
    # the stations again: the rows' station and the station picker
    with django_assert_num_queries(5):
        desk.get(reverse("desk:queue"))


def test_with_the_cache_unreachable_every_row_is_read_from_the_database(desk, django_assert_num_queries):
    station = factories.ServiceStationFactory(name="Qingdao Laoshan")
    technician = factories.UserFactory(username="tech", roles=["technician"])
    factories.TicketFactory.create_batch(3, station=station, assignee=technician)
    dummy = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    with override_settings(CACHES={"default": dummy, "fragments": dummy, "memo": dummy, "local": dummy}):
        desk.get(reverse("desk:queue"))
        # the six, then the rows' stations and technicians and both pickers, every time
        with django_assert_num_queries(10):
            page = desk.get(reverse("desk:queue")).content.decode()
    assert _options(page, "station") == ["Qingdao Laoshan"]


def test_the_version_moves_again_when_the_change_commits(django_capture_on_commit_callbacks):
    key = table_memo.KEY.format("tickets.servicestation")
    cache = caches["memo"]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        factories.ServiceStationFactory(name="Qingdao Laoshan")
        written = cache.get(key)
    assert written is not None and len(callbacks) == 1
    callbacks[0]()
    assert cache.get(key) not in (None, written)


def test_each_page_gets_its_own_copy_of_a_row():
    station = factories.ServiceStationFactory(name="Qingdao Laoshan")
    first = table_memo.rows(ServiceStation, [station.pk])[station.pk]
    first.name = "changed by one page"
    second = table_memo.rows(ServiceStation, [station.pk])[station.pk]
    assert second is not first and second.name == "Qingdao Laoshan"


def test_a_table_nothing_keeps_up_to_date_is_refused():
    customer = factories.CustomerFactory()
    ticket = factories.TicketFactory(customer=customer)
    with pytest.raises(ValueError, match="customers.customer"):
        table_memo.attach([ticket], "customer")


@pytest.mark.parametrize("selected", [False, True])
def test_the_pickers_from_the_memo_are_written_as_the_widgets_write_them(desk, selected):
    station = factories.ServiceStationFactory(name="Qingdao Laoshan")
    factories.ServiceStationFactory(name="Qingdao <Licang> & Co")
    technician = factories.UserFactory(username="tech<1>", roles=["technician"])
    factories.UserFactory(username="tech2", roles=["technician"])
    query = {"station": station.pk, "assignee": technician.pk} if selected else {}
    desk.get(reverse("desk:queue"), query)  # fills the memo
    page = desk.get(reverse("desk:queue"), query).content.decode()
    form = TicketQueueFilter(QueryDict(urlencode(query)), queryset=Ticket.objects.all()).form
    for name in ("station", "assignee"):
        start = page.index(f'<select name="{name}"')
        assert page[start : page.index("</select>", start) + len("</select>")] == str(form[name])
