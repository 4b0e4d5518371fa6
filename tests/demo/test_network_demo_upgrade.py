"""The demo's service network added once to a database loaded before providers existed."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from demo.data.field import PARTS
from demo.data.network import STATIONS
from demo.data.providers import ACCEPTED_AFTER_MINUTES
from demo.scenario.network import network_demo_loaded
from fieldwork.models import TechnicianProfile
from network.models import ProviderMember, ServiceProvider
from parts.models import StockLevel
from tests import factories
from tickets.choices import Status

pytestmark = pytest.mark.django_db


def test_a_database_loaded_before_the_network_gets_it_once(agent):
    """The demo's stations, staff and a few tickets, as a database loaded before providers existed."""
    stations = {
        code: factories.ServiceStationFactory(code=code, name=name, name_zh=name_zh, region=region)
        for code, name, name_zh, region, _address, _phone in STATIONS
    }
    agent.username = "agent"
    agent.save()
    factories.UserFactory(username="manager", roles=["manager"])
    factories.UserFactory(username="technician", roles=["technician"])
    beijing = factories.TicketFactory(station=stations["beijing-chaoyang"], status=Status.DISPATCHED)
    qingdao = factories.TicketFactory(station=stations["qingdao-laoshan"], status=Status.DISPATCHED)
    unassigned = factories.TicketFactory(status=Status.NEW)
    assert not network_demo_loaded()

    out = StringIO()
    call_command("demo", stdout=out)
    assert "Service network: 3 providers running 4 stations with 9 staff. 1 tickets dispatched to them; 17 rates." in (
        out.getvalue()
    )
    beijing.refresh_from_db()
    offered = beijing.dispatched_at or beijing.created_at
    assert (beijing.provider.code, beijing.provider_offered_at) == ("jinghua", offered)
    assert beijing.provider_accepted_at == offered + dt.timedelta(minutes=ACCEPTED_AFTER_MINUTES)
    qingdao.refresh_from_db()
    unassigned.refresh_from_db()
    assert qingdao.provider is None and unassigned.provider is None
    # The providers' technicians and the new station are equipped like the others.
    assert TechnicianProfile.objects.filter(user__provider_membership__isnull=False).count() == 3
    assert TechnicianProfile.objects.count() == 4
    assert StockLevel.objects.filter(station__code="beijing-haidian").count() == len(PARTS)

    before = (ServiceProvider.objects.count(), ProviderMember.objects.count(), StockLevel.objects.count())
    again = StringIO()
    call_command("demo", stdout=again)
    assert "Demo data is already loaded; nothing was added." in again.getvalue()
    assert (ServiceProvider.objects.count(), ProviderMember.objects.count(), StockLevel.objects.count()) == before
