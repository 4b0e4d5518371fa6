"""The revenue figures of tests/revenue/scenario.py, every one worked out by hand from
docs/revenue.md's formulas (the arithmetic is written beside each), and the queries they cost."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django_scopes import scope

from quality.revenue.selectors import MONTH, PROVIDER, STATION, RevenueScope, revenue_report
from sales.choices import LeadStatus
from tests import factories
from tests.revenue.factories_revenue import LeadFactory
from tests.revenue.scenario import at, build

pytestmark = pytest.mark.django_db

MARCH, APRIL = dt.date(2026, 3, 1), dt.date(2026, 4, 1)
D = Decimal


def plain(figures) -> dict:
    counts = figures.counts
    return {
        "ew_sold": (counts.ew_sold, counts.ew_sold_amount),
        "mp_sold": (counts.mp_sold, counts.mp_sold_amount),
        "ew_renewed": (counts.ew_renewed, counts.ew_renewed_amount),
        "mp_renewed": (counts.mp_renewed, counts.mp_renewed_amount),
        "coverage": (counts.units_covered, counts.units_in_use, figures.coverage),
        "found": (counts.leads_new, counts.leads_contacted, counts.leads_won, counts.leads_lost),
        "conversion": (counts.leads_closed_won, counts.leads_closed_lost, figures.conversion),
        "won_value": counts.leads_won_value,
        "referrals": (counts.referrals_made, counts.referrals_converted, figures.referral_conversion),
        "repairs": (counts.paid_repairs, counts.repair_charges),
        "contract_revenue": figures.contract_revenue,
        "service_revenue": figures.service_revenue,
    }


# The whole of March–April. Contracts paid and not cancelled: EW u1 300 (5 Mar), EW u4 300 (2 Apr);
# MP u2 199.50 (20 Mar), MP u3 199.50 (31 Mar 23:30), MP u5 199.50 (portal, 10 Apr); EW renewal of
# u1 300 (15 Apr). The MP of u6 was cancelled: nowhere.
WHOLE = {
    "ew_sold": (2, D("600.00")),  # 300 + 300
    "mp_sold": (3, D("598.50")),  # 3 × 199.50
    "ew_renewed": (1, D("300.00")),
    "mp_renewed": (0, D("0.00")),
    # 30 April: u1..u6 and F1's u8 in use (u7 replaced) = 7; in force: u1, u2, u3, u5 = 4 (u4's
    # EW starts in 2027, u6's was cancelled). 4 ÷ 7 = 0.571428… → 0.5714.
    "coverage": (4, 7, D("0.5714")),
    # Found in the months: L1 won, L2 lost, L3 contacted, L4 new, L6 lost (L5 found in February).
    "found": (1, 1, 1, 2),
    # Closed in the months: won L1 (28 Mar), L5 (18 Apr); lost L6 (20 Mar), L2 (5 Apr): 2 ÷ (2 + 2).
    "conversion": (2, 2, D("0.5000")),
    "won_value": D("2500.00"),  # 2000 + 500
    # Referred: F1 (8 Mar), F3 (25 Mar), F2 (3 Apr) = 3; converted: F1 (unit 12 Apr), F3 (contract
    # 10 Apr) = 2. 2 ÷ 3 = 0.6666… → 0.6667.
    "referrals": (3, 2, D("0.6667")),
    # Resolved paid work: t1 150 (the claim's charge), t2 max(80 on the ticket, 120 in the job
    # record) = 120, t6 45.50; the cancelled (500) and test (60) tickets are left out.
    "repairs": (3, D("315.50")),
    "contract_revenue": D("1498.50"),  # 600 + 598.50 + 300
    "service_revenue": D("4314.00"),  # 1498.50 + 315.50 + 2500
}

QINGDAO = {
    "ew_sold": (1, D("300.00")),  # u1
    "mp_sold": (1, D("199.50")),  # u3
    "ew_renewed": (1, D("300.00")),  # u1's renewal
    "mp_renewed": (0, D("0.00")),
    # Units served there: u1 (t1), u4 (t3), u5 (t6); the test ticket's u6 is not. In force: u1, u5.
    "coverage": (2, 3, D("0.6667")),
    "found": (0, 1, 1, 1),  # L1 won, L3 contacted, L6 lost
    "conversion": (2, 1, D("0.6667")),  # L1, L5 won; L6 lost: 2 ÷ 3
    "won_value": D("2500.00"),
    "referrals": (1, 1, D("1.0000")),  # F3, served by t6
    "repairs": (2, D("195.50")),  # 150 + 45.50
    "contract_revenue": D("799.50"),
    "service_revenue": D("3495.00"),  # 799.50 + 195.50 + 2500
}
YANTAI = {
    "ew_sold": (1, D("300.00")),  # u4
    "mp_sold": (1, D("199.50")),  # u2
    "ew_renewed": (0, D("0.00")),
    "mp_renewed": (0, D("0.00")),
    "coverage": (1, 2, D("0.5000")),  # u2 (in force), u8 (none); u3's ticket was cancelled
    "found": (0, 0, 0, 1),  # L2 lost
    "conversion": (0, 1, D("0.0000")),
    "won_value": D("0.00"),
    "referrals": (1, 1, D("1.0000")),  # F1, served by their April ticket
    "repairs": (1, D("120.00")),
    "contract_revenue": D("499.50"),
    "service_revenue": D("619.50"),  # 499.50 + 120
}
NO_STATION = {
    "ew_sold": (0, D("0.00")),
    "mp_sold": (1, D("199.50")),  # the portal sale
    "ew_renewed": (0, D("0.00")),
    "mp_renewed": (0, D("0.00")),
    "coverage": (0, 0, None),
    "found": (1, 0, 0, 0),  # L4: no ticket
    "conversion": (0, 0, None),
    "won_value": D("0.00"),
    "referrals": (0, 0, None),
    "repairs": (0, D("0.00")),
    "contract_revenue": D("199.50"),
    "service_revenue": D("199.50"),
}
MARCH_ROW = {
    "ew_sold": (1, D("300.00")),
    "mp_sold": (2, D("399.00")),  # u2, u3 (31 Mar 23:30 in Shanghai is March)
    "ew_renewed": (0, D("0.00")),
    "mp_renewed": (0, D("0.00")),
    "coverage": (3, 6, D("0.5000")),  # 31 Mar: u1..u6 in use; u1, u2, u3 in force
    "found": (0, 0, 1, 2),  # L1 won, L2 lost, L6 lost
    "conversion": (1, 1, D("0.5000")),  # L1 won, L6 lost
    "won_value": D("2000.00"),
    "referrals": (2, 2, D("1.0000")),  # F1, F3: converted by the end of the range (30 Apr)
    "repairs": (2, D("195.50")),  # t1 150, t6 45.50 (31 Mar 23:30)
    "contract_revenue": D("699.00"),
    "service_revenue": D("2894.50"),  # 699 + 195.50 + 2000
}
APRIL_ROW = {
    "ew_sold": (1, D("300.00")),
    "mp_sold": (1, D("199.50")),
    "ew_renewed": (1, D("300.00")),
    "mp_renewed": (0, D("0.00")),
    "coverage": (4, 7, D("0.5714")),
    "found": (1, 1, 0, 0),  # L3 contacted, L4 new
    "conversion": (1, 1, D("0.5000")),  # L5 won, L2 lost
    "won_value": D("500.00"),
    "referrals": (1, 0, D("0.0000")),  # F2
    "repairs": (1, D("120.00")),
    "contract_revenue": D("799.50"),
    "service_revenue": D("1419.50"),  # 799.50 + 120 + 500
}


@pytest.fixture
def world():
    return build()


def test_by_station(world, django_assert_num_queries):
    # Six figures for the whole period, six by station, and the stations' names.
    with django_assert_num_queries(13):
        report = revenue_report(RevenueScope(MARCH, APRIL), STATION)
    assert plain(report.total) == WHOLE
    assert [row.label for row in report.rows] == [
        "Qingdao East",
        "Yantai",
        "No station (the portal, or another provider's station)",
    ]
    assert [row.code for row in report.rows] == ["qd-east", "yantai", ""]
    assert [plain(row.figures) for row in report.rows] == [QINGDAO, YANTAI, NO_STATION]


def test_by_provider(world):
    report = revenue_report(RevenueScope(MARCH, APRIL), PROVIDER)
    assert [(row.label, row.code) for row in report.rows] == [
        ("East Service Co", "p-east"),
        ("West Service Co", "p-west"),
        ("Headquarters (the portal and headquarters' own work)", ""),
    ]
    # Every station is its provider's only one: the rows are the stations'.
    assert [plain(row.figures) for row in report.rows] == [QINGDAO, YANTAI, NO_STATION]


def test_by_month(world, django_assert_num_queries):
    with django_assert_num_queries(12):
        report = revenue_report(RevenueScope(MARCH, APRIL), MONTH)
    assert [row.label for row in report.rows] == ["2026-03", "2026-04"]
    assert [plain(row.figures) for row in report.rows] == [MARCH_ROW, APRIL_ROW]
    assert plain(report.total) == WHOLE


def test_one_month_alone(world):
    report = revenue_report(RevenueScope(MARCH, MARCH), MONTH)
    # Referrals are converted by the end of the range: by 31 March, neither F1 nor F3 was.
    assert plain(report.total) == MARCH_ROW | {"referrals": (2, 0, D("0.0000"))}


def test_a_provider_sees_its_own_figures_only(world):
    """East's managers: East's contracts, repairs and leads, its units and customers; nothing of
    West's nor the portal's, and no other station or provider named."""
    east = RevenueScope(MARCH, APRIL, provider=world.p1.pk)
    for group_by in (STATION, PROVIDER):
        report = revenue_report(east, group_by)
        assert plain(report.total) == QINGDAO
        assert [plain(row.figures) for row in report.rows] == [QINGDAO]
    by_month = revenue_report(east, MONTH)
    assert sum(row.figures.service_revenue for row in by_month.rows) == D("3495.00")
    # In a provider's request scope too (the managers' scoping does not change the figures).
    with scope(provider=world.p1.pk):
        assert plain(revenue_report(east, STATION).total) == QINGDAO


def test_a_lead_served_at_another_providers_station_names_no_one(world):
    """A lead East owns from a ticket at West's station counts for East, in the row without a
    station: East's managers never see West's station's name."""
    unit = factories.ProductUnitFactory()
    ticket = factories.TicketFactory(customer=unit.owner, unit=unit, station=world.s2, provider=world.p2)
    with time_machine.travel(at(4, 9), tick=False):
        LeadFactory(unit=unit, ticket=ticket, owner_provider=world.p1, status=LeadStatus.NEW)
    report = revenue_report(RevenueScope(MARCH, APRIL, provider=world.p1.pk), STATION)
    assert [row.label for row in report.rows] == [
        "Qingdao East",
        "No station (the portal, or another provider's station)",
    ]
    assert report.rows[1].figures.counts.leads_new == 1
    assert report.total.counts.leads_new == 1
