"""warranty/evaluation.py: the stored policy, holidays and unit history turned into engine facts, and back."""

import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation

from customers.models import ProductCategory, WarrantyPolicy
from tests.factories import (
    FaultCategoryFactory,
    ProductModelFactory,
    ProductUnitFactory,
    TicketFactory,
    WarrantyPolicyFactory,
)
from tickets.choices import Kind, Status
from tickets.models import Ticket
from warranty import evaluation as warranty
from warranty import three_guarantees as tg

pytestmark = pytest.mark.django_db

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
CLAIM_DATE = D(2026, 3, 15)
WASHER = tg.STATUTORY_POLICIES["washing_machine"]


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def stored(value):
    """A value as a JSONField with DjangoJSONEncoder gives it back."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


# --- engine_policy -----------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(tg.STATUTORY_POLICIES))
def test_engine_policy_round_trips_the_loaded_catalogue(code):
    policy = WarrantyPolicy.objects.select_related("category").get(category__code=code, version=1)
    assert warranty.engine_policy(policy) == tg.STATUTORY_POLICIES[code]


def test_engine_policy_turns_the_stored_json_pairs_into_tuples():
    policy = WarrantyPolicy.objects.select_related("category").get(category__code="mobile_phone", version=1)
    assert policy.accessories == [["battery", 6], ["wired_headset", 3], ["charger", 12]]
    engine = warranty.engine_policy(policy)
    assert engine.accessories == (("battery", 6), ("wired_headset", 3), ("charger", 12))
    assert engine.accessory_period("battery") == 6

    laptop = WarrantyPolicy.objects.select_related("category").get(category__code="laptop", version=1)
    assert laptop.main_components[0] == ["mainboard", None]
    assert warranty.engine_policy(laptop).main_component_period("mainboard") == 24


def test_engine_policy_of_an_edited_version():
    category = ProductCategory.objects.get(code="fridge")
    policy = WarrantyPolicyFactory(
        category=category,
        effective_from=D(2026, 1, 1),
        whole_unit_months=24,
        main_component_months=60,
        main_components=[["compressor", None], ["thermostat", 48]],
        accessories=[["shelf", 6]],
        depreciation_rate_per_day=Decimal("0.0008"),
        count_start_day=True,
        brand_extra_remedies=["replace", "return_depreciated"],
    )
    policy.refresh_from_db()
    assert warranty.engine_policy(policy) == tg.Policy(
        code="fridge",
        version=2,
        family="general",
        whole_unit_months=24,
        main_component_months=60,
        main_components=(("compressor", None), ("thermostat", 48)),
        accessories=(("shelf", 6),),
        depreciation_rate_per_day=Decimal("0.0008"),
        count_start_day=True,
        brand_extra_remedies=("replace", "return_depreciated"),
    )


# --- holidays_from -----------------------------------------------------------------------------


def test_holidays_from_returns_the_loaded_holidays_from_the_start_on(django_assert_num_queries):
    with django_assert_num_queries(1):
        holidays = warranty.holidays_from(D(2025, 9, 1))
    national_day = {D(2025, 10, day) for day in range(1, 9)}
    assert national_day <= holidays
    assert {day for day in holidays if day.year == 2025} == national_day
    assert D(2025, 9, 30) not in holidays
    assert D(2025, 10, 9) not in holidays
    # The later years are there too: a period's last day may be years away.
    assert {D(2026, 1, 1), D(2026, 2, 15), D(2026, 10, 7)} <= holidays
    assert not {day for day in holidays if day < D(2025, 9, 1)}


def test_holidays_from_includes_the_start_day():
    assert D(2025, 10, 8) in warranty.holidays_from(D(2025, 10, 8))
    assert D(2025, 10, 7) not in warranty.holidays_from(D(2025, 10, 8))


# --- unit_history and prefill_for_unit ---------------------------------------------------------


@pytest.fixture
def no_spin():
    return FaultCategoryFactory(code="no-spin", name="Drum does not spin")


@pytest.fixture
def leak():
    return FaultCategoryFactory(code="leak", name="Leaks water")


@pytest.fixture
def unit():
    return ProductUnitFactory(
        model=ProductModelFactory(code="XQG90-H", category=ProductCategory.objects.get(code="washing_machine")),
        serial="SN-HISTORY",
        invoice_date=D(2026, 1, 2),
        has_invoice=True,
        has_warranty_card=True,
        manufacture_date=D(2025, 12, 1),
        price=Decimal("2599.00"),
    )


def repair(unit, fault, status, created, resolved, *, kind=Kind.REPAIR) -> Ticket:
    ticket = TicketFactory(
        customer=unit.owner, unit=unit, fault_category=fault, kind=kind, status=status, resolved_at=resolved
    )
    Ticket.objects.filter(pk=ticket.pk).update(created_at=created)
    return ticket


@pytest.fixture
def history(unit, no_spin, leak):
    """The unit's tickets; the comments say whether each counts for a "no-spin" claim on 15 March."""
    # Counted: done repairs of the same fault. 1.5 days → 2, exactly 3 days → 3, 5 hours → 1.
    repair(unit, no_spin, Status.RESOLVED, at(2026, 1, 5), at(2026, 1, 6, 21))
    repair(unit, no_spin, Status.VERIFIED, at(2026, 2, 1), at(2026, 2, 4))
    repair(unit, no_spin, Status.CLOSED, at(2026, 2, 20), at(2026, 2, 20, 14))
    # Resolved late on the claim date, business time: counted, 15.5 hours → 1 day.
    repair(unit, no_spin, Status.RESOLVED, at(2026, 3, 15, 8), at(2026, 3, 15, 23, 30))
    # Another fault: not the same fault, but its 4 days 1 hour (→ 5) in repair still count.
    repair(unit, leak, Status.RESOLVED, at(2026, 1, 20), at(2026, 1, 24, 10))
    # Not done: still open, reopened after a resolution, cancelled.
    repair(unit, no_spin, Status.IN_PROGRESS, at(2026, 3, 1), None)
    repair(unit, no_spin, Status.REOPENED, at(2026, 2, 25), at(2026, 2, 26))
    repair(unit, no_spin, Status.CANCELLED, at(2026, 2, 27), at(2026, 2, 28))
    # Not a repair ticket.
    repair(unit, no_spin, Status.RESOLVED, at(2026, 2, 10), at(2026, 2, 11), kind=Kind.MAINTENANCE)
    # Resolved after the claim date (00:30 on the 16th in Shanghai is still the 15th in UTC).
    repair(unit, no_spin, Status.RESOLVED, at(2026, 3, 14), at(2026, 3, 16, 0, 30))
    # Another unit of the same owner.
    other = ProductUnitFactory(owner=unit.owner, model=unit.model, serial="SN-OTHER")
    repair(other, no_spin, Status.RESOLVED, at(2026, 1, 8), at(2026, 1, 12))
    # The ticket the claim is opened on, already resolved itself.
    return repair(unit, no_spin, Status.RESOLVED, at(2026, 3, 10), at(2026, 3, 12))


def test_unit_history_counts_done_repairs_of_the_same_fault(unit, no_spin, history):
    assert warranty.unit_history(unit, fault_category=no_spin, exclude_ticket=history, before=CLAIM_DATE) == {
        "prior_repairs": 4,
        "repair_days": 2 + 3 + 1 + 1 + 5,
    }


def test_unit_history_of_another_fault(unit, leak, history):
    assert warranty.unit_history(unit, fault_category=leak, exclude_ticket=history, before=CLAIM_DATE) == {
        "prior_repairs": 1,
        "repair_days": 12,
    }


def test_unit_history_without_exclusion_or_cut_off_counts_the_current_and_later_repairs(unit, no_spin, history):
    # The current ticket took 2 days, the one resolved on the 16th 1 day 15.5 hours (→ 2).
    assert warranty.unit_history(unit, fault_category=no_spin) == {"prior_repairs": 6, "repair_days": 12 + 2 + 2}


def test_unit_history_of_a_unit_never_repaired():
    unit = ProductUnitFactory()
    assert warranty.unit_history(unit, fault_category=None, before=CLAIM_DATE) == {"prior_repairs": 0, "repair_days": 0}


def test_prefill_for_unit_reads_the_unit_and_its_history(unit, no_spin, history, django_assert_num_queries):
    policy = washer_policy()
    # The unit's repairs, each one's fault and days, in one query.
    with django_assert_num_queries(1):
        prefilled = warranty.prefill_for_unit(
            unit, claim_date=CLAIM_DATE, policy=policy, fault_category=no_spin, exclude_ticket=history
        )
    assert prefilled == {
        "start_date": D(2026, 1, 2),
        "claim_date": CLAIM_DATE,
        "prior_repairs": 4,
        "repair_days": 12,
        "waiting_days": 0,
        "proof": {
            "invoice": True,
            "card": True,
            "other_proof": False,
            "documents_match": True,
            # Only a phone is dated from its manufacture (IMEI) date.
            "imei_date": None,
        },
        "price": Decimal("2599.00"),
        "same_issue_repairs": 4,
    }


def test_prefill_for_a_unit_without_proof_or_dates():
    unit = ProductUnitFactory(invoice_date=None, has_invoice=False, has_warranty_card=False, price=None)
    assert warranty.prefill_for_unit(unit, claim_date=CLAIM_DATE, policy=washer_policy()) == {
        "start_date": None,
        "claim_date": CLAIM_DATE,
        "prior_repairs": 0,
        "repair_days": 0,
        "waiting_days": 0,
        "proof": {"invoice": False, "card": False, "other_proof": False, "documents_match": True, "imei_date": None},
        "price": None,
        "same_issue_repairs": 0,
    }


def test_prefill_for_a_replacement_unit_starts_on_the_replacement_date():
    unit = ProductUnitFactory(invoice_date=D(2025, 6, 1), replacement_date=D(2026, 2, 1), has_warranty_card=True)
    assert warranty.prefill_for_unit(unit, claim_date=CLAIM_DATE, policy=washer_policy())["start_date"] == D(2026, 2, 1)


def test_prefill_for_a_phone_takes_the_manufacture_date_as_the_imei_date():
    phone = ProductModelFactory(code="P60", category=ProductCategory.objects.get(code="mobile_phone"))
    unit = ProductUnitFactory(model=phone, manufacture_date=D(2025, 12, 1))
    policy = WarrantyPolicy.objects.get(category__code="mobile_phone")
    assert warranty.prefill_for_unit(unit, claim_date=CLAIM_DATE, policy=policy)["proof"]["imei_date"] == D(2025, 12, 1)


def test_a_ticket_without_fault_category_counts_no_repairs_of_other_faults_as_the_same_fault(unit, no_spin, leak):
    repair(unit, no_spin, Status.CLOSED, at(2026, 1, 5), at(2026, 1, 6))
    repair(unit, leak, Status.CLOSED, at(2026, 2, 5), at(2026, 2, 6))
    history = warranty.unit_history(unit, fault_category=None, before=CLAIM_DATE)
    assert history == {"prior_repairs": 0, "repair_days": 2}


# --- facts_from and evaluate -------------------------------------------------------------------


def test_facts_from_fills_the_defaults():
    holidays = frozenset({D(2026, 4, 4)})
    facts = warranty.facts_from({"start_date": D(2026, 3, 10), "claim_date": CLAIM_DATE}, holidays)
    assert facts == tg.Facts(
        start_date=D(2026, 3, 10),
        claim_date=CLAIM_DATE,
        proof=tg.Proof(invoice=False, card=False, other_proof=False, documents_match=True, imei_date=None),
        fault_kind="performance",
        component="whole",
        stock_available=True,
        holidays=holidays,
    )


def test_facts_from_reads_every_field():
    data = {
        "start_date": D(2026, 1, 2),
        "claim_date": CLAIM_DATE,
        "proof": {
            "invoice": True,
            "card": True,
            "other_proof": True,
            "documents_match": False,
            "imei_date": D(2025, 12, 1),
        },
        "fault_kind": "appearance",
        "component": "main:motor",
        "prior_repairs": 2,
        "repair_days": 6,
        "waiting_days": 3,
        "stock_available": False,
        "open_repair": {"days_open": 31, "cause": "repairer"},
        "price": Decimal("2599.00"),
        "component_replaced_on": D(2026, 2, 1),
        "misuse_found_by_technician": True,
        "same_issue_repairs": 2,
    }
    assert warranty.facts_from(data, frozenset()) == tg.Facts(
        start_date=D(2026, 1, 2),
        claim_date=CLAIM_DATE,
        proof=tg.Proof(invoice=True, card=True, other_proof=True, documents_match=False, imei_date=D(2025, 12, 1)),
        fault_kind="appearance",
        component="main:motor",
        prior_repairs=2,
        repair_days=6,
        waiting_days=3,
        stock_available=False,
        open_repair=tg.OpenRepair(31, "repairer"),
        price=Decimal("2599.00"),
        component_replaced_on=D(2026, 2, 1),
        misuse_found_by_technician=True,
        same_issue_repairs=2,
    )


def test_evaluate_rolls_a_window_ending_on_a_loaded_holiday():
    # Bought 16 September 2025: day 15 is 1 October, National Day, so the replacement window
    # runs to 9 October, the day after the holiday run.
    policy = WarrantyPolicy.objects.select_related("category").get(category__code="washing_machine", version=1)
    facts = {
        "start_date": D(2025, 9, 16),
        "claim_date": D(2025, 10, 5),
        "proof": {"invoice": True},
        "price": Decimal("1000.00"),
    }
    decision = warranty.evaluate(facts, policy)
    assert decision.rule == "general.replace_15d"
    assert decision.remedies == ("replace", "repair_free", "return_depreciated")
    assert decision.refund_amount == Decimal("981.00")
    assert decision.reasons == (
        tg.Reason("general.replace_15d", {"days": 19, "from_day": 8, "limit": 15}),
        tg.Reason("note.holiday_roll", {"limit": 15, "until": D(2025, 10, 9)}),
        tg.Reason(
            "remedy.depreciation",
            {
                "refund": Decimal("981.00"),
                "price": Decimal("1000.00"),
                "rate": "0.1",
                "days": 19,
                "days_used": 19,
                "days_off": 0,
            },
        ),
    )


def test_evaluate_raises_facts_error_for_a_claim_before_the_start():
    policy = WarrantyPolicy.objects.select_related("category").get(category__code="washing_machine", version=1)
    with pytest.raises(tg.FactsError) as excinfo:
        warranty.evaluate({"start_date": CLAIM_DATE, "claim_date": D(2026, 3, 14), "proof": {"invoice": True}}, policy)
    assert (excinfo.value.field, str(excinfo.value.message)) == (
        "claim_date",
        "The claim date cannot be before the start date.",
    )


def test_policy_for_unit_is_the_version_in_force_with_its_category(django_assert_num_queries):
    category = ProductCategory.objects.get(code="washing_machine")
    v2 = WarrantyPolicyFactory(category=category, effective_from=D(2026, 1, 1), whole_unit_months=24)
    unit = ProductUnitFactory(model=ProductModelFactory(code="XQG90-P", category=category), invoice_date=D(2026, 3, 1))
    unit = type(unit).objects.select_related("model").get(pk=unit.pk)
    with django_assert_num_queries(1):
        policy = warranty.policy_for_unit(unit)
        assert policy.category.code == "washing_machine"
    assert policy == v2


# --- decision_data and reasons_from_codes ------------------------------------------------------


def washer_claim(days: int, **changes) -> tg.Facts:
    values = {
        "start_date": D(2026, 3, 10),
        "claim_date": D(2026, 3, 10) + dt.timedelta(days=days),
        "proof": tg.Proof(invoice=True),
        "price": Decimal("3999.00"),
        **changes,
    }
    return tg.Facts(**values)


RETURN_7D_EN = (
    "You bought this product 5 days ago. Within 7 days a performance fault entitles you to a return with a full "
    "refund, a replacement or a free repair — your choice."
)
RETURN_7D_ZH = (
    "您购买本产品已有 5 天。购买后 7 天内出现性能故障的，您可以在退货（全额退款）、换货和免费修理中任选一种。"
)


def test_decision_data_of_a_return_within_7_days():
    assert warranty.decision_data(tg.decide(washer_claim(5), WASHER)) == {
        "remedies": ["return_full", "replace", "repair_free"],
        "free": True,
        "rule": "general.return_7d",
        "reasons": [RETURN_7D_EN],
        "reason_codes": [{"code": "general.return_7d", "params": {"days": 5, "limit": 7}}],
        "period_end": D(2027, 3, 10),
        "loaner": False,
        "refund_amount": Decimal("3999.00"),
    }


def test_decision_data_leaves_out_the_refund_when_there_is_none():
    data = warranty.decision_data(tg.decide(washer_claim(400), WASHER))
    assert data == {
        "remedies": ["repair_paid"],
        "free": False,
        "rule": "general.out_of_period",
        "reasons": ["The guarantee period of this product ended on 10 Mar 2027, so the repair is paid."],
        "reason_codes": [{"code": "general.out_of_period", "params": {"period_end": "2027-03-10"}}],
        "period_end": D(2027, 3, 10),
        "loaner": False,
    }


def test_decision_data_reason_codes_are_plain_json():
    data = warranty.decision_data(tg.decide(washer_claim(12), WASHER))
    assert data["reason_codes"] == [
        {"code": "general.replace_15d", "params": {"days": 12, "from_day": 8, "limit": 15}},
        {
            "code": "remedy.depreciation",
            "params": {
                "refund": "3951.01",
                "price": "3999.00",
                "rate": "0.1",
                "days": 12,
                "days_used": 12,
                "days_off": 0,
            },
        },
    ]
    assert stored(data["reason_codes"]) == data["reason_codes"]


def test_reasons_from_codes_in_english_and_chinese():
    codes = stored(warranty.decision_data(tg.decide(washer_claim(5), WASHER))["reason_codes"])
    assert warranty.reasons_from_codes(codes) == [RETURN_7D_EN]
    with translation.override("zh-hans"):
        assert warranty.reasons_from_codes(codes) == [RETURN_7D_ZH]


def test_reasons_from_codes_revives_dates_and_components():
    facts = washer_claim(0, start_date=D(2024, 1, 10), claim_date=D(2026, 3, 15), component="main:motor")
    decision = tg.decide(facts, WASHER)
    codes = stored(warranty.decision_data(decision)["reason_codes"])
    assert codes == [
        {"code": "general.main_component", "params": {"component": "motor", "months": 36, "period_end": "2027-01-10"}}
    ]
    english = (
        "The guarantee of the whole product is over, but the motor has its own 36-month guarantee, which runs until "
        "10 Jan 2027. The motor is repaired or replaced free of charge."
    )
    assert warranty.reasons_from_codes(codes) == tg.reason_texts(decision) == [english]
    with translation.override("zh-hans"):
        assert warranty.reasons_from_codes(codes) == [
            "本产品的整机保修期已过，但电动机另有 36 个月的保修期（截至 2027年1月10日），因此电动机可免费修理或更换。"
        ]


def test_reasons_from_codes_renders_the_depreciation_as_first_shown():
    decision = tg.decide(washer_claim(12), WASHER)
    codes = stored(warranty.decision_data(decision)["reason_codes"])
    assert warranty.reasons_from_codes(codes) == tg.reason_texts(decision)


def washer_policy() -> WarrantyPolicy:
    return WarrantyPolicy.objects.get(category__code="washing_machine")
