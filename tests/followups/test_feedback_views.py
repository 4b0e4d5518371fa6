"""The feedback inbox pages: access by role, filters and grouping, acknowledging and answering,
and query counts (no-leak 4)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.roles import Role
from followups.feedback.services import FeedbackGroup
from followups.models import FeedbackItem, FeedbackStatus
from tests.factories import (
    DepartmentMembershipFactory,
    FaultCodeFactory,
    FeedbackItemFactory,
    ProductModelFactory,
    ProductUnitFactory,
    TicketFactory,
    UserFactory,
)
from tickets.choices import Status
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def production_user():
    user = UserFactory(roles=[Role.DEPARTMENT], username="production1")
    DepartmentMembershipFactory(user=user, department="production")
    return user


@pytest.fixture
def item():
    return FeedbackItemFactory(department="production", fault_code="PWR-01")


def _login(client, user):
    client.force_login(user)
    return client


def _urls(item) -> list[tuple[str, str]]:
    return [
        ("get", reverse("feedback:inbox")),
        ("get", reverse("feedback:item", args=[item.pk])),
        ("post", reverse("feedback:acknowledge", args=[item.pk])),
        ("post", reverse("feedback:answer", args=[item.pk])),
    ]


def _state() -> dict:
    return {
        "items": list(FeedbackItem.objects.order_by("pk").values()),
        "events": TicketEvent.objects.count(),
    }


# --- access ------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_and_nothing_changes(client, item):
    before = _state()
    for method, url in _urls(item):
        response = getattr(client, method)(url, {"cause": "x", "corrective_action": "y"})
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("desk:login")), url
    assert _state() == before


@pytest.mark.parametrize("role", [Role.AGENT, Role.TECHNICIAN])
def test_desk_staff_are_refused_and_nothing_changes(client, item, role):
    _login(client, UserFactory(roles=[role]))
    before = _state()
    for method, url in _urls(item):
        assert getattr(client, method)(url, {"cause": "x", "corrective_action": "y"}).status_code == 403, url
    assert _state() == before


def test_another_departments_item_is_not_found_and_nothing_changes(client, production_user):
    design = FeedbackItemFactory(department="design")
    _login(client, production_user)
    before = _state()
    for method, url in _urls(design)[1:]:
        assert getattr(client, method)(url, {"cause": "x", "corrective_action": "y"}).status_code == 404, url
    assert _state() == before


def test_a_department_user_lands_on_the_inbox_after_signing_in(client, production_user):
    _login(client, production_user)

    response = client.get(reverse("desk:queue"), follow=True)

    assert response.redirect_chain == [(reverse("feedback:inbox"), 302)]
    assert response.context["nav"] == "feedback"


def test_acting_needs_post(client, production_user, item):
    _login(client, production_user)
    assert client.get(reverse("feedback:acknowledge", args=[item.pk])).status_code == 405
    assert client.get(reverse("feedback:answer", args=[item.pk])).status_code == 405


# --- the inbox --------------------------------------------------------------------------------------------


def test_the_inbox_lists_the_users_departments_and_marks_overdue_items(client, production_user):
    overdue = FeedbackItemFactory(department="production", acknowledge_due=timezone.now() - DAY)
    on_time = FeedbackItemFactory(department="production")
    FeedbackItemFactory(department="design")
    _login(client, production_user)

    response = client.get(reverse("feedback:inbox"))

    assert response.status_code == 200
    rows = {row.pk: row.is_overdue for row in response.context["page"].object_list}
    assert rows == {overdue.pk: True, on_time.pk: False}
    assert response.content.decode().count('<span class="badge overdue-badge">Overdue</span>') == 1
    # One department: no department filter to offer.
    assert not response.context["filter_form"].offers_department


def test_the_inbox_filters(client, manager):
    washer = ProductModelFactory(code="XQG100")
    late = FeedbackItemFactory(
        acknowledge_due=timezone.now() - DAY, ticket__unit=ProductUnitFactory(model=washer, batch="2401A")
    )
    FeedbackItemFactory(ticket__unit=ProductUnitFactory(model=washer, batch="2402B"))
    FeedbackItemFactory(department="design")
    _login(client, manager)

    def pks(**params) -> set[int]:
        response = client.get(reverse("feedback:inbox"), params)
        assert response.status_code == 200
        return {row.pk for row in response.context["page"].object_list}

    assert pks(overdue="on") == {late.pk}
    assert pks(model=washer.pk, batch="2401A") == {late.pk}
    assert len(pks(department="production")) == 2
    assert len(pks(status="open")) == 3


@pytest.mark.parametrize(
    "params, field",
    [({"model": "abc"}, "model"), ({"status": "closed"}, "status"), ({"department": "sales"}, "department")],
)
def test_bad_filters_are_field_errors_not_a_crash(client, manager, params, field):
    FeedbackItemFactory()
    _login(client, manager)

    response = client.get(reverse("feedback:inbox"), params)

    assert response.status_code == 400
    assert field in response.context["filter_form"].errors
    # The unfiltered inbox is still shown.
    assert len(response.context["page"].object_list) == 1


def test_a_department_user_cannot_filter_on_another_department(client, production_user):
    _login(client, production_user)

    response = client.get(reverse("feedback:inbox"), {"department": "design"})

    assert response.status_code == 400
    assert "department" in response.context["filter_form"].errors


def test_the_grouped_view_counts_by_model_component_and_batch(client, manager):
    washer = ProductModelFactory(code="XQG100", name="Drum washer")
    unit = ProductUnitFactory(model=washer, batch="2401A")
    for status in (FeedbackStatus.OPEN, FeedbackStatus.ANSWERED):
        FeedbackItemFactory(component="motor", status=status, ticket__unit=unit)
    FeedbackItemFactory(component="motor", acknowledge_due=timezone.now() - DAY, ticket__unit=unit)
    _login(client, manager)

    response = client.get(reverse("feedback:inbox"), {"view": "groups"})

    assert response.status_code == 200
    [group] = response.context["page"].object_list
    assert isinstance(group, FeedbackGroup)
    assert (group.model_code, group.model_name, group.component, group.batch) == (
        "XQG100",
        "Drum washer",
        "motor",
        "2401A",
    )
    assert (group.items, group.open_items, group.overdue_items, group.unanswered) == (3, 2, 1, 2)
    assert group.filter_query == f"model={washer.pk}&component=motor&batch=2401A"


def test_inbox_query_count_does_not_grow_with_the_page(client, production_user, django_assert_num_queries):
    FeedbackItemFactory.create_batch(2, department="production")
    _login(client, production_user)
    # user, roles, memberships, count, page ids, page rows, model choices
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(7):
        client.get(reverse("feedback:inbox"))
    FeedbackItemFactory.create_batch(30, department="production")
    # the same, the user and roles now from the memo
    with django_assert_num_queries(5):
        response = client.get(reverse("feedback:inbox"))
    assert len(response.context["page"].object_list) == 25
    # Grouped: memberships, count of groups, the page of groups, model choices
    with django_assert_num_queries(4):
        client.get(reverse("feedback:inbox"), {"view": "groups"})


# --- one item ---------------------------------------------------------------------------------------------


def test_the_item_page_shows_the_fault_and_links_the_ticket_only_for_desk_staff(client, production_user, manager):
    FaultCodeFactory(code="PWR-01", name="Power board capacitor failure")
    item = FeedbackItemFactory(fault_code="PWR-01", root_cause="Capacitor failed.", ticket__parts_used="power board x1")
    ticket_url = reverse("desk:ticket", args=[item.ticket.reference])

    page = _login(client, production_user).get(reverse("feedback:item", args=[item.pk]))

    assert page.status_code == 200
    content = page.content.decode()
    for text in ("Power board capacitor failure", "Capacitor failed.", "power board x1", item.batch, item.model.code):
        assert text in content
    assert item.ticket.reference in content and ticket_url not in content

    page = _login(client, manager).get(reverse("feedback:item", args=[item.pk]))
    assert ticket_url in page.content.decode()


def test_acknowledge(client, production_user, item):
    _login(client, production_user)

    response = client.post(reverse("feedback:acknowledge", args=[item.pk]))

    assert (response.status_code, response["Location"]) == (302, reverse("feedback:item", args=[item.pk]))
    item.refresh_from_db()
    assert (item.status, item.acknowledged_by) == (FeedbackStatus.ACKNOWLEDGED, production_user)
    assert TicketEvent.objects.filter(ticket=item.ticket, data__feedback=item.pk).count() == 1


def test_a_stale_acknowledge_is_a_conflict_and_changes_nothing(client, production_user, manager, item):
    _login(client, manager).post(reverse("feedback:acknowledge", args=[item.pk]))
    before = _state()

    response = _login(client, production_user).post(reverse("feedback:acknowledge", args=[item.pk]))

    assert response.status_code == 409
    assert "This feedback has already been acknowledged." in response.content.decode()
    assert _state() == before


def test_an_answer_without_its_texts_is_a_form_error_and_changes_nothing(client, production_user, item):
    _login(client, production_user)
    before = _state()

    response = client.post(reverse("feedback:answer", args=[item.pk]), {"cause": "  ", "corrective_action": ""})

    assert response.status_code == 400
    assert response.context["answer_form"].errors == {
        "cause": ["Give the cause the department found."],
        "corrective_action": ["Say what the department does to correct it."],
    }
    assert _state() == before


def test_an_answer_too_long_is_a_form_error(client, production_user, item):
    _login(client, production_user)

    response = client.post(reverse("feedback:answer", args=[item.pk]), {"cause": "x" * 4001, "corrective_action": "y"})

    assert response.status_code == 400
    assert list(response.context["answer_form"].errors) == ["cause"]


def test_answer(client, production_user, item):
    _login(client, production_user)

    response = client.post(
        reverse("feedback:answer", args=[item.pk]),
        {"cause": "Weak capacitor lot.", "corrective_action": "Lot quarantined; incoming sampling doubled."},
    )

    assert (response.status_code, response["Location"]) == (302, reverse("feedback:item", args=[item.pk]))
    item.refresh_from_db()
    assert (item.status, item.cause, item.corrective_action, item.answered_by, item.acknowledged_by) == (
        FeedbackStatus.ANSWERED,
        "Weak capacitor lot.",
        "Lot quarantined; incoming sampling doubled.",
        production_user,
        production_user,
    )
    page = client.get(reverse("feedback:item", args=[item.pk])).content.decode()
    assert "Weak capacitor lot." in page and 'action="/feedback/' not in page


def test_answering_an_answered_item_is_a_conflict_and_changes_nothing(client, production_user, item):
    _login(client, production_user)
    client.post(reverse("feedback:answer", args=[item.pk]), {"cause": "Weak lot.", "corrective_action": "Quarantined."})
    before = _state()

    response = client.post(
        reverse("feedback:answer", args=[item.pk]), {"cause": "Other.", "corrective_action": "Other."}
    )

    assert response.status_code == 409
    assert _state() == before


# --- the resolution form ----------------------------------------------------------------------------------


def test_the_resolution_form_suggests_the_active_fault_codes(client, agent):
    FaultCodeFactory(code="PWR-01", name="Power board capacitor failure", component="power board")
    FaultCodeFactory(code="OLD-01", is_active=False)
    ticket = TicketFactory(status=Status.IN_PROGRESS)
    _login(client, agent)

    content = client.get(reverse("desk:ticket", args=[ticket.reference])).content.decode()

    assert 'list="fault-codes"' in content
    assert '<option value="PWR-01">Power board capacitor failure · power board</option>' in content
    assert "OLD-01" not in content


# --- the admin --------------------------------------------------------------------------------------------


def test_the_admin_reroutes_a_feedback_item_but_changes_nothing_else(client, item):
    root = UserFactory(username="root")
    root.is_staff = root.is_superuser = True
    root.save()
    _login(client, root)
    url = reverse("admin:followups_feedbackitem_change", args=[item.pk])
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:followups_feedbackitem_add")).status_code == 403

    response = client.post(url, {"department": "design", "status": "answered", "cause": "Edited in the admin."})

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.department, item.status, item.cause) == ("design", FeedbackStatus.OPEN, "")
