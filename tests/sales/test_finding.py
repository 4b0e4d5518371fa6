"""Finding leads in service (sales/finding.py): each rule at its boundary, once only, with the
consent of the day, the owner, the category filter, and nobody who opted out."""

import datetime as dt
from decimal import Decimal

import pytest

from aftersales.roles import Role
from contracts.models import OdometerReading
from customers.referral_choices import OffersConsent
from sales import finding
from sales.choices import LeadKind, LeadStatus, Trigger
from sales.models import Lead, LeadEvent
from tests import factories
from tests.sales import helpers_leads as h
from tests.sales.factories_leads import ConsumableFactory, LeadRuleFactory
from tickets.choices import Kind

pytestmark = pytest.mark.django_db
DAY = dt.date(2027, 6, 1)


@pytest.fixture
def seller():
    return factories.UserFactory(username="seller", roles=[Role.SALES])


@pytest.fixture
def cost_rule(seller):
    return LeadRuleFactory(code="big-repair", cost_share_percent=Decimal("30.00"), owner=seller)


# --- a repair costing a share of the replacement price --------------------------------------------


def test_a_repair_costing_exactly_the_share_makes_no_lead(cost_rule):
    # 2 × 500.00 + 200.00 charge = 1200.00 = 30 % of 4000.00
    ticket = h.repair(h.unit(), resolved=DAY, charge="200.00", parts=[(2, "500.00")])
    assert finding.find_for_ticket(ticket=ticket, now=h.at(DAY)) == []
    assert not Lead.objects.exists()


def test_a_repair_costing_more_than_the_share_is_an_upgrade_lead_for_the_rules_owner(cost_rule, seller):
    unit = h.unit()
    ticket = h.repair(unit, resolved=DAY, charge="200.01", parts=[(2, "500.00")])

    [lead] = finding.find_for_ticket(ticket=ticket, now=h.at(DAY))

    lead.refresh_from_db()
    assert (lead.kind, lead.status, lead.rule, lead.customer, lead.unit, lead.ticket) == (
        LeadKind.UPGRADE,
        LeadStatus.NEW,
        cost_rule,
        unit.owner,
        unit,
        ticket,
    )
    assert lead.consent == OffersConsent.GIVEN
    assert (lead.owner, lead.owner_provider) == (seller, None)
    assert lead.reason == {
        "trigger": Trigger.REPAIR_COST_SHARE,
        "cost": "1200.01",
        "replacement_price": "4000.00",
        "share_percent": "30.00",
        "threshold": "1200.00",
        "cost_share_percent": "30.00",
    }
    assert lead.dedupe_key == f"big-repair:t{ticket.pk}"
    assert list(LeadEvent.objects.filter(lead=lead).values_list("status", "by")) == [(LeadStatus.NEW, None)]


def test_a_providers_job_makes_the_lead_the_dealers(cost_rule):
    dealer = factories.ServiceProviderFactory(code="dealer-a")
    ticket = h.repair(h.unit(), resolved=DAY, charge="1500.00", provider=dealer)
    [lead] = finding.find_for_ticket(ticket=ticket, now=h.at(DAY))
    assert (lead.owner, lead.owner_provider) == (None, dealer)


def test_the_same_repair_found_twice_makes_one_lead(cost_rule):
    ticket = h.repair(h.unit(), resolved=DAY, charge="1500.00")
    finding.find_for_ticket(ticket=ticket, now=h.at(DAY))
    assert finding.find_for_ticket(ticket=ticket, now=h.at(DAY)) == []
    assert Lead.objects.count() == 1
    assert LeadEvent.objects.count() == 1


def test_the_lead_records_the_consent_of_the_day(cost_rule):
    ticket = h.repair(h.unit(consent=OffersConsent.NOT_ASKED), resolved=DAY, charge="1500.00")
    [lead] = finding.find_for_ticket(ticket=ticket, now=h.at(DAY))
    assert lead.consent == OffersConsent.NOT_ASKED


def test_a_customer_who_opted_out_is_never_a_lead(cost_rule):
    LeadRuleFactory(code="old", trigger=Trigger.UNIT_AGE, lead_kind=LeadKind.TRADE_IN, cost_share_percent=None)
    unit = h.unit(consent=OffersConsent.REFUSED, started=dt.date(2010, 1, 1))
    ticket = h.repair(unit, resolved=DAY, charge="3999.00")
    assert finding.find_for_ticket(ticket=ticket, now=h.at(DAY)) == []
    assert finding.sweep(DAY) == {"unit_age": 0, "consumable_due": 0}
    assert not Lead.objects.exists()


def test_a_rule_of_another_category_or_switched_off_does_not_apply(cost_rule):
    cost_rule.category = factories.ProductCategoryFactory(code="air_conditioner", name="Air conditioner")
    cost_rule.save()
    LeadRuleFactory(code="off", is_active=False)
    ticket = h.repair(h.unit(), resolved=DAY, charge="3999.00")
    assert finding.find_for_ticket(ticket=ticket, now=h.at(DAY)) == []


def test_a_rule_of_the_units_category_applies(cost_rule):
    cost_rule.category = factories.ProductCategoryFactory()
    cost_rule.save()
    ticket = h.repair(h.unit(), resolved=DAY, charge="3999.00")
    assert len(finding.find_for_ticket(ticket=ticket, now=h.at(DAY))) == 1


def test_a_unit_with_an_open_lead_of_the_rule_gets_no_second_one(cost_rule):
    unit = h.unit()
    finding.find_for_ticket(ticket=h.repair(unit, resolved=DAY, charge="1500.00"), now=h.at(DAY))
    later = h.repair(unit, resolved=DAY + dt.timedelta(days=3), charge="1500.00")
    assert finding.find_for_ticket(ticket=later, now=h.at(DAY)) == []


# --- a unit older than its design life ------------------------------------------------------------


@pytest.fixture
def age_rule(seller):
    return LeadRuleFactory(
        code="old-unit", trigger=Trigger.UNIT_AGE, lead_kind=LeadKind.TRADE_IN, cost_share_percent=None, owner=seller
    )


def test_a_unit_exactly_its_design_life_old_is_no_lead_one_day_more_is(age_rule):
    unit = h.unit(started=dt.date(2022, 6, 1))  # 60 months on 2027-06-01
    on_the_day = h.repair(unit, resolved=DAY, kind=Kind.MAINTENANCE)
    assert finding.find_for_ticket(ticket=on_the_day, now=h.at(DAY)) == []

    next_day = h.repair(unit, resolved=DAY + dt.timedelta(days=1), kind=Kind.MAINTENANCE)
    [lead] = finding.find_for_ticket(ticket=next_day, now=h.at(DAY + dt.timedelta(days=1)))
    assert (lead.kind, lead.ticket, lead.dedupe_key) == (LeadKind.TRADE_IN, next_day, f"old-unit:u{unit.pk}")
    assert lead.reason["end_of_design_life"] == "2027-06-01"


def test_the_daily_sweep_finds_old_units_once_for_the_rules_owner(age_rule, seller):
    old = h.unit(started=dt.date(2022, 6, 1))
    h.unit(started=dt.date(2022, 6, 2))  # exactly 60 months on the next day: not yet
    next_day = DAY + dt.timedelta(days=1)

    assert finding.sweep(next_day) == {"unit_age": 1, "consumable_due": 0}
    assert finding.sweep(next_day) == {"unit_age": 0, "consumable_due": 0}

    [lead] = Lead.objects.all()
    assert (lead.unit, lead.ticket, lead.owner, lead.owner_provider) == (old, None, seller, None)


# --- repeated repairs ----------------------------------------------------------------------------


@pytest.fixture
def repeat_rule():
    return LeadRuleFactory(
        code="third-repair",
        trigger=Trigger.REPEAT_REPAIRS,
        lead_kind=LeadKind.TRADE_IN,
        cost_share_percent=None,
        repairs_count=3,
        within_days=365,
    )


def test_the_second_repair_within_a_year_is_no_lead(repeat_rule):
    unit = h.unit()
    h.repair(unit, resolved=DAY - dt.timedelta(days=100))
    assert finding.find_for_ticket(ticket=h.repair(unit, resolved=DAY), now=h.at(DAY)) == []


def test_the_third_repair_within_365_days_is_a_lead(repeat_rule):
    unit = h.unit()
    h.repair(unit, resolved=DAY - dt.timedelta(days=365))
    h.repair(unit, resolved=DAY - dt.timedelta(days=10))
    h.repair(unit, resolved=DAY - dt.timedelta(days=5), kind=Kind.INSTALLATION)  # not a repair
    third = h.repair(unit, resolved=DAY)
    [lead] = finding.find_for_ticket(ticket=third, now=h.at(DAY))
    assert lead.reason["repairs"] == 3
    assert lead.reason["first_repair"] == (DAY - dt.timedelta(days=365)).isoformat()


def test_a_repair_366_days_before_does_not_count(repeat_rule):
    unit = h.unit()
    h.repair(unit, resolved=DAY - dt.timedelta(days=366))
    h.repair(unit, resolved=DAY - dt.timedelta(days=10))
    assert finding.find_for_ticket(ticket=h.repair(unit, resolved=DAY), now=h.at(DAY)) == []


# --- consumables due ------------------------------------------------------------------------------


@pytest.fixture
def consumable_rule():
    return LeadRuleFactory(
        code="consumables", trigger=Trigger.CONSUMABLE_DUE, lead_kind=LeadKind.CROSS_SELL, cost_share_percent=None
    )


def test_a_consumable_is_due_six_months_after_the_unit_started(consumable_rule):
    unit = h.unit(started=dt.date(2027, 1, 31))
    ConsumableFactory(code="filter", model=unit.model, every_months=6, price=Decimal("89.00"))

    assert finding.sweep(dt.date(2027, 7, 30))["consumable_due"] == 0
    assert finding.sweep(dt.date(2027, 7, 31))["consumable_due"] == 1
    assert finding.sweep(dt.date(2027, 8, 1))["consumable_due"] == 0

    [lead] = Lead.objects.all()
    assert lead.kind == LeadKind.CROSS_SELL
    assert lead.consumable.code == "filter"
    assert lead.reason == {
        "trigger": Trigger.CONSUMABLE_DUE,
        "since": "2027-01-31",
        "by": "months",
        "every_months": 6,
        "due_on": "2027-07-31",
        "consumable": "filter",
        "price": "89.00",
    }


def test_a_consumable_sold_starts_its_next_cycle(consumable_rule):
    unit = h.unit(started=dt.date(2027, 1, 31))
    ConsumableFactory(code="filter", model=unit.model, every_months=6)
    finding.sweep(dt.date(2027, 7, 31))
    Lead.objects.update(status=LeadStatus.WON, closed_at=h.at(dt.date(2027, 8, 5)))

    assert finding.sweep(dt.date(2028, 2, 4))["consumable_due"] == 0
    assert finding.sweep(dt.date(2028, 2, 5))["consumable_due"] == 1
    assert Lead.objects.filter(status=LeadStatus.NEW).get().reason["since"] == "2027-08-05"


def test_a_consumable_is_due_by_the_odometer(consumable_rule):
    unit = h.unit(started=dt.date(2027, 1, 1))
    ConsumableFactory(code="oil", model=unit.model, every_months=12, every_km=10_000)
    OdometerReading.objects.create(unit=unit, km=9_999, read_on=dt.date(2027, 3, 1))
    assert finding.sweep(dt.date(2027, 3, 2))["consumable_due"] == 0

    OdometerReading.objects.create(unit=unit, km=10_000, read_on=dt.date(2027, 4, 1))
    assert finding.sweep(dt.date(2027, 4, 2))["consumable_due"] == 1
    assert Lead.objects.get().reason["by"] == "km"


def test_a_service_visit_finds_a_consumable_due(consumable_rule):
    unit = h.unit(started=dt.date(2026, 1, 1))
    ConsumableFactory(code="filter", model=unit.model, every_months=6)
    ticket = h.repair(unit, resolved=DAY, kind=Kind.MAINTENANCE)
    [lead] = finding.find_for_ticket(ticket=ticket, now=h.at(DAY))
    assert lead.ticket == ticket
