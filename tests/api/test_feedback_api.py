"""/api/feedback/…: the caller's departments' feedback items and their filters, one item,
acknowledging and answering — with the inbox's rules: department users work their departments'
items (another department's is a 404), managers and administrators every item."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework import serializers

from aftersales.roles import Role
from followups.feedback import services as feedback
from followups.models import FeedbackItem, FeedbackStatus
from tests import factories
from tests.api.conftest import client_for, error, field_errors
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db

FEEDBACK = "/api/feedback/"
DAY = dt.timedelta(days=1)
CONFLICT_ACK = "This feedback has already been acknowledged."
CONFLICT_ANSWER = "This feedback has already been answered."


def iso(value: dt.datetime | None) -> str | None:
    return None if value is None else serializers.DateTimeField().to_representation(value)


def url(item: FeedbackItem, action: str = "") -> str:
    return f"{FEEDBACK}{item.pk}/{action + '/' if action else ''}"


def staff(user) -> dict | None:
    return None if user is None else {"id": user.pk, "username": user.username, "name": user.get_full_name()}


def body(item: FeedbackItem, *, overdue: bool = False) -> dict:
    item = FeedbackItem.objects.get(pk=item.pk)
    return {
        "id": item.pk,
        "ticket": {"id": item.ticket_id, "reference": item.ticket.reference},
        "department": item.department,
        "fault_code": item.fault_code,
        "component": item.component,
        "root_cause": item.root_cause,
        "model": None if item.model is None else {"id": item.model_id, "code": item.model.code},
        "batch": item.batch,
        "status": item.status,
        "created_at": iso(item.created_at),
        "acknowledge_due": iso(item.acknowledge_due),
        "is_overdue": overdue,
        "acknowledged_at": iso(item.acknowledged_at),
        "acknowledged_by": staff(item.acknowledged_by),
        "cause": item.cause,
        "corrective_action": item.corrective_action,
        "answered_at": iso(item.answered_at),
        "answered_by": staff(item.answered_by),
    }


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def state() -> dict:
    return {"items": list(FeedbackItem.objects.order_by("pk").values()), "events": TicketEvent.objects.count()}


@pytest.fixture
def production_user():
    user = factories.UserFactory(roles=[Role.DEPARTMENT], username="production1")
    factories.DepartmentMembershipFactory(user=user, department="production")
    return user


@pytest.fixture
def as_production(production_user):
    return client_for(production_user)


@pytest.fixture
def as_design():
    user = factories.UserFactory(roles=[Role.DEPARTMENT], username="design1")
    factories.DepartmentMembershipFactory(user=user, department="design")
    return client_for(user)


@pytest.fixture
def as_manager(manager):
    return client_for(manager)


@pytest.fixture
def item() -> FeedbackItem:
    return factories.FeedbackItemFactory(department="production", fault_code="PWR-01")


@pytest.fixture
def design_item() -> FeedbackItem:
    return factories.FeedbackItemFactory(department="design", fault_code="DSN-01")


# --- the list -----------------------------------------------------------------------------------------


def test_a_department_user_lists_their_departments_items(as_production, as_manager, item, design_item):
    response = as_production.get(FEEDBACK)

    assert response.status_code == 200
    assert response.json() == {"next": None, "previous": None, "results": [body(item)]}
    assert ids(as_manager.get(FEEDBACK)) == [design_item.pk, item.pk]


def test_the_filters(as_manager, agent):
    now = timezone.now()
    old = factories.FeedbackItemFactory(
        department="production", created_at=now - 10 * DAY, acknowledge_due=now - 3 * DAY, component="Motor"
    )
    acknowledged = factories.FeedbackItemFactory(department="design")
    feedback.feedback_acknowledge(item=acknowledged, by=factories.UserFactory(roles=[Role.MANAGER]))
    other_batch = factories.FeedbackItemFactory(department="operations")
    other_batch.ticket.unit.__class__.objects.filter(pk=other_batch.ticket.unit_id).update(batch="B2026-02")
    FeedbackItem.objects.filter(pk=other_batch.pk).update(batch="B2026-02")

    assert ids(as_manager.get(FEEDBACK, {"status": "acknowledged"})) == [acknowledged.pk]
    assert ids(as_manager.get(FEEDBACK, {"department": "production"})) == [old.pk]
    assert ids(as_manager.get(FEEDBACK, {"model": old.model_id})) == [old.pk]
    assert ids(as_manager.get(FEEDBACK, {"batch": "B2026-02"})) == [other_batch.pk]
    assert ids(as_manager.get(FEEDBACK, {"component": "motor"})) == [old.pk]
    assert ids(as_manager.get(FEEDBACK, {"overdue": "true"})) == [old.pk]
    assert ids(as_manager.get(FEEDBACK, {"overdue": "false"})) == [other_batch.pk, acknowledged.pk]


def test_an_overdue_item_says_so(as_production):
    now = timezone.now()
    item = factories.FeedbackItemFactory(created_at=now - 8 * DAY, acknowledge_due=now - DAY)

    assert as_production.get(FEEDBACK).json()["results"] == [body(item, overdue=True)]


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"status": "lost"}, {"status": ["Select a valid choice. lost is not one of the available choices."]}),
        (
            {"department": "sales"},
            {"department": ["Select a valid choice. sales is not one of the available choices."]},
        ),
        ({"model": "XQG"}, {"model": ["Enter a whole number."]}),
        ({"overdue": "perhaps"}, {"overdue": ["Give true or false."]}),
    ],
)
def test_a_filter_that_does_not_parse_is_a_400(as_manager, query, errors):
    assert field_errors(as_manager.get(FEEDBACK, query)) == errors


def test_list_queries_do_not_grow_with_the_page(as_production, production_user, django_assert_num_queries):
    for _ in range(4):
        item = factories.FeedbackItemFactory()
        feedback.feedback_acknowledge(item=item, by=production_user)
    for size in (1, 4):
        # The token, the user's roles, their departments, the page.
        with django_assert_num_queries(3):
            assert len(as_production.get(FEEDBACK, {"page_size": size}).json()["results"]) == size


# --- one item, acknowledging, answering -----------------------------------------------------------------


def test_another_departments_item_is_not_found_and_stays_untouched(as_design, item):
    before = state()
    missing = error(as_design.get(f"{FEEDBACK}999999/"), 404, "not_found")

    assert error(as_design.get(url(item)), 404, "not_found") == missing
    assert error(as_design.post(url(item, "acknowledge")), 404, "not_found") == missing
    answer = {"cause": "Cold solder.", "corrective_action": "New reflow profile."}
    assert error(as_design.post(url(item, "answer"), answer, format="json"), 404, "not_found") == missing
    assert state() == before


def test_an_item(as_production, item):
    response = as_production.get(url(item))

    assert response.status_code == 200
    assert response.json() == body(item)


def test_acknowledging_stops_the_clock_once(as_production, production_user, item):
    response = as_production.post(url(item, "acknowledge"))

    assert response.status_code == 200, response.content
    item.refresh_from_db()
    assert (item.status, item.acknowledged_by) == (FeedbackStatus.ACKNOWLEDGED, production_user)
    assert response.json() == body(item)
    before = state()
    assert error(as_production.post(url(item, "acknowledge")), 409, "conflict") == CONFLICT_ACK
    assert state() == before


def test_answering_closes_the_item(as_production, production_user, item):
    answer = {"cause": "Cold solder joint.", "corrective_action": "New reflow profile from batch B2026-03."}

    response = as_production.post(url(item, "answer"), answer, format="json")

    assert response.status_code == 200, response.content
    item.refresh_from_db()
    assert (item.status, item.cause, item.answered_by) == (
        FeedbackStatus.ANSWERED,
        "Cold solder joint.",
        production_user,
    )
    assert item.acknowledged_by == production_user  # answering acknowledges too
    assert response.json() == body(item)
    before = state()
    assert error(as_production.post(url(item, "answer"), answer, format="json"), 409, "conflict") == CONFLICT_ANSWER
    assert state() == before


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {},
            {
                "cause": ["Give the cause the department found."],
                "corrective_action": ["Say what the department does to correct it."],
            },
        ),
        (
            {"cause": "  ", "corrective_action": "Retrain."},
            {"cause": ["Give the cause the department found."]},
        ),
        (
            {"cause": "x" * 4001, "corrective_action": "Retrain."},
            {"cause": ["Ensure this field has no more than 4000 characters."]},
        ),
    ],
)
def test_a_bad_answer_is_a_400_and_nothing_changes(as_production, item, data, errors):
    before = state()

    assert field_errors(as_production.post(url(item, "answer"), data, format="json")) == errors
    assert state() == before


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("as_agent", 403, "permission_denied"),
        ("as_technician", 403, "permission_denied"),
        ("as_customer", 403, "permission_denied"),
    ],
)
def test_only_departments_and_managers_use_the_inbox(request, item, who, status, code):
    client = request.getfixturevalue(who)
    before = state()

    error(client.get(FEEDBACK), status, code)
    error(client.get(url(item)), status, code)
    error(client.post(url(item, "acknowledge")), status, code)
    assert state() == before
