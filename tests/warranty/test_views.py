"""The claim pages in the desk: prefilled facts, decision, choice, goodwill, carrying out, record."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import ProductCategory, ProductUnit, UnitStatus
from tests import factories
from tickets.choices import EventKind
from warranty.models import ClaimStatus, WarrantyClaim

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket():
    customer = factories.CustomerFactory(name="Li Na", preferred_language="zh-hans")
    washer = factories.ProductModelFactory(category=ProductCategory.objects.get(code="washing_machine"))
    unit = factories.ProductUnitFactory(
        owner=customer, model=washer, serial="WM-1", invoice_date=timezone.localdate() - dt.timedelta(days=5)
    )
    return factories.TicketFactory(customer=customer, unit=unit)


def _facts(**overrides):
    data = {
        "claim_date": timezone.localdate().isoformat(),
        "fault_kind": "performance",
        "component": "whole",
        "start_date": (timezone.localdate() - dt.timedelta(days=5)).isoformat(),
        "prior_repairs": "0",
        "repair_days": "0",
        "waiting_days": "0",
        "proof_invoice": "on",
        "documents_match": "on",
        "price": "3999.00",
        "stock_available": "on",
    }
    data.update(overrides)
    return data


def test_claim_form_is_prefilled_from_the_unit(client, agent, ticket):
    client.force_login(agent)
    response = client.get(reverse("warranty:claim_new", args=[ticket.reference]))
    form = response.context["form"]
    assert response.status_code == 200
    assert (form.initial["start_date"], form.initial["proof_invoice"], form.initial["price"]) == (
        ticket.unit.invoice_date,
        True,
        ticket.unit.price,
    )
    assert [value for value, _label in form.fields["component"].choices] == ["whole", "main:motor"]


def test_evaluate_choose_and_replace_through_the_pages(client, agent, ticket):
    client.force_login(agent)
    response = client.post(reverse("warranty:claim_new", args=[ticket.reference]), _facts())
    claim = WarrantyClaim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("warranty:claim", args=[ticket.reference, claim.pk])
    page = client.get(response["Location"])
    assert [r.value for r in page.context["remedies"]] == ["return_full", "replace", "repair_free"]
    assert page.context["reasons"][0].startswith("You bought this product 5 days ago.")

    choose = client.post(reverse("warranty:claim_choose", args=[ticket.reference, claim.pk]), {"remedy": "replace"})
    assert choose.status_code == 302
    execute = client.post(reverse("warranty:claim_execute", args=[ticket.reference, claim.pk]), {"new_serial": "WM-2"})
    assert execute.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.EXECUTED
    assert ProductUnit.objects.get(serial="WM-2").replacement_date == timezone.localdate()
    assert ProductUnit.objects.get(serial="WM-1").status == UnitStatus.REPLACED
    steps = [e.data["step"] for e in ticket.events.filter(kind=EventKind.CLAIM)]
    assert steps == ["evaluated", "chosen", "executed"]


def test_changed_facts_need_a_reason_and_nothing_is_saved(client, agent, ticket):
    client.force_login(agent)
    response = client.post(reverse("warranty:claim_new", args=[ticket.reference]), _facts(prior_repairs="2"))
    assert response.status_code == 400
    assert response.context["form"].errors["correction_reason"] == [
        "Say why the facts from the records were corrected."
    ]
    assert not WarrantyClaim.objects.exists()
    assert not ticket.events.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"claim_date": "2999-01-01"}, "claim_date", "This date is in the future."),
        ({"prior_repairs": "-1"}, "prior_repairs", "Ensure this value is greater than or equal to 0."),
        ({"price": "abc"}, "price", "Enter a number."),
        (
            {"component": "main:wings"},
            "component",
            "Select a valid choice. main:wings is not one of the available choices.",
        ),
        ({"open_repair_days": "3"}, "open_repair_cause", "Say why the repair is not finished."),
        ({"fault_kind": "virus"}, "fault_kind", "A virus or pirated software fault applies to computers only."),
    ],
)
def test_bad_claim_input_is_a_field_error(client, agent, ticket, overrides, field, message):
    client.force_login(agent)
    response = client.post(reverse("warranty:claim_new", args=[ticket.reference]), _facts(**overrides))
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert not WarrantyClaim.objects.exists()


def test_goodwill_is_for_managers_only(client, agent, manager, ticket):
    client.force_login(agent)
    client.post(reverse("warranty:claim_new", args=[ticket.reference]), _facts())
    claim = WarrantyClaim.objects.get()
    url = reverse("warranty:claim_goodwill", args=[ticket.reference, claim.pk])
    page = client.get(reverse("warranty:claim", args=[ticket.reference, claim.pk]))
    assert page.context["goodwill_form"] is None
    assert client.post(url, {"remedy": "return_depreciated", "reason": "Loyal customer"}).status_code == 403
    claim.refresh_from_db()
    assert (claim.chosen_remedy, claim.is_goodwill) == ("", False)

    client.force_login(manager)
    empty = client.post(url, {"remedy": "replace_other_model", "reason": ""})
    assert empty.context["goodwill_form"].errors["reason"] == ["Write why this goodwill remedy is granted."]
    assert client.post(url, {"remedy": "replace_other_model", "reason": "Model discontinued"}).status_code == 302
    claim.refresh_from_db()
    assert (claim.chosen_remedy, claim.is_goodwill, claim.goodwill_reason) == (
        "replace_other_model",
        True,
        "Model discontinued",
    )


def test_technician_sees_claims_only_on_own_jobs(client, technician, other_technician, ticket):
    ticket.assignee = other_technician
    ticket.save()
    client.force_login(technician)
    assert client.get(reverse("warranty:claim_new", args=[ticket.reference])).status_code == 404
    assert client.post(reverse("warranty:claim_new", args=[ticket.reference]), _facts()).status_code == 404
    assert not WarrantyClaim.objects.exists()


def test_claim_page_query_count(client, agent, ticket, django_assert_num_queries):
    client.force_login(agent)
    client.post(reverse("warranty:claim_new", args=[ticket.reference]), _facts())
    claim = WarrantyClaim.objects.get()
    # ticket, claim; who pays for the job (warranty/entitlement.py): the ticket's latest claim, the
    # contracts in force, the policy's category (kept from now on).
    # The session comes from the cache; the user and roles from the memo, filled by the post above.
    with django_assert_num_queries(5):
        response = client.get(reverse("warranty:claim", args=[ticket.reference, claim.pk]))
    assert response.status_code == 200


def test_warranty_record_prints_in_the_customers_language(client, agent, ticket):
    client.force_login(agent)
    client.post(reverse("warranty:claim_new", args=[ticket.reference]), _facts())
    response = client.get(reverse("warranty:warranty_record", args=[ticket.reference]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "您购买本产品已有 5 天" in html
    assert "WM-1" in html
