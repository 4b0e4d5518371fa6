"""The reasons in plain words: one text per reason code, dates ISO, money with two decimals. No database."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import translation

from warranty.three_guarantees import Facts, OpenRepair, Policy, Reason, decide, reason_text, reason_texts

from .builders import CAR, FRIDGE, PHONE, WASHER, claim, d
from .test_engine import ALL_CASES


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def texts(facts: Facts, policy: Policy) -> list[str]:
    return reason_texts(decide(facts, policy))


@pytest.mark.parametrize(
    ("facts", "policy", "expected"),
    [
        pytest.param(
            claim(5),
            WASHER,
            [
                "You bought this product 5 days ago. Within 7 days a performance fault entitles you to a return "
                "with a full refund, a replacement or a free repair — your choice."
            ],
            id="return within 7 days",
        ),
        pytest.param(
            claim(1),
            WASHER,
            [
                "You bought this product 1 day ago. Within 7 days a performance fault entitles you to a return "
                "with a full refund, a replacement or a free repair — your choice."
            ],
            id="one day, singular",
        ),
        pytest.param(
            claim(10, waiting_days=2, price=Decimal("3000")),
            PHONE,
            [
                "You bought this product 10 days ago. From day 8 to day 15 a performance fault entitles you to a "
                "replacement with the same model or a free repair — your choice.",
                "If you still prefer a refund, you get ¥2,880.00 back: the price of ¥3,000.00 less 0.5% a day for 8 days "
                "of use (10 days since purchase, less 2 days in repair or waiting for parts).",
            ],
            id="replacement and depreciation",
        ),
        pytest.param(
            claim(on=d(2026, 6, 1), component="main:compressor"),
            FRIDGE,
            [
                "The guarantee of the whole product is over, but the compressor has its own 36-month guarantee, "
                "which runs until 3 Mar 2028. The compressor is repaired or replaced free of charge."
            ],
            id="main component",
        ),
        pytest.param(
            claim(on=d(2026, 3, 4)),
            WASHER,
            ["The guarantee period of this product ended on 3 Mar 2026, so the repair is paid."],
            id="out of period",
        ),
        pytest.param(
            claim(400, km=20_000, same_issue_repairs=5, price=Decimal("200000"), open_repair=OpenRepair(6, "repairer")),
            CAR,
            [
                "Your car is inside its validity period (until 3 Mar 2027 or 50000 km, whichever comes first) and "
                "the same problem has been repaired 5 times, more than 4. You may choose a replacement car or a "
                "return.",
                "A usage fee of ¥20,000.00 is charged for the distance driven (the price of ¥200,000.00 × 20000 km ÷ "
                "1,000 × 0.5%). If you return the car, you get ¥180,000.00 back.",
                "This repair has taken 6 days, more than 5, so you are entitled to a loaner car from day 6 of the "
                "repair.",
            ],
            id="car replacement with usage fee and loaner",
        ),
        pytest.param(
            claim(30, km=1000, car_fault="body_crack"),
            CAR,
            [
                "Your car was delivered 30 days ago and has run 1000 km. Within 60 days or 3000 km, whichever comes "
                "first, a crack in the body entitles you to a replacement car or a return with a full refund, free "
                "of charge — your choice."
            ],
            id="car safety fault",
        ),
        pytest.param(
            claim(100),
            replace(FRIDGE, brand_extra_remedies=("replace", "return_full")),
            [
                "Your product is inside its 12-month guarantee period, which runs until 3 Mar 2026, so the repair "
                "is free.",
                "The brand's own policy also offers: Replacement with the same model, Return with a full refund.",
            ],
            id="brand extras",
        ),
    ],
)
def test_reasons_in_plain_english(facts: Facts, policy: Policy, expected: list[str]) -> None:
    assert texts(facts, policy) == expected


def test_params_are_formatted_for_people() -> None:
    reason = Reason(
        "remedy.usage_fee",
        {"fee": Decimal("7.5"), "price": Decimal("1500"), "km": 1000, "rate": "0.5", "refund": Decimal("1492.5")},
    )
    assert reason_text(reason) == (
        "A usage fee of ¥7.50 is charged for the distance driven (the price of ¥1,500.00 × 1000 km ÷ 1,000 × 0.5%). "
        "If you return the car, you get ¥1,492.50 back."
    )


def test_a_component_an_admin_added_reads_as_words() -> None:
    reason = Reason("general.accessory", {"component": "remote_control", "months": 6, "period_end": d(2025, 9, 3)})
    assert reason_text(reason).startswith(
        "The remote control has its own 6-month guarantee, which runs until 3 Sep 2025"
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_decision_renders_in_each_language(language: str) -> None:
    with translation.override(language):
        for case in ALL_CASES:
            rendered = texts(case.facts, case.policy)
            assert all(text and "%(" not in text for text in rendered), case.id
