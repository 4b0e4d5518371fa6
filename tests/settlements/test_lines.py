"""settlements/lines.py: a verified warranty job claims one line, worked out from the rate card in
force, the parts' standard cost and the travel band; paid work and a ticket of no provider claim none."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from aftersales.roles import Role
from parts.models import PartReturn, ReturnStatus
from settlements import lines
from settlements.checks import refresh_flags
from settlements.choices import FlagCode, JobType, StatementStatus
from settlements.models import SettlementLine, Statement, StatementEvent
from tests import factories
from tests.settlements import helpers as h
from tickets import hooks

pytestmark = pytest.mark.django_db

MARCH_2 = dt.date(2026, 3, 2)
JAN_1 = dt.date(2026, 1, 1)


@pytest.fixture
def setup():
    provider, station, tech = h.network()
    category = factories.ProductCategoryFactory()
    unit = factories.ProductUnitFactory(model=factories.ProductModelFactory(category=category), invoice_date=JAN_1)
    # The default card for every category, the provider's own for the category, and the
    # provider's next card that is not yet in force on the job's date.
    h.card(None, JobType.REPAIR_COMPLEX, "200.00", JAN_1)
    own = h.card(provider, JobType.REPAIR_COMPLEX, "240.00", JAN_1, category=category)
    h.card(provider, JobType.REPAIR_COMPLEX, "260.00", dt.date(2026, 3, 3), category=category)
    h.card(None, JobType.REPAIR_STANDARD, "150.00", JAN_1)
    for low, high, allowance in ((0, 20, "10.00"), (20, 50, "30.00"), (50, None, "60.00")):
        h.band(None, low, high, allowance, JAN_1)
    board, seal = h.part(station, "BRD-100", "80.00"), h.part(station, "SEAL-7", "12.35")
    return {
        "provider": provider,
        "station": station,
        "tech": tech,
        "unit": unit,
        "card": own,
        "board": board,
        "seal": seal,
    }


def _warranty_job(setup, agent, *, check_out=None, record=None, reached=True, day=MARCH_2):
    ticket = h.dispatched(setup["provider"], setup["station"], setup["tech"], unit=setup["unit"])
    parts = ((setup["board"], 1, True), (setup["seal"], 3, True))
    h.on_site(ticket, setup["tech"], day, record=record, parts=parts, check_out=check_out)
    h.resolve(ticket, setup["tech"], h.at(day, 11))
    h.call_back(ticket, agent, h.at(day + dt.timedelta(days=1), 10), reached=reached)
    h.verify(ticket, agent, h.at(day + dt.timedelta(days=3), 10))
    return ticket


def test_the_hook_is_registered():
    assert lines.on_verified in hooks.on_verified


def test_a_verified_warranty_repair_claims_its_line_by_the_card_in_force(setup, agent):
    ticket = _warranty_job(setup, agent, check_out={"complexity": "complex", "travel_km": 35})

    line = SettlementLine.objects.select_related("statement").get(ticket=ticket)
    # Labour: the provider's own card for the category in force on 2 March (240.00, not the
    # default 200.00, not the 260.00 from 3 March). Parts: 1 × 80.00 + 3 × 12.35 = 117.05.
    # Travel: 35 km is in the 20–50 km band, 30.00. Claimed: 240.00 + 117.05 + 30.00 + 0 = 387.05.
    labour, parts, travel = Decimal("240.00"), Decimal("80.00") + 3 * Decimal("12.35"), Decimal("30.00")
    assert parts == Decimal("117.05")
    assert (line.job_date, line.job_type, line.rate_card_id, line.travel_km) == (
        MARCH_2,
        JobType.REPAIR_COMPLEX,
        setup["card"].pk,
        35,
    )
    assert (line.labour, line.parts, line.travel, line.extras, line.claimed, line.currency) == (
        labour,
        parts,
        travel,
        Decimal("0.00"),
        labour + parts + travel,
        "CNY",
    )
    assert (line.statement.provider_id, line.statement.month, line.statement.status) == (
        setup["provider"].pk,
        dt.date(2026, 3, 1),
        StatementStatus.DRAFT,
    )
    # The two warranty parts' old parts are still to be returned.
    assert [flag["code"] for flag in line.flags] == [FlagCode.PART_NOT_RETURNED]
    assert line.flags[0]["params"] == {"parts": "BRD-100, SEAL-7"}
    assert line.flagged is True
    assert list(StatementEvent.objects.values_list("action", "line_id", "data")) == [
        ("line_added", line.pk, {"ticket": ticket.reference, "claimed": "387.05", "currency": "CNY"})
    ]


def test_a_repair_without_a_band_is_paid_as_standard_and_without_a_distance_by_the_first_band(setup, agent):
    ticket = _warranty_job(setup, agent)

    line = SettlementLine.objects.get(ticket=ticket)
    assert (line.job_type, line.labour, line.travel_km, line.travel) == (
        JobType.REPAIR_STANDARD,
        Decimal("150.00"),
        0,
        Decimal("10.00"),
    )
    assert line.claimed == Decimal("150.00") + Decimal("117.05") + Decimal("10.00")


def test_paid_work_claims_nothing(setup, agent):
    record = {"diagnosis": "Dropped", "charge_kind": "paid", "charge": "120.00", "charge_reason": "Misuse"}
    _warranty_job(setup, agent, record=record)
    assert SettlementLine.objects.count() == 0
    assert Statement.objects.count() == 0


def test_a_ticket_of_no_provider_claims_nothing(setup, agent):
    station = factories.ServiceStationFactory(code="hq-st")
    hq_tech = h.jh.technician("tech-hq")
    ticket = h.dispatched(None, station, hq_tech, unit=setup["unit"])
    h.on_site(ticket, hq_tech, MARCH_2)
    h.resolve(ticket, hq_tech, h.at(MARCH_2, 11))
    h.call_back(ticket, agent, h.at(MARCH_2, 15))
    h.verify(ticket, agent, h.at(MARCH_2, 16))
    assert SettlementLine.objects.count() == 0


def test_check_out_answers_field_errors(setup):
    ticket = h.dispatched(setup["provider"], setup["station"], setup["tech"], unit=setup["unit"])
    visit = h.jh.visit_for(setup["tech"], start=h.at(MARCH_2), station=setup["station"], ticket=ticket)
    api = h.APIClient()
    api.force_authenticate(setup["tech"])
    h.step(api, visit, "check-in")
    h.step(api, visit, "signature", {"signature": h.jh.data_url(h.jh.png_bytes()), "signed_by": "Wang Fang"})
    bad = api.post(
        f"/api/field/jobs/{visit.pk}/check-out/",
        {"complexity": "heroic", "travel_km": -3},
        format="json",
        HTTP_IDEMPOTENCY_KEY=h.jh.key(),
    )
    assert bad.status_code == 400 and sorted(bad.json()["errors"]) == ["complexity", "travel_km"]
    visit.refresh_from_db()
    assert visit.status == "checked_in"


def test_extras_by_the_provider_while_draft_with_a_reason(setup, agent):
    ticket = _warranty_job(setup, agent, check_out={"complexity": "complex", "travel_km": 35})
    line = SettlementLine.objects.get(ticket=ticket)
    outsider = factories.UserFactory(
        username="other-agent", roles=[Role.AGENT], provider=factories.ServiceProviderFactory(code="other")
    )
    own_agent = factories.UserFactory(username="own-agent", roles=[Role.AGENT], provider=setup["provider"])

    with pytest.raises(PermissionDenied):
        lines.add_extras(line=line, amount="50.00", reason="Twelfth floor", by=outsider)
    with pytest.raises(PermissionDenied):
        lines.add_extras(line=line, amount="50.00", reason="Twelfth floor", by=setup["tech"])
    with pytest.raises(ValidationError) as refused:
        lines.add_extras(line=line, amount="50.00", reason=" ", by=own_agent)
    assert list(refused.value.message_dict) == ["reason"]
    assert SettlementLine.objects.get(pk=line.pk).claimed == Decimal("387.05")

    line = lines.add_extras(line=line, amount="50.00", reason="Carried up twelve floors", by=own_agent)
    assert (line.extras, line.extras_reason, line.claimed) == (
        Decimal("50.00"),
        "Carried up twelve floors",
        Decimal("387.05") + Decimal("50.00"),
    )
    assert [flag["code"] for flag in line.flags] == [FlagCode.PART_NOT_RETURNED, FlagCode.LABOUR_ABOVE_CARD]
    assert line.flags[1]["params"] == {"labour": "290.00", "card": "240.00"}
    event = StatementEvent.objects.get(action="extras")
    assert (event.by, event.note, event.data) == (
        own_agent,
        "Carried up twelve floors",
        {"extras": "50.00", "claimed": "437.05"},
    )

    Statement.objects.filter(pk=line.statement_id).update(status=StatementStatus.SUBMITTED)
    with pytest.raises(ValidationError) as closed:
        lines.add_extras(line=line, amount="10.00", reason="More", by=agent)
    assert list(closed.value.message_dict) == ["statement"]


def test_a_verified_job_whose_month_is_submitted_goes_on_the_next_draft(setup, agent):
    Statement.objects.create(provider=setup["provider"], month=dt.date(2026, 3, 1), status=StatementStatus.SUBMITTED)
    ticket = _warranty_job(setup, agent)
    line = SettlementLine.objects.select_related("statement").get(ticket=ticket)
    assert (line.job_date, line.statement.month) == (MARCH_2, dt.date(2026, 4, 1))


def test_returned_parts_and_a_refresh_clear_the_flag(setup, agent):
    ticket = _warranty_job(setup, agent)
    line = SettlementLine.objects.get(ticket=ticket)
    assert line.flagged
    PartReturn.objects.filter(usage__ticket=ticket).update(status=ReturnStatus.RECEIVED)
    assert refresh_flags(line.statement) == 0
    line.refresh_from_db()
    assert (line.flags, line.flagged) == ([], False)
