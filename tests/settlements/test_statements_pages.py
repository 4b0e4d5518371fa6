"""The desk's statement pages: the list, the statement page with its totals, flags, decision
forms and history, the moves through its forms, a fixed number of queries however many lines,
and the exports checked cell by cell."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from aftersales.roles import Role
from settlements import statements
from settlements.models import Statement
from tests import factories
from tests.settlements.helpers_statements import add_line, add_many_lines, statement_for, workflow_only  # noqa: F401 (workflow_only: a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("workflow_only")]

NOON = dt.datetime(2026, 4, 8, 4, 0, tzinfo=dt.UTC)


@pytest.fixture
def provider():
    return factories.ServiceProviderFactory(code="qd-desk", name="Qingdao Repairs")


@pytest.fixture
def hq():
    return factories.UserFactory(roles=[Role.MANAGER], username="hq-desk")


@pytest.fixture
def provider_manager(provider):
    return factories.UserFactory(roles=[Role.MANAGER], provider=provider, username="pm-desk")


def moves_of(answer) -> dict:
    return {move["step"].move: move["form"] for move in answer.context["moves"]}


def test_the_flow_through_the_pages(client, provider, hq, provider_manager):
    statement = statement_for(provider)
    line = add_line(statement, labour="120.00", parts="30.00", flags=[{"code": "repeat_claim", "detail": "AS-1"}])
    page = reverse("settlements:statement", args=[statement.pk])
    move = lambda name: reverse("settlements:move", args=[statement.pk, name])  # noqa: E731
    with time_machine.travel(NOON, tick=False):
        client.force_login(provider_manager)
        answer = client.get(page)
        assert b"Same unit and fault claimed again within 30 days" in answer.content
        assert b'id="move-submit"' in answer.content and b"line-decide" not in answer.content
        assert client.post(move("submit"), {"submit-version": 1}).status_code == 302
        client.force_login(hq)
        assert client.post(move("start_review"), {"start_review-version": 2}).status_code == 302
        decide = reverse("settlements:line_decide", args=[statement.pk, line.pk])
        prefix = f"line-{line.pk}"
        wrong = client.post(
            decide, {f"{prefix}-version": 3, f"{prefix}-decision": "adjusted", f"{prefix}-amount": "100"}
        )
        assert wrong.status_code == 400
        assert wrong.context["page"].lines[0].form.errors == {"reason": ["Give the reason."]}
        done = client.post(
            decide + "?flagged=yes",
            {
                f"{prefix}-version": 3,
                f"{prefix}-decision": "adjusted",
                f"{prefix}-amount": "100.00",
                f"{prefix}-reason": "Parts at standard cost",
            },
        )
        assert done.status_code == 302 and done.url == page + "?flagged=yes"
        stale = client.post(move("approve"), {"approve-version": 3})
        assert stale.status_code == 400
        assert moves_of(stale)["approve"].errors["version"]
        assert client.post(move("approve"), {"approve-version": 4}).status_code == 302
        bad = client.post(move("pay"), {"pay-version": 5, "pay-paid_on": "2026-04-09"})
        assert bad.status_code == 400
        assert set(moves_of(bad)["pay"].errors) == {"payment_reference"}
        future = client.post(
            move("pay"), {"pay-version": 5, "pay-payment_reference": "ICBC-1", "pay-paid_on": "2026-04-09"}
        )
        assert moves_of(future)["pay"].errors == {"paid_on": ["The day of payment cannot be in the future."]}
        assert (
            client.post(
                move("pay"), {"pay-version": 5, "pay-payment_reference": "ICBC-1", "pay-paid_on": "2026-04-08"}
            ).status_code
            == 302
        )
        final = client.get(page)
    stored = Statement.objects.get(pk=statement.pk)
    assert (stored.status, stored.approved_total, stored.paid_on) == ("paid", Decimal("100.00"), dt.date(2026, 4, 8))
    assert [event.action for event in final.context["history"]] == ["submitted", "review_started", "approved", "paid"]
    assert final.context["moves"] == []


def test_providers_see_their_own_statements_only(client, provider, provider_manager):
    mine = statement_for(provider)
    theirs = statement_for(factories.ServiceProviderFactory(code="yt-desk"))
    client.force_login(provider_manager)
    assert list(client.get(reverse("settlements:list")).context["statements"]) == [mine]
    assert client.get(reverse("settlements:statement", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("settlements:statement", args=[999999])).status_code == 404
    assert client.get(reverse("settlements:export", args=[theirs.pk, "csv"])).status_code == 404
    agent = factories.UserFactory(roles=[Role.AGENT], provider=provider)
    client.force_login(agent)
    assert client.get(reverse("settlements:statement", args=[mine.pk])).status_code == 403


def test_the_list_filters_by_month_status_and_provider(client, provider, hq):
    march = statement_for(provider)
    other = factories.ServiceProviderFactory(code="wf-desk")
    feb = statement_for(other, month=dt.date(2026, 2, 1), status="submitted")
    client.force_login(hq)
    url = reverse("settlements:list")
    assert list(client.get(url).context["statements"]) == [march, feb]
    assert list(client.get(url, {"month": "2026-02"}).context["statements"]) == [feb]
    assert list(client.get(url, {"status": "draft"}).context["statements"]) == [march]
    assert list(client.get(url, {"provider": other.pk}).context["statements"]) == [feb]
    assert client.get(url, {"month": "March"}).context["filters"].errors == {"month": ["Give the month as YYYY-MM."]}


def test_the_statement_page_takes_the_same_queries_for_120_lines_as_for_3(
    client, provider, hq, django_assert_num_queries
):
    small, big = statement_for(provider), statement_for(provider, month=dt.date(2026, 2, 1))
    add_many_lines(small, 3)
    add_many_lines(big, 120)
    for statement in (small, big):
        statements.statement_submit(
            statement=statement, by=factories.UserFactory(roles=[Role.MANAGER], provider=provider)
        )
        statements.statement_start_review(statement=statement, by=hq)
    client.force_login(hq)
    url = reverse("settlements:statement", args=[big.pk])
    client.get(url)  # the user, roles and provider in the memo
    # statement, totals, the page of lines, the history; the session from the cache
    with django_assert_num_queries(4):
        answer = client.get(url, {"page": 2, "flagged": "yes"})
    assert answer.status_code == 200
    with django_assert_num_queries(4):
        first = client.get(url)
    assert len(first.context["page"].lines) == 50 and first.context["page"].has_next
    with django_assert_num_queries(4):
        last = client.get(url, {"page": 3})
    assert len(last.context["page"].lines) == 20 and not last.context["page"].has_next
    with django_assert_num_queries(4):
        client.get(reverse("settlements:statement", args=[small.pk]))


@pytest.fixture
def exported(provider, hq, provider_manager):
    category = factories.ProductCategoryFactory(code="washer", name="Washing machine")
    statement = statement_for(provider)
    first = add_line(
        statement, labour="120.00", parts="35.50", travel="20.00", category=category, job_date=dt.date(2026, 3, 3)
    )
    second = add_line(
        statement,
        labour="80.00",
        extras="15.25",
        extras_reason="=Stairs",
        job_date=dt.date(2026, 3, 9),
        job_type="installation",
        flags=[{"code": "labour_above_card", "detail": "Card: 70.00"}],
    )
    statements.statement_submit(statement=statement, by=provider_manager)
    statements.statement_start_review(statement=statement, by=hq)
    statements.line_decide(line=first, decision="approved", by=hq)
    statements.line_decide(line=second, decision="adjusted", amount=Decimal("80.00"), reason="Extras not agreed", by=hq)
    statements.statement_approve(statement=statement, by=hq)
    return Statement.objects.get(pk=statement.pk), first, second


HEADER = [
    "Ticket",
    "Job date",
    "Job type",
    "Product category",
    "Labour",
    "Parts",
    "Travel",
    "Extras",
    "Claimed",
    "Decision",
    "Pays",
    "Reasons",
    "Flags",
]


def test_the_csv_export_cell_by_cell(client, hq, exported):
    statement, first, second = exported
    client.force_login(hq)
    answer = client.get(reverse("settlements:export", args=[statement.pk, "csv"]))
    assert answer["Content-Disposition"] == 'attachment; filename="statement_qd-desk_2026-03.csv"'
    text = b"".join(answer.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows == [
        HEADER,
        [
            first.ticket.reference,
            "2026-03-03",
            "Repair, standard",
            "Washing machine",
            "120.00",
            "35.50",
            "20.00",
            "0.00",
            "175.50",
            "Approved",
            "175.50",
            "",
            "",
        ],
        [
            second.ticket.reference,
            "2026-03-09",
            "Installation",
            "",
            "80.00",
            "0.00",
            "0.00",
            "15.25",
            "95.25",
            "Adjusted",
            "80.00",
            "'Extras: =Stairs; Decision: Extras not agreed".replace("'", ""),
            "Labour above the rate card: Card: 70.00",
        ],
        ["Total", "", "", "", "", "", "", "", "270.75", "", "255.50", "", ""],
    ]
    assert Decimal(rows[-1][10]) == statement.approved_total == Decimal("175.50") + Decimal("80.00")


def test_the_xlsx_export_cell_by_cell(client, hq, exported):
    statement, first, second = exported
    client.force_login(hq)
    answer = client.get(f"/api/statements/{statement.pk}/export/xlsx/")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADER
    assert rows[1] == [
        first.ticket.reference,
        dt.datetime(2026, 3, 3),
        "Repair, standard",
        "Washing machine",
        120.0,
        35.5,
        20.0,
        0.0,
        175.5,
        "Approved",
        175.5,
        None,
        None,
    ]
    assert rows[2][:11] == [
        second.ticket.reference,
        dt.datetime(2026, 3, 9),
        "Installation",
        None,
        80.0,
        0.0,
        0.0,
        15.25,
        95.25,
        "Adjusted",
        80.0,
    ]
    assert rows[3] == ["Total", None, None, None, None, None, None, None, 270.75, None, 255.5, None, None]
    assert sheet.cell(row=2, column=5).number_format == "0.00"
    assert sheet.cell(row=3, column=12).data_type == "s"  # "=Stairs" stays text
    assert Decimal(str(rows[3][10])) == statement.approved_total
