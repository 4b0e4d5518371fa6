"""The leads API, the lead rules API and a customer's offers consent through the API: payloads,
filters, moves, query counts, refusals that change nothing."""

import pytest

from aftersales.roles import Role
from customers.models import Customer
from customers.referral_choices import OffersConsent, ReferralChannel
from sales.choices import LeadStatus
from sales.models import Lead, LeadEvent, LeadRule
from tests import factories
from tests.api.conftest import client_for, portal_customer
from tests.sales.factories_leads import LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    return factories.UserFactory(username="seller", roles=[Role.SALES])


def snapshot():
    return (
        list(Lead.objects.order_by("pk").values()),
        list(LeadEvent.objects.order_by("pk").values()),
        list(LeadRule.objects.order_by("pk").values()),
        list(Customer.objects.order_by("pk").values("offers_consent", "offers_consent_source")),
    )


def test_the_list_and_a_lead(seller, django_assert_num_queries):
    dealer = factories.ServiceProviderFactory(code="dealer-a")
    lead = LeadFactory(owner=seller, owner_provider=dealer, reason={"trigger": "unit_age", "age_days": 1900})
    LeadFactory(status=LeadStatus.LOST)
    api = client_for(seller)
    with django_assert_num_queries(3):
        answer = api.get("/api/leads/", {"status": "new"})
    assert answer.status_code == 200
    [row] = answer.json()["results"]
    assert row["id"] == lead.pk
    assert (row["owner"], row["dealer"], row["consent"], row["reason"]) == (
        "seller",
        "dealer-a",
        "given",
        {"trigger": "unit_age", "age_days": 1900},
    )
    assert [r["id"] for r in api.get("/api/leads/", {"dealer": "dealer-a"}).json()["results"]] == [lead.pk]
    assert [r["id"] for r in api.get("/api/leads/", {"mine": "true"}).json()["results"]] == [lead.pk]
    for _ in range(3):
        LeadFactory()
    with django_assert_num_queries(2):
        assert len(api.get("/api/leads/").json()["results"]) == 5

    with django_assert_num_queries(3):
        detail = api.get(f"/api/leads/{lead.pk}/").json()
    assert detail["history"] == []


def test_the_moves_through_the_api(seller):
    lead = LeadFactory()
    api = client_for(seller)
    answer = api.post(f"/api/leads/{lead.pk}/contact/", {"note": "Called."}, format="json")
    assert answer.status_code == 200
    assert answer.json()["status"] == "contacted"
    answer = api.post(f"/api/leads/{lead.pk}/win/", {"value": "1299.00"}, format="json")
    assert (answer.status_code, answer.json()["value"], answer.json()["status"]) == (200, "1299.00", "won")
    assert [step["status"] for step in answer.json()["history"]] == ["contacted", "won"]


def test_bad_moves_are_field_errors_and_change_nothing(seller):
    lead = LeadFactory()
    Customer.objects.filter(pk=lead.customer_id).update(offers_consent=OffersConsent.REFUSED)
    api = client_for(seller)
    before = snapshot()
    for path, body, field in (
        ("contact", {"note": "Called."}, "status"),
        ("win", {"value": "10"}, "status"),
        ("win", {"value": "-1"}, "value"),
        ("lose", {"reason": ""}, "reason"),
        ("assign", {"owner": "nobody-here"}, "owner"),
    ):
        answer = api.post(f"/api/leads/{lead.pk}/{path}/", body, format="json")
        assert answer.status_code == 400, path
        assert set(answer.json()["errors"]) == {field}, path
    assert snapshot() == before


def test_those_who_do_not_work_leads_are_refused(seller):
    lead = LeadFactory()
    technician = client_for(factories.UserFactory(roles=[Role.TECHNICIAN]))
    before = snapshot()
    assert technician.get("/api/leads/").status_code == 403
    assert technician.post(f"/api/leads/{lead.pk}/lose/", {"reason": "x"}, format="json").status_code == 403
    assert snapshot() == before


def test_a_dealers_staff_see_their_dealers_leads_only():
    dealer = factories.ServiceProviderFactory(code="dealer-a")
    theirs = LeadFactory(owner_provider=dealer)
    LeadFactory()
    api = client_for(factories.UserFactory(roles=[Role.AGENT], provider=dealer))
    assert [row["id"] for row in api.get("/api/leads/").json()["results"]] == [theirs.pk]


# --- lead rules ------------------------------------------------------------------------------------


def test_headquarters_managers_write_rules_and_staff_read_them(seller):
    manager = client_for(factories.UserFactory(roles=[Role.MANAGER]))
    body = {
        "code": "third-repair",
        "name": "Third repair in a year",
        "trigger": "repeat_repairs",
        "lead_kind": "trade_in",
        "repairs_count": 3,
        "within_days": 365,
    }
    answer = manager.post("/api/lead-rules/", body, format="json")
    assert answer.status_code == 201, answer.json()
    rule = LeadRule.objects.get(code="third-repair")
    assert (rule.repairs_count, rule.within_days, rule.owner) == (3, 365, None)

    assert manager.patch(f"/api/lead-rules/{rule.pk}/", {"is_active": False}, format="json").status_code == 200
    assert LeadRule.objects.get(pk=rule.pk).is_active is False

    reader = client_for(seller)
    assert reader.get(f"/api/lead-rules/{rule.pk}/").json()["code"] == "third-repair"
    before = snapshot()
    assert reader.patch(f"/api/lead-rules/{rule.pk}/", {"is_active": True}, format="json").status_code == 403
    dealer_manager = client_for(
        factories.UserFactory(roles=[Role.MANAGER], provider=factories.ServiceProviderFactory())
    )
    assert dealer_manager.post("/api/lead-rules/", {**body, "code": "x"}, format="json").status_code == 403
    assert snapshot() == before


def test_a_rule_without_its_numbers_is_refused():
    manager = client_for(factories.UserFactory(roles=[Role.MANAGER]))
    before = snapshot()
    answer = manager.post(
        "/api/lead-rules/",
        {"code": "big", "name": "Big repair", "trigger": "repair_cost_share", "lead_kind": "upgrade"},
        format="json",
    )
    assert answer.status_code == 400
    assert set(answer.json()["errors"]) == {"cost_share_percent"}
    assert snapshot() == before


# --- offers consent --------------------------------------------------------------------------------


def test_staff_record_an_opt_out_and_the_customers_open_leads_close(seller):
    lead = LeadFactory()
    api = client_for(factories.UserFactory(roles=[Role.AGENT]))
    answer = api.post(
        f"/api/customers/{lead.customer_id}/offers-consent/", {"consent": "refused", "source": "phone"}, format="json"
    )
    assert answer.status_code == 200
    assert (answer.json()["offers_consent"], answer.json()["offers_consent_source"]) == ("refused", "phone")
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.LOST
    assert api.get(f"/api/customers/{lead.customer_id}/").json()["offers_consent"] == "refused"


def test_a_customer_records_their_own_answer_only():
    customer = portal_customer("+8613900000088", "Li")
    Customer.objects.filter(pk=customer.pk).update(account_verified_at="2026-01-01T00:00:00Z")
    other = LeadFactory()
    api = client_for(customer.user)
    answer = api.post(f"/api/customers/{customer.pk}/offers-consent/", {"consent": "given"}, format="json")
    assert answer.status_code == 200
    assert Customer.objects.get(pk=customer.pk).offers_consent_source == ReferralChannel.API
    before = snapshot()
    theirs = api.post(f"/api/customers/{other.customer_id}/offers-consent/", {"consent": "refused"}, format="json")
    missing = api.post("/api/customers/999999/offers-consent/", {"consent": "refused"}, format="json")
    assert (theirs.status_code, theirs.json()) == (missing.status_code, missing.json()) == (404, missing.json())
    assert snapshot() == before


def test_a_bad_answer_is_a_field_error(seller):
    lead = LeadFactory()
    before = snapshot()
    answer = client_for(seller).post(
        f"/api/customers/{lead.customer_id}/offers-consent/", {"consent": "maybe"}, format="json"
    )
    assert (answer.status_code, set(answer.json()["errors"])) == (400, {"consent"})
    assert snapshot() == before
