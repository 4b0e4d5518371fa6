"""The ticket list's rows written directly (tickets/api/ticket_rows.py) are exactly what DRF's
fields of TicketListSerializer write, for staff and for a customer's own token, in both languages."""

import datetime as dt

import pytest
from django.utils import timezone, translation
from rest_framework import serializers

from tests import factories
from tickets import selectors
from tickets.api.ticket_output import TicketListSerializer, TicketSerializer
from tickets.api.ticket_rows import TicketRows
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _rows():
    station = factories.ServiceStationFactory(name="Qingdao Laoshan", name_zh="青岛崂山")
    technician = factories.UserFactory(username="wang", first_name="Wei", last_name="Wang", roles=["technician"])
    nameless = factories.UserFactory(username="tech-7", first_name="", last_name="", roles=["technician"])
    due = timezone.now() + dt.timedelta(hours=3)
    factories.TicketFactory(station=station, assignee=technician, next_due=due, description="Leaks <water> & oil")
    factories.TicketFactory(station=None, assignee=nameless, next_due=timezone.now() - dt.timedelta(hours=1))
    factories.TicketFactory(unit=None, station=None, assignee=None, next_due=None)
    return selectors.with_memo_relations(selectors.queue_rows(Ticket.objects.all()).order_by("id"))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("customer_view", [False, True])
def test_the_rows_are_what_the_serializers_fields_write(language, customer_view):
    tickets = _rows()
    context = {"now": timezone.now(), "customer_view": customer_view}
    with translation.override(language), timezone.override("Asia/Shanghai"):
        direct = TicketListSerializer(tickets, many=True, context=context).data
        plain = serializers.ListSerializer(child=TicketListSerializer(), context=context)
        by_fields = plain.to_representation(tickets)
    assert [dict(row) for row in direct] == [dict(row) for row in by_fields]
    assert len(direct) == 3 and direct[2]["unit"] is None and direct[1]["assignee"]["name"] == "tech-7"


def test_the_whole_ticket_is_still_written_by_its_fields():
    assert isinstance(TicketSerializer(many=True), TicketRows)
    assert TicketSerializer.direct_rows is False and TicketListSerializer.direct_rows is True
