"""The revenue arithmetic and the month range: pure, table-driven, no database."""

import datetime as dt
from decimal import Decimal

import pytest

from quality.revenue.arithmetic import Counts, figures_of, money, percent, ratio
from quality.revenue.months import add_months, last_day, month_range, months_between

D = Decimal


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (0, 0, None),  # nothing counted: no rate, never 0
        (3, 0, None),
        (0, 5, D("0.0000")),
        (4, 7, D("0.5714")),  # 0.571428…
        (2, 3, D("0.6667")),  # 0.6666… rounds up
        (1, 8, D("0.1250")),
        (1, 16, D("0.0625")),
        (1, 32, D("0.0313")),  # 0.03125: half-up, not half-even
        (7, 7, D("1.0000")),
    ],
)
def test_ratio(numerator, denominator, expected):
    assert ratio(numerator, denominator) == expected


def test_percent_and_money():
    assert percent(None) is None
    assert percent(D("0.5714")) == D("57.14")
    assert money(None) == D("0.00")
    assert money(D("0.005")) == D("0.01")


def test_counts_add_skips_sums_of_nothing():
    counts = Counts()
    counts.add(ew_sold=2, ew_sold_amount=D("600"), leads_won_value=None, paid_repairs=None)
    counts.add(ew_sold=1, ew_sold_amount=D("0.5"))
    assert (counts.ew_sold, counts.ew_sold_amount, counts.leads_won_value, counts.paid_repairs) == (
        3,
        D("600.50"),
        D("0.00"),
        0,
    )


def test_figures_of():
    counts = Counts(
        ew_sold=2,
        ew_sold_amount=D("600.00"),
        mp_sold=3,
        mp_sold_amount=D("598.50"),
        ew_renewed=1,
        ew_renewed_amount=D("300.00"),
        units_in_use=7,
        units_covered=4,
        leads_new=1,
        leads_contacted=1,
        leads_won=1,
        leads_lost=2,
        leads_closed_won=2,
        leads_closed_lost=2,
        leads_won_value=D("2500.00"),
        referrals_made=3,
        referrals_converted=2,
        paid_repairs=3,
        repair_charges=D("315.50"),
    )
    figures = figures_of(counts)
    assert (figures.contracts_sold, figures.contracts_sold_amount) == (5, D("1198.50"))  # 600 + 598.50
    assert (figures.contracts_renewed, figures.contracts_renewed_amount) == (1, D("300.00"))
    assert figures.contract_revenue == D("1498.50")
    assert figures.service_revenue == D("4314.00")  # 1498.50 + 315.50 + 2500
    assert (figures.coverage, figures.coverage_percent) == (D("0.5714"), D("57.14"))
    assert figures.leads_found == 5
    assert figures.conversion == D("0.5000")  # 2 ÷ (2 + 2)
    assert figures.referral_conversion == D("0.6667")
    assert figures_of(Counts()).conversion is None


def test_months():
    assert add_months(dt.date(2026, 11, 1), 3) == dt.date(2027, 2, 1)
    assert add_months(dt.date(2026, 1, 1), -1) == dt.date(2025, 12, 1)
    assert last_day(dt.date(2028, 2, 1)) == dt.date(2028, 2, 29)
    assert months_between(dt.date(2025, 11, 1), dt.date(2026, 2, 1)) == [
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    ]


MAY = dt.date(2026, 5, 1)


@pytest.mark.parametrize(
    ("start", "end", "expected", "errors"),
    [
        ("", "", (dt.date(2025, 12, 1), MAY), {}),  # six months to this one
        ("", "2026-02", (dt.date(2025, 9, 1), dt.date(2026, 2, 1)), {}),
        ("2026-03", "", (dt.date(2026, 3, 1), MAY), {}),
        ("2026-03", "2026-03", (dt.date(2026, 3, 1), dt.date(2026, 3, 1)), {}),
        ("2023-05", "2026-04", (dt.date(2023, 5, 1), dt.date(2026, 4, 1)), {}),  # 36 months
        ("2023-04", "2026-04", None, {"to": "A range covers at most 36 months."}),  # 37
        ("2026-04", "2026-03", None, {"to": "The last month cannot be before the first month."}),
        ("2026-00", "2026-13", None, {"from": "Give a month from 01 to 12.", "to": "Give a month from 01 to 12."}),
        ("1999-12", "", None, {"from": "Give a year from 2000 to 2999."}),
        ("26-03", "", None, {"from": "Give a month as YYYY-MM, such as 2026-03."}),
        ("2026-03-01", "", None, {"from": "Give a month as YYYY-MM, such as 2026-03."}),
    ],
)
def test_month_range(start, end, expected, errors):
    assert month_range(start, end, this_month=MAY) == (expected, errors)
