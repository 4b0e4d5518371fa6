"""The desk's lead pages, the offers consent on the desk's customer page and on the portal account:
who sees what, the moves through the forms, a fixed number of queries, denied requests changing nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.roles import Role
from customers.models import Customer
from customers.referral_choices import OffersConsent, ReferralChannel
from sales.choices import LeadStatus
from sales.models import Lead, LeadEvent
from tests import factories
from tests.sales.factories_leads import LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    return factories.UserFactory(username="seller", roles=[Role.SALES])


@pytest.fixture
def dealer():
    return factories.ServiceProviderFactory(code="dealer-a")


def snapshot():
    return (
        list(Lead.objects.order_by("pk").values()),
        list(LeadEvent.objects.order_by("pk").values()),
        list(Customer.objects.order_by("pk").values("offers_consent", "offers_consent_source")),
    )


def test_the_list_filters_and_costs_the_same_however_many_leads(client, seller, django_assert_num_queries):
    mine = LeadFactory(owner=seller)
    LeadFactory(status=LeadStatus.LOST)
    client.force_login(seller)
    url = reverse("sales:list")
    with django_assert_num_queries(4):
        answer = client.get(url)
    assert answer.status_code == 200
    assert [lead.pk for lead in answer.context["leads"]] == list(Lead.objects.values_list("pk", flat=True))
    for _ in range(4):
        LeadFactory(owner=seller, owner_provider=factories.ServiceProviderFactory())
    # the same, the user and roles now from the memo
    with django_assert_num_queries(2):
        client.get(url)
    assert [lead.pk for lead in client.get(url, {"status": "lost"}).context["leads"]] == [
        Lead.objects.get(status=LeadStatus.LOST).pk
    ]
    assert mine.pk in [lead.pk for lead in client.get(url, {"mine": "on"}).context["leads"]]
    assert len(client.get(url, {"mine": "on"}).context["leads"]) == 5


def test_a_dealers_staff_see_their_dealers_leads_only(client, dealer):
    theirs = LeadFactory(owner_provider=dealer)
    other = LeadFactory(owner_provider=factories.ServiceProviderFactory(code="dealer-b"))
    headquarters = LeadFactory()
    client.force_login(factories.UserFactory(roles=[Role.AGENT], provider=dealer))
    assert [lead.pk for lead in client.get(reverse("sales:list")).context["leads"]] == [theirs.pk]
    assert client.get(reverse("sales:lead", args=[theirs.pk])).status_code == 200
    before = snapshot()
    for lead in (other, headquarters):
        assert client.get(reverse("sales:lead", args=[lead.pk])).status_code == 404
        answer = client.post(reverse("sales:move", args=[lead.pk, "lose"]), {"lose-reason": "Mine now."})
        assert answer.status_code == 404
    assert snapshot() == before


def test_those_who_do_not_work_leads_are_refused(client):
    lead = LeadFactory()
    before = snapshot()
    assert client.get(reverse("sales:list")).status_code == 302  # to sign in
    client.force_login(factories.UserFactory(roles=[Role.TECHNICIAN]))
    assert client.get(reverse("sales:list")).status_code == 403
    assert client.get(reverse("sales:lead", args=[lead.pk])).status_code == 403
    assert client.post(reverse("sales:move", args=[lead.pk, "lose"]), {"lose-reason": "No."}).status_code == 403
    assert snapshot() == before


def test_the_lead_page_shows_why_and_the_consent_and_works_the_lead(client, seller, django_assert_num_queries):
    lead = LeadFactory(reason={"trigger": "repair_cost_share", "cost": "1300.00"}, owner=seller)
    client.force_login(seller)
    page = reverse("sales:lead", args=[lead.pk])
    with django_assert_num_queries(6):
        answer = client.get(page)
    assert b"1300.00" in answer.content and b"Agreed" in answer.content
    assert set(answer.context["forms"]) == {"contact", "lose", "assign"}

    assert client.post(reverse("sales:move", args=[lead.pk, "contact"]), {"contact-note": "Called."}).status_code == 302
    answer = client.post(reverse("sales:move", args=[lead.pk, "win"]), {"win-value": "2599.00"})
    assert answer.status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.value) == (LeadStatus.WON, Decimal("2599.00"))
    assert client.get(page).context["forms"] == {}


def test_a_bad_move_comes_back_with_its_error_and_changes_nothing(client, seller):
    lead = LeadFactory()
    client.force_login(seller)
    before = snapshot()
    answer = client.post(reverse("sales:move", args=[lead.pk, "lose"]), {"lose-reason": ""})
    assert answer.status_code == 400
    assert answer.context["forms"]["lose"].errors["reason"]
    answer = client.post(reverse("sales:move", args=[lead.pk, "win"]), {"win-value": "10"})
    assert answer.status_code == 400
    assert answer.context["forms"]["win"].non_field_errors()
    assert client.post(reverse("sales:move", args=[lead.pk, "explode"]), {}).status_code == 404
    assert snapshot() == before


def test_contacting_a_customer_who_opted_out_is_refused_on_the_page(client, seller):
    lead = LeadFactory()
    Customer.objects.filter(pk=lead.customer_id).update(offers_consent=OffersConsent.REFUSED)
    client.force_login(seller)
    before = snapshot()
    assert b"Opted out: do not contact" in client.get(reverse("sales:lead", args=[lead.pk])).content
    answer = client.post(reverse("sales:move", args=[lead.pk, "contact"]), {"contact-note": "Called."})
    assert answer.status_code == 400
    assert "opted out" in " ".join(answer.context["forms"]["contact"].non_field_errors())
    assert snapshot() == before


# --- the offers consent on the desk's customer page ---------------------------------------------------


def test_an_agent_records_an_opt_out_on_the_customer_page(client):
    lead = LeadFactory()
    agent = factories.UserFactory(roles=[Role.AGENT])
    client.force_login(agent)
    customer_page = reverse("desk:customer", args=[lead.customer_id])
    assert b'id="offers"' in client.get(customer_page).content
    answer = client.post(
        reverse("sales:offers_consent", args=[lead.customer_id]), {"consent": "refused", "source": "phone"}
    )
    assert answer.status_code == 302 and answer["Location"] == customer_page + "#offers"
    customer = Customer.objects.get(pk=lead.customer_id)
    assert (customer.offers_consent, customer.offers_consent_source) == (OffersConsent.REFUSED, ReferralChannel.PHONE)
    lead.refresh_from_db()
    assert (lead.status, lead.lost_reason) == (LeadStatus.LOST, "opted out")


def test_a_bad_or_denied_consent_changes_nothing(client, dealer):
    lead = LeadFactory()
    url = reverse("sales:offers_consent", args=[lead.customer_id])
    before = snapshot()
    client.force_login(factories.UserFactory(roles=[Role.AGENT]))
    assert client.post(url, {"consent": "maybe", "source": "phone"}).status_code == 302
    client.force_login(factories.UserFactory(roles=[Role.TECHNICIAN]))
    assert client.post(url, {"consent": "refused", "source": "phone"}).status_code == 403
    # Another provider's agent: the customer has no job of theirs, so it is as missing.
    client.force_login(factories.UserFactory(roles=[Role.AGENT], provider=dealer))
    assert client.post(url, {"consent": "refused", "source": "phone"}).status_code == 404
    assert snapshot() == before


# --- the portal account's "Send me offers" ------------------------------------------------------------


def _account_holder():
    user = factories.UserFactory(username="+8613900000077")
    return factories.CustomerFactory(phone="+8613900000077", user=user, account_verified_at=timezone.now())


def test_a_customer_opts_out_and_in_on_the_portal(client):
    customer = _account_holder()
    lead = LeadFactory(unit=factories.ProductUnitFactory(owner=customer))
    client.force_login(customer.user)
    assert b"Send me offers" in client.get(reverse("portal:account")).content

    answer = client.post(reverse("portal:account_offers"), {"offers": "no"})
    assert answer.status_code == 302
    customer.refresh_from_db()
    assert (customer.offers_consent, customer.offers_consent_source) == (OffersConsent.REFUSED, ReferralChannel.PORTAL)
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.LOST

    client.post(reverse("portal:account_offers"), {"offers": ["no", "yes"]})
    customer.refresh_from_db()
    assert customer.offers_consent == OffersConsent.GIVEN


def test_nobody_else_sets_a_customers_offers_on_the_portal(client):
    customer = _account_holder()
    before = snapshot()
    assert client.post(reverse("portal:account_offers"), {"offers": "no"}).status_code == 302  # to sign in
    assert snapshot() == before
    assert Customer.objects.get(pk=customer.pk).offers_consent == OffersConsent.NOT_ASKED
