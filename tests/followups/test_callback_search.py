"""The callback queue is searched by ticket reference, phone (typed in any form) and name, each
finding its callbacks and no others, in a bounded number of queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from followups.choices import CallbackKind, CallbackStatus
from followups.models import CallbackVisit
from tests import factories
from tickets.choices import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def callbacks():
    zhang = factories.CustomerFactory(name="Zhang Wei", phone="+8613712345678")
    li = factories.CustomerFactory(name="Li Na", phone="+8613987654321")
    wang = factories.CustomerFactory(name="Wang Zhangsheng", phone="+8613600001111")
    zhang_ticket = factories.TicketFactory(reference="AS-2026-000042", customer=zhang, status=Status.RESOLVED)
    li_ticket = factories.TicketFactory(reference="AS-2026-000043", customer=li, status=Status.RESOLVED)
    rows = {
        "zhang": factories.CallbackVisitFactory(ticket=zhang_ticket),
        "zhang_maintenance": factories.CallbackVisitFactory(
            ticket=None, customer=zhang, unit=zhang_ticket.unit, kind=CallbackKind.MAINTENANCE
        ),
        "li": factories.CallbackVisitFactory(ticket=li_ticket),
        "wang": factories.CallbackVisitFactory(
            ticket=None, customer=wang, unit=factories.ProductUnitFactory(owner=wang), kind=CallbackKind.MAINTENANCE
        ),
    }
    # Done already: never in the queue, whatever the search.
    done = factories.CallbackVisitFactory(ticket=factories.TicketFactory(customer=li, status=Status.CLOSED))
    CallbackVisit.objects.filter(pk=done.pk).update(status=CallbackStatus.DONE)
    return rows


def _found(client, agent, q: str) -> set[int]:
    client.force_login(agent)
    response = client.get(reverse("followups:queue"), {"q": q})
    assert response.status_code == 200
    return {visit.pk for visit in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # reference, typed as stored, in lower case or without the leading zeros
        ("AS-2026-000042", {"zhang"}),
        ("as-2026-42", {"zhang"}),
        (" AS-2026-000043 ", {"li"}),
        ("AS-2026-000099", set()),
        # phone, in E.164, national form, with spaces or dashes
        ("+8613712345678", {"zhang", "zhang_maintenance"}),
        ("13712345678", {"zhang", "zhang_maintenance"}),
        ("137 1234 5678", {"zhang", "zhang_maintenance"}),
        ("139-8765-4321", {"li"}),
        ("13600001111", {"wang"}),
        ("13700000000", set()),
        # name, any part, any case
        ("Zhang", {"zhang", "zhang_maintenance", "wang"}),
        ("zhang wei", {"zhang", "zhang_maintenance"}),
        ("Li Na", {"li"}),
        ("Nobody", set()),
        # nothing typed: the whole queue
        ("", {"zhang", "zhang_maintenance", "li", "wang"}),
    ],
)
def test_search_finds_by_each_key_and_nothing_else(client, agent, callbacks, q, expected):
    assert _found(client, agent, q) == {callbacks[name].pk for name in expected}


def test_search_combines_with_the_filters(client, agent, callbacks):
    client.force_login(agent)
    response = client.get(reverse("followups:queue"), {"q": "13712345678", "kind": CallbackKind.MAINTENANCE})
    assert [visit.pk for visit in response.context["page"].object_list] == [callbacks["zhang_maintenance"].pk]


def test_the_search_box_keeps_what_was_typed(client, agent, callbacks):
    client.force_login(agent)
    html = client.get(reverse("followups:queue"), {"q": "Zhang Wei"}).content.decode()
    assert 'name="q" id="id_q" value="Zhang Wei"' in html
    assert 'placeholder="Reference, phone or name"' in html


def test_an_overlong_search_is_a_field_error_not_a_crash(client, agent, callbacks):
    client.force_login(agent)
    response = client.get(reverse("followups:queue"), {"q": "x" * 101})
    assert response.status_code == 400
    assert "Search: Ensure this value has at most 100 characters" in response.content.decode()


@pytest.mark.parametrize("q", ["AS-2026-000042", "13712345678", "Zhang"])
def test_searching_costs_the_same_queries_however_many_callbacks(client, agent, django_assert_num_queries, q):
    def add(count: int) -> None:
        for _ in range(count):
            customer = factories.CustomerFactory(name="Zhang San")
            factories.CallbackVisitFactory(ticket=factories.TicketFactory(customer=customer, status=Status.RESOLVED))

    zhang = factories.CustomerFactory(name="Zhang Wei", phone="+8613712345678")
    factories.CallbackVisitFactory(
        ticket=factories.TicketFactory(reference="AS-2026-000042", customer=zhang, status=Status.RESOLVED),
        due_at=timezone.now() - dt.timedelta(hours=1),
    )
    add(3)
    client.force_login(agent)
    # (the customers by name), count, page ids, rows; the session from the cache, the user and
    # roles from the memo (aftersales/table_memo.py), filled by the first page
    client.get(reverse("followups:queue"))
    queries = 4 if q == "Zhang" else 3
    with django_assert_num_queries(queries):
        client.get(reverse("followups:queue"), {"q": q})
    add(30)
    with django_assert_num_queries(queries):
        response = client.get(reverse("followups:queue"), {"q": q, "page_size": 100})
    found = len(response.context["page"].object_list)
    assert found == (34 if q == "Zhang" else 1)
