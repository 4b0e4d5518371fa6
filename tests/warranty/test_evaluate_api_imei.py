"""POST /api/warranty/evaluate/ for a phone with no proof of purchase (docs/three-guarantees.md#exclusions).

The 2001 mobile phone rules: with no invoice, no warranty card and no other proof, a phone's
period starts 90 days after the manufacture date its IMEI encodes, free repair only; a start
date given without proof is ignored, and the reasons say so. A claim nothing dates is a 400
naming the missing fields. Every expected date below is worked out by hand in its comment.
"""

import datetime as dt

import pytest
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from customers.models import ProductCategory, WarrantyPolicy
from tests.factories import ProductModelFactory, ProductUnitFactory

URL = "/api/warranty/evaluate/"
ZH = {"Accept-Language": "zh-hans"}
PHONE_V1 = {"code": "mobile_phone", "version": 1}
# Made on 1 Jan 2025: day 90 after it is 1 Apr 2025 (31 + 28 + 31 days), and 12 months from then,
# the start day not counted, end on 1 Apr 2026.
NO_PROOF = {"category": "mobile_phone", "proof": {"imei_date": "2025-01-01"}}

IMEI_RULE_EN = (
    "There is no proof of purchase for this phone, so its guarantee period is counted from 90 days after it was "
    "made (1 Jan 2025): from 1 Apr 2025 until 1 Apr 2026. Within this period you get a free repair, but no return "
    "or replacement."
)
IMEI_RULE_ZH = (
    "该手机没有购买凭证，因此其三包有效期从出厂日期（2025年1月1日）后的第 90 天起计算："
    "自 2025年4月1日 至 2026年4月1日。在此期间，您可享受免费修理，但不能退货或换货。"
)
IGNORED_EN = (
    "The start date given, 14 Feb 2025, is not used: with no invoice and no warranty card nothing proves when this "
    "phone was bought, so its guarantee is counted from 90 days after it was made, 1 Apr 2025."
)
IGNORED_ZH = (
    "所填的三包起始日期（2025年2月14日）不予采用：没有发票和三包凭证，无法证明这部手机的购买日期，"
    "因此三包有效期从出厂日期后的第 90 天（2025年4月1日）起计算。"
)
UNDATED_PHONE = {
    "en": {
        "start_date": [
            "No date shows when this phone's guarantee started: enter the start date from the invoice or warranty "
            "card or, with neither, the manufacture date from the IMEI."
        ],
        "proof.imei_date": [
            "With no invoice and no warranty card, a phone's guarantee is dated from its IMEI: enter its manufacture "
            "date."
        ],
    },
    "zh-hans": {
        "start_date": [
            "没有任何日期表明这部手机的三包从何时开始：请填写发票或三包凭证上的起始日期；"
            "两者都没有的，请填写 IMEI 所示的出厂日期。"
        ],
        "proof.imei_date": ["没有发票和三包凭证的手机，其三包按 IMEI 计算：请填写它的出厂日期。"],
    },
}


@pytest.fixture(autouse=True)
def throttle_counts_per_test(monkeypatch):
    """Each test counts its requests afresh, in its own cache, without touching the shared one."""
    monkeypatch.setattr(SimpleRateThrottle, "cache", LocMemCache("throttle-tests-imei", {}))
    SimpleRateThrottle.cache.clear()


@pytest.fixture
def client() -> APIClient:
    return APIClient()


def post(client: APIClient, body: dict, **headers):
    return client.post(URL, body, format="json", headers=headers)


def free_repair(reasons: list[str], period_end: str = "2026-04-01", policy: dict = PHONE_V1) -> dict:
    return {
        "remedies": ["repair_free"],
        "free": True,
        "rule": "phone.imei_no_proof",
        "reasons": reasons,
        "period_end": period_end,
        "loaner": False,
        "policy": policy,
    }


# --- By category -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "reason"), [pytest.param({}, IMEI_RULE_EN, id="en"), pytest.param(ZH, IMEI_RULE_ZH, id="zh-hans")]
)
def test_no_proof_and_no_start_date_starts_the_period_90_days_after_the_imei_date(client, headers, reason):
    response = post(client, {**NO_PROOF, "claim_date": "2025-06-10"}, **headers)

    assert (response.status_code, response.json()) == (200, free_repair([reason]))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "reasons"),
    [pytest.param({}, [IGNORED_EN, IMEI_RULE_EN], id="en"), pytest.param(ZH, [IGNORED_ZH, IMEI_RULE_ZH], id="zh-hans")],
)
def test_a_start_date_given_with_no_proof_is_ignored_and_the_reasons_say_so(client, headers, reasons):
    # Without the IMEI rule, 14 Feb 2025 would end the period on 14 Feb 2026 and make 10 Jun 2026 paid.
    body = {**NO_PROOF, "start_date": "2025-02-14", "claim_date": "2026-03-20"}

    response = post(client, body, **headers)

    assert (response.status_code, response.json()) == (200, free_repair(reasons))


@pytest.mark.django_db
def test_a_start_date_after_the_claim_date_is_ignored_too_not_refused(client):
    body = {**NO_PROOF, "start_date": "2025-07-01", "claim_date": "2025-06-10"}

    response = post(client, body)

    assert response.status_code == 200
    assert response.json()["reasons"][1:] == [IMEI_RULE_EN]
    assert response.json()["reasons"][0].startswith("The start date given, 1 Jul 2025, is not used:")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("claim_date", "free"),
    [
        pytest.param("2025-03-31", True, id="day 89 after the IMEI date"),
        pytest.param("2025-04-01", True, id="day 90"),
        pytest.param("2025-04-02", True, id="day 91: no 7-day return, repair only"),
        pytest.param("2026-04-01", True, id="the last day of the period"),
        pytest.param("2026-04-02", False, id="the day after"),
    ],
)
def test_the_boundary_days(client, claim_date, free):
    body = post(client, {**NO_PROOF, "claim_date": claim_date}).json()

    assert (body["rule"], body["remedies"], body["free"], body["period_end"]) == (
        "phone.imei_no_proof",
        ["repair_free"] if free else ["repair_paid"],
        free,
        "2026-04-01",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("claim_date", "free"), [("2025-10-09", True), ("2025-10-10", False)])
def test_a_period_ending_in_the_national_day_holiday_runs_to_the_day_after_it(client, claim_date, free):
    # Made 3 Jul 2024: day 90 is 1 Oct 2024 (28 + 31 + 30 + 1 days); 12 months end on 1 Oct 2025, inside the
    # National Day and Mid-Autumn holiday of 1 to 8 Oct 2025 (loaded with the statutory calendar): 9 Oct 2025.
    body = {"category": "mobile_phone", "proof": {"imei_date": "2024-07-03"}, "claim_date": claim_date}

    answer = post(client, body).json()

    assert (answer["free"], answer["period_end"]) == (free, "2025-10-09")
    assert "from 1 Oct 2024 until 9 Oct 2025" in answer["reasons"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_proof_no_imei_date_and_no_start_date_names_both_missing_fields(client, language):
    for proof in ({}, {"invoice": False, "card": False, "imei_date": None}):
        response = post(
            client,
            {"category": "mobile_phone", "claim_date": "2025-06-10", "proof": proof},
            **{"Accept-Language": language},
        )

        assert (response.status_code, response.json()["code"]) == (400, "invalid")
        assert response.json()["errors"] == UNDATED_PHONE[language]


@pytest.mark.django_db
def test_no_proof_at_all_is_the_same_missing_fields(client):
    response = post(client, {"category": "mobile_phone", "claim_date": "2025-06-10"})

    assert (response.status_code, response.json()["errors"]) == (400, UNDATED_PHONE["en"])


@pytest.mark.django_db
def test_with_proof_the_start_date_behaves_as_always(client):
    body = {
        "category": "mobile_phone",
        "start_date": "2025-02-14",
        "claim_date": "2025-02-19",
        "proof": {"invoice": True, "imei_date": "2025-01-01"},
    }

    with_start = post(client, body)
    without_start = post(client, {**body, "start_date": None})

    assert (with_start.status_code, with_start.json()) == (
        200,
        {
            "remedies": ["return_full", "replace", "repair_free"],
            "free": True,
            "rule": "general.return_7d",
            "reasons": [
                "You bought this product 5 days ago. Within 7 days a performance fault entitles you to a return with "
                "a full refund, a replacement or a free repair — your choice."
            ],
            # 14 Feb 2025 + 12 months.
            "period_end": "2026-02-14",
            "loaner": False,
            "policy": PHONE_V1,
        },
    )
    assert (without_start.status_code, without_start.json()["errors"]) == (
        400,
        {"start_date": ["This field is required."]},
    )


@pytest.mark.django_db
@pytest.mark.parametrize("category", ["washing_machine", "laptop", "car"])
def test_other_families_are_not_dated_by_an_imei_and_keep_needing_a_start_date(client, category):
    body = {"category": category, "claim_date": "2025-06-10", "proof": {"imei_date": "2025-01-01"}}

    missing = post(client, body)
    given = post(client, {**body, "start_date": "2025-06-01"}).json()

    assert (missing.status_code, missing.json()["errors"]) == (400, {"start_date": ["This field is required."]})
    assert (given["rule"], given["remedies"], given["free"], given["period_end"]) == (
        "exclusion.no_proof",
        ["repair_paid"],
        False,
        None,
    )


@pytest.mark.django_db
def test_the_policy_version_in_force_on_the_imei_rules_day_governs(client, django_assert_num_queries):
    v1 = WarrantyPolicy.objects.get(category__code="mobile_phone")
    # A second version, in force from 1 Mar 2025, with a 24-month whole-unit period.
    WarrantyPolicy.objects.create(
        **{
            field.name: getattr(v1, field.name)
            for field in WarrantyPolicy._meta.concrete_fields
            if field.name not in ("id", "version", "effective_from", "whole_unit_months")
        },
        version=2,
        effective_from=dt.date(2025, 3, 1),
        whole_unit_months=24,
    )

    # The given start (14 Feb 2025, v1) first, then the IMEI rule's day (1 Apr 2025, v2), then the holidays.
    with django_assert_num_queries(3):
        response = post(client, {**NO_PROOF, "start_date": "2025-02-14", "claim_date": "2026-06-10"})

    # 1 Apr 2025 + 24 months.
    assert response.json() == free_repair(
        [
            IGNORED_EN,
            "There is no proof of purchase for this phone, so its guarantee period is counted from 90 days after it "
            "was made (1 Jan 2025): from 1 Apr 2025 until 1 Apr 2027. Within this period you get a free repair, but "
            "no return or replacement.",
        ],
        period_end="2027-04-01",
        policy={"code": "mobile_phone", "version": 2},
    )


# --- By unit -------------------------------------------------------------------------------------


@pytest.fixture
def phone_model():
    return ProductModelFactory(code="P60", category=ProductCategory.objects.get(code="mobile_phone"))


@pytest.mark.django_db
def test_a_unit_with_no_proof_is_dated_by_its_recorded_manufacture_date(
    client, agent, phone_model, django_assert_num_queries
):
    unit = ProductUnitFactory(
        model=phone_model, invoice_date=None, has_invoice=False, manufacture_date=dt.date(2025, 1, 1)
    )
    client.force_authenticate(agent)

    # roles, unit, the policy's category (the policy versions are in the memo since the unit was
    # registered), the unit's repairs, holidays
    with django_assert_num_queries(5):
        response = post(client, {"unit": unit.pk, "claim_date": "2025-06-10"})

    assert (response.status_code, response.json()) == (200, free_repair([IMEI_RULE_EN]))


@pytest.mark.django_db
def test_a_unit_with_a_recorded_start_but_no_proof_is_still_dated_by_its_imei(client, agent, phone_model):
    unit = ProductUnitFactory(
        model=phone_model, invoice_date=dt.date(2025, 2, 14), has_invoice=False, manufacture_date=dt.date(2025, 1, 1)
    )
    client.force_authenticate(agent)

    response = post(client, {"unit": unit.pk, "claim_date": "2026-03-20"})

    assert (response.status_code, response.json()) == (200, free_repair([IGNORED_EN, IMEI_RULE_EN]))


@pytest.mark.django_db
def test_a_unit_nothing_dates_names_both_missing_fields(client, agent, phone_model):
    unit = ProductUnitFactory(model=phone_model, invoice_date=None, has_invoice=False, manufacture_date=None)
    client.force_authenticate(agent)

    missing = post(client, {"unit": unit.pk, "claim_date": "2025-06-10"})
    dated = post(client, {"unit": unit.pk, "claim_date": "2025-06-10", "proof": {"imei_date": "2025-01-01"}})

    assert (missing.status_code, missing.json()["errors"]) == (400, UNDATED_PHONE["en"])
    assert (dated.status_code, dated.json()) == (200, free_repair([IMEI_RULE_EN]))
