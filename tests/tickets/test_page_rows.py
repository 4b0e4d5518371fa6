"""The ticket page asks once which of its cards have rows (tickets/page_rows.py): a card with none
reads nothing, and a row added shows on the next page."""

import pytest
from django.urls import reverse

from followups.models import SatisfactionRating
from tests import factories
from tickets import page_rows
from tickets.choices import Kind, Status
from tickets.models import Attachment

pytestmark = pytest.mark.django_db


def test_every_card_of_the_page_is_registered():
    assert set(page_rows.TABLES) == {
        "attachments",
        "part_reservations",
        "parts_orders",
        "part_usages",
        "claims",
        "callbacks",
        "ratings",
        "field_visits",
        "service_reports",
        "unit_contracts",
    }


def test_a_card_with_rows_is_read_and_one_without_is_not(client, agent, django_assert_num_queries):
    ticket = factories.TicketFactory(status=Status.CLOSED, kind=Kind.CONSULTATION, unit=None)
    client.force_login(agent)
    url = reverse("desk:ticket", args=[ticket.reference])
    client.get(url)
    # ticket, which cards have rows, events; the session from the cache, the user from the memo
    with django_assert_num_queries(3):
        page = client.get(url).content.decode()
    assert "rating-score" not in page

    SatisfactionRating.objects.create(ticket=ticket, source="sms", score=2, comment="Too slow")
    # the same, and the ratings card's own query
    with django_assert_num_queries(4):
        page = client.get(url).content.decode()
    assert "2 / 5" in page and "Too slow" in page


def test_the_answer_lives_on_the_ticket_of_one_page_only(agent):
    ticket = factories.TicketFactory()
    assert page_rows.may_have(ticket, "attachments")  # nobody asked: every card reads its table
    page_rows.note_present(ticket)
    assert not page_rows.may_have(ticket, "attachments")
    Attachment.objects.create(ticket=ticket, kind="photo", file="x.jpg", content_type="image/jpeg", size=3)
    fresh = factories.TicketFactory._meta.model.objects.get(pk=ticket.pk)
    assert page_rows.may_have(fresh, "attachments")
    page_rows.note_present(fresh)
    assert page_rows.may_have(fresh, "attachments")


def test_a_name_registered_for_another_table_is_refused():
    with pytest.raises(ValueError, match="another table"):
        page_rows.register("attachments", SatisfactionRating)
