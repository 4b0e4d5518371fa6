"""The desk's parts card on the ticket page and its actions (parts/ticket_views.py), and the
old-part returns list with its actions (parts/returns_views.py). Technicians act on their own jobs
only; refused requests change nothing."""

import pytest
from django.urls import reverse

from parts.models import OrderStatus, PartReturn, PartsOrder, ReservationStatus, ReturnStatus
from parts.usage import part_use
from tests.parts.demand_helpers import PartFactory, level, repair_in_progress, snapshot, station, stocked
from tickets.choices import Status
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def north():
    return station("qd-north")


@pytest.fixture
def pump():
    return PartFactory(number="WM-PUMP-01", name="Drain pump")


@pytest.fixture
def ticket(technician, north):
    return repair_in_progress(technician, north)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def test_the_ticket_page_shows_the_parts_and_the_forms_its_state_allows(client, agent, ticket, north, pump):
    stocked(north, pump, 2)
    client.force_login(agent)
    client.post(
        reverse("parts:ticket_reserve", args=[ticket.reference]),
        {"reserve-part": "wm-pump-01", "reserve-station": north.pk, "reserve-quantity": 1},
    )

    page = client.get(reverse("desk:ticket", args=[ticket.reference])).content.decode()

    assert "1 × WM-PUMP-01 Drain pump · Station qd-north · Reserved" in page
    assert reverse("parts:ticket_order", args=[ticket.reference]) in page

    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED)
    page = client.get(reverse("desk:ticket", args=[ticket.reference])).content.decode()
    # A closed ticket shows its parts and no form that would always fail.
    assert "1 × WM-PUMP-01 Drain pump" in page
    assert reverse("parts:ticket_order", args=[ticket.reference]) not in page
    assert reverse("parts:ticket_reserve", args=[ticket.reference]) not in page


def test_reserving_from_the_desk(client, technician, ticket, north, pump):
    stocked(north, pump, 2)
    client.force_login(technician)

    response = client.post(
        reverse("parts:ticket_reserve", args=[ticket.reference]),
        {"reserve-part": "WM-PUMP-01", "reserve-station": north.pk, "reserve-quantity": 2},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("desk:ticket", args=[ticket.reference]) + "#parts", 302)]
    assert messages_of(response) == ["Part reserved."]
    assert level(north, pump) == (2, 2)


def test_bad_input_comes_back_as_field_errors_and_changes_nothing(client, agent, ticket, north, pump):
    stocked(north, pump, 1)
    client.force_login(agent)
    before = snapshot()

    response = client.post(
        reverse("parts:ticket_reserve", args=[ticket.reference]),
        {"reserve-part": "NOPE", "reserve-station": "999", "reserve-quantity": "0"},
        follow=True,
    )
    assert messages_of(response) == [
        "Part number: No part has this number.",
        "Service station: Select a valid choice. 999 is not one of the available choices.",
        "Quantity: Ensure this value is greater than or equal to 1.",
    ]
    response = client.post(
        reverse("parts:ticket_reserve", args=[ticket.reference]),
        {"reserve-part": "WM-PUMP-01", "reserve-station": north.pk, "reserve-quantity": "5"},
        follow=True,
    )
    assert messages_of(response) == ["Not enough WM-PUMP-01 in stock at Station qd-north: 1 free."]
    assert snapshot() == before


def test_ordering_receiving_and_cancelling_from_the_desk(client, agent, ticket, north, pump):
    client.force_login(agent)
    response = client.post(
        reverse("parts:ticket_order", args=[ticket.reference]),
        {"order-part": "WM-PUMP-01", "order-station": north.pk, "order-quantity": 1, "order-source": "supplier"},
        follow=True,
    )
    assert messages_of(response) == ["Part ordered; the ticket waits for it."]
    order = PartsOrder.objects.get()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.ON_HOLD

    response = client.post(reverse("parts:ticket_order_receive", args=[ticket.reference, order.pk]), follow=True)

    assert messages_of(response) == ["Order received and reserved."]
    order.refresh_from_db()
    assert order.status == OrderStatus.RECEIVED
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS
    assert level(north, pump) == (1, 1)
    reservation = ticket.part_reservations.get()
    client.post(reverse("parts:ticket_reservation_release", args=[ticket.reference, reservation.pk]))
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.RELEASED


def test_a_technician_cannot_touch_another_technicians_ticket(client, other_technician, ticket, north, pump):
    stocked(north, pump, 1)
    client.force_login(other_technician)
    before = snapshot()

    body = {"part": "WM-PUMP-01", "station": north.pk, "quantity": 1, "source": "supplier"}
    for name, prefix in (("parts:ticket_reserve", "reserve"), ("parts:ticket_order", "order")):
        prefixed = {f"{prefix}-{key}": value for key, value in body.items()}
        response = client.post(reverse(name, args=[ticket.reference]), prefixed)
        assert response.status_code == 404

    assert snapshot() == before


def test_a_department_user_is_refused(client, department_user, ticket, north):
    client.force_login(department_user)
    response = client.post(reverse("parts:ticket_reserve", args=[ticket.reference]), {})
    assert response.status_code == 403
    assert client.get(reverse("parts:returns")).status_code == 403


# --- the returns list ---------------------------------------------------------------------------


def used_under_warranty(technician, north, pump, count: int) -> list[PartReturn]:
    stocked(north, pump, count)
    for _ in range(count):
        ticket = repair_in_progress(technician, north)
        part_use(ticket=ticket, station=north, part=pump, quantity=1, by=technician, under_warranty=True)
    return list(PartReturn.objects.order_by("id"))


def test_the_returns_list_filters_and_does_not_grow_in_queries(
    client, agent, technician, north, pump, django_assert_num_queries
):
    first, second, third = used_under_warranty(technician, north, pump, 3)
    PartReturn.objects.filter(pk=first.pk).update(due_by=first.due_by.replace(year=2020))
    PartReturn.objects.filter(pk=third.pk).update(status=ReturnStatus.SHIPPED)
    client.force_login(agent)

    # user, roles, count, page of returns
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(4):
        page = client.get(reverse("parts:returns")).content.decode()
    assert all(r.rma_number in page for r in (first, second, third))
    overdue = client.get(reverse("parts:returns") + "?overdue=on").content.decode()
    assert first.rma_number in overdue
    assert second.rma_number not in overdue
    shipped = client.get(reverse("parts:returns") + "?status=shipped").content.decode()
    assert (third.rma_number in shipped, first.rma_number in shipped) == (True, False)
    used_under_warranty(technician, north, pump, 5)
    # count, page of returns: the user and roles now from the memo
    with django_assert_num_queries(2):
        client.get(reverse("parts:returns"))


def test_the_return_moves_from_the_list(client, agent, technician, north, pump):
    (part_return,) = used_under_warranty(technician, north, pump, 1)
    client.force_login(agent)

    response = client.post(
        reverse("parts:return_inspect", args=[part_return.pk]), {"finding": "confirmed"}, follow=True
    )
    assert messages_of(response) == ["This return is to return: it cannot be inspected now."]
    client.post(reverse("parts:return_ship", args=[part_return.pk]), {"tracking": "SF1", "query": "status=to_return"})
    client.post(reverse("parts:return_receive", args=[part_return.pk]))
    response = client.post(
        reverse("parts:return_inspect", args=[part_return.pk]), {"finding": "confirmed", "note": "Cracked."}
    )
    assert response.status_code == 302
    part_return.refresh_from_db()
    assert (part_return.status, part_return.tracking, part_return.finding) == (
        ReturnStatus.INSPECTED,
        "SF1",
        "confirmed",
    )


def test_a_technician_sees_and_moves_only_the_returns_of_their_jobs(client, technician, other_technician, north, pump):
    (part_return,) = used_under_warranty(technician, north, pump, 1)
    client.force_login(other_technician)

    assert part_return.rma_number not in client.get(reverse("parts:returns")).content.decode()
    before = snapshot()
    assert client.post(reverse("parts:return_ship", args=[part_return.pk]), {"tracking": "SF1"}).status_code == 404
    assert snapshot() == before

    client.force_login(technician)
    assert part_return.rma_number in client.get(reverse("parts:returns")).content.decode()


def test_the_parts_card_and_the_returns_list_render_in_chinese(client, agent, technician, north, pump):
    (part_return,) = used_under_warranty(technician, north, pump, 1)
    client.force_login(agent)

    ticket_page = client.get(
        reverse("desk:ticket", args=[part_return.usage.ticket.reference]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    returns_page = client.get(reverse("parts:returns"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert (ticket_page.status_code, returns_page.status_code) == (200, 200)
    assert part_return.rma_number in ticket_page.content.decode()
    assert part_return.rma_number in returns_page.content.decode()
    assert '<html lang="zh-hans"' in returns_page.content.decode()
