"""The lead rules' arithmetic, table-driven, boundaries included (sales/lead_rules.py; no database)."""

import datetime as dt
from decimal import Decimal

import pytest

from sales import lead_rules as rules

D = Decimal


@pytest.mark.parametrize(
    ("cost", "fires"),
    [
        (D("1199.99"), False),
        (D("1200.00"), False),  # exactly 30 % of 4000.00: not more than the share
        (D("1200.01"), True),
    ],
)
def test_a_repair_fires_only_when_it_costs_more_than_the_share(cost, fires):
    reason = rules.repair_cost_share(cost=cost, replacement_price=D("4000.00"), share_percent=D("30.00"))
    assert (reason is not None) is fires
    if fires:
        assert reason == {
            "cost": "1200.01",
            "replacement_price": "4000.00",
            "share_percent": "30.00",
            "threshold": "1200.00",
            # 1200.01 × 100 / 4000.00 = 30.00025 → 30.00
            "cost_share_percent": "30.00",
        }


def test_no_replacement_price_never_fires():
    assert rules.repair_cost_share(cost=D("99999"), replacement_price=None, share_percent=D("1")) is None


def test_a_repairs_cost_is_its_parts_at_price_and_its_charge():
    # 2 × 150.00 + 1 × 899.50 + 120.00 charge = 1319.50
    parts = [rules.PartLine(2, D("150.00")), rules.PartLine(1, D("899.50"))]
    assert rules.repair_cost(parts, D("120.00")) == D("1319.50")
    assert rules.repair_cost([], None) == D("0.00")


@pytest.mark.parametrize(
    ("today", "fires"),
    [
        (dt.date(2031, 3, 14), False),
        (dt.date(2031, 3, 15), False),  # exactly 60 months old
        (dt.date(2031, 3, 16), True),  # one day more
    ],
)
def test_a_unit_is_old_from_the_day_after_its_design_life(today, fires):
    reason = rules.unit_age(started=dt.date(2026, 3, 15), design_life_months=60, today=today)
    assert (reason is not None) is fires
    if fires:
        assert reason == {
            "started": "2026-03-15",
            "design_life_months": 60,
            "end_of_design_life": "2031-03-15",
            "age_days": (dt.date(2031, 3, 16) - dt.date(2026, 3, 15)).days,
        }


def test_a_unit_without_a_start_or_a_design_life_is_never_old():
    assert rules.unit_age(started=None, design_life_months=12, today=dt.date(2040, 1, 1)) is None
    assert rules.unit_age(started=dt.date(2000, 1, 1), design_life_months=None, today=dt.date(2040, 1, 1)) is None


def test_a_units_life_starts_with_its_replacement_then_installation_then_invoice():
    a, b, c, d = (dt.date(2026, 1, n) for n in (4, 3, 2, 1))
    assert rules.unit_started(replacement_date=a, installation_date=b, invoice_date=c, delivery_date=d) == a
    assert rules.unit_started(replacement_date=None, installation_date=b, invoice_date=c, delivery_date=d) == b
    assert rules.unit_started(replacement_date=None, installation_date=None, invoice_date=c, delivery_date=d) == c
    assert rules.unit_started(replacement_date=None, installation_date=None, invoice_date=None, delivery_date=d) == d


def test_months_keep_the_day_or_take_the_months_last():
    assert rules.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert rules.add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert rules.add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert rules.add_months(dt.date(2026, 3, 15), -3) == dt.date(2025, 12, 15)


THIS = dt.date(2027, 6, 1)


@pytest.mark.parametrize(
    ("earlier", "fires"),
    [
        ([THIS - dt.timedelta(days=100)], False),  # the second repair within the year
        ([THIS - dt.timedelta(days=365), THIS - dt.timedelta(days=10)], True),  # third, the first on day 365
        ([THIS - dt.timedelta(days=366), THIS - dt.timedelta(days=10)], False),  # the first on day 366
        ([THIS - dt.timedelta(days=300), THIS - dt.timedelta(days=200), THIS - dt.timedelta(days=1)], True),
    ],
)
def test_the_third_repair_within_365_days_fires(earlier, fires):
    reason = rules.repeat_repairs(this_day=THIS, earlier_days=earlier, repairs_count=3, within_days=365)
    assert (reason is not None) is fires


def test_a_repeat_repairs_reason_counts_them():
    first = THIS - dt.timedelta(days=365)
    reason = rules.repeat_repairs(
        this_day=THIS, earlier_days=[first, THIS - dt.timedelta(days=10)], repairs_count=3, within_days=365
    )
    assert reason == {
        "repairs": 3,
        "repairs_count": 3,
        "within_days": 365,
        "first_repair": first.isoformat(),
        "this_repair": THIS.isoformat(),
    }


SINCE = dt.date(2026, 1, 31)


@pytest.mark.parametrize(
    ("today", "fires"),
    [(dt.date(2026, 7, 30), False), (dt.date(2026, 7, 31), True)],  # due six months on
)
def test_a_consumable_falls_due_by_months(today, fires):
    reason = rules.consumable_due(since=SINCE, today=today, every_months=6, every_km=None, km_now=None, km_since=0)
    assert (reason is not None) is fires
    if fires:
        assert reason == {"since": "2026-01-31", "by": "months", "every_months": 6, "due_on": "2026-07-31"}


@pytest.mark.parametrize(("km_now", "fires"), [(14_999, False), (15_000, True), (None, False)])
def test_a_consumable_falls_due_by_km_since_it_was_fitted(km_now, fires):
    # Fitted at 5,000 km, every 10,000 km: due at 15,000.
    reason = rules.consumable_due(
        since=SINCE, today=SINCE, every_months=12, every_km=10_000, km_now=km_now, km_since=5_000
    )
    assert (reason is not None) is fires
    if fires:
        assert reason == {"since": "2026-01-31", "by": "km", "every_km": 10_000, "km_now": 15_000, "km_since": 5_000}


def test_a_rule_without_its_numbers_is_refused():
    assert set(rules.rule_errors("repair_cost_share", {"cost_share_percent": None})) == {"cost_share_percent"}
    assert set(rules.rule_errors("repeat_repairs", {"repairs_count": 3, "within_days": None})) == {"within_days"}
    assert rules.rule_errors("unit_age", {}) == {}
