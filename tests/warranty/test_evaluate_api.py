"""POST /api/warranty/evaluate/ and the API schema (docs/three-guarantees.md#the-evaluation-api)."""

import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from aftersales.api.token_store import token_issue
from customers.models import ProductUnit
from tests.factories import FaultCategoryFactory, ProductUnitFactory, TicketFactory, UserFactory
from tickets.choices import Status
from tickets.models import Ticket
from warranty.api.evaluate import OpenRepairSerializer, ProofSerializer, WarrantyFactsSerializer
from warranty.models import WarrantyClaim

URL = "/api/warranty/evaluate/"
SHANGHAI = ZoneInfo("Asia/Shanghai")
WASHER = {"category": "washing_machine", "start_date": "2025-03-03", "proof": {"invoice": True}, "price": "2999.00"}
RETURN_7D = (
    "You bought this product 5 days ago. Within 7 days a performance fault entitles you to a return with a full "
    "refund, a replacement or a free repair — your choice."
)
WASHER_POLICY = {"code": "washing_machine", "version": 1}


@pytest.fixture(autouse=True)
def throttle_counts_per_test(monkeypatch):
    """Each test counts its requests afresh, in its own cache, without touching the shared one."""
    monkeypatch.setattr(SimpleRateThrottle, "cache", LocMemCache("throttle-tests", {}))
    SimpleRateThrottle.cache.clear()


@pytest.fixture
def client() -> APIClient:
    return APIClient()


def post(client: APIClient, body: dict, **headers):
    return client.post(URL, body, format="json", headers=headers)


def at(day: str, hour: int) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=SHANGHAI)


def repair(unit: ProductUnit, fault, created: dt.datetime, resolved: dt.datetime | None, status=Status.RESOLVED):
    ticket = TicketFactory(customer=unit.owner, unit=unit, fault_category=fault, status=status, resolved_at=resolved)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=created)
    return ticket


# --- By category: exact answers ---------------------------------------------------------------


@pytest.mark.django_db
def test_washing_machine_5_days_after_purchase_may_be_returned_replaced_or_repaired(client):
    response = post(client, {**WASHER, "claim_date": "2025-03-08", "fault_kind": "performance"})

    assert response.status_code == 200
    assert response.json() == {
        "remedies": ["return_full", "replace", "repair_free"],
        "free": True,
        "rule": "general.return_7d",
        "reasons": [RETURN_7D],
        "period_end": "2026-03-03",
        "refund_amount": "2999.00",
        "loaner": False,
        "policy": WASHER_POLICY,
    }


@pytest.mark.django_db
def test_day_8_with_stock_gives_replacement_or_repair_and_a_depreciated_refund_on_request(client):
    response = post(client, {**WASHER, "claim_date": "2025-03-11"})

    assert response.status_code == 200
    assert response.json() == {
        "remedies": ["replace", "repair_free", "return_depreciated"],
        "free": True,
        "rule": "general.replace_15d",
        "reasons": [
            "You bought this product 8 days ago. From day 8 to day 15 a performance fault entitles you to a "
            "replacement with the same model or a free repair — your choice.",
            # 2999.00 − 2999.00 × 0.1 % × 8 days = 2975.008
            "If you still prefer a refund, you get ¥2,975.01 back: the price of ¥2,999.00 less 0.1% a day for 8 days of "
            "use (8 days since purchase, less 0 days in repair or waiting for parts).",
        ],
        "period_end": "2026-03-03",
        "refund_amount": "2975.01",
        "loaner": False,
        "policy": WASHER_POLICY,
    }


@pytest.mark.django_db
def test_day_8_without_stock_gives_a_full_refund(client):
    response = post(client, {**WASHER, "claim_date": "2025-03-11", "stock_available": False})

    body = response.json()
    assert (body["rule"], body["remedies"], body["refund_amount"]) == (
        "general.replace_15d",
        ["return_full", "replace_other_model", "repair_free"],
        "2999.00",
    )


@pytest.mark.django_db
def test_day_16_is_a_free_repair(client):
    response = post(client, {**WASHER, "claim_date": "2025-03-19"})

    assert response.json() == {
        "remedies": ["repair_free"],
        "free": True,
        "rule": "general.repair_in_period",
        "reasons": [
            "Your product is inside its 12-month guarantee period, which runs until 3 Mar 2026, so the repair is free."
        ],
        "period_end": "2026-03-03",
        "loaner": False,
        "policy": WASHER_POLICY,
    }


@pytest.mark.django_db
def test_after_the_period_the_repair_is_paid_but_the_motor_keeps_its_own_period(client):
    whole = post(client, {**WASHER, "claim_date": "2026-03-04"}).json()
    motor = post(client, {**WASHER, "claim_date": "2026-03-04", "component": "main:motor"}).json()

    assert whole == {
        "remedies": ["repair_paid"],
        "free": False,
        "rule": "general.out_of_period",
        "reasons": ["The guarantee period of this product ended on 3 Mar 2026, so the repair is paid."],
        "period_end": "2026-03-03",
        "loaner": False,
        "policy": WASHER_POLICY,
    }
    assert (motor["rule"], motor["remedies"], motor["free"], motor["period_end"]) == (
        "general.main_component",
        ["main_component"],
        True,
        "2028-03-03",
    )


@pytest.mark.django_db
def test_a_period_ending_in_the_national_day_holiday_runs_to_the_day_after(client):
    response = post(client, {**WASHER, "start_date": "2025-10-01", "claim_date": "2026-10-05"})

    assert (response.json()["rule"], response.json()["period_end"]) == ("general.repair_in_period", "2026-10-08")


@pytest.mark.django_db
def test_a_phone_battery_at_7_months_is_out_of_its_6_month_period(client):
    body = {
        "category": "mobile_phone",
        "start_date": "2025-01-10",
        "claim_date": "2025-08-11",
        "component": "accessory:battery",
        "proof": {"invoice": True, "card": True},
        "price": "4999.00",
    }

    response = post(client, body)

    assert response.json() == {
        "remedies": ["repair_paid"],
        "free": False,
        "rule": "general.accessory",
        "reasons": ["The 6-month guarantee of the battery ended on 10 Jul 2025, so its repair or replacement is paid."],
        "period_end": "2025-07-10",
        "loaner": False,
        "policy": {"code": "mobile_phone", "version": 1},
    }


@pytest.mark.django_db
def test_a_car_repaired_5_times_for_the_same_problem_is_replaced_or_returned_less_the_usage_fee(client):
    body = {
        "category": "car",
        "start_date": "2024-05-06",
        "claim_date": "2025-02-10",
        "proof": {"invoice": True},
        "price": "200000.00",
        "km": 20_000,
        "same_issue_repairs": 5,
        "open_repair": {"days_open": 7, "cause": "repairer"},
    }

    response = post(client, body)

    assert response.json() == {
        "remedies": ["replace_vehicle", "return_vehicle", "loaner"],
        "free": True,
        "rule": "car.repeat_issue",
        "reasons": [
            "Your car is inside its validity period (until 6 May 2026 or 50000 km, whichever comes first) and the "
            "same problem has been repaired 5 times, more than 4. You may choose a replacement car or a return.",
            # 200000.00 × 20000 km ÷ 1000 × 0.5 % = 20000.00
            "A usage fee of ¥20,000.00 is charged for the distance driven (the price of ¥200,000.00 × 20000 km ÷ 1,000 × "
            "0.5%). If you return the car, you get ¥180,000.00 back.",
            "This repair has taken 7 days, more than 5, so you are entitled to a loaner car from day 6 of the repair.",
        ],
        "period_end": "2027-05-06",
        "refund_amount": "180000.00",
        "usage_fee": "20000.00",
        "loaner": True,
        "policy": {"code": "car", "version": 1},
    }


@pytest.mark.django_db
def test_a_car_brake_failure_within_60_days_is_a_free_replacement_or_return(client):
    body = {
        "category": "car",
        "start_date": "2025-03-03",
        "claim_date": "2025-04-10",
        "proof": {"invoice": True},
        "km": 1_200,
        "car_fault": "brakes",
    }

    body = post(client, body).json()

    assert (body["rule"], body["remedies"], body["free"], "usage_fee" in body) == (
        "car.60d_safety",
        ["replace_vehicle", "return_vehicle"],
        True,
        False,
    )


@pytest.mark.django_db
def test_reasons_follow_the_request_language(client):
    response = post(client, {**WASHER, "claim_date": "2025-03-08"}, **{"Accept-Language": "zh-hans"})

    assert response.json()["reasons"] == [
        "您购买本产品已有 5 天。购买后 7 天内出现性能故障的，您可以在退货（全额退款）、换货和免费修理中任选一种。"
    ]
    assert response.json()["remedies"] == ["return_full", "replace", "repair_free"]


@pytest.mark.django_db
def test_numbers_may_come_as_strings(client):
    body = post(client, {**WASHER, "claim_date": "2025-03-19", "prior_repairs": "2", "price": 2999}).json()

    # 2999 − 2999 × 0.1 % × 16 days = 2951.016
    assert (body["rule"], body["refund_amount"]) == ("general.two_failed_repairs", "2951.02")


@pytest.mark.django_db
def test_without_proof_of_purchase_the_repair_is_paid(client):
    body = {"category": "washing_machine", "start_date": "2025-03-03", "claim_date": "2025-03-08"}

    body = post(client, body).json()

    assert (body["rule"], body["remedies"], body["free"], body["period_end"]) == (
        "exclusion.no_proof",
        ["repair_paid"],
        False,
        None,
    )


@pytest.mark.django_db
def test_nulls_mean_unknown_or_left_out(client):
    body = {
        **WASHER,
        "claim_date": None,
        "unit": None,
        "fault_category": None,
        "price": None,
        "open_repair": None,
        "car_fault": None,
        "whole_unit_replaced_on": None,
        "component_replaced_on": None,
        "proof": {"invoice": True, "imei_date": None},
    }

    response = post(client, body)

    assert response.status_code == 200
    assert "refund_amount" not in response.json()


# --- By unit ----------------------------------------------------------------------------------


@pytest.fixture
def washer() -> ProductUnit:
    return ProductUnitFactory(invoice_date=dt.date(2025, 3, 3), has_invoice=True, price=Decimal("3999.00"))


@pytest.mark.django_db
def test_a_unit_fills_in_the_start_date_proof_and_price(client, agent, washer):
    client.force_authenticate(agent)

    response = post(client, {"unit": washer.pk, "claim_date": "2025-03-08"})

    assert response.json() == {
        "remedies": ["return_full", "replace", "repair_free"],
        "free": True,
        "rule": "general.return_7d",
        "reasons": [RETURN_7D],
        "period_end": "2026-03-03",
        "refund_amount": "3999.00",
        "loaner": False,
        "policy": WASHER_POLICY,
    }


@pytest.mark.django_db
def test_the_claim_date_defaults_to_today_in_the_business_time_zone(client, agent, washer, settings, monkeypatch):
    settings.TIME_ZONE = "Asia/Shanghai"
    # 20:00 UTC on 7 March is already 04:00 on 8 March in Shanghai: 5 days after purchase, not 4.
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2025, 3, 7, 20, tzinfo=dt.UTC))
    client.force_authenticate(agent)

    response = post(client, {"unit": washer.pk})

    assert response.json()["reasons"] == [RETURN_7D]


@pytest.mark.django_db
def test_the_request_overrides_what_the_unit_records_say(client, agent, washer):
    client.force_authenticate(agent)

    cheaper = post(client, {"unit": washer.pk, "claim_date": "2025-03-08", "price": "1000.00"}).json()
    later = post(client, {"unit": washer.pk, "claim_date": "2025-03-20", "start_date": "2025-03-15"}).json()
    unproven = post(client, {"unit": washer.pk, "claim_date": "2025-03-08", "proof": {"invoice": False}}).json()

    assert cheaper["refund_amount"] == "1000.00"
    assert (later["rule"], later["period_end"]) == ("general.return_7d", "2026-03-15")
    assert unproven["rule"] == "exclusion.no_proof"


@pytest.mark.django_db
def test_two_finished_repairs_of_the_same_fault_make_the_unit_replaceable(client, agent, washer):
    drum, door = FaultCategoryFactory(code="drum-noise"), FaultCategoryFactory(code="door-lock")
    repair(washer, drum, at("2025-03-20", 10), at("2025-03-21", 16))  # 30 h: 2 days
    repair(washer, drum, at("2025-04-10", 9), at("2025-04-11", 8))  # 23 h: 1 day
    repair(washer, door, at("2025-04-20", 9), at("2025-04-20", 17))  # another fault: 1 day in repair
    repair(washer, drum, at("2025-04-25", 9), None, status=Status.IN_PROGRESS)  # not finished: not counted
    client.force_authenticate(agent)

    response = post(client, {"unit": washer.pk, "claim_date": "2025-05-02", "fault_category": "drum-noise"})

    assert response.json() == {
        "remedies": ["replace", "return_depreciated"],
        "free": True,
        "rule": "general.two_failed_repairs",
        "reasons": [
            "This fault has been repaired 2 times and the product still does not work properly. "
            "You may choose a replacement with the same model or a return.",
            # 3999.00 − 3999.00 × 0.1 % × (60 − 4) days = 3775.056
            "If you still prefer a refund, you get ¥3,775.06 back: the price of ¥3,999.00 less 0.1% a day for 56 days of "
            "use (60 days since purchase, less 4 days in repair or waiting for parts).",
        ],
        "period_end": "2026-03-07",
        "refund_amount": "3775.06",
        "loaner": False,
        "policy": WASHER_POLICY,
    }
    assert WarrantyClaim.objects.count() == 0


@pytest.mark.django_db
def test_without_a_fault_category_earlier_repairs_are_not_taken_for_the_same_fault(client, agent, washer):
    drum, door = FaultCategoryFactory(code="drum-noise"), FaultCategoryFactory(code="door-lock")
    repair(washer, drum, at("2025-03-20", 10), at("2025-03-21", 16))
    repair(washer, door, at("2025-04-20", 9), at("2025-04-20", 17))
    client.force_authenticate(agent)

    body = post(client, {"unit": washer.pk, "claim_date": "2025-05-02"}).json()

    assert (body["rule"], body["period_end"]) == ("general.repair_in_period", "2026-03-06")


@pytest.mark.django_db
def test_a_unit_call_takes_a_fixed_number_of_queries(client, agent, washer, django_assert_num_queries):
    drum = FaultCategoryFactory(code="drum-noise")
    for day in ("2025-03-20", "2025-04-10", "2025-04-20"):
        repair(washer, drum, at(day, 9), at(day, 17))
    client.force_authenticate(agent)
    body = {"unit": washer.pk, "claim_date": "2025-05-02", "fault_category": "drum-noise"}

    # roles, unit, the policy's category (the policy versions are in the memo since the unit was
    # registered), fault category, the unit's repairs (faults and durations), holidays
    with django_assert_num_queries(6):
        response = post(client, body)

    assert response.json()["rule"] == "general.two_failed_repairs"


@pytest.mark.django_db
def test_a_token_authenticates_an_integration(client, agent, washer):
    key = token_issue(user=agent).key

    response = post(client, {"unit": washer.pk, "claim_date": "2025-03-08"}, Authorization=f"Token {key}")
    bad_token = post(client, {**WASHER, "claim_date": "2025-03-08"}, Authorization="Token not-a-token")

    assert response.status_code == 200
    assert (bad_token.status_code, bad_token.json()) == (
        401,
        {"detail": "Invalid token.", "code": "authentication_failed"},
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "technician", "department_user", "no_role"])
def test_only_desk_users_who_see_every_ticket_may_name_a_unit(request, client, agent, washer, who):
    if who == "no_role":
        client.force_authenticate(UserFactory(roles=[]))
    elif who != "anonymous":
        client.force_authenticate(request.getfixturevalue(who))

    denied = post(client, {"unit": washer.pk, "claim_date": "2025-03-08"})
    client.force_authenticate(agent)
    missing = post(client, {"unit": washer.pk + 1000, "claim_date": "2025-03-08"})

    assert (denied.status_code, denied.json()["errors"]) == (400, {"unit": ["Unknown product unit."]})
    assert (missing.status_code, missing.json()) == (denied.status_code, denied.json())


@pytest.mark.django_db
def test_a_manager_may_name_a_unit(client, manager, washer):
    client.force_authenticate(manager)

    assert post(client, {"unit": washer.pk, "claim_date": "2025-03-08"}).status_code == 200


@pytest.mark.django_db
def test_session_calls_need_the_csrf_token_and_anonymous_calls_do_not(agent, washer):
    client = APIClient(enforce_csrf_checks=True)
    anonymous = post(client, {**WASHER, "claim_date": "2025-03-08"})
    client.force_login(agent)

    signed_in = post(client, {"unit": washer.pk, "claim_date": "2025-03-08"})

    assert anonymous.status_code == 200
    assert signed_in.status_code == 403
    assert signed_in.json()["detail"].startswith("CSRF Failed")


@pytest.mark.django_db
def test_anonymous_calls_are_throttled(client, monkeypatch):
    assert AnonRateThrottle.THROTTLE_RATES["anon"] == "60/minute"
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "2/minute")

    responses = [post(client, {**WASHER, "claim_date": "2025-03-08"}) for _ in range(3)]

    assert [response.status_code for response in responses] == [200, 200, 429]
    assert responses[2].json()["detail"].startswith("Request was throttled.")


# --- Bad facts: 400 with field errors ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {**WASHER, "category": "hovercraft"},
            {"category": ["Unknown product category."]},
        ),
        (
            {**WASHER, "unit": 1},
            {
                "category": ["Give exactly one of a product category or a registered unit."],
                "unit": ["Give exactly one of a product category or a registered unit."],
            },
        ),
        (
            {"start_date": "2025-03-03"},
            {
                "category": ["Give exactly one of a product category or a registered unit."],
                "unit": ["Give exactly one of a product category or a registered unit."],
            },
        ),
        (
            {"category": "washing_machine"},
            {"start_date": ["This field is required."]},
        ),
        (
            {"category": "hovercraft", "start_date": None},
            {"start_date": ["This field is required."], "category": ["Unknown product category."]},
        ),
        (
            {**WASHER, "claim_date": "2025-03-01"},
            {"claim_date": ["The claim date cannot be before the start date."]},
        ),
        (
            {**WASHER, "prior_repairs": -1, "repair_days": -2},
            {
                "prior_repairs": ["Ensure this value is greater than or equal to 0."],
                "repair_days": ["Ensure this value is greater than or equal to 0."],
            },
        ),
        (
            {**WASHER, "open_repair": {"days_open": -1, "cause": "weather"}},
            {
                "open_repair.days_open": ["Ensure this value is greater than or equal to 0."],
                "open_repair.cause": ['"weather" is not a valid choice.'],
            },
        ),
        (
            {**WASHER, "open_repair": {"days_open": 3}},
            {"open_repair.cause": ["This field is required."]},
        ),
        (
            {**WASHER, "start_date": "2024-02-30"},
            {"start_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        (
            {**WASHER, "claim_date": "08/03/2025"},
            {"claim_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        (
            {**WASHER, "start_date": "9999-12-31"},
            {"start_date": ["Give a date up to 2999-12-31."]},
        ),
        (
            {**WASHER, "prior_repairs": "two", "stock_available": "maybe", "price": "cheap"},
            {
                "prior_repairs": ["A valid integer is required."],
                "stock_available": ["Must be a valid boolean."],
                "price": ["A valid number is required."],
            },
        ),
        (
            {**WASHER, "proof": "yes"},
            {"proof": ["Invalid data. Expected a dictionary, but got str."]},
        ),
        (
            {**WASHER, "proof": {"invoice": True, "imei_date": "2025-13-01"}},
            {"proof.imei_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        (
            {**WASHER, "claim_date": "2025-03-08", "proof": {"imei_date": "2025-04-01"}},
            {"proof.imei_date": ["The manufacture date cannot be after the claim date."]},
        ),
        (
            {**WASHER, "fault_kind": "broken"},
            {"fault_kind": ['"broken" is not a valid choice.']},
        ),
        (
            {**WASHER, "fault_kind": "virus"},
            {"fault_kind": ["A virus or pirated software fault applies to computers only."]},
        ),
        (
            {**WASHER, "component": "motor"},
            {"component": ['Give "whole", "main:<name>" or "accessory:<name>".']},
        ),
        (
            {**WASHER, "component": "main:turbo"},
            {"component": ["This product category has no such component."]},
        ),
        (
            {**WASHER, "car_fault": "brakes"},
            {"car_fault": ["Only a car has a car fault."]},
        ),
        (
            {**WASHER, "car_fault": "flat_tyre"},
            {"car_fault": ['"flat_tyre" is not a valid choice.']},
        ),
        (
            {**WASHER, "claim_date": "2025-05-01", "component_replaced_on": "2025-04-01"},
            {"component_replaced_on": ["Only a main component claim has a component replacement date."]},
        ),
        (
            {**WASHER, "repair_hours": [10, -3, "x"]},
            {
                "repair_hours.1": ["Ensure this value is greater than or equal to 0."],
                "repair_hours.2": ["A valid integer is required."],
            },
        ),
        (
            {**WASHER, "km": 10**30, "price": "1" + "0" * 20},
            {
                "km": ["Ensure this value is less than or equal to 10000000."],
                "price": ["Ensure that there are no more than 12 digits in total."],
            },
        ),
        (
            {**WASHER, "price": "NaN", "prior_repairs": 1.5},
            {"price": ["A valid number is required."], "prior_repairs": ["A valid integer is required."]},
        ),
        (
            {**WASHER, "price": "-Infinity"},
            {"price": ["A valid number is required."]},
        ),
        (
            {**WASHER, "fault_category": "no-such-fault"},
            {"fault_category": ["Unknown fault category."]},
        ),
        (
            {**WASHER, "stock_available": None, "prior_repairs": None},
            {"stock_available": ["This field may not be null."], "prior_repairs": ["This field may not be null."]},
        ),
    ],
)
def test_bad_facts_get_field_errors(client, body, errors):
    response = post(client, body)

    assert (response.status_code, response.json()["errors"]) == (400, errors)
    assert response.json()["code"] == "invalid"


@pytest.mark.django_db
def test_an_unknown_unit_is_a_field_error(client, agent):
    client.force_authenticate(agent)

    response = post(client, {"unit": 10**18, "claim_date": "2025-03-08"})

    assert (response.status_code, response.json()["errors"]) == (400, {"unit": ["Unknown product unit."]})


@pytest.mark.django_db
def test_a_unit_with_no_start_date_asks_for_one(client, agent):
    unit = ProductUnitFactory(invoice_date=None)
    client.force_authenticate(agent)

    missing = post(client, {"unit": unit.pk, "claim_date": "2025-03-08"})
    given = post(client, {"unit": unit.pk, "claim_date": "2025-03-08", "start_date": "2025-03-03"})

    assert (missing.status_code, missing.json()["errors"]) == (
        400,
        {"start_date": ["No date shows when this product's guarantee started: enter it."]},
    )
    assert given.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "errors"),
    [
        ("[]", {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}),
        ('"washing_machine"', {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}),
        ("null", {"non_field_errors": ["No data provided"]}),
        ("", None),
        ("{", None),
        ('{"category": "washing_machine", "start_date": "2025-03-03", "price": NaN}', None),
        (
            '{"category": "washing_machine", "start_date": "2025-03-03", "price": 1e400}',
            {"price": ["A valid number is required."]},
        ),
    ],
)
def test_odd_json_bodies_get_400(client, raw, errors):
    response = client.post(URL, raw, content_type="application/json")

    assert response.status_code == 400
    body = response.json()
    if errors is not None:
        assert body == {"detail": "The request has errors; see the fields.", "code": "invalid", "errors": errors}
    elif raw:
        assert body["code"] == "parse_error" and body["detail"].startswith("JSON parse error")
    else:  # no body at all
        assert body["code"] == "invalid"
        assert body["errors"]["category"] == ["Give exactly one of a product category or a registered unit."]


@pytest.mark.django_db
def test_a_form_body_is_refused(client):
    response = client.post(URL, {"category": "washing_machine"})

    assert response.status_code == 415


ODD_VALUES = [None, "", "x", -1, 1.5, 10**40, True, [], [1], {}, {"a": 1}, "2024-02-30", "NaN", "Infinity", "9" * 400]
FIELD_PATHS = [
    *WarrantyFactsSerializer().fields,
    *(f"proof.{name}" for name in ProofSerializer().fields),
    *(f"open_repair.{name}" for name in OpenRepairSerializer().fields),
]
CAR = {
    "category": "car",
    "start_date": "2025-03-03",
    "claim_date": "2025-04-10",
    "proof": {"invoice": True},
    "price": "200000.00",
    "km": 1_200,
    "open_repair": {"days_open": 7, "cause": "repairer"},
}


def with_value(base: dict, path: str, value: object) -> dict:
    """``base`` with the field at ``path`` (``proof.invoice``: nested) set to ``value``."""
    parent, _, leaf = path.rpartition(".")
    if not parent:
        return {**base, leaf: value}
    return {**base, parent: {**(base.get(parent) or {}), leaf: value}}


@pytest.mark.django_db
@pytest.mark.parametrize("path", FIELD_PATHS)
def test_no_odd_value_of_any_field_breaks_the_endpoint(client, agent, washer, path):
    client.force_authenticate(agent)
    bases = [{**WASHER, "claim_date": "2025-03-08"}, CAR, {"unit": washer.pk, "claim_date": "2025-03-08"}]

    statuses = {post(client, with_value(base, path, value)).status_code for base in bases for value in ODD_VALUES}

    assert statuses <= {200, 400}
    assert 400 in statuses


# --- Schema -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_schema_describes_the_endpoint(client):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    operation = schema["paths"]["/api/warranty/evaluate/"]["post"]
    assert set(operation["responses"]) >= {"200", "400"}
    facts = schema["components"]["schemas"]["WarrantyFactsRequest"]["properties"]
    assert {"category", "unit", "start_date", "proof", "open_repair", "repair_hours", "car_fault"} <= set(facts)
    # Errors come in the API's one shape, nested fields flattened ("proof.invoice"), as answered.
    for status in ("400", "401", "403", "415", "429"):
        body = operation["responses"][status]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/ApiError"}, status
    assert set(schema["components"]["schemas"]["ApiError"]["properties"]) == {"detail", "code", "errors"}


def test_the_schema_is_valid_openapi():
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    validate_schema(SchemaGenerator().get_schema(request=None, public=True))
