"""The callback queue in the desk: access, the queue and its filters, the call page, recording
calls (unreachable, satisfied, dissatisfied), bad input, the ticket page's callbacks card."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from aftersales.roles import Role
from followups.callbacks.services import record_attempt, schedule
from followups.choices import CallbackKind, CallbackResult, CallbackStatus, RatingSource
from followups.models import CallbackAttempt, CallbackVisit, SatisfactionRating
from tests import factories
from tickets.choices import FaultGroup, Kind, Status
from tickets.models import Ticket
from tickets.services import ticket_create, ticket_record_resolution, ticket_transition

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def _login(client, user):
    client.force_login(user)
    return client


def _visit(*, kind=CallbackKind.AFTER_SERVICE, due_at=None, customer=None, ticket=None, **kwargs) -> CallbackVisit:
    customer = customer or (ticket.customer if ticket else factories.CustomerFactory())
    unit = ticket.unit if ticket else factories.ProductUnitFactory(owner=customer)
    return schedule(
        kind=kind,
        customer=customer,
        ticket=ticket,
        unit=unit,
        due_at=due_at or timezone.now() + 10 * H,
        dedupe_key=f"test:{kind}:{customer.pk}:{CallbackVisit.objects.count()}",
        **kwargs,
    )


def _resolved(agent, *, customer=None) -> Ticket:
    """A consultation worked to resolved through the services, so its callback is scheduled."""
    customer = customer or factories.CustomerFactory(name="Zhang Wei")
    ticket = ticket_create(
        customer=customer, kind=Kind.CONSULTATION, channel="phone", description="How do I descale?", by=agent
    )
    ticket = ticket_transition(ticket=ticket, move="acknowledge", by=agent)
    ticket = ticket_record_resolution(ticket=ticket, by=agent, work_done="Explained the descaling programme.")
    return ticket_transition(ticket=ticket, move="resolve", by=agent)


def _after_service(ticket: Ticket) -> CallbackVisit:
    return CallbackVisit.objects.get(ticket=ticket, kind=CallbackKind.AFTER_SERVICE)


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _post(client, visit, **data):
    return client.post(reverse("followups:attempt", args=[visit.pk]), data)


# --- access ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    visit = _visit()
    for url in (reverse("followups:queue"), reverse("followups:callback", args=[visit.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('desk:login')}?next={url}"
    response = _post(client, visit, result=CallbackResult.NO_ANSWER)
    assert response.status_code == 302
    assert not CallbackAttempt.objects.exists()


@pytest.mark.parametrize("user_fixture", ["technician", "department_user"])
def test_technicians_and_the_quality_department_are_refused_and_change_nothing(client, request, user_fixture):
    visit = _visit()
    _login(client, request.getfixturevalue(user_fixture))
    assert client.get(reverse("followups:queue")).status_code == 403
    assert client.get(reverse("followups:callback", args=[visit.pk])).status_code == 403
    assert _post(client, visit, result=CallbackResult.NO_ANSWER).status_code == 403
    assert not CallbackAttempt.objects.exists()
    visit.refresh_from_db()
    assert visit.status == CallbackStatus.DUE


@pytest.mark.parametrize("role", [Role.AGENT, Role.MANAGER, Role.ADMIN])
def test_agents_managers_and_admins_work_the_queue(client, role):
    visit = _visit()
    _login(client, factories.UserFactory(roles=[role]))
    response = client.get(reverse("followups:queue"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [visit]
    assert client.get(reverse("followups:callback", args=[visit.pk])).status_code == 200


def test_the_desk_menu_links_the_queue_for_agents_not_technicians(client, agent, technician):
    link = f'href="{reverse("followups:queue")}"'
    assert link in _login(client, agent).get(reverse("desk:queue")).content.decode()
    assert link not in _login(client, technician).get(reverse("desk:queue")).content.decode()


def test_an_unknown_visit_is_not_found(client, agent):
    _login(client, agent)
    assert client.get(reverse("followups:callback", args=[999])).status_code == 404
    assert _post(client, CallbackVisit(pk=999), result=CallbackResult.NO_ANSWER).status_code == 404


# --- the queue ------------------------------------------------------------------------------


def test_queue_lists_due_visits_overdue_first_then_by_due_time(client, agent):
    now = timezone.now()
    soon = _visit(due_at=now + 2 * H)
    long_overdue = _visit(due_at=now - 2 * DAY)
    later = _visit(due_at=now + 2 * DAY)
    just_overdue = _visit(due_at=now - H)
    done = _visit(due_at=now - 3 * DAY)
    record_attempt(visit=done, result=CallbackResult.REACHED, by=agent, scores={"score_overall": 4})
    _login(client, agent)
    response = client.get(reverse("followups:queue"))
    rows = list(response.context["page"].object_list)
    assert rows == [long_overdue, just_overdue, soon, later]
    assert [row.is_overdue for row in rows] == [True, True, False, False]
    assert response.content.decode().count("overdue-badge") == 2


def test_queue_row_shows_customer_product_ticket_and_attempts(client, agent):
    customer = factories.CustomerFactory(name="Wang Fang", phone="+8613912345678")
    ticket = _resolved(agent, customer=customer)
    unit = factories.ProductUnitFactory(owner=customer, serial="WM-0042", model__code="XQG90")
    Ticket.objects.filter(pk=ticket.pk).update(unit=unit)
    CallbackVisit.objects.filter(ticket=ticket).update(unit=unit)
    visit = _after_service(ticket)
    record_attempt(visit=visit, result=CallbackResult.NO_ANSWER, by=agent)
    record_attempt(visit=visit, result=CallbackResult.REFUSED, by=agent)
    _login(client, agent)
    response = client.get(reverse("followups:queue"))
    html = response.content.decode()
    assert response.context["page"].object_list[0].attempt_count == 2
    for text in ("Wang Fang", "139 1234 5678", "XQG90", "WM-0042", "After service", '<td class="attempts">2</td>'):
        assert text in html
    assert f'href="{reverse("desk:ticket", args=[ticket.reference])}"' in html
    assert f'href="{reverse("followups:callback", args=[visit.pk])}"' in html


def test_queue_filters_by_kind_agent_and_overdue(client, agent):
    now = timezone.now()
    mine = _visit(customer=factories.CustomerFactory(representative=agent), due_at=now + H)
    overdue = _visit(due_at=now - H)
    maintenance = _visit(kind=CallbackKind.MAINTENANCE, due_at=now + 2 * H)
    _login(client, agent)

    def rows(**params):
        response = client.get(reverse("followups:queue"), params)
        assert response.status_code == 200
        return list(response.context["page"].object_list)

    assert rows() == [overdue, mine, maintenance]
    assert rows(kind=CallbackKind.MAINTENANCE) == [maintenance]
    assert rows(assigned="me") == [mine]
    assert rows(overdue="on") == [overdue]
    assert rows(kind=CallbackKind.AFTER_SERVICE, overdue="on") == [overdue]


def test_queue_refuses_an_unknown_filter_with_400(client, agent):
    _login(client, agent)
    response = client.get(reverse("followups:queue"), {"kind": "nonsense"})
    assert response.status_code == 400
    assert response.context["filter_form"].errors["kind"] == [
        "Select a valid choice. nonsense is not one of the available choices."
    ]


def test_queue_query_count_does_not_grow_with_page_size(client, agent, django_assert_num_queries):
    now = timezone.now()
    for n in range(60):
        visit = _visit(due_at=now + (n - 30) * H, customer=factories.CustomerFactory(representative=agent))
        if n % 3 == 0:
            record_attempt(visit=visit, result=CallbackResult.NO_ANSWER, by=agent)
    _login(client, agent)
    # user, roles, count, page ids, rows (with their attempt counts)
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(5):
        small = client.get(reverse("followups:queue"), {"page_size": 25})
    # count, page ids, rows: the user and roles now from the memo
    with django_assert_num_queries(3):
        large = client.get(reverse("followups:queue"), {"page_size": 100, "assigned": "me"})
    assert len(small.context["page"].object_list) == 25
    assert len(large.context["page"].object_list) == 60
    assert sum(row.attempt_count for row in large.context["page"].object_list) == 20


# --- the call page --------------------------------------------------------------------------


def test_call_page_shows_customer_product_resolution_script_and_attempts(client, agent):
    ticket = _resolved(agent)
    visit = _after_service(ticket)
    record_attempt(visit=visit, result=CallbackResult.NO_ANSWER, by=agent, note="Voicemail.")
    _login(client, agent)
    response = client.get(reverse("followups:callback", args=[visit.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Zhang Wei",
        ticket.reference,
        "Explained the descaling programme.",
        "Confirm the problem reported in",
        "Ask whether there is anything else we can help with.",
        "Voicemail.",
        "No answer",
        'value="reached"',
        'value="no_answer"',
        'value="wrong_number"',
        'value="refused"',
        'name="score_overall"',
        'name="raised_complaint"',
    ):
        assert text in html, text


@pytest.mark.parametrize(
    ("kind", "offer", "expected", "absent"),
    [
        (CallbackKind.INSTALLATION_7D, False, "has worked since it was installed", "Offer the extended warranty"),
        (CallbackKind.INSTALLATION_30D, False, "satisfied they are with the installation", "recall"),
        (CallbackKind.MAINTENANCE, False, "is due for its regular maintenance", "Offer the extended warranty"),
        (CallbackKind.WARRANTY_EXPIRY, True, "Offer the extended warranty", "regular maintenance"),
        (CallbackKind.WARRANTY_EXPIRY, False, "ends on", "Offer the extended warranty"),
        (CallbackKind.RECALL, False, "Book the fix", "Offer the extended warranty"),
    ],
)
def test_call_script_follows_the_kind_of_callback(client, agent, kind, offer, expected, absent):
    visit = _visit(kind=kind, extended_warranty_offer=offer)
    _login(client, agent)
    html = client.get(reverse("followups:callback", args=[visit.pk])).content.decode()
    assert expected in html
    assert absent not in html


def test_call_page_query_count_does_not_grow_with_attempts(client, agent, django_assert_num_queries):
    visit = _after_service(_resolved(agent))
    record_attempt(visit=visit, result=CallbackResult.NO_ANSWER, by=agent)
    _login(client, agent)
    # user, roles, visit with customer/product/ticket, its attempts with their agents,
    # the complaint classes the agent picks from, the CSI programs (none applies: the four scores)
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(6):
        client.get(reverse("followups:callback", args=[visit.pk]))
    for _ in range(4):
        record_attempt(visit=visit, result=CallbackResult.NO_ANSWER, by=agent)
    # the same without the user and roles, now from the memo
    with django_assert_num_queries(4):
        response = client.get(reverse("followups:callback", args=[visit.pk]))
    assert len(response.context["attempts"]) == 5


# --- recording calls ------------------------------------------------------------------------


def test_no_answer_is_stored_and_the_visit_stays_due(client, agent):
    visit = _after_service(_resolved(agent))
    _login(client, agent)
    response = _post(client, visit, result=CallbackResult.NO_ANSWER, note="Rang 10 times.")
    assert response.status_code == 302
    assert response["Location"] == reverse("followups:queue")
    attempt = CallbackAttempt.objects.get(visit=visit)
    assert (attempt.result, attempt.by, attempt.note) == (CallbackResult.NO_ANSWER, agent, "Rang 10 times.")
    visit.refresh_from_db()
    assert (visit.status, visit.score_overall) == (CallbackStatus.DUE, None)
    assert _messages(response) == ["No answer recorded for Zhang Wei; the callback stays in the queue."]


def test_three_failed_calls_on_two_days_mark_the_customer_unreachable(client, agent):
    visit = _after_service(_resolved(agent))
    yesterday = timezone.now() - DAY
    record_attempt(visit=visit, result=CallbackResult.NO_ANSWER, by=agent, at=yesterday)
    record_attempt(visit=visit, result=CallbackResult.WRONG_NUMBER, by=agent, at=yesterday + H)
    _login(client, agent)
    response = _post(client, visit, result=CallbackResult.NO_ANSWER)
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.attempts.count()) == (CallbackStatus.UNREACHABLE, 3)
    assert visit.completed_at is not None
    assert _messages(response) == ["Customer marked unreachable."]
    # Settled: the visit leaves the queue, and its page shows the outcome instead of the form.
    assert list(client.get(reverse("followups:queue")).context["page"].object_list) == []
    html = client.get(reverse("followups:callback", args=[visit.pk])).content.decode()
    assert "Customer unreachable" in html
    assert 'value="no_answer"' not in html


def test_three_failed_calls_on_one_day_keep_the_visit_due(client, agent):
    visit = _after_service(_resolved(agent))
    _login(client, agent)
    for _ in range(3):
        _post(client, visit, result=CallbackResult.NO_ANSWER)
    visit.refresh_from_db()
    assert (visit.status, visit.attempts.count()) == (CallbackStatus.DUE, 3)


def test_reached_and_satisfied_settles_the_visit_so_the_ticket_can_be_verified(client, agent):
    ticket = _resolved(agent)
    visit = _after_service(ticket)
    _login(client, agent)
    response = _post(
        client,
        visit,
        result=CallbackResult.REACHED,
        score_attitude="5",
        score_punctuality="4",
        score_quality="5",
        score_overall="5",
        comment="Very helpful.",
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.score_attitude, visit.score_punctuality, visit.score_quality, visit.score_overall) == (
        CallbackStatus.DONE,
        5,
        4,
        5,
        5,
    )
    assert (visit.comment, visit.complaint_ticket) == ("Very helpful.", None)
    rating = SatisfactionRating.objects.get(ticket=ticket)
    assert (rating.source, rating.score, rating.comment) == (RatingSource.CALLBACK, 5, "Very helpful.")
    assert _messages(response) == ["Call recorded: the callback to Zhang Wei is done."]
    ticket = ticket_transition(ticket=Ticket.objects.get(pk=ticket.pk), move="verify", by=agent)
    assert ticket.status == Status.VERIFIED


def test_reached_and_dissatisfied_reopens_opens_a_complaint_and_emails_the_managers(
    client, agent, manager, django_capture_on_commit_callbacks
):
    second = factories.UserFactory(username="manager2", roles=[Role.MANAGER])
    factories.UserFactory(username="manager-no-mail", email="", roles=[Role.MANAGER])
    ticket = _resolved(agent)
    visit = _after_service(ticket)
    _login(client, agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, visit, result=CallbackResult.REACHED, score_overall="2", comment="Still scales.")
    assert response.status_code == 302

    ticket.refresh_from_db()
    assert (ticket.status, ticket.reopened_count) == (Status.REOPENED, 1)
    visit.refresh_from_db()
    complaint = visit.complaint_ticket
    assert (visit.status, visit.score_overall) == (CallbackStatus.DONE, 2)
    assert (complaint.kind, complaint.customer_id, complaint.created_by) == (Kind.COMPLAINT, ticket.customer_id, agent)
    assert SatisfactionRating.objects.get(ticket=ticket).score == 2
    assert _messages(response) == [f"Ticket {ticket.reference} reopened; complaint {complaint.reference} opened."]

    to_managers = [email for email in mail.outbox if email.to in ([manager.email], [second.email])]
    assert sorted(email.to[0] for email in to_managers) == sorted([manager.email, second.email])
    for email in to_managers:
        assert complaint.reference in email.body
        assert ticket.reference in email.body


def test_a_complaint_without_a_rating_still_opens_the_complaint(client, agent):
    ticket = _resolved(agent)
    visit = _after_service(ticket)
    attitude = factories.FaultCategoryFactory(code="attitude", group=FaultGroup.SERVICE)
    _login(client, agent)
    response = _post(
        client,
        visit,
        result=CallbackResult.REACHED,
        raised_complaint="on",
        complaint_class=attitude.pk,
        comment="Rude technician.",
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.raised_complaint, visit.complaint_ticket.kind) == (True, Kind.COMPLAINT)
    assert visit.complaint_ticket.fault_category == attitude
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REOPENED


def test_reopening_by_hand_cancels_the_callback_of_the_reopened_resolution(client, agent):
    ticket = _resolved(agent)
    visit = _after_service(ticket)
    ticket_transition(ticket=ticket, move="reopen", by=agent, note="Customer called: still scaling.")
    visit.refresh_from_db()
    assert visit.status == "cancelled"
    _login(client, agent)
    queue = client.get(reverse("followups:queue"))
    assert visit not in list(queue.context["page"].object_list)
    response = _post(client, visit, result=CallbackResult.REACHED, score_overall="1")
    assert response.status_code == 400
    assert response.context["form"].errors["result"] == ["This callback is already finished."]
    assert visit.attempts.count() == 0


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"result": "reached", "score_overall": "7"}, "score_overall", "Choose from 1 to 5."),
        ({"result": "reached", "score_attitude": "0", "score_overall": "3"}, "score_attitude", "Choose from 1 to 5."),
        ({"result": "reached", "comment": "Fine."}, "score_overall", "Give the customer's overall rating from 1 to 5."),
        ({"result": "voicemail"}, "result", "Choose the result of the call."),
        ({"note": "no result given"}, "result", "Choose the result of the call."),
    ],
)
def test_bad_input_answers_400_with_the_field_error_and_saves_nothing(client, agent, data, field, message):
    ticket = _resolved(agent)
    visit = _after_service(ticket)
    _login(client, agent)
    response = _post(client, visit, **data)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert CallbackAttempt.objects.filter(visit=visit).count() == 0
    visit.refresh_from_db()
    assert (visit.status, visit.score_overall) == (CallbackStatus.DUE, None)
    assert not SatisfactionRating.objects.exists()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED


def test_the_ratings_stay_open_when_a_reached_call_comes_back(client, agent):
    visit = _after_service(_resolved(agent))
    _login(client, agent)
    html = _post(client, visit, result="reached", score_attitude="4").content.decode()
    assert 'id="reached-toggle" class="visually-hidden" aria-controls="reached-panel" checked>' in html
    assert 'value="4" id="id_score_attitude_3" checked>' in html
    assert html.count(" checked>") == 2  # the open ratings and the attitude given


def test_a_finished_visit_refuses_another_call(client, agent):
    visit = _after_service(_resolved(agent))
    record_attempt(visit=visit, result=CallbackResult.REACHED, by=agent, scores={"score_overall": 4})
    _login(client, agent)
    response = _post(client, visit, result=CallbackResult.NO_ANSWER)
    assert response.status_code == 400
    assert response.context["form"].errors["result"] == ["This callback is already finished."]
    assert CallbackAttempt.objects.filter(visit=visit).count() == 1


# --- the ticket page's callbacks card -------------------------------------------------------


def test_ticket_page_lists_its_callbacks_with_links(client, agent, django_assert_num_queries):
    ticket = _resolved(agent)
    visit = _after_service(ticket)
    record_attempt(visit=visit, result=CallbackResult.NO_ANSWER, by=agent)
    _login(client, agent)
    url = reverse("desk:ticket", args=[ticket.reference])
    # roles, user, ticket, which cards have rows (tickets/page_rows.py), callback settled? (for
    # the moves), station choices, technician choices (both kept from now on), events, the fault
    # codes offered to the resolution form, callbacks with their complaints, their attempts; the
    # cards with no rows read nothing, and the session comes from the cache
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.context["callbacks"] == [visit]
    html = response.content.decode()
    assert f'href="{reverse("followups:callback", args=[visit.pk])}"' in html
    assert "1 attempt" in html
    record_attempt(visit=visit, result=CallbackResult.NO_ANSWER, by=agent)
    # ticket, which cards have rows, callback settled?, events, callbacks, their attempts: the
    # user, roles, pickers and fault codes kept since the page above
    with django_assert_num_queries(6):
        html = client.get(url).content.decode()
    assert "2 attempts" in html


def test_technician_sees_the_callbacks_card_without_links(client, agent, technician):
    ticket = _resolved(agent)
    Ticket.objects.filter(pk=ticket.pk).update(assignee=technician)
    visit = _after_service(ticket)
    _login(client, technician)
    html = client.get(reverse("desk:ticket", args=[ticket.reference])).content.decode()
    assert 'id="callbacks"' in html
    assert f'href="{reverse("followups:callback", args=[visit.pk])}"' not in html
