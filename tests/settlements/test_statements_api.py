"""The statements API, end to end: a provider submits, headquarters reviews, decides each line,
approves and records the payment, with the clock held; totals computed here by hand; bad input
answered with field errors; an approved statement refusing every change."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from aftersales.roles import Role
from settlements.models import SettlementLine, Statement, StatementEvent
from tests import factories
from tests.api.conftest import client_for, field_errors
from tests.settlements.helpers_statements import add_line, statement_for, workflow_only  # noqa: F401 (workflow_only: a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("workflow_only")]

MONDAY = dt.datetime(2026, 4, 6, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def world():
    provider = factories.ServiceProviderFactory(code="qd-net")
    statement = statement_for(provider)
    lines = [
        add_line(statement, labour="150.00", parts="62.30", travel="25.00"),  # 237.30
        add_line(
            statement,
            labour="90.00",
            extras="40.00",
            extras_reason="Wall mount",
            flags=[{"code": "labour_above_card", "detail": "Card: 80.00"}],
        ),  # 130.00
        add_line(statement, labour="300.00", parts="1200.00"),  # 1500.00
    ]
    return {
        "statement": statement,
        "lines": lines,
        "provider": client_for(factories.UserFactory(roles=[Role.MANAGER], provider=provider, username="pm")),
        "hq": client_for(factories.UserFactory(roles=[Role.MANAGER], username="hq")),
    }


def test_the_whole_flow_through_the_api(world):
    statement, (first, second, third) = world["statement"], world["lines"]
    base = f"/api/statements/{statement.pk}"
    with time_machine.travel(MONDAY, tick=False):
        submitted = world["provider"].post(f"{base}/submit/", {"version": 1, "note": "March"}, format="json")
        assert submitted.status_code == 200, submitted.content
        assert (submitted.json()["status"], submitted.json()["version"]) == ("submitted", 2)
        assert world["hq"].post(f"{base}/start-review/", {"version": 2}, format="json").status_code == 200
        hq = world["hq"]
        assert (
            hq.post(f"/api/settlement-lines/{first.pk}/decide/", {"decision": "approved"}, format="json").json()["pays"]
            == "237.30"
        )
        adjusted = hq.post(
            f"/api/settlement-lines/{second.pk}/decide/",
            {"decision": "adjusted", "amount": "80.00", "reason": "Card rate applies"},
            format="json",
        )
        assert (adjusted.json()["decision"], adjusted.json()["approved_amount"], adjusted.json()["pays"]) == (
            "adjusted",
            "80.00",
            "80.00",
        )
        hq.post(
            f"/api/settlement-lines/{third.pk}/decide/",
            {"decision": "rejected", "reason": "Out of warranty"},
            format="json",
        )
        detail = hq.get(f"{base}/").json()
        assert detail["totals"] == {
            "lines": 3,
            "claimed": "1867.30",  # 237.30 + 130.00 + 1500.00
            "approved": "317.30",  # 237.30 + 80.00 + 0
            "pending": 0,
            "approved_lines": 1,
            "adjusted": 1,
            "rejected": 1,
            "flagged": 1,
        }
        approved = hq.post(f"{base}/approve/", {}, format="json")
        assert (approved.json()["status"], approved.json()["approved_total"]) == ("approved", "317.30")
        paid = hq.post(f"{base}/pay/", {"payment_reference": "CMB-778812", "paid_on": "2026-04-06"}, format="json")
    assert paid.status_code == 200, paid.content
    body = paid.json()
    assert (body["status"], body["paid_on"], body["payment_reference"]) == ("paid", "2026-04-06", "CMB-778812")
    assert body["submitted_at"] == "2026-04-06T10:00:00+08:00"
    assert [(e["action"], e["by"]) for e in body["events"]] == [
        ("submitted", "pm"),
        ("review_started", "hq"),
        ("approved", "hq"),
        ("paid", "hq"),
    ]
    # The statement total is the sum of its approved lines, as the database holds them.
    stored = Statement.objects.get(pk=statement.pk)
    by_hand = sum(
        (line.claimed if line.decision == "approved" else line.approved_amount or Decimal("0.00"))
        for line in SettlementLine.objects.filter(statement=statement)
        if line.decision != "rejected"
    )
    assert stored.approved_total == by_hand == Decimal("317.30")


def test_an_approved_statement_refuses_every_change(world):
    statement, lines = world["statement"], world["lines"]
    base = f"/api/statements/{statement.pk}"
    world["provider"].post(f"{base}/submit/", {}, format="json")
    hq = world["hq"]
    hq.post(f"{base}/start-review/", {}, format="json")
    for line in lines:
        hq.post(f"/api/settlement-lines/{line.pk}/decide/", {"decision": "approved"}, format="json")
    hq.post(f"{base}/approve/", {}, format="json")
    before = (
        list(Statement.objects.filter(pk=statement.pk).values()),
        list(SettlementLine.objects.filter(statement=statement).values()),
        StatementEvent.objects.count(),
    )
    closed = ["This statement is approved: it can no longer change."]
    for url, body in [
        (f"/api/settlement-lines/{lines[0].pk}/decide/", {"decision": "rejected", "reason": "Late"}),
        (f"{base}/return/", {"note": "Again"}),
        (f"{base}/start-review/", {}),
        (f"{base}/approve/", {}),
    ]:
        assert field_errors(hq.post(url, body, format="json")) == {"non_field_errors": closed}, url
    assert field_errors(world["provider"].post(f"{base}/submit/", {}, format="json")) == {"non_field_errors": closed}
    after = (
        list(Statement.objects.filter(pk=statement.pk).values()),
        list(SettlementLine.objects.filter(statement=statement).values()),
        StatementEvent.objects.count(),
    )
    assert after == before


def test_a_provider_cannot_review_and_headquarters_cannot_submit(world):
    base = f"/api/statements/{world['statement'].pk}"
    refused = world["hq"].post(f"{base}/submit/", {}, format="json")
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "Only the provider's managers may submit its statement.",
        "code": "permission_denied",
    }
    world["provider"].post(f"{base}/submit/", {}, format="json")
    for move in ("start-review", "approve"):
        answer = world["provider"].post(f"{base}/{move}/", {}, format="json")
        assert answer.status_code == 403
        assert answer.json()["detail"] == "Only headquarters managers may do this."
    answer = world["provider"].post(
        f"/api/settlement-lines/{world['lines'][0].pk}/decide/", {"decision": "approved"}, format="json"
    )
    assert answer.status_code == 403
    assert Statement.objects.get(pk=world["statement"].pk).status == "submitted"


def test_bad_input_gets_field_errors(world):
    base = f"/api/statements/{world['statement'].pk}"
    assert "version" in field_errors(world["provider"].post(f"{base}/submit/", {"version": 9}, format="json"))
    world["provider"].post(f"{base}/submit/", {}, format="json")
    hq = world["hq"]
    assert field_errors(hq.post(f"{base}/return/", {}, format="json")) == {"note": ["This field is required."]}
    hq.post(f"{base}/start-review/", {}, format="json")
    decide = f"/api/settlement-lines/{world['lines'][0].pk}/decide/"
    assert set(field_errors(hq.post(decide, {"decision": "maybe"}, format="json"))) == {"decision"}
    assert field_errors(hq.post(decide, {"decision": "adjusted", "amount": "-5", "reason": "x"}, format="json")) == {
        "amount": ["Ensure this value is greater than or equal to 0."]
    }
    assert field_errors(hq.post(decide, {"decision": "adjusted", "amount": "5.00"}, format="json")) == {
        "reason": ["Give the reason."]
    }
    assert field_errors(hq.post(decide, {"decision": "rejected"}, format="json")) == {"reason": ["Give the reason."]}
    assert set(field_errors(hq.post(f"{base}/pay/", {"paid_on": "yesterday"}, format="json"))) == {
        "payment_reference",
        "paid_on",
    }
    assert set(field_errors(hq.get("/api/statements/?month=2026-13"))) == {"month"}
    assert SettlementLine.objects.get(pk=world["lines"][0].pk).decision == "pending"


def test_lists_filter_and_page(world):
    hq = world["hq"]
    other = statement_for(factories.ServiceProviderFactory(code="yt-net"), month=dt.date(2026, 2, 1))
    assert [s["id"] for s in hq.get("/api/statements/").json()["results"]] == [world["statement"].pk, other.pk]
    assert [s["id"] for s in hq.get("/api/statements/?provider=yt-net").json()["results"]] == [other.pk]
    assert [s["id"] for s in hq.get("/api/statements/?month=2026-03").json()["results"]] == [world["statement"].pk]
    # The provider's managers see their own only.
    assert [s["id"] for s in world["provider"].get("/api/statements/").json()["results"]] == [world["statement"].pk]
    lines = hq.get(f"/api/settlement-lines/?statement={world['statement'].pk}&flagged=true").json()["results"]
    assert [(line["id"], line["flags"]) for line in lines] == [
        (world["lines"][1].pk, [{"code": "labour_above_card", "detail": "Card: 80.00"}])
    ]


def test_rate_cards_are_kept_by_headquarters_and_read_by_providers(world):
    factories.ProductCategoryFactory(code="washer")
    hq, provider = world["hq"], world["provider"]
    body = {
        "provider": None,
        "category": "washer",
        "job_type": "repair_simple",
        "labour": "80.00",
        "currency": "CNY",
        "effective_from": "2026-01-01",
    }
    created = hq.post("/api/rate-cards/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["labour"] == "80.00"
    assert field_errors(hq.post("/api/rate-cards/", body, format="json")) == {
        "effective_from": ["A card for this provider, category and job type already starts on this day."]
    }
    assert set(
        field_errors(hq.post("/api/rate-cards/", {**body, "labour": "-1", "currency": "12"}, format="json"))
    ) == {
        "labour",
        "currency",
    }
    refused = provider.post("/api/rate-cards/", {**body, "effective_from": "2026-02-01"}, format="json")
    assert refused.status_code == 403
    own = hq.post("/api/rate-cards/", {**body, "provider": "qd-net", "labour": "95.00"}, format="json").json()
    someone_else = factories.ServiceProviderFactory(code="wf-net")
    theirs = hq.post("/api/rate-cards/", {**body, "provider": someone_else.code}, format="json").json()
    seen = [card["id"] for card in provider.get("/api/rate-cards/").json()["results"]]
    assert sorted(seen) == sorted([created.json()["id"], own["id"]])
    assert provider.get(f"/api/rate-cards/{theirs['id']}/").status_code == 404
    band = hq.post(
        "/api/travel-rates/",
        {"min_km": 30, "max_km": 10, "allowance": "20.00", "currency": "CNY", "effective_from": "2026-01-01"},
        format="json",
    )
    assert field_errors(band) == {"max_km": ["The band must end above where it starts."]}


def test_a_card_that_priced_lines_cannot_change(world):
    from settlements.models import RateCard

    card = RateCard.objects.create(
        job_type="repair_simple", labour=Decimal("80.00"), effective_from=dt.date(2026, 1, 1)
    )
    SettlementLine.objects.filter(pk=world["lines"][0].pk).update(rate_card=card)
    answer = world["hq"].patch(f"/api/rate-cards/{card.pk}/", {"labour": "90.00"}, format="json")
    assert set(field_errors(answer)) == {"effective_from"}
    assert set(field_errors(world["hq"].delete(f"/api/rate-cards/{card.pk}/"))) == {"effective_from"}
    assert RateCard.objects.get(pk=card.pk).labour == Decimal("80.00")


def test_travel_allowances_are_listed_with_the_default_apart(world):
    hq, provider = world["hq"], world["provider"]
    body = {"allowance": "20.00", "currency": "CNY", "effective_from": "2026-01-01"}
    default = hq.post("/api/travel-rates/", {**body, "min_km": 10, "max_km": 30}, format="json").json()
    own = hq.post("/api/travel-rates/", {**body, "provider": "qd-net", "min_km": 0, "max_km": 15}, format="json").json()

    listed = provider.get("/api/travel-rates/")
    only_default = provider.get("/api/travel-rates/", {"provider": "default"})

    assert (listed.status_code, only_default.status_code) == (200, 200)
    assert sorted(band["id"] for band in listed.json()["results"]) == sorted([default["id"], own["id"]])
    assert [band["id"] for band in only_default.json()["results"]] == [default["id"]]
