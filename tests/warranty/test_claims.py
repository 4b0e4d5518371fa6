"""warranty/claims.py: evaluate a three-guarantees claim, record the choice, grant goodwill, carry it out.

Real database, the statutory catalogue and holidays the migrations load. Every refused call
is checked to leave claims, units, tickets and the timeline exactly as they were.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from customers.models import ProductCategory, ProductUnit, UnitStatus, WarrantyPolicy
from customers.warranty_periods import add_months
from tests.factories import (
    CustomerFactory,
    FaultCategoryFactory,
    ProductCategoryFactory,
    ProductModelFactory,
    ProductUnitFactory,
    TicketFactory,
    WarrantyClaimFactory,
    WarrantyPolicyFactory,
)
from tickets.choices import Channel, EventKind, Kind, Status
from tickets.models import Ticket, TicketEvent
from tickets.services import ticket_create
from warranty import evaluation as warranty
from warranty.claims import claim_choose, claim_evaluate, claim_execute, claim_goodwill
from warranty.models import ClaimStatus, WarrantyClaim

pytestmark = pytest.mark.django_db

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
START = D(2026, 3, 10)
CLAIM_DATE = D(2026, 3, 15)
PRICE = Decimal("3999.00")

RETURN_7D = (
    "You bought this product 5 days ago. Within 7 days a performance fault entitles you to a return with a full "
    "refund, a replacement or a free repair — your choice."
)
RETURN_7D_ZH = (
    "您购买本产品已有 5 天。购买后 7 天内出现性能故障的，您可以在退货（全额退款）、换货和免费修理中任选一种。"
)
NEEDS_REASON = {"correction_reason": ["Say why the facts from the records were corrected."]}
BAD_AMOUNT = ["Enter an amount such as 120.00."]
NOT_YOURS = "You cannot change this ticket."


@pytest.fixture
def washing_machine() -> ProductCategory:
    return ProductCategory.objects.get(code="washing_machine")


@pytest.fixture
def v1(washing_machine) -> WarrantyPolicy:
    return WarrantyPolicy.objects.get(category=washing_machine, version=1)


@pytest.fixture
def washer(washing_machine):
    return ProductModelFactory(code="XQG90-BD", category=washing_machine)


@pytest.fixture
def customer():
    return CustomerFactory(phone="+8613812345678")


@pytest.fixture
def no_spin():
    return FaultCategoryFactory(code="no-spin", name="Drum does not spin")


@pytest.fixture
def unit(customer, washer):
    """A washing machine bought on 10 March 2026 with an invoice."""
    return ProductUnitFactory(
        owner=customer, model=washer, serial="SN-0001", invoice_date=START, has_invoice=True, price=PRICE
    )


def open_ticket(unit, fault, by) -> Ticket:
    return ticket_create(
        customer=unit.owner,
        kind=Kind.REPAIR,
        channel=Channel.PHONE,
        description="The drum does not spin.",
        unit=unit,
        fault_category=fault,
        by=by,
    )


@pytest.fixture
def ticket(unit, no_spin, agent):
    return open_ticket(unit, no_spin, agent)


def entered(unit, **changes) -> dict:
    """The facts as the claim form hands them over, unchanged from the unit's records unless told."""
    facts = {
        "start_date": unit.warranty_start,
        "fault_kind": "performance",
        "component": "whole",
        "misuse_found_by_technician": False,
        "prior_repairs": 0,
        "repair_days": 0,
        "waiting_days": 0,
        "proof": {
            "invoice": unit.has_invoice,
            "card": unit.has_warranty_card,
            "other_proof": False,
            "documents_match": True,
            "imei_date": unit.manufacture_date,
        },
        "price": unit.price,
        "stock_available": True,
        "open_repair": None,
    }
    return {**facts, **changes}


def evaluate(ticket, by, *, claim_date=CLAIM_DATE, correction_reason="", **changes) -> WarrantyClaim:
    return claim_evaluate(
        ticket=ticket,
        by=by,
        entered=entered(ticket.unit, **changes),
        correction_reason=correction_reason,
        claim_date=claim_date,
    )


def snapshot() -> dict:
    """Every row a claim service may write."""
    return {
        "claims": list(WarrantyClaim.objects.order_by("pk").values()),
        "units": list(ProductUnit.objects.order_by("pk").values()),
        "tickets": list(Ticket.objects.order_by("pk").values()),
        "events": list(TicketEvent.objects.order_by("pk").values()),
    }


def row(claim: WarrantyClaim) -> dict:
    values = WarrantyClaim.objects.filter(pk=claim.pk).values().get()
    del values["id"], values["decided_at"]
    return values


def claim_events(ticket: Ticket) -> list[tuple]:
    return list(
        TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CLAIM)
        .order_by("id")
        .values_list("actor_id", "note", "is_public", "data")
    )


STORED_FACTS = {
    "start_date": "2026-03-10",
    "claim_date": "2026-03-15",
    "prior_repairs": 0,
    "repair_days": 0,
    "waiting_days": 0,
    "proof": {"invoice": True, "card": False, "other_proof": False, "documents_match": True, "imei_date": None},
    "price": "3999.00",
    "same_issue_repairs": 0,
}
STORED_ENTERED = {
    "fault_kind": "performance",
    "component": "whole",
    "misuse_found_by_technician": False,
    "stock_available": True,
    "open_repair": None,
}


# --- claim_evaluate ----------------------------------------------------------------------------


def test_claim_evaluate_five_days_after_purchase_offers_return_replacement_or_repair(ticket, unit, v1, agent):
    claim = evaluate(ticket, agent)

    assert row(claim) == {
        "ticket_id": ticket.pk,
        "unit_id": unit.pk,
        "policy_id": v1.pk,
        "status": ClaimStatus.EVALUATED,
        "facts": {**STORED_FACTS, **STORED_ENTERED},
        "prefilled": STORED_FACTS,
        "corrections": {},
        "correction_reason": "",
        "rule": "general.return_7d",
        "remedies": ["return_full", "replace", "repair_free"],
        "free": True,
        "reason_codes": [{"code": "general.return_7d", "params": {"days": 5, "limit": 7}}],
        "period_end": D(2027, 3, 10),
        "refund_amount": PRICE,
        "usage_fee": None,
        "loaner": False,
        "decided_by_id": agent.pk,
        "chosen_remedy": "",
        "chosen_by_id": None,
        "chosen_at": None,
        "is_goodwill": False,
        "goodwill_reason": "",
        "executed_by_id": None,
        "executed_at": None,
        "charge": None,
        "refund_paid": None,
        "replacement_unit_id": None,
    }
    assert claim_events(ticket) == [
        (
            agent.pk,
            RETURN_7D,
            True,
            {
                "claim": claim.pk,
                "step": "evaluated",
                "rule": "general.return_7d",
                "remedies": ["return_full", "replace", "repair_free"],
                "policy": "washing_machine v1",
            },
        )
    ]
    assert Ticket.objects.get(pk=ticket.pk).version == 1


def test_the_stored_reasons_render_again_as_the_event_note_and_in_chinese(ticket, agent):
    claim = evaluate(ticket, agent)
    claim.refresh_from_db()
    note = TicketEvent.objects.get(ticket=ticket, kind=EventKind.CLAIM).note
    assert " ".join(warranty.reasons_from_codes(claim.reason_codes)) == note == RETURN_7D
    with translation.override("zh-hans"):
        assert warranty.reasons_from_codes(claim.reason_codes) == [RETURN_7D_ZH]
    with translation.override("en"):
        assert warranty.reasons_from_codes(claim.reason_codes) == [RETURN_7D]


def test_claim_evaluate_takes_the_claim_date_from_the_local_calendar(customer, washer, no_spin, agent):
    today = timezone.localdate()
    unit = ProductUnitFactory(owner=customer, model=washer, invoice_date=today - dt.timedelta(days=5), price=PRICE)
    ticket = open_ticket(unit, no_spin, agent)
    claim = claim_evaluate(ticket=ticket, by=agent, entered=entered(unit))
    claim.refresh_from_db()
    assert claim.facts["claim_date"] == today.isoformat()
    assert claim.prefilled["claim_date"] == today.isoformat()
    assert (claim.rule, claim.remedies) == ("general.return_7d", ["return_full", "replace", "repair_free"])
    assert claim.reason_codes == [{"code": "general.return_7d", "params": {"days": 5, "limit": 7}}]


def test_claim_evaluate_records_the_policy_version_in_force(ticket, washing_machine, agent):
    v2 = WarrantyPolicyFactory(category=washing_machine, effective_from=D(2026, 1, 1), whole_unit_months=24)
    claim = evaluate(ticket, agent)
    assert claim.policy == v2
    # The unit row was derived before version 2 existed; the claim's decision uses version 2's 24 months.
    assert claim.period_end == D(2028, 3, 10)
    assert claim_events(ticket)[0][3]["policy"] == "washing_machine v2"


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"start_date": D(2026, 3, 8)}, id="start date"),
        pytest.param(
            {
                "proof": {
                    "invoice": False,
                    "card": True,
                    "other_proof": False,
                    "documents_match": True,
                    "imei_date": None,
                }
            },
            id="proof",
        ),
        pytest.param({"price": Decimal("3599.00")}, id="price"),
        pytest.param({"prior_repairs": 1}, id="prior repairs"),
    ],
)
@pytest.mark.parametrize("reason", ["", "   "])
def test_claim_evaluate_refuses_corrections_without_a_reason(ticket, agent, changes, reason):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        evaluate(ticket, agent, correction_reason=reason, **changes)
    assert excinfo.value.message_dict == NEEDS_REASON
    assert snapshot() == before
    assert not WarrantyClaim.objects.exists()
    assert claim_events(ticket) == []


def test_claim_evaluate_keeps_corrections_with_their_reason(ticket, agent):
    corrected_proof = {"invoice": False, "card": True, "other_proof": False, "documents_match": True, "imei_date": None}
    claim = evaluate(
        ticket,
        agent,
        correction_reason="  The invoice shows 8 March; the customer kept the warranty card.  ",
        start_date=D(2026, 3, 8),
        proof=corrected_proof,
    )
    claim.refresh_from_db()
    assert claim.corrections == {
        "start_date": ["2026-03-10", "2026-03-08"],
        "proof": [STORED_FACTS["proof"], corrected_proof],
    }
    assert claim.correction_reason == "The invoice shows 8 March; the customer kept the warranty card."
    assert claim.prefilled == STORED_FACTS
    assert claim.facts == {**STORED_FACTS, **STORED_ENTERED, "start_date": "2026-03-08", "proof": corrected_proof}
    # Decided on the corrected facts: 7 days since 8 March.
    assert claim.reason_codes == [{"code": "general.return_7d", "params": {"days": 7, "limit": 7}}]
    assert claim.period_end == D(2027, 3, 8)


def test_claim_evaluate_facts_the_records_do_not_hold_are_no_corrections(ticket, agent):
    claim = evaluate(ticket, agent, stock_available=False)
    claim.refresh_from_db()
    assert claim.corrections == {}
    assert (claim.rule, claim.remedies) == ("general.return_7d", ["return_full", "replace_other_model", "repair_free"])


def test_claim_evaluate_needs_a_registered_unit(customer, no_spin, agent):
    ticket = ticket_create(
        customer=customer,
        kind=Kind.REPAIR,
        channel=Channel.PHONE,
        description="No spin.",
        fault_category=no_spin,
        by=agent,
    )
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        claim_evaluate(ticket=ticket, by=agent, entered={}, claim_date=CLAIM_DATE)
    assert excinfo.value.message_dict == {
        "unit": ["Register the customer's product on this ticket before opening a claim."]
    }
    assert snapshot() == before


@pytest.mark.parametrize("status", [UnitStatus.REPLACED, UnitStatus.RETURNED])
def test_claim_evaluate_refuses_a_unit_no_longer_in_use(ticket, unit, agent, status):
    ProductUnit.objects.filter(pk=unit.pk).update(status=status)
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        evaluate(ticket, agent)
    assert excinfo.value.message_dict == {"unit": ["This product was already replaced or returned."]}
    assert snapshot() == before


def test_claim_evaluate_needs_a_policy_for_the_category(customer, no_spin, agent):
    toaster = ProductModelFactory(code="TOAST-1", category=ProductCategoryFactory(code="toaster", name="Toaster"))
    unit = ProductUnitFactory(owner=customer, model=toaster, invoice_date=START)
    ticket = open_ticket(unit, no_spin, agent)
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        evaluate(ticket, agent)
    assert excinfo.value.message_dict == {"unit": ["No warranty policy is set up for this product's category."]}
    assert snapshot() == before


def test_claim_evaluate_needs_a_start_date(customer, washer, no_spin, agent):
    unit = ProductUnitFactory(owner=customer, model=washer, invoice_date=None, has_invoice=False)
    ticket = open_ticket(unit, no_spin, agent)
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        evaluate(ticket, agent)
    assert excinfo.value.message_dict == {
        "start_date": ["No date shows when this product's guarantee started: enter it."]
    }
    assert snapshot() == before


@pytest.fixture
def phone():
    return ProductModelFactory(code="P60", category=ProductCategory.objects.get(code="mobile_phone"))


def test_claim_evaluate_dates_a_phone_with_no_proof_from_its_imei(customer, phone, no_spin, agent):
    unit = ProductUnitFactory(
        owner=customer, model=phone, invoice_date=None, has_invoice=False, manufacture_date=D(2025, 6, 1)
    )

    claim = evaluate(open_ticket(unit, no_spin, agent), agent)

    # 1 Jun 2025 + 90 days (29 + 31 + 30) = 30 Aug 2025; 12 months on: 30 Aug 2026.
    assert (claim.rule, claim.remedies, claim.free, claim.period_end) == (
        "phone.imei_no_proof",
        ["repair_free"],
        True,
        D(2026, 8, 30),
    )
    assert claim.reason_codes == [
        {
            "code": "phone.imei_no_proof",
            "params": {"imei_date": "2025-06-01", "start": "2025-08-30", "period_end": "2026-08-30"},
        }
    ]


def test_claim_evaluate_of_a_phone_nothing_dates_asks_for_a_start_or_manufacture_date(customer, phone, no_spin, agent):
    unit = ProductUnitFactory(owner=customer, model=phone, invoice_date=None, has_invoice=False)
    ticket = open_ticket(unit, no_spin, agent)
    before = snapshot()

    with pytest.raises(ValidationError) as excinfo:
        evaluate(ticket, agent)

    assert excinfo.value.message_dict == {
        "start_date": [
            "No date shows when this phone's guarantee started: enter the start date from the invoice or warranty "
            "card or, with neither, the manufacture date from the IMEI."
        ]
    }
    assert snapshot() == before


@pytest.mark.parametrize(
    ("changes", "claim_date", "errors"),
    [
        pytest.param(
            {}, D(2026, 3, 9), {"claim_date": ["The claim date cannot be before the start date."]}, id="before start"
        ),
        pytest.param({"prior_repairs": -1}, CLAIM_DATE, {"prior_repairs": ["This cannot be negative."]}, id="negative"),
        pytest.param(
            {"component": "main:drum"},
            CLAIM_DATE,
            {"component": ["This product category has no such component."]},
            id="component",
        ),
        pytest.param(
            {"open_repair": {"days_open": -1, "cause": "repairer"}},
            CLAIM_DATE,
            {"open_repair": ["This cannot be negative."]},
            id="nested field",
        ),
        pytest.param({"price": Decimal("-1.00")}, CLAIM_DATE, {"price": ["The price cannot be negative."]}, id="price"),
    ],
)
def test_claim_evaluate_refuses_impossible_facts(ticket, agent, changes, claim_date, errors):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        evaluate(ticket, agent, claim_date=claim_date, correction_reason="Checked with the customer.", **changes)
    assert excinfo.value.message_dict == errors
    assert snapshot() == before


def test_claim_evaluate_by_a_technician_not_on_the_job_is_denied(ticket, technician):
    before = snapshot()
    with pytest.raises(PermissionDenied) as excinfo:
        evaluate(ticket, technician)
    assert excinfo.value.args == (NOT_YOURS,)
    assert snapshot() == before


def test_claim_evaluate_by_the_assigned_technician(ticket, technician):
    Ticket.objects.filter(pk=ticket.pk).update(assignee=technician)
    claim = evaluate(ticket, technician)
    assert (claim.decided_by, claim.rule) == (technician, "general.return_7d")


def at(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def test_claim_evaluate_two_failed_repairs_from_the_units_history(customer, washer, no_spin, agent):
    unit = ProductUnitFactory(owner=customer, model=washer, invoice_date=D(2025, 12, 1), price=PRICE)
    # Two finished repairs of the same fault, 2 days 3 hours each: 3 days each in repair.
    for created, resolved in ((at(2026, 1, 5), at(2026, 1, 7, 12)), (at(2026, 2, 10), at(2026, 2, 12, 12))):
        done = TicketFactory(
            customer=customer, unit=unit, fault_category=no_spin, status=Status.CLOSED, resolved_at=resolved
        )
        Ticket.objects.filter(pk=done.pk).update(created_at=created)
    ticket = open_ticket(unit, no_spin, agent)

    # The history facts are left to the records, as the API does when given a unit.
    facts = entered(unit)
    del facts["prior_repairs"], facts["repair_days"]
    claim = claim_evaluate(ticket=ticket, by=agent, entered=facts, claim_date=CLAIM_DATE)

    claim.refresh_from_db()
    assert (claim.prefilled["prior_repairs"], claim.prefilled["repair_days"]) == (2, 6)
    assert (claim.facts["prior_repairs"], claim.facts["repair_days"], claim.facts["same_issue_repairs"]) == (2, 6, 2)
    assert claim.corrections == {}
    assert claim.rule == "general.two_failed_repairs"
    assert claim.remedies == ["replace", "return_depreciated"]
    assert claim.free is True
    # 104 days since 1 December, 6 of them in repair: 3999.00 − 3999.00 × 0.001 × 98 = 3607.098.
    assert claim.refund_amount == Decimal("3607.10")
    assert claim.period_end == D(2026, 12, 7)
    assert claim_events(ticket)[0][1] == (
        "This fault has been repaired 2 times and the product still does not work properly. You may choose a "
        "replacement with the same model or a return. If you still prefer a refund, you get ¥3,607.10 back: the price "
        "of ¥3,999.00 less 0.1% a day for 98 days of use (104 days since purchase, less 6 days in repair or waiting "
        "for parts)."
    )


@pytest.fixture
def old_washer(customer, washer):
    """Bought on 10 January 2024: the whole-unit year is over, the motor's 3 years are not."""
    return ProductUnitFactory(owner=customer, model=washer, serial="SN-OLD", invoice_date=D(2024, 1, 10), price=PRICE)


def earlier_motor_claim(unit, status, executed_at=None) -> WarrantyClaim:
    return WarrantyClaimFactory(
        ticket=TicketFactory(customer=unit.owner, unit=unit, status=Status.CLOSED),
        facts={"start_date": "2024-01-10", "claim_date": "2025-05-31", "component": "main:motor"},
        rule="general.main_component",
        remedies=["main_component"],
        status=status,
        chosen_remedy="main_component",
        executed_at=executed_at,
    )


def test_a_main_component_claim_restarts_from_the_last_replacement_of_that_component(old_washer, no_spin, agent):
    # Carried out at 17:00 UTC on 31 May, 01:00 on 1 June in Shanghai: replaced on 1 June.
    earlier_motor_claim(old_washer, ClaimStatus.EXECUTED, executed_at=dt.datetime(2025, 5, 31, 17, tzinfo=dt.UTC))
    ticket = open_ticket(old_washer, no_spin, agent)

    claim = evaluate(ticket, agent, component="main:motor")

    claim.refresh_from_db()
    assert claim.facts["component_replaced_on"] == "2025-06-01"
    assert (claim.rule, claim.remedies, claim.free) == ("general.main_component", ["main_component"], True)
    assert claim.period_end == D(2028, 6, 1)
    assert claim.reason_codes == [
        {"code": "general.main_component", "params": {"component": "motor", "months": 36, "period_end": "2028-06-01"}}
    ]


def test_a_main_component_claim_ignores_a_replacement_not_carried_out(old_washer, no_spin, agent):
    earlier_motor_claim(old_washer, ClaimStatus.CHOSEN)
    ticket = open_ticket(old_washer, no_spin, agent)

    claim = evaluate(ticket, agent, component="main:motor")

    claim.refresh_from_db()
    assert claim.facts["component_replaced_on"] is None
    assert claim.period_end == D(2027, 1, 10)


def test_a_whole_unit_claim_after_a_motor_replacement_is_out_of_period(old_washer, no_spin, agent):
    earlier_motor_claim(old_washer, ClaimStatus.EXECUTED, executed_at=dt.datetime(2025, 6, 1, 10, tzinfo=SHANGHAI))
    ticket = open_ticket(old_washer, no_spin, agent)

    claim = evaluate(ticket, agent)

    claim.refresh_from_db()
    assert "component_replaced_on" not in claim.facts
    assert (claim.rule, claim.remedies, claim.free) == ("general.out_of_period", ["repair_paid"], False)
    assert claim.period_end == D(2025, 1, 10)


# --- claim_choose ------------------------------------------------------------------------------


@pytest.fixture
def claim(ticket, agent) -> WarrantyClaim:
    """Five days after purchase: return, replacement or repair."""
    return evaluate(ticket, agent)


@pytest.fixture
def out_of_period_claim(old_washer, no_spin, agent) -> WarrantyClaim:
    return evaluate(open_ticket(old_washer, no_spin, agent), agent)


def test_claim_choose_records_the_customers_choice(claim, ticket, agent):
    chosen = claim_choose(claim=claim, remedy="replace", by=agent)

    values = row(chosen)
    assert values["chosen_at"] is not None
    assert {
        key: values[key] for key in ("status", "chosen_remedy", "chosen_by_id", "is_goodwill", "goodwill_reason")
    } == {
        "status": ClaimStatus.CHOSEN,
        "chosen_remedy": "replace",
        "chosen_by_id": agent.pk,
        "is_goodwill": False,
        "goodwill_reason": "",
    }
    assert claim_events(ticket)[1:] == [
        (
            agent.pk,
            "The customer chose: Replacement with the same model.",
            True,
            {"claim": claim.pk, "step": "chosen", "remedy": "replace", "goodwill": False},
        )
    ]


@pytest.mark.parametrize("remedy", ["return_depreciated", "repair_paid", "main_component", "no_such_remedy", ""])
def test_claim_choose_refuses_a_remedy_outside_the_allowed_set(claim, agent, remedy):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        claim_choose(claim=claim, remedy=remedy, by=agent)
    assert excinfo.value.message_dict == {
        "remedy": ["This remedy is not among those allowed; a manager can grant it as goodwill."]
    }
    assert snapshot() == before


def test_claim_choose_again_before_execution(claim, ticket, agent, manager):
    claim_choose(claim=claim, remedy="replace", by=agent)
    claim_choose(claim=claim, remedy="repair_free", by=manager)

    claim.refresh_from_db()
    assert (claim.status, claim.chosen_remedy, claim.chosen_by) == (ClaimStatus.CHOSEN, "repair_free", manager)
    assert [event[1] for event in claim_events(ticket)[1:]] == [
        "The customer chose: Replacement with the same model.",
        "The customer chose: Free repair.",
    ]


def test_claim_choose_after_execution_is_refused(claim, agent):
    claim_choose(claim=claim, remedy="repair_free", by=agent)
    claim_execute(claim=claim, by=agent)
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        claim_choose(claim=claim, remedy="replace", by=agent)
    assert excinfo.value.message_dict == {"remedy": ["This claim was already carried out."]}
    assert snapshot() == before


def test_claim_choose_by_a_technician_not_on_the_job_is_denied(claim, technician):
    before = snapshot()
    with pytest.raises(PermissionDenied) as excinfo:
        claim_choose(claim=claim, remedy="replace", by=technician)
    assert excinfo.value.args == (NOT_YOURS,)
    assert snapshot() == before


# --- claim_goodwill ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["agent", "technician"])
def test_claim_goodwill_by_anyone_but_a_manager_is_denied(out_of_period_claim, request, role):
    user = request.getfixturevalue(role)
    before = snapshot()
    with pytest.raises(PermissionDenied) as excinfo:
        claim_goodwill(claim=out_of_period_claim, remedy="repair_free", reason="Loyal customer.", by=user)
    assert excinfo.value.args == ("Only a manager can grant a goodwill remedy.",)
    assert snapshot() == before


@pytest.mark.parametrize("reason", ["", "  \n "])
def test_claim_goodwill_needs_a_written_reason(out_of_period_claim, manager, reason):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        claim_goodwill(claim=out_of_period_claim, remedy="repair_free", reason=reason, by=manager)
    assert excinfo.value.message_dict == {"reason": ["Write why this goodwill remedy is granted."]}
    assert snapshot() == before


def test_claim_goodwill_refuses_an_unknown_remedy(out_of_period_claim, manager):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        claim_goodwill(claim=out_of_period_claim, remedy="double_refund", reason="Loyal customer.", by=manager)
    assert excinfo.value.message_dict == {"remedy": ["Choose a remedy."]}
    assert snapshot() == before


def test_claim_goodwill_by_a_manager_is_marked_and_kept_internal(out_of_period_claim, manager):
    claim = claim_goodwill(
        claim=out_of_period_claim, remedy="repair_free", reason="  Customer since 2010; drum fault known.  ", by=manager
    )

    values = row(claim)
    assert {
        key: values[key] for key in ("status", "chosen_remedy", "chosen_by_id", "is_goodwill", "goodwill_reason")
    } == {
        "status": ClaimStatus.CHOSEN,
        "chosen_remedy": "repair_free",
        "chosen_by_id": manager.pk,
        "is_goodwill": True,
        "goodwill_reason": "Customer since 2010; drum fault known.",
    }
    assert values["remedies"] == ["repair_paid"]
    assert claim_events(claim.ticket)[1:] == [
        (
            manager.pk,
            "Goodwill: Free repair, granted by a manager. Reason: Customer since 2010; drum fault known.",
            False,
            {"claim": claim.pk, "step": "chosen", "remedy": "repair_free", "goodwill": True},
        )
    ]


def test_claim_goodwill_of_an_allowed_remedy_is_an_ordinary_choice(claim, manager):
    claim = claim_goodwill(claim=claim, remedy="replace", reason="The customer insists.", by=manager)
    claim.refresh_from_db()
    assert (claim.chosen_remedy, claim.is_goodwill, claim.goodwill_reason) == ("replace", False, "")
    assert claim_events(claim.ticket)[-1][1:3] == ("The customer chose: Replacement with the same model.", True)


def test_claim_goodwill_after_execution_is_refused(claim, agent, manager):
    claim_choose(claim=claim, remedy="repair_free", by=agent)
    claim_execute(claim=claim, by=agent)
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        claim_goodwill(claim=claim, remedy="return_full", reason="Loyal customer.", by=manager)
    assert excinfo.value.message_dict == {"remedy": ["This claim was already carried out."]}
    assert snapshot() == before


# --- claim_execute: repairs --------------------------------------------------------------------


def test_claim_execute_before_a_choice_is_refused(claim, agent):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        claim_execute(claim=claim, by=agent, charge="100")
    assert excinfo.value.message_dict == {"remedy": ["Record the customer's choice first."]}
    assert snapshot() == before


def test_claim_execute_a_free_repair_charges_nothing(claim, ticket, agent):
    claim_choose(claim=claim, remedy="repair_free", by=agent)

    executed = claim_execute(claim=claim, by=agent, charge="500")

    values = row(executed)
    assert values["executed_at"] is not None
    assert (values["status"], values["executed_by_id"], values["charge"], values["refund_paid"]) == (
        ClaimStatus.EXECUTED,
        agent.pk,
        Decimal("0.00"),
        None,
    )
    ticket.refresh_from_db()
    assert (ticket.charge, ticket.version) == (Decimal("0.00"), 2)
    assert claim_events(ticket)[-1] == (
        agent.pk,
        "Free repair carried out; charge ¥0.00.",
        True,
        {"claim": claim.pk, "step": "executed", "remedy": "repair_free", "charge": "0.00"},
    )


def test_claim_execute_a_paid_repair_records_the_charge(out_of_period_claim, agent):
    claim_choose(claim=out_of_period_claim, remedy="repair_paid", by=agent)

    claim = claim_execute(claim=out_of_period_claim, by=agent, charge="350.5")

    assert row(claim)["charge"] == Decimal("350.50")
    ticket = Ticket.objects.get(pk=claim.ticket_id)
    assert (ticket.charge, ticket.version) == (Decimal("350.50"), 2)
    assert claim_events(ticket)[-1] == (
        agent.pk,
        "Paid repair carried out; charge ¥350.50.",
        True,
        {"claim": claim.pk, "step": "executed", "remedy": "repair_paid", "charge": "350.50"},
    )


def test_claim_execute_a_goodwill_repair_is_free(out_of_period_claim, agent, manager):
    claim_goodwill(claim=out_of_period_claim, remedy="repair_free", reason="Customer since 2010.", by=manager)
    claim = claim_execute(claim=out_of_period_claim, by=agent, charge="350")
    assert row(claim)["charge"] == Decimal("0.00")
    assert Ticket.objects.get(pk=claim.ticket_id).charge == Decimal("0.00")


@pytest.mark.parametrize(
    ("charge", "message"),
    [
        ("abc", BAD_AMOUNT),
        ("-1", ["The amount cannot be negative."]),
        ("NaN", BAD_AMOUNT),
        ("Infinity", BAD_AMOUNT),
        ("1,000", BAD_AMOUNT),
    ],
)
def test_claim_execute_refuses_a_bad_charge(out_of_period_claim, agent, charge, message):
    claim_choose(claim=out_of_period_claim, remedy="repair_paid", by=agent)
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        claim_execute(claim=out_of_period_claim, by=agent, charge=charge)
    assert excinfo.value.message_dict == {"charge": message}
    assert snapshot() == before


@pytest.mark.parametrize("charge", ["123456789", "1e30"])
def test_claim_execute_refuses_a_charge_too_large_to_store(out_of_period_claim, agent, charge):
    claim_choose(claim=out_of_period_claim, remedy="repair_paid", by=agent)
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        claim_execute(claim=out_of_period_claim, by=agent, charge=charge)
    assert list(excinfo.value.message_dict) == ["charge"]
    assert snapshot() == before


# --- claim_execute: replacements ---------------------------------------------------------------


def test_claim_execute_a_replacement_registers_the_new_unit(claim, ticket, unit, agent):
    claim_choose(claim=claim, remedy="replace", by=agent)
    today = timezone.localdate()
    units_before = ProductUnit.objects.count()

    executed = claim_execute(claim=claim, by=agent, new_serial="  SN-NEW-0001 ")

    assert ProductUnit.objects.count() == units_before + 1
    new = ProductUnit.objects.get(serial="SN-NEW-0001")
    assert (new.owner, new.model, new.status) == (unit.owner, unit.model, UnitStatus.IN_USE)
    assert (new.replacement_date, new.warranty_start, new.warranty_end) == (today, today, add_months(today, 12))
    assert (new.invoice_date, new.price, new.has_invoice, new.has_warranty_card) == (START, PRICE, True, True)
    unit.refresh_from_db()
    assert (unit.status, unit.replaced_by) == (UnitStatus.REPLACED, new)
    values = row(executed)
    assert (values["status"], values["replacement_unit_id"], values["charge"], values["refund_paid"]) == (
        ClaimStatus.EXECUTED,
        new.pk,
        None,
        None,
    )
    assert claim_events(ticket)[-1] == (
        agent.pk,
        f"Replaced with a new unit, serial SN-NEW-0001; its guarantee periods start again on {today.day} {today:%b %Y}.",
        True,
        {"claim": claim.pk, "step": "executed", "remedy": "replace", "new_unit": new.pk, "new_serial": "SN-NEW-0001"},
    )


def test_the_replacement_can_open_its_own_claim_from_its_new_start(claim, ticket, agent, no_spin):
    claim_choose(claim=claim, remedy="replace", by=agent)
    claim_execute(claim=claim, by=agent, new_serial="SN-NEW-0001", today=D(2026, 3, 16))
    new = ProductUnit.objects.get(serial="SN-NEW-0001")
    assert (new.warranty_start, new.warranty_end) == (D(2026, 3, 16), D(2027, 3, 16))

    second = evaluate(open_ticket(new, no_spin, agent), agent, claim_date=D(2026, 3, 20))
    assert second.prefilled["start_date"] == D(2026, 3, 16)
    assert second.reason_codes == [{"code": "general.return_7d", "params": {"days": 4, "limit": 7}}]


@pytest.mark.parametrize(
    ("serial", "errors"),
    [
        ("sn-taken", ["A unit of this model with this serial number is already registered."]),
        ("   ", ["Enter the serial number."]),
    ],
)
def test_claim_execute_refuses_a_serial_that_cannot_be_registered(claim, unit, washer, agent, serial, errors):
    ProductUnitFactory(model=washer, serial="SN-TAKEN")
    claim_choose(claim=claim, remedy="replace", by=agent)
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        claim_execute(claim=claim, by=agent, new_serial=serial)
    assert excinfo.value.message_dict == {"new_serial": errors}
    assert snapshot() == before
    unit.refresh_from_db()
    assert (unit.status, unit.replaced_by) == (UnitStatus.IN_USE, None)


@pytest.fixture
def no_stock_claim(ticket, agent) -> WarrantyClaim:
    claim = evaluate(ticket, agent, stock_available=False)
    assert claim.remedies == ["return_full", "replace_other_model", "repair_free"]
    return claim_choose(claim=claim, remedy="replace_other_model", by=agent)


def test_claim_execute_another_model_of_the_same_category(no_stock_claim, unit, washing_machine, agent):
    bigger = ProductModelFactory(code="XQG100-BD", category=washing_machine)

    claim = claim_execute(claim=no_stock_claim, by=agent, new_serial="SN-BIG-1", new_model=bigger, today=D(2026, 3, 16))

    new = ProductUnit.objects.get(serial="SN-BIG-1")
    assert (new.owner, new.model, new.warranty_start, new.warranty_end) == (
        unit.owner,
        bigger,
        D(2026, 3, 16),
        D(2027, 3, 16),
    )
    unit.refresh_from_db()
    assert (unit.status, unit.replaced_by) == (UnitStatus.REPLACED, new)
    assert row(claim)["replacement_unit_id"] == new.pk


@pytest.mark.parametrize(
    ("model_code", "errors"),
    [
        ("BCD-215", ["The replacement must be a product of the same category."]),
        (None, ["Choose the model of the replacement."]),
    ],
)
def test_claim_execute_another_model_needs_one_of_the_same_category(no_stock_claim, unit, agent, model_code, errors):
    fridge = ProductModelFactory(code="BCD-215", category=ProductCategory.objects.get(code="fridge"))
    new_model = fridge if model_code else None
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        claim_execute(claim=no_stock_claim, by=agent, new_serial="SN-BIG-1", new_model=new_model)
    assert excinfo.value.message_dict == {"new_model": errors}
    assert snapshot() == before


# --- claim_execute: returns --------------------------------------------------------------------


@pytest.fixture
def day_12_claim(ticket, agent) -> WarrantyClaim:
    """Twelve days after purchase: replacement or repair, or a refund less depreciation."""
    claim = evaluate(ticket, agent, claim_date=D(2026, 3, 22))
    assert (claim.rule, claim.remedies) == ("general.replace_15d", ["replace", "repair_free", "return_depreciated"])
    return claim


@pytest.mark.parametrize(
    ("refund", "expected"),
    [
        # 3999.00 − 3999.00 × 0.001 × 12 = 3951.012
        (None, Decimal("3951.01")),
        ("", Decimal("3951.01")),
        ("3900", Decimal("3900.00")),
    ],
)
def test_claim_execute_a_return_less_depreciation(day_12_claim, unit, ticket, agent, refund, expected):
    assert day_12_claim.refund_amount == Decimal("3951.01")
    claim_choose(claim=day_12_claim, remedy="return_depreciated", by=agent)

    claim = claim_execute(claim=day_12_claim, by=agent, refund=refund)

    values = row(claim)
    assert (values["status"], values["refund_paid"], values["charge"], values["replacement_unit_id"]) == (
        ClaimStatus.EXECUTED,
        expected,
        None,
        None,
    )
    unit.refresh_from_db()
    assert (unit.status, unit.replaced_by) == (UnitStatus.RETURNED, None)
    assert claim_events(ticket)[-1] == (
        agent.pk,
        f"Product returned; ¥{expected:,} refunded.",
        True,
        {"claim": claim.pk, "step": "executed", "remedy": "return_depreciated", "refund": str(expected)},
    )
    # A return does not touch the ticket's repair charge.
    assert Ticket.objects.get(pk=ticket.pk).version == 1


def test_claim_execute_a_full_return_refunds_the_price(claim, unit, agent):
    claim_choose(claim=claim, remedy="return_full", by=agent)
    claim = claim_execute(claim=claim, by=agent)
    assert row(claim)["refund_paid"] == PRICE
    unit.refresh_from_db()
    assert unit.status == UnitStatus.RETURNED


@pytest.mark.parametrize(("refund", "message"), [("abc", BAD_AMOUNT), ("-1", ["The amount cannot be negative."])])
def test_claim_execute_refuses_a_bad_refund(day_12_claim, agent, refund, message):
    claim_choose(claim=day_12_claim, remedy="return_depreciated", by=agent)
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        claim_execute(claim=day_12_claim, by=agent, refund=refund)
    assert excinfo.value.message_dict == {"refund": message}
    assert snapshot() == before


def test_claim_execute_a_return_without_any_price_needs_the_amount(customer, washer, no_spin, agent):
    unit = ProductUnitFactory(owner=customer, model=washer, invoice_date=START, price=None)
    claim = evaluate(open_ticket(unit, no_spin, agent), agent)
    claim_choose(claim=claim, remedy="return_full", by=agent)
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        claim_execute(claim=claim, by=agent)
    assert excinfo.value.message_dict == {"refund": ["Enter the amount refunded."]}
    assert snapshot() == before


def test_claim_execute_a_goodwill_full_return_refunds_the_full_price(day_12_claim, agent, manager):
    claim_goodwill(claim=day_12_claim, remedy="return_full", reason="Second fault in two weeks.", by=manager)
    claim = claim_execute(claim=day_12_claim, by=agent)
    assert row(claim)["refund_paid"] == PRICE


# --- claim_execute: once only ------------------------------------------------------------------


def test_claim_execute_twice_is_refused(claim, unit, agent):
    claim_choose(claim=claim, remedy="return_full", by=agent)
    claim_execute(claim=claim, by=agent)
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        claim_execute(claim=claim, by=agent, refund="100")
    assert excinfo.value.message_dict == {"remedy": ["This claim was already carried out."]}
    assert snapshot() == before


def test_claim_execute_by_a_technician_not_on_the_job_is_denied(claim, agent, technician):
    claim_choose(claim=claim, remedy="repair_free", by=agent)
    before = snapshot()
    with pytest.raises(PermissionDenied) as excinfo:
        claim_execute(claim=claim, by=technician)
    assert excinfo.value.args == (NOT_YOURS,)
    assert snapshot() == before


def test_claim_execute_refuses_a_second_claim_on_a_unit_already_replaced(ticket, unit, agent):
    first = evaluate(ticket, agent)
    second = evaluate(ticket, agent)
    for claim in (first, second):
        claim_choose(claim=claim, remedy="replace", by=agent)
    claim_execute(claim=first, by=agent, new_serial="SN-NEW-0001")
    before = snapshot()
    with pytest.raises(ValidationError):
        claim_execute(claim=second, by=agent, new_serial="SN-NEW-0002")
    assert snapshot() == before
