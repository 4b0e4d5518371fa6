"""/api/claims/…: open a claim (the engine decides), read claims, choose, goodwill, carry out —
with the desk's role rules: staff read and work every claim, a technician reads their jobs'
claims, a customer their own tickets' claims, goodwill needs a manager."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework import serializers

from aftersales.roles import Role
from customers.models import UnitStatus
from tests import factories
from tests.api.conftest import client_for, error, field_errors
from tickets.choices import EventKind, Status
from tickets.models import Ticket, TicketEvent
from warranty import claims
from warranty.models import ClaimStatus, WarrantyClaim

pytestmark = pytest.mark.django_db

CLAIMS = "/api/claims/"
IN_PERIOD = "general.repair_in_period"


def iso(value: dt.datetime | None) -> str | None:
    return None if value is None else serializers.DateTimeField().to_representation(value)


def staff(user) -> dict:
    return {"id": user.pk, "username": user.username, "name": user.get_full_name()}


def url(claim: WarrantyClaim, action: str = "") -> str:
    return f"{CLAIMS}{claim.pk}/{action + '/' if action else ''}"


@pytest.fixture
def ticket(customer, technician) -> Ticket:
    """A repair of the portal customer's washing machine, bought 30 days ago, assigned to tech1."""
    return factories.TicketFactory(status=Status.IN_PROGRESS, customer=customer, assignee=technician)


@pytest.fixture
def other_ticket(other_customer, other_technician) -> Ticket:
    return factories.TicketFactory(status=Status.IN_PROGRESS, customer=other_customer, assignee=other_technician)


@pytest.fixture
def claim(ticket, agent) -> WarrantyClaim:
    return claims.claim_evaluate(ticket=ticket, by=agent, entered={})


@pytest.fixture
def other_claim(other_ticket, agent) -> WarrantyClaim:
    return claims.claim_evaluate(ticket=other_ticket, by=agent, entered={})


@pytest.fixture
def as_manager(manager):
    return client_for(manager)


@pytest.fixture
def as_department(department_user):
    return client_for(department_user)


def facts_of(unit, today: dt.date, **changes) -> dict:
    proof = {"invoice": True, "card": False, "other_proof": False, "documents_match": True, "imei_date": None}
    return {
        "start_date": unit.warranty_start.isoformat(),
        "claim_date": today.isoformat(),
        "prior_repairs": 0,
        "repair_days": 0,
        "waiting_days": 0,
        "proof": proof,
        "price": "3999.00",
        "same_issue_repairs": 0,
        **changes,
    }


def body(claim: WarrantyClaim, *, internal: bool = True) -> dict:
    """The whole answer for a claim, from the database."""
    claim = WarrantyClaim.objects.get(pk=claim.pk)
    unit, ticket = claim.unit, claim.ticket
    end = unit.warranty_start.replace(year=unit.warranty_start.year + 1)
    replacement = claim.replacement_unit
    return {
        "id": claim.pk,
        "ticket": {"id": ticket.pk, "reference": ticket.reference},
        "unit": {"id": unit.pk, "serial": unit.serial, "model": unit.model.code},
        "status": claim.status,
        "policy": {"code": "washing_machine", "version": claim.policy.version},
        "rule": IN_PERIOD,
        "remedies": ["repair_free"],
        "free": True,
        "reasons": [
            "Your product is inside its 12-month guarantee period, which runs until "
            f"{end.day} {end:%b %Y}, so the repair is free."
        ],
        "period_end": end.isoformat(),
        "refund_amount": None,
        "usage_fee": None,
        "loaner": False,
        "facts": facts_of(unit, timezone.localdate()),
        "decided_at": iso(claim.decided_at),
        "chosen_remedy": claim.chosen_remedy or None,
        "is_goodwill": claim.is_goodwill,
        "chosen_at": iso(claim.chosen_at),
        "executed_at": iso(claim.executed_at),
        "charge": None if claim.charge is None else str(claim.charge),
        "refund_paid": None if claim.refund_paid is None else str(claim.refund_paid),
        "replacement_unit": None
        if replacement is None
        else {"id": replacement.pk, "serial": replacement.serial, "model": replacement.model.code},
        "internal": {
            "prefilled": facts_of(unit, timezone.localdate()),
            "corrections": claim.corrections,
            "correction_reason": claim.correction_reason,
            "goodwill_reason": claim.goodwill_reason,
            "decided_by": staff(claim.decided_by),
            "chosen_by": staff(claim.chosen_by) if claim.chosen_by else None,
            "executed_by": staff(claim.executed_by) if claim.executed_by else None,
        }
        if internal
        else None,
    }


# --- opening a claim ---------------------------------------------------------------------------------


def test_an_agent_opens_a_claim_and_the_engine_decides_at_once(as_agent, ticket):
    response = as_agent.post(CLAIMS, {"ticket": ticket.reference}, format="json")

    assert response.status_code == 201, response.content
    claim = WarrantyClaim.objects.get()
    assert response.json() == body(claim)
    assert (claim.ticket, claim.status, claim.rule) == (ticket, ClaimStatus.EVALUATED, IN_PERIOD)
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.CLAIM)
    assert event.data["step"] == "evaluated" and event.is_public


def test_corrected_facts_are_kept_with_their_reason(as_agent, ticket):
    response = as_agent.post(
        CLAIMS,
        {
            "ticket": ticket.reference,
            "facts": {"proof": {"invoice": True, "card": True}},
            "correction_reason": "The customer showed the warranty card.",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    internal = response.json()["internal"]
    assert internal["correction_reason"] == "The customer showed the warranty card."
    assert internal["corrections"]["proof"][1] == {"invoice": True, "card": True}
    assert response.json()["facts"]["proof"]["card"] is True


def test_a_correction_without_a_reason_is_refused_and_nothing_is_saved(as_agent, ticket):
    response = as_agent.post(CLAIMS, {"ticket": ticket.reference, "facts": {"price": "5.00"}}, format="json")

    assert field_errors(response) == {"correction_reason": ["Say why the facts from the records were corrected."]}
    assert not WarrantyClaim.objects.exists()


@pytest.mark.parametrize(
    ("given", "errors"),
    [
        ({}, {"ticket": ["This field is required."]}),
        ({"ticket": "AS-2026-999999"}, {"ticket": ["Unknown ticket."]}),
        ({"facts": {"fault_kind": "broken"}}, {"facts.fault_kind": ['"broken" is not a valid choice.']}),
        (
            {"facts": {"prior_repairs": -1}},
            {"facts.prior_repairs": ["Ensure this value is greater than or equal to 0."]},
        ),
        ({"facts": {"open_repair": {"days_open": 3}}}, {"facts.open_repair.cause": ["This field is required."]}),
        ({"claim_date": "2999-01-01"}, {"claim_date": ["This date is in the future."]}),
        ({"facts": "all"}, {"facts": ["Invalid data. Expected a dictionary, but got str."]}),
    ],
)
def test_bad_input_is_a_400_with_field_errors(as_agent, ticket, given, errors):
    # The cases that are about the ticket name it (or leave it out); the others are about this ticket.
    data = given if not given or "ticket" in given else {"ticket": ticket.reference, **given}

    assert field_errors(as_agent.post(CLAIMS, data, format="json")) == errors
    assert not WarrantyClaim.objects.exists()


def test_a_ticket_without_a_registered_product_gets_a_field_error(as_agent, customer):
    ticket = factories.TicketFactory(customer=customer, unit=None)

    response = as_agent.post(CLAIMS, {"ticket": ticket.reference}, format="json")

    assert field_errors(response) == {
        "unit": ["Register the customer's product on this ticket before opening a claim."]
    }


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("as_technician", 403, "permission_denied"),
        ("as_customer", 403, "permission_denied"),
        ("as_department", 403, "permission_denied"),
    ],
)
def test_only_agents_managers_and_admins_open_claims(request, ticket, who, status, code):
    response = request.getfixturevalue(who).post(CLAIMS, {"ticket": ticket.reference}, format="json")

    error(response, status, code)
    assert not WarrantyClaim.objects.exists()


# --- reading claims ---------------------------------------------------------------------------------


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_each_role_lists_the_claims_it_may_read(
    as_agent, as_technician, as_other_technician, as_customer, as_other_customer, claim, other_claim
):
    assert ids(as_agent.get(CLAIMS)) == [other_claim.pk, claim.pk]
    assert ids(as_technician.get(CLAIMS)) == [claim.pk]
    assert ids(as_other_technician.get(CLAIMS)) == [other_claim.pk]
    assert ids(as_customer.get(CLAIMS)) == [claim.pk]
    assert ids(as_other_customer.get(CLAIMS)) == [other_claim.pk]


def test_the_list_answers_whole_claims_in_pages(as_agent, claim):
    response = as_agent.get(CLAIMS)

    assert response.json() == {"next": None, "previous": None, "results": [body(claim)]}


def test_a_customer_reads_their_claim_without_the_staff_details(as_customer, claim):
    response = as_customer.get(url(claim))

    assert response.status_code == 200
    assert response.json() == body(claim, internal=False)


@pytest.mark.parametrize("who", ["as_other_customer", "as_other_technician"])
def test_another_customers_or_technicians_claim_is_not_found(request, claim, who):
    client = request.getfixturevalue(who)

    missing = client.get(f"{CLAIMS}999999/")
    response = client.get(url(claim))

    assert error(response, 404, "not_found") == error(missing, 404, "not_found")


@pytest.mark.parametrize(
    ("who", "status", "code"), [("anonymous", 401, "not_authenticated"), ("as_department", 403, "permission_denied")]
)
def test_others_may_not_read_claims(request, claim, who, status, code):
    client = request.getfixturevalue(who)

    error(client.get(CLAIMS), status, code)
    error(client.get(url(claim)), status, code)


def test_the_filters(as_agent, claim, other_claim):
    claims.claim_choose(claim=other_claim, remedy="repair_free", by=other_claim.decided_by)

    assert ids(as_agent.get(CLAIMS, {"ticket": claim.ticket.reference})) == [claim.pk]
    assert ids(as_agent.get(CLAIMS, {"status": "chosen"})) == [other_claim.pk]
    assert ids(as_agent.get(CLAIMS, {"rule": IN_PERIOD})) == [other_claim.pk, claim.pk]
    assert ids(as_agent.get(CLAIMS, {"rule": "general.return_7d"})) == []
    assert field_errors(as_agent.get(CLAIMS, {"status": "lost"})) == {
        "status": ["Select a valid choice. lost is not one of the available choices."]
    }


@pytest.mark.parametrize(("who", "expected"), [("as_agent", 2), ("as_customer", 3)])
def test_list_queries_do_not_grow_with_the_page(request, agent, customer, who, expected, django_assert_num_queries):
    for _ in range(3):
        claims.claim_evaluate(ticket=factories.TicketFactory(customer=customer), by=agent, entered={})
    client = request.getfixturevalue(who)
    client.get(CLAIMS)  # fills the process's memo of the user's roles (aftersales/table_memo.py)
    for size in (1, 3):
        # The token, (a customer's record,) the page; the user's roles from the memo.
        with django_assert_num_queries(expected):
            assert len(client.get(CLAIMS, {"page_size": size}).json()["results"]) == size


# --- choosing, goodwill, carrying out ----------------------------------------------------------------


def test_an_agent_records_the_customers_choice(as_agent, agent, claim):
    response = as_agent.post(url(claim, "choose"), {"remedy": "repair_free"}, format="json")

    assert response.status_code == 200, response.content
    claim.refresh_from_db()
    assert (claim.status, claim.chosen_remedy, claim.chosen_by) == (ClaimStatus.CHOSEN, "repair_free", agent)
    assert response.json() == body(claim)


def test_a_remedy_the_decision_does_not_allow_is_refused(as_agent, claim):
    response = as_agent.post(url(claim, "choose"), {"remedy": "return_full"}, format="json")

    assert field_errors(response) == {
        "remedy": ["This remedy is not among those allowed; a manager can grant it as goodwill."]
    }
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.EVALUATED


@pytest.mark.parametrize("action", ["choose", "goodwill", "execute"])
@pytest.mark.parametrize("who", ["as_technician", "as_customer"])
def test_technicians_and_customers_only_read_claims(request, claim, action, who):
    data = {"remedy": "repair_free", "reason": "Loyal customer."}

    error(request.getfixturevalue(who).post(url(claim, action), data, format="json"), 403, "permission_denied")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.EVALUATED


def test_an_unknown_claim_is_not_found_for_its_actions(as_agent):
    error(as_agent.post(f"{CLAIMS}999999/choose/", {"remedy": "repair_free"}, format="json"), 404, "not_found")


def test_goodwill_needs_a_manager_and_a_reason(as_agent, as_manager, manager, claim):
    error(
        as_agent.post(url(claim, "goodwill"), {"remedy": "replace", "reason": "Loyal."}, format="json"),
        403,
        "permission_denied",
    )
    assert field_errors(as_manager.post(url(claim, "goodwill"), {"remedy": "replace"}, format="json")) == {
        "reason": ["This field is required."]
    }

    response = as_manager.post(
        url(claim, "goodwill"), {"remedy": "replace", "reason": "Loyal customer."}, format="json"
    )

    assert response.status_code == 200, response.content
    claim.refresh_from_db()
    assert (claim.chosen_remedy, claim.is_goodwill, claim.goodwill_reason) == ("replace", True, "Loyal customer.")
    assert response.json()["internal"]["goodwill_reason"] == "Loyal customer."
    assert response.json()["internal"]["chosen_by"] == staff(manager)


def test_carrying_out_a_free_repair_records_no_charge(as_agent, agent, claim):
    assert field_errors(as_agent.post(url(claim, "execute"), {}, format="json")) == {
        "remedy": ["Record the customer's choice first."]
    }
    claims.claim_choose(claim=claim, remedy="repair_free", by=agent)

    response = as_agent.post(url(claim, "execute"), {"charge": "80.00"}, format="json")

    assert response.status_code == 200, response.content
    claim.refresh_from_db()
    assert (claim.status, claim.charge, claim.executed_by) == (ClaimStatus.EXECUTED, 0, agent)
    assert response.json() == body(claim)
    assert response.json()["charge"] == "0.00"


def test_a_goodwill_replacement_registers_the_new_unit(as_agent, manager, claim):
    claims.claim_goodwill(claim=claim, remedy="replace", reason="Loyal customer.", by=manager)

    assert field_errors(as_agent.post(url(claim, "execute"), {"new_model": 999999}, format="json")) == {
        "new_model": ['Invalid pk "999999" - object does not exist.']
    }
    response = as_agent.post(url(claim, "execute"), {"new_serial": "SN-NEW-0001"}, format="json")

    assert response.status_code == 200, response.content
    claim.refresh_from_db()
    assert claim.replacement_unit.serial == "SN-NEW-0001"
    assert claim.unit.status == UnitStatus.REPLACED
    assert response.json()["replacement_unit"] == {
        "id": claim.replacement_unit_id,
        "serial": "SN-NEW-0001",
        "model": claim.unit.model.code,
    }


def test_an_admin_works_claims_like_a_manager(claim):
    admin = factories.UserFactory(roles=[Role.ADMIN], username="admin1")

    response = client_for(admin).post(
        url(claim, "goodwill"), {"remedy": "replace", "reason": "Fire damage."}, format="json"
    )

    assert response.status_code == 200, response.content
