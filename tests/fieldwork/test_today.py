"""The technician's day page (fieldwork:today) and the job screen (fieldwork:job)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from customers.models import ProductUnit
from fieldwork.models import VisitStatus
from tests import factories
from tests.fieldwork import jobs_helpers as h

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


def _at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, 2, hour, minute, tzinfo=h.ZONE)


@pytest.fixture
def tech(client):
    user = h.technician()
    client.force_login(user)
    return user


def test_the_day_lists_own_visits_in_time_order_with_links(client, tech):
    late = h.visit_for(tech, start=_at(14))
    early = h.visit_for(tech, start=_at(9))
    h.visit_for(h.technician("tech-other"), start=_at(10))
    h.visit_for(tech, start=_at(11), status=VisitStatus.CANCELLED)
    h.visit_for(tech, start=_at(9) + dt.timedelta(days=1))
    earlier = factories.TicketFactory(
        unit=early.ticket.unit, customer=early.ticket.customer, work_done="Fixed the pump"
    )

    response = client.get(reverse("fieldwork:today"), {"date": "2026-03-02"})

    assert response.status_code == 200
    cards = response.context["cards"]
    assert [card.visit.pk for card in cards] == [early.pk, late.pk]
    assert [ticket.pk for ticket in cards[0].history] == [earlier.pk]
    html = response.content.decode()
    assert 'href="geo:0,0?q=12%20Hong%20Kong%20Road%2C%20Qingdao"' in html
    assert f'href="tel:{early.ticket.customer.phone}"' in html
    assert reverse("fieldwork:job", args=[early.pk]) in html
    assert "Fixed the pump" in html
    unit = ProductUnit.objects.get(pk=early.ticket.unit_id)
    assert cards[0].guarantee.warranty_end == unit.warranty_end


def test_the_three_guarantees_stage_on_the_day(client, tech):
    """A unit bought on 20 February 2026 under the washing machine policy (7-day return, 15-day
    replacement, 12 months' repair): on 2 March it is 10 days old — replacement or repair, until
    7 March (20 Feb + 15 days)."""
    visit = h.visit_for(tech, start=_at(9))
    unit = ProductUnit.objects.get(pk=visit.ticket.unit_id)
    unit.invoice_date = dt.date(2026, 2, 20)
    unit.warranty_start = dt.date(2026, 2, 20)
    unit.save()

    response = client.get(reverse("fieldwork:today"), {"date": "2026-03-02"})

    card = response.context["cards"][0]
    assert (card.guarantee.stage, card.guarantee.until) == ("replace", dt.date(2026, 3, 7))
    assert "Replacement or free repair until" in card.guarantee_text


def test_the_day_reads_a_fixed_number_of_queries(client, tech, django_assert_num_queries):
    for hour in (8, 9):
        h.visit_for(tech, start=_at(hour))
    # The user, roles and holidays come from the process's memo (aftersales/table_memo.py), filled
    # by the first page as on any running server; the session from the cache.
    client.get(reverse("fieldwork:today"), {"date": "2026-03-02"})
    with django_assert_num_queries(4) as two:
        client.get(reverse("fieldwork:today"), {"date": "2026-03-02"})
    for minute in range(8):
        h.visit_for(tech, start=_at(10, minute * 5))
    with django_assert_num_queries(len(two.captured_queries)):
        response = client.get(reverse("fieldwork:today"), {"date": "2026-03-02"})
    assert len(response.context["cards"]) == 10


def test_another_technicians_job_is_not_found(client, tech):
    visit = h.visit_for(h.technician("tech-other"), start=_at(9))
    assert client.get(reverse("fieldwork:job", args=[visit.pk])).status_code == 404
    response = client.post(reverse("fieldwork:job_action", args=[visit.pk, "check_in"]), {"idempotency_key": h.key()})
    assert response.status_code == 404
    visit.refresh_from_db()
    assert (visit.status, visit.checked_in_at) == (VisitStatus.CONFIRMED, None)


def test_the_job_screen_shows_the_steps(client, tech):
    visit = h.visit_for(tech, start=_at(9))
    response = client.get(reverse("fieldwork:job", args=[visit.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "I have arrived: check in" in html
    assert 'name="idempotency_key"' in html
    assert "signature-pad" not in html  # before the check-in, only the check-in

    client.post(reverse("fieldwork:job_action", args=[visit.pk, "check_in"]), {"idempotency_key": h.key()})
    html = client.get(reverse("fieldwork:job", args=[visit.pk])).content.decode()
    assert 'accept="image/*" capture="environment"' in html
    assert 'class="signature-pad"' in html
    assert "<script>" not in html and "style=" not in html


def test_parts_search_offers_only_stock_at_the_visits_station(client, tech):
    visit = h.visit_for(tech, start=_at(9))
    h.part_in_stock(visit.station, number="BRD-100", quantity=2)
    h.part_in_stock(visit.station, number="BRD-200", quantity=0)
    h.part_in_stock(factories.ServiceStationFactory(), number="BRD-300", quantity=5)

    response = client.get(reverse("fieldwork:job_parts", args=[visit.pk]), {"q": "brd"})

    assert [row["number"] for row in response.json()["results"]] == ["BRD-100"]
    assert response.json()["results"][0]["free"] == 2
    assert (
        client.get(reverse("fieldwork:job_parts", args=[visit.pk]), {"q": "控制"}).json()["results"][0]["number"]
        == "BRD-100"
    )


def test_a_bad_form_is_answered_with_its_field_errors(client, tech):
    visit = h.visit_for(tech, start=_at(9))
    client.post(reverse("fieldwork:job_action", args=[visit.pk, "check_in"]), {"idempotency_key": h.key()})
    response = client.post(
        reverse("fieldwork:job_action", args=[visit.pk, "record"]),
        {"idempotency_key": h.key(), "charge_kind": "paid", "charge": "12", "diagnosis": "Belt"},
    )
    assert response.status_code == 400
    assert "Say why the customer pays." in response.content.decode()
    assert "Belt" in response.content.decode()


def test_photos_and_the_signature_are_shown_only_to_the_visits_technician(client, tech):
    from fieldwork.jobs import services

    visit = h.visit_for(tech, start=_at(9))
    services.visit_check_in(visit, tech, now=_at(9))
    photo = services.job_add_photo(visit, tech, "before", h.photo_upload())
    services.job_sign(visit, tech, h.data_url(h.png_bytes()), "Wang Fang")

    shown = client.get(reverse("fieldwork:job_photo", args=[visit.pk, photo.pk]))
    assert (shown.status_code, shown["Content-Type"]) == (200, "image/jpeg")
    assert b"".join(shown.streaming_content) == h.jpeg_bytes()
    signature = client.get(reverse("fieldwork:job_signature", args=[visit.pk]))
    assert b"".join(signature.streaming_content).startswith(b"\x89PNG")

    client.force_login(h.technician("tech-other"))
    assert client.get(reverse("fieldwork:job_photo", args=[visit.pk, photo.pk])).status_code == 404
    assert client.get(reverse("fieldwork:job_signature", args=[visit.pk])).status_code == 404


def test_the_day_api_reads_a_fixed_number_of_queries(tech, django_assert_num_queries):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(tech)
    for hour in (8, 9):
        h.visit_for(tech, start=_at(hour))
    # The visits, the units' policies, the earlier tickets, and one more (force_authenticate: no
    # session); the caller's roles and provider (the scope of every query) and the holidays come
    # from the process's memo, filled by the first request. Each request reads its user afresh, as
    # a token's request does.
    api.force_authenticate(get_user_model().objects.get(pk=tech.pk))
    api.get("/api/field/day/", {"date": "2026-03-02"})
    api.force_authenticate(get_user_model().objects.get(pk=tech.pk))
    with django_assert_num_queries(4) as two:
        api.get("/api/field/day/", {"date": "2026-03-02"})
    for minute in range(8):
        h.visit_for(tech, start=_at(10, minute * 5))
    api.force_authenticate(get_user_model().objects.get(pk=tech.pk))
    with django_assert_num_queries(len(two.captured_queries)):
        response = api.get("/api/field/day/", {"date": "2026-03-02"})
    assert len(response.json()) == 10


def test_a_signed_out_visitor_is_sent_to_the_login(client):
    client.logout()
    response = client.get(reverse("fieldwork:today"))
    assert response.status_code == 302 and "/login/" in response.url
