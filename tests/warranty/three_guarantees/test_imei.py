"""A phone with no proof of purchase is dated from its IMEI: manufacture date + 90 days.

docs/three-guarantees.md#exclusions and the 2001 mobile phone rules: with no invoice, no warranty card and no
other proof of purchase, a phone's period starts 90 days after the manufacture date its IMEI
encodes, and inside it the phone gets a free repair only. A start date given without proof
proves nothing and is ignored. No other family is dated by its manufacture. No database.
"""

import datetime as dt
from dataclasses import replace

import pytest
from django.utils import translation

from warranty.three_guarantees import (
    STATUTORY_POLICIES,
    Decision,
    Facts,
    FactsError,
    Policy,
    Proof,
    decide,
    imei_period_start,
    reason_texts,
)

from .builders import FREE, LAPTOP, PAID, PHONE, RETURN_7D, WASHER, d

# Made on 1 Jan 2025: 1 Jan + 31 (January) + 28 (February) + 31 (March) = 1 Apr 2025 is day 90.
MADE = d(2025, 1, 1)
IMEI_START = d(2025, 4, 1)
# 12 months from 1 Apr 2025, the start day not counted.
IMEI_END = d(2026, 4, 1)
IMEI_ONLY = Proof(imei_date=MADE)

# Made on 3 Jul 2024: 3 Jul + 28 (to 31 Jul) + 31 (August) + 30 (September) + 1 = 1 Oct 2024 is
# day 90, so the 12 months end on 1 Oct 2025, inside the National Day and Mid-Autumn holiday
# (1 to 8 Oct 2025): the period runs until the day after, 9 Oct 2025.
MADE_BEFORE_HOLIDAY = d(2024, 7, 3)
NATIONAL_DAY_2025 = frozenset(d(2025, 10, day) for day in range(1, 9))


def phone_claim(on: dt.date, *, proof: Proof = IMEI_ONLY, start: dt.date | None = None, **facts: object) -> Facts:
    """A phone claim on ``on``, dated by its IMEI only unless told otherwise, no start date by default."""
    return Facts(claim_date=on, proof=proof, start_date=start, **facts)


def codes(decision: Decision) -> list[str]:
    return [reason.code for reason in decision.reasons]


@pytest.mark.parametrize(
    ("proof", "policy", "expected"),
    [
        pytest.param(IMEI_ONLY, PHONE, IMEI_START, id="phone, IMEI only: day 90"),
        pytest.param(Proof(imei_date=d(2024, 12, 2)), PHONE, d(2025, 3, 2), id="across the year end"),
        pytest.param(Proof(imei_date=d(2023, 12, 2)), PHONE, d(2024, 3, 1), id="across 29 Feb 2024"),
        pytest.param(Proof(invoice=True, imei_date=MADE), PHONE, None, id="invoice: the IMEI does not date it"),
        pytest.param(Proof(card=True, imei_date=MADE), PHONE, None, id="warranty card"),
        pytest.param(Proof(other_proof=True, imei_date=MADE), PHONE, None, id="other proof of purchase"),
        pytest.param(Proof(), PHONE, None, id="no IMEI date"),
        pytest.param(IMEI_ONLY, WASHER, None, id="a washing machine is not dated by manufacture"),
        pytest.param(IMEI_ONLY, LAPTOP, None, id="nor a computer"),
        pytest.param(IMEI_ONLY, STATUTORY_POLICIES["car"], None, id="nor a car"),
    ],
)
def test_the_imei_rule_dates_only_a_phone_with_no_proof(proof: Proof, policy: Policy, expected: dt.date | None):
    assert imei_period_start(proof, policy.family) == expected


@pytest.mark.parametrize(
    ("claim_date", "remedies", "free"),
    [
        pytest.param(d(2025, 3, 31), FREE, True, id="day 89: before the period starts, plainly sold already"),
        pytest.param(d(2025, 4, 1), FREE, True, id="day 90: the period starts"),
        pytest.param(d(2025, 4, 2), FREE, True, id="day 91: free repair only, no 7-day return"),
        pytest.param(d(2025, 4, 16), FREE, True, id="day 105: no 15-day replacement either"),
        pytest.param(IMEI_END, FREE, True, id="the last day of the period"),
        pytest.param(IMEI_END + dt.timedelta(days=1), PAID, False, id="the day after"),
    ],
)
def test_without_start_date_the_period_runs_from_imei_plus_90_days(
    claim_date: dt.date, remedies: tuple[str, ...], free: bool
) -> None:
    decision = decide(phone_claim(claim_date), PHONE)

    assert (decision.rule, decision.remedies, decision.free) == ("phone.imei_no_proof", remedies, free)
    assert decision.period_end == IMEI_END
    assert (decision.refund_amount, decision.usage_fee, decision.loaner) == (None, None, False)
    rule_code = "phone.imei_no_proof" if free else "phone.imei_no_proof.out_of_period"
    assert [(r.code, r.params) for r in decision.reasons] == [
        (rule_code, {"imei_date": MADE, "start": IMEI_START, "period_end": IMEI_END})
    ]


@pytest.mark.parametrize(
    ("claim_date", "remedies", "free"),
    [
        pytest.param(d(2025, 9, 30), FREE, True, id="before the holiday"),
        pytest.param(d(2025, 10, 1), FREE, True, id="12 months to the day: a holiday"),
        pytest.param(d(2025, 10, 9), FREE, True, id="the day after the holiday: the last day"),
        pytest.param(d(2025, 10, 10), PAID, False, id="the day after that"),
    ],
)
def test_a_period_ending_on_a_statutory_holiday_runs_to_the_day_after_it(
    claim_date: dt.date, remedies: tuple[str, ...], free: bool
) -> None:
    facts = phone_claim(claim_date, proof=Proof(imei_date=MADE_BEFORE_HOLIDAY), holidays=NATIONAL_DAY_2025)

    decision = decide(facts, PHONE)

    assert (decision.rule, decision.remedies, decision.free) == ("phone.imei_no_proof", remedies, free)
    assert decision.period_end == d(2025, 10, 9)
    assert decision.reasons[0].params["start"] == d(2024, 10, 1)


@pytest.mark.parametrize(
    ("start", "notes"),
    [
        pytest.param(d(2025, 2, 14), ["note.imei_start_ignored"], id="earlier than the IMEI rule's day"),
        pytest.param(d(2025, 6, 1), ["note.imei_start_ignored"], id="later"),
        pytest.param(d(2025, 7, 1), ["note.imei_start_ignored"], id="after the claim date: ignored, not refused"),
        pytest.param(IMEI_START, [], id="the IMEI rule's own day: nothing set aside"),
    ],
)
def test_a_start_date_given_without_proof_is_ignored_and_the_reasons_say_so(start: dt.date, notes: list[str]) -> None:
    without_start = decide(phone_claim(d(2025, 6, 10)), PHONE)

    decision = decide(phone_claim(d(2025, 6, 10), start=start), PHONE)

    assert codes(decision) == [*notes, "phone.imei_no_proof"]
    assert decision.reasons[len(notes) :] == without_start.reasons
    assert (decision.rule, decision.remedies, decision.free, decision.period_end) == (
        "phone.imei_no_proof",
        FREE,
        True,
        IMEI_END,
    )
    if notes:
        assert decision.reasons[0].params == {"given": start, "start": IMEI_START}


def test_with_an_invoice_the_start_date_counts_as_always() -> None:
    decision = decide(
        phone_claim(d(2025, 2, 19), proof=Proof(invoice=True, imei_date=MADE), start=d(2025, 2, 14)), PHONE
    )

    assert (decision.rule, decision.remedies, decision.period_end) == ("general.return_7d", RETURN_7D, d(2026, 2, 14))
    assert codes(decision) == ["general.return_7d"]


def test_a_brand_counting_the_start_day_ends_the_period_a_day_earlier() -> None:
    counting = replace(PHONE, count_start_day=True)

    assert decide(phone_claim(d(2026, 3, 31)), counting).free is True
    assert decide(phone_claim(IMEI_END), counting).free is False
    assert decide(phone_claim(IMEI_END), counting).period_end == d(2026, 3, 31)


@pytest.mark.parametrize(
    ("component", "last_day"),
    [
        pytest.param("accessory:battery", d(2025, 10, 1), id="battery: 6 months"),
        pytest.param("accessory:wired_headset", d(2025, 7, 1), id="wired headset: 3 months"),
    ],
)
def test_accessories_count_their_own_periods_from_the_same_day(component: str, last_day: dt.date) -> None:
    on_last_day = decide(phone_claim(last_day, component=component), PHONE)
    day_after = decide(phone_claim(last_day + dt.timedelta(days=1), component=component), PHONE)

    assert (on_last_day.free, on_last_day.period_end) == (True, last_day)
    assert (day_after.free, day_after.remedies) == (False, PAID)


def test_the_burden_of_proof_runs_six_months_from_the_imei_rules_day() -> None:
    inside = decide(phone_claim(d(2025, 10, 1), fault_kind="misuse"), PHONE)
    after = decide(phone_claim(d(2025, 10, 2), fault_kind="misuse"), PHONE)

    assert codes(inside) == ["note.burden_of_proof", "phone.imei_no_proof"]
    assert inside.reasons[0].params == {"until": d(2025, 10, 1)}
    assert (after.rule, after.free) == ("exclusion.misuse", False)


def test_a_replacement_restarts_the_period_but_cannot_predate_manufacture() -> None:
    replaced = decide(phone_claim(d(2025, 6, 10), whole_unit_replaced_on=d(2025, 5, 20)), PHONE)

    assert (replaced.rule, replaced.period_end) == ("phone.imei_no_proof", d(2026, 5, 20))
    with pytest.raises(FactsError) as raised:
        decide(phone_claim(d(2025, 6, 10), whole_unit_replaced_on=d(2024, 12, 31)), PHONE)
    assert raised.value.field == "whole_unit_replaced_on"


@pytest.mark.parametrize(
    ("facts", "policy", "message"),
    [
        pytest.param(
            phone_claim(d(2025, 6, 10), proof=Proof()),
            PHONE,
            "No date shows when this phone's guarantee started: enter the start date from the invoice or warranty "
            "card or, with neither, the manufacture date from the IMEI.",
            id="phone, no proof, no IMEI date, no start date",
        ),
        pytest.param(
            phone_claim(d(2025, 6, 10), proof=Proof(invoice=True, imei_date=MADE)),
            PHONE,
            "No date shows when this product's guarantee started: enter it.",
            id="phone with an invoice but no start date",
        ),
        pytest.param(
            phone_claim(d(2025, 6, 10)),
            WASHER,
            "No date shows when this product's guarantee started: enter it.",
            id="washing machine with an IMEI date only",
        ),
        pytest.param(
            phone_claim(d(2025, 6, 10), proof=Proof()),
            LAPTOP,
            "No date shows when this product's guarantee started: enter it.",
            id="computer, no proof",
        ),
    ],
)
def test_a_claim_nothing_dates_is_refused_on_the_start_date(facts: Facts, policy: Policy, message: str) -> None:
    with translation.override("en"), pytest.raises(FactsError) as raised:
        decide(facts, policy)

    assert (raised.value.field, str(raised.value.message)) == ("start_date", message)


@pytest.mark.parametrize("code", ["washing_machine", "fridge", "flat_panel_tv", "laptop", "desktop", "car"])
def test_other_families_with_no_proof_stay_paid_whatever_the_imei_date(code: str) -> None:
    """The 1995, 2002 and 2021 rules: no invoice and no card, no free service; a start date is still needed."""
    decision = decide(phone_claim(d(2025, 6, 10), start=d(2025, 6, 1)), STATUTORY_POLICIES[code])

    assert (decision.rule, decision.remedies, decision.free, decision.period_end) == (
        "exclusion.no_proof",
        PAID,
        False,
        None,
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "The start date given, 14 Feb 2025, is not used: with no invoice and no warranty card nothing proves "
                "when this phone was bought, so its guarantee is counted from 90 days after it was made, 1 Apr 2025.",
                "There is no proof of purchase for this phone, so its guarantee period is counted from 90 days after "
                "it was made (1 Jan 2025): from 1 Apr 2025 until 1 Apr 2026. Within this period you get a free "
                "repair, but no return or replacement.",
            ],
        ),
        (
            "zh-hans",
            [
                "所填的三包起始日期（2025年2月14日）不予采用：没有发票和三包凭证，无法证明这部手机的购买日期，"
                "因此三包有效期从出厂日期后的第 90 天（2025年4月1日）起计算。",
                "该手机没有购买凭证，因此其三包有效期从出厂日期（2025年1月1日）后的第 90 天起计算："
                "自 2025年4月1日 至 2026年4月1日。在此期间，您可享受免费修理，但不能退货或换货。",
            ],
        ),
    ],
)
def test_the_reasons_say_so_in_plain_words(language: str, expected: list[str]) -> None:
    decision = decide(phone_claim(d(2025, 6, 10), start=d(2025, 2, 14)), PHONE)

    with translation.override(language):
        assert reason_texts(decision) == expected
