"""settlements/rates.py and settlements/check_rules.py: pure rules, table by table, no database."""

import datetime as dt
from decimal import Decimal

import pytest

from settlements import check_rules as rules
from settlements import rates

D = dt.date
P, OTHER, CAT, CAT2 = 1, 2, 10, 11
CARDS = [
    rates.Card(1, None, None, "repair_simple", Decimal("100.00"), "CNY", D(2026, 1, 1)),
    rates.Card(2, None, CAT, "repair_simple", Decimal("110.00"), "CNY", D(2026, 1, 1)),
    rates.Card(3, P, None, "repair_simple", Decimal("120.00"), "CNY", D(2026, 2, 1)),
    rates.Card(4, P, CAT, "repair_simple", Decimal("130.00"), "CNY", D(2026, 3, 1)),
    rates.Card(5, P, CAT, "repair_simple", Decimal("135.00"), "CNY", D(2026, 4, 1)),
    rates.Card(6, OTHER, CAT, "repair_simple", Decimal("999.00"), "CNY", D(2026, 1, 1)),
    rates.Card(7, None, None, "installation", Decimal("80.00"), "CNY", D(2026, 1, 1)),
]


@pytest.mark.parametrize(
    ("provider", "category", "job_type", "on", "card_id"),
    [
        (P, CAT, "repair_simple", D(2025, 12, 31), None),  # nothing in force yet
        (P, CAT, "repair_simple", D(2026, 1, 31), 2),  # default for the category beats default for any
        (P, CAT2, "repair_simple", D(2026, 1, 31), 1),  # another category: the default for any
        (P, CAT2, "repair_simple", D(2026, 2, 1), 3),  # the provider's own for any beats the default
        (P, CAT, "repair_simple", D(2026, 2, 28), 3),
        (P, CAT, "repair_simple", D(2026, 3, 1), 4),  # the provider's own for the category, from its day
        (P, CAT, "repair_simple", D(2026, 3, 31), 4),
        (P, CAT, "repair_simple", D(2026, 4, 1), 5),  # the latest in force
        (OTHER, CAT2, "repair_simple", D(2026, 5, 1), 1),  # another provider's card never applies
        (OTHER, CAT, "repair_simple", D(2026, 5, 1), 6),
        (P, None, "repair_simple", D(2026, 5, 1), 3),  # no category known: cards for any category
        (P, CAT, "installation", D(2026, 5, 1), 7),
        (P, CAT, "maintenance", D(2026, 5, 1), None),
    ],
)
def test_the_card_in_force(provider, category, job_type, on, card_id):
    card = rates.card_in_force(CARDS, provider_id=provider, category_id=category, job_type=job_type, on=on)
    assert (card.id if card else None) == card_id


BANDS = [
    rates.Band(1, None, 0, 20, Decimal("10.00"), "CNY", D(2026, 1, 1)),
    rates.Band(2, None, 20, None, Decimal("40.00"), "CNY", D(2026, 1, 1)),
    rates.Band(3, None, 0, 30, Decimal("15.00"), "CNY", D(2026, 3, 1)),
    rates.Band(4, None, 30, None, Decimal("45.00"), "CNY", D(2026, 3, 1)),
    rates.Band(5, P, 0, 10, Decimal("5.00"), "CNY", D(2026, 2, 1)),
]


@pytest.mark.parametrize(
    ("provider", "km", "on", "band_id"),
    [
        (OTHER, 19, D(2026, 2, 1), 1),
        (OTHER, 20, D(2026, 2, 1), 2),  # the upper end belongs to the next band
        (OTHER, 20, D(2026, 3, 1), 3),  # the new table from its day
        (OTHER, 500, D(2026, 3, 1), 4),
        (OTHER, 5, D(2025, 12, 1), None),
        (P, 5, D(2026, 1, 31), 1),  # the provider's own table is not in force yet
        (P, 9, D(2026, 2, 1), 5),
        (P, 10, D(2026, 2, 1), None),  # the provider's own table holds no band for 10 km
    ],
)
def test_the_travel_band_in_force(provider, km, on, band_id):
    band = rates.band_in_force(BANDS, provider_id=provider, km=km, on=on)
    assert (band.id if band else None) == band_id


@pytest.mark.parametrize(
    ("kind", "complexity", "job_type"),
    [
        ("repair", "simple", "repair_simple"),
        ("repair", "complex", "repair_complex"),
        ("repair", "", "repair_standard"),
        ("installation", "", "installation"),
        ("maintenance", "complex", "maintenance"),
        ("consultation", "", None),
    ],
)
def test_the_job_type(kind, complexity, job_type):
    assert rates.job_type_for(kind, complexity) == job_type


def test_amounts_are_exact_and_rounded_to_the_cent_half_up():
    assert rates.parts_cost([(3, Decimal("12.35")), (1, Decimal("80.00"))]) == Decimal("117.05")
    assert rates.parts_cost([]) == Decimal("0.00")
    total = rates.claimed(labour=Decimal("0.10"), parts=Decimal("0.20"), travel=Decimal("0.005"), extras=Decimal("0"))
    assert total == Decimal("0.31")


def _claim(line_id, day, *, unit=7, category=3, code="E21"):
    return rules.Claim(line_id, f"T{line_id}", unit, category, code, day)


@pytest.mark.parametrize(("days", "repeat"), [(0, True), (1, True), (30, True), (31, False)])
def test_a_repeat_claim_is_30_days_or_fewer_after_the_earlier(days, repeat):
    earlier = _claim(1, D(2026, 3, 1))
    later = _claim(2, D(2026, 3, 1) + dt.timedelta(days=days))
    found = rules.repeat_of(later, [earlier, later])
    assert (found is not None) == repeat
    assert rules.repeat_of(earlier, [earlier, later]) is None


def test_the_same_fault_is_the_category_or_the_code():
    earlier = _claim(1, D(2026, 3, 1), category=3, code="E21")
    assert rules.repeat_of(_claim(2, D(2026, 3, 5), category=4, code="E21"), [earlier])
    assert rules.repeat_of(_claim(2, D(2026, 3, 5), category=3, code="E99"), [earlier])
    assert rules.repeat_of(_claim(2, D(2026, 3, 5), category=4, code="E99"), [earlier]) is None
    assert rules.repeat_of(_claim(2, D(2026, 3, 5), unit=8), [earlier]) is None


def test_a_provider_far_above_the_networks_repeat_rate():
    counts = {
        1: rules.RepeatCounts(repairs=100, repeats=5),
        2: rules.RepeatCounts(repairs=100, repeats=5),
        3: rules.RepeatCounts(repairs=20, repeats=5),  # 25 % against the network's 15/220 = 6.8 %
        4: rules.RepeatCounts(repairs=19, repeats=19),  # too few repairs to judge
    }
    # Network: 34 repeats of 239 repairs = 14.2 %; twice that is 28.5 %: only provider 4 is
    # above it, and it has fewer than 20 repairs.
    assert rules.high_repeat_providers(counts) == {}
    counts[4] = rules.RepeatCounts(repairs=20, repeats=0)
    # Network: 15 of 240 = 6.25 %; twice is 12.5 %; provider 3 at 25 % is flagged.
    assert rules.high_repeat_providers(counts) == {3: {"rate": "25.0", "network": "6.3", "repairs": 20}}
    assert rules.high_repeat_providers({1: rules.RepeatCounts(50, 0)}) == {}
