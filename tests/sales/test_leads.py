"""Working a lead (sales/leads.py): contacted, won, lost, reassigned, each with its event; the
moves the status does not allow and bad input refused with nothing written; and the opt-out."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from aftersales.roles import Role
from customers.models import Customer
from customers.referral_choices import OffersConsent, ReferralChannel
from sales import leads
from sales.choices import LeadKind, LeadStatus, Trigger
from sales.models import Lead, LeadEvent
from tests import factories
from tests.sales import helpers_leads as h
from tests.sales.factories_leads import LeadFactory, LeadRuleFactory
from tickets.choices import Kind, Status
from tickets.services import ticket_record_resolution, ticket_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    return factories.UserFactory(username="seller", roles=[Role.SALES])


def _state(lead: Lead) -> tuple:
    lead.refresh_from_db()
    return lead.status, lead.value, lead.lost_reason, lead.owner_id, lead.owner_provider_id, lead.events.count()


def test_contacting_a_new_lead_records_the_note(seller):
    lead = LeadFactory()
    leads.lead_contact(lead=lead, note="  Called; wants a brochure. ", by=seller)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONTACTED
    assert lead.contacted_at is not None
    assert list(lead.events.values_list("status", "note", "by")) == [
        (LeadStatus.CONTACTED, "Called; wants a brochure.", seller.pk)
    ]


def test_a_contact_needs_a_note(seller):
    lead = LeadFactory()
    before = _state(lead)
    with pytest.raises(ValidationError) as error:
        leads.lead_contact(lead=lead, note="  ", by=seller)
    assert set(error.value.message_dict) == {"note"}
    assert _state(lead) == before


def test_a_customer_who_opted_out_since_is_not_contacted(seller):
    lead = LeadFactory(consent=OffersConsent.GIVEN)
    Customer.objects.filter(pk=lead.customer_id).update(offers_consent=OffersConsent.REFUSED)
    before = _state(lead)
    with pytest.raises(ValidationError) as error:
        leads.lead_contact(lead=lead, note="Called.", by=seller)
    assert set(error.value.message_dict) == {"status"}
    assert _state(lead) == before


def test_a_lead_is_won_once_contacted_with_its_value(seller):
    lead = LeadFactory()
    with pytest.raises(ValidationError) as error:
        leads.lead_win(lead=lead, value=Decimal("10"), by=seller)
    assert set(error.value.message_dict) == {"status"}

    leads.lead_contact(lead=lead, note="Called.", by=seller)
    leads.lead_win(lead=lead, value=Decimal("1299.5"), note="Bought the new model.", by=seller)
    lead.refresh_from_db()
    assert (lead.status, lead.value) == (LeadStatus.WON, Decimal("1299.50"))
    assert lead.closed_at is not None
    assert list(lead.events.values_list("status", flat=True)) == [LeadStatus.CONTACTED, LeadStatus.WON]


@pytest.mark.parametrize("value", ["-1", "abc", "NaN", "Infinity", "100000000", None])
def test_a_bad_value_is_a_field_error(seller, value):
    lead = LeadFactory(status=LeadStatus.CONTACTED)
    before = _state(lead)
    with pytest.raises(ValidationError) as error:
        leads.lead_win(lead=lead, value=value, by=seller)
    assert set(error.value.message_dict) == {"value"}
    assert _state(lead) == before


def test_a_lead_is_lost_with_a_reason_and_then_stays_closed(seller):
    lead = LeadFactory()
    with pytest.raises(ValidationError) as error:
        leads.lead_lose(lead=lead, reason="", by=seller)
    assert set(error.value.message_dict) == {"reason"}

    leads.lead_lose(lead=lead, reason="Bought elsewhere.", by=seller)
    assert _state(lead)[:3] == (LeadStatus.LOST, None, "Bought elsewhere.")
    for move in (
        lambda: leads.lead_contact(lead=lead, note="Again.", by=seller),
        lambda: leads.lead_win(lead=lead, value="1", by=seller),
        lambda: leads.lead_lose(lead=lead, reason="Again.", by=seller),
        lambda: leads.lead_assign(lead=lead, owner=seller, dealer=None, by=seller),
    ):
        before = _state(lead)
        with pytest.raises(ValidationError):
            move()
        assert _state(lead) == before


def test_only_those_who_work_leads_move_them():
    lead = LeadFactory()
    technician = factories.UserFactory(roles=[Role.TECHNICIAN])
    before = _state(lead)
    with pytest.raises(PermissionDenied):
        leads.lead_contact(lead=lead, note="Called.", by=technician)
    assert _state(lead) == before


def test_headquarters_gives_a_lead_to_a_dealers_staff(seller):
    dealer = factories.ServiceProviderFactory(code="dealer-a")
    dealer_agent = factories.UserFactory(username="dealer-agent", roles=[Role.AGENT], provider=dealer)
    lead = LeadFactory(owner=seller)
    leads.lead_assign(lead=lead, owner=dealer_agent, dealer=dealer, by=seller)
    lead.refresh_from_db()
    assert (lead.owner, lead.owner_provider) == (dealer_agent, dealer)
    assert lead.events.get().note == "Given to dealer-agent (dealer: dealer-a)."


def test_an_owner_must_work_leads_for_the_dealer(seller):
    dealer = factories.ServiceProviderFactory(code="dealer-a")
    other = factories.ServiceProviderFactory(code="dealer-b")
    other_agent = factories.UserFactory(username="b-agent", roles=[Role.AGENT], provider=other)
    technician = factories.UserFactory(username="tech", roles=[Role.TECHNICIAN])
    lead = LeadFactory(owner=seller)
    for owner, dealer_given in ((other_agent, dealer), (technician, None), (None, None)):
        before = _state(lead)
        with pytest.raises(ValidationError) as error:
            leads.lead_assign(lead=lead, owner=owner, dealer=dealer_given, by=seller)
        assert set(error.value.message_dict) == {"owner"}
        assert _state(lead) == before


def test_a_dealers_staff_cannot_move_a_lead_to_another_dealer(seller):
    dealer = factories.ServiceProviderFactory(code="dealer-a")
    other = factories.ServiceProviderFactory(code="dealer-b")
    manager = factories.UserFactory(username="a-manager", roles=[Role.MANAGER], provider=dealer)
    lead = LeadFactory(owner_provider=dealer)
    before = _state(lead)
    with pytest.raises(ValidationError) as error:
        leads.lead_assign(lead=lead, owner=None, dealer=other, by=manager)
    assert set(error.value.message_dict) == {"dealer"}
    assert _state(lead) == before


# --- opting out -----------------------------------------------------------------------------------


def test_opting_out_closes_the_customers_open_leads_as_lost(seller):
    customer = factories.CustomerFactory(offers_consent=OffersConsent.GIVEN)
    new = LeadFactory(unit=factories.ProductUnitFactory(owner=customer))
    contacted = LeadFactory(unit=new.unit, status=LeadStatus.CONTACTED)
    won = LeadFactory(unit=new.unit, status=LeadStatus.WON, value=Decimal("10.00"))
    someone_else = LeadFactory()

    leads.offers_consent_record(
        customer=customer, consent=OffersConsent.REFUSED, source=ReferralChannel.PHONE, by=seller
    )

    customer.refresh_from_db()
    assert (customer.offers_consent, customer.offers_consent_source) == (OffersConsent.REFUSED, ReferralChannel.PHONE)
    for lead in (new, contacted):
        lead.refresh_from_db()
        assert (lead.status, lead.lost_reason) == (LeadStatus.LOST, "opted out")
        assert lead.events.get().note == "opted out"
    assert _state(won)[:2] == (LeadStatus.WON, Decimal("10.00"))
    assert _state(someone_else)[0] == LeadStatus.NEW


def test_agreeing_to_offers_closes_nothing(seller):
    lead = LeadFactory()
    leads.offers_consent_record(
        customer=lead.customer, consent=OffersConsent.GIVEN, source=ReferralChannel.DESK, by=seller
    )
    assert _state(lead)[0] == LeadStatus.NEW


def test_a_bad_answer_changes_nothing(seller):
    lead = LeadFactory()
    with pytest.raises(ValidationError):
        leads.offers_consent_record(customer=lead.customer, consent="maybe", source="desk", by=seller)
    assert _state(lead)[0] == LeadStatus.NEW
    assert Customer.objects.get(pk=lead.customer_id).offers_consent == OffersConsent.NOT_ASKED


# --- through the ticket's life ----------------------------------------------------------------------


def test_resolving_a_repair_finds_its_lead_through_the_tickets_hooks():
    LeadRuleFactory(code="big-repair", trigger=Trigger.REPAIR_COST_SHARE, cost_share_percent=Decimal("30"))
    tech = factories.UserFactory(username="tech", roles=[Role.TECHNICIAN])
    unit = h.unit()
    ticket = factories.TicketFactory(
        customer=unit.owner,
        unit=unit,
        kind=Kind.REPAIR,
        status=Status.IN_PROGRESS,
        assignee=tech,
        station=factories.ServiceStationFactory(),
        started_at=h.at(dt.date(2027, 6, 1), 9),
    )
    ticket = ticket_record_resolution(
        ticket=ticket,
        by=tech,
        work_done="Replaced the motor.",
        fault_code="MOTOR-1",
        fault_component="motor",
        root_cause="Burnt winding.",
        charge="1500.00",
    )
    ticket_transition(ticket=ticket, move="resolve", by=tech)
    lead = Lead.objects.get()
    assert (lead.kind, lead.ticket_id, lead.reason["cost"]) == (LeadKind.UPGRADE, ticket.pk, "1500.00")
    assert LeadEvent.objects.filter(lead=lead).count() == 1
