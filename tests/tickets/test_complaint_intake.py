"""Complaints at the desk and on the callback screen: which ticket a complaint is about, what it
is about (its class), and when the customer first got in touch (no-leak 1)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from customers.services import Contact
from followups.callbacks.services import record_attempt, schedule
from followups.choices import CallbackKind, CallbackResult
from followups.models import CallbackVisit
from quality import metrics
from quality.metrics import Period
from tests import factories
from tests.api.conftest import client_for, field_errors
from tickets.choices import Channel, FaultGroup, Kind, Status
from tickets.customer_requests import customer_request_submit
from tickets.forms import DATETIME_LOCAL
from tickets.models import Ticket
from tickets.services import ticket_create, ticket_record_resolution, ticket_transition

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)


def local_input(value: dt.datetime) -> str:
    """A date and time as a browser's date-time input sends it."""
    return timezone.localtime(value).strftime(DATETIME_LOCAL)


@pytest.fixture
def delay():
    return factories.FaultCategoryFactory(code="delay", name="Service delay", group=FaultGroup.SERVICE)


@pytest.fixture
def leaking():
    return factories.FaultCategoryFactory(code="leaking", name="Leaking water", group=FaultGroup.PRODUCT)


@pytest.fixture
def usage_question():
    return factories.FaultCategoryFactory(code="usage", name="Usage question", group=FaultGroup.REQUEST)


@pytest.fixture
def caller():
    return factories.CustomerFactory(name="Wang Fang", phone="+8613912340000")


@pytest.fixture
def repair(caller):
    return factories.TicketFactory(customer=caller, kind=Kind.REPAIR, status=Status.CLOSED)


def _complaint(phone: str, **overrides) -> dict:
    data = {
        "phone": phone,
        "kind": Kind.COMPLAINT,
        "channel": Channel.PHONE,
        "priority": "normal",
        "description": "The technician came three hours late.",
        "unit": "",
    }
    data.update(overrides)
    return data


# --- the desk intake --------------------------------------------------------------------------


def test_the_caller_lookup_offers_the_callers_tickets_but_not_their_complaints(client, agent, caller, repair):
    installation = factories.TicketFactory(customer=caller, kind=Kind.INSTALLATION)
    earlier_complaint = factories.TicketFactory(customer=caller, kind=Kind.COMPLAINT)
    someone_elses = factories.TicketFactory(kind=Kind.REPAIR)
    client.force_login(agent)

    response = client.get(reverse("desk:caller_lookup"), {"phone": "139 1234 0000"})

    assert response.status_code == 200
    assert response.context["complaint_subjects"] == [installation, repair]
    choices = [value for value, _label in response.context["form"].fields["complaint_about"].choices]
    assert choices == ["", installation.reference, repair.reference]
    html = response.content.decode()
    assert f'<option value="{repair.reference}">{repair.reference} · Repair · ' in html
    assert earlier_complaint.reference not in html.split('name="complaint_about"')[1].split("</select>")[0]
    assert someone_elses.reference not in html


def test_a_complaint_about_one_of_the_callers_tickets(client, agent, caller, repair, delay):
    client.force_login(agent)
    letter_arrived = timezone.now() - 2 * 24 * H

    response = client.post(
        reverse("desk:ticket_new"),
        _complaint(
            caller.phone,
            channel=Channel.LETTER,
            fault_category=delay.pk,
            complaint_about=repair.reference,
            contacted_at=local_input(letter_arrived),
        ),
    )

    complaint = Ticket.objects.get(kind=Kind.COMPLAINT)
    assert response.status_code == 302
    assert (complaint.customer, complaint.complaint_about, complaint.fault_category) == (caller, repair, delay)
    assert complaint.contacted_at == timezone.localtime(letter_arrived).replace(second=0, microsecond=0)
    page = client.get(reverse("desk:ticket", args=[complaint.reference])).content.decode()
    assert f'href="{reverse("desk:ticket", args=[repair.reference])}">{repair.reference}</a>' in page
    assert "First contact" in page


def test_a_complaint_about_no_particular_ticket(client, agent, caller, repair, delay):
    client.force_login(agent)

    response = client.post(reverse("desk:ticket_new"), _complaint(caller.phone, fault_category=delay.pk))

    complaint = Ticket.objects.get(kind=Kind.COMPLAINT)
    assert response.status_code == 302
    assert (complaint.complaint_about, complaint.fault_category, complaint.contacted_at) == (None, delay, None)


def test_a_new_caller_complains_about_nothing_on_file(client, agent, leaking):
    client.force_login(agent)

    response = client.post(
        reverse("desk:ticket_new"), _complaint("186 0000 7777", customer_name="Sun Li", fault_category=leaking.pk)
    )

    assert response.status_code == 302
    assert Ticket.objects.get().complaint_about is None


def test_another_kind_ignores_the_hidden_ticket_choice(client, agent, caller, repair):
    client.force_login(agent)

    response = client.post(
        reverse("desk:ticket_new"), _complaint(caller.phone, kind=Kind.REPAIR, complaint_about=repair.reference)
    )

    assert response.status_code == 302
    assert Ticket.objects.exclude(pk=repair.pk).get().complaint_about is None


def test_the_first_contact_defaults_to_now(client, agent):
    client.force_login(agent)
    before = timezone.localtime().replace(second=0, microsecond=0)

    form = client.get(reverse("desk:ticket_new")).context["form"]

    after = timezone.localtime().replace(second=0, microsecond=0)
    assert form["contacted_at"].initial in (before, after)
    assert f'value="{form["contacted_at"].initial.strftime(DATETIME_LOCAL)}"' in str(form["contacted_at"])


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"complaint_about": "OTHER"}, "complaint_about", "Choose one of the caller's tickets."),
        ({"complaint_about": "AS-2026-999999"}, "complaint_about", "Choose one of the caller's tickets."),
        ({"contacted_at": "FUTURE"}, "contacted_at", "The first contact cannot be in the future."),
        ({"contacted_at": "yesterday"}, "contacted_at", "Enter a valid date/time."),
        ({"fault_category": ""}, "fault_category", "Choose what the complaint is about."),
        ({"fault_category": "REQUEST"}, "fault_category", "Choose a service complaint class or a product fault."),
    ],
)
def test_bad_complaint_input_gets_field_errors_and_saves_nothing(
    client, agent, caller, repair, delay, usage_question, overrides, field, message
):
    others = factories.TicketFactory(kind=Kind.REPAIR)
    replacements = {
        "OTHER": others.reference,
        "FUTURE": local_input(timezone.now() + 10 * MINUTE),
        "REQUEST": usage_question.pk,
    }
    data = _complaint(caller.phone, fault_category=delay.pk, complaint_about=repair.reference)
    data.update({name: replacements.get(value, value) for name, value in overrides.items()})
    client.force_login(agent)
    tickets = Ticket.objects.count()

    response = client.post(reverse("desk:ticket_new"), data)

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert Ticket.objects.count() == tickets


def test_the_service_refuses_another_customers_ticket_and_a_future_first_contact(agent, caller, delay):
    others = factories.TicketFactory(kind=Kind.REPAIR)
    now = timezone.now()
    with pytest.raises(ValidationError) as raised:
        ticket_create(
            customer=caller,
            kind=Kind.COMPLAINT,
            channel=Channel.PHONE,
            description="Rude.",
            fault_category=delay,
            complaint_about=others,
            contacted_at=now + MINUTE,
            by=agent,
            now=now,
        )
    assert raised.value.message_dict == {
        "complaint_about": ["A complaint can only be about one of this customer's tickets."],
        "contacted_at": ["The first contact cannot be in the future."],
    }
    assert not Ticket.objects.filter(kind=Kind.COMPLAINT).exists()


# --- no-leak 1: recorded within 2 hours of the first contact ------------------------------------


def test_a_letter_logged_two_days_late_is_not_recorded_within_2_hours(client, agent, caller, repair, delay):
    client.force_login(agent)
    arrived = timezone.now() - 2 * 24 * H
    on_time = timezone.now() - 5 * MINUTE
    for contacted, channel in ((arrived, Channel.LETTER), (on_time, Channel.PHONE)):
        response = client.post(
            reverse("desk:ticket_new"),
            _complaint(caller.phone, channel=channel, fault_category=delay.pk, contacted_at=local_input(contacted)),
        )
        assert response.status_code == 302
    late = Ticket.objects.get(channel=Channel.LETTER)
    now = timezone.now()

    letter_day = Period.day(metrics.business_today(arrived))
    counts = metrics.omission_counts(letter_day, now=now)
    assert (counts.cases_due, counts.unrecorded, counts.cases_with_omission) == (1, 1, 1)
    assert list(metrics.drilldown("unrecorded", letter_day, now=now)) == [late]
    today = metrics.business_today(now)
    if today != metrics.business_today(on_time):  # the phone call was logged just after midnight
        return
    # Logged 5 minutes after the call: not an omission (and not yet due either).
    assert metrics.omission_counts(Period.day(today), now=now).unrecorded == 0


@pytest.mark.parametrize(("logged_after", "unrecorded"), [(2 * H, 0), (2 * H + MINUTE, 1)])
def test_recorded_within_2_hours_is_at_most_2_hours_after_the_first_contact(agent, caller, logged_after, unrecorded):
    contacted = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    ticket_create(
        customer=caller,
        kind=Kind.REPAIR,
        channel=Channel.LETTER,
        description="Letter: the drum does not spin.",
        contacted_at=contacted,
        by=agent,
        now=contacted + logged_after,
    )
    counts = metrics.omission_counts(Period.day(dt.date(2026, 3, 10)), now=contacted + 3 * H)
    assert (counts.cases_due, counts.unrecorded) == (1, unrecorded)


def test_a_portal_request_is_first_contact_when_submitted(caller):
    ticket = customer_request_submit(
        contact=Contact(name=caller.name, phone=caller.phone),
        model=None,
        serial="",
        purchase_date=None,
        kind=Kind.REPAIR,
        description="Leaks from the door.",
    )
    now = ticket.created_at + 3 * H

    counts = metrics.omission_counts(Period.day(metrics.business_today(ticket.created_at)), now=now)

    assert ticket.contacted_at is None
    assert (counts.cases_due, counts.unrecorded) == (1, 0)


# --- the callback screen ------------------------------------------------------------------------


def _resolved_case(agent, customer) -> Ticket:
    """A case worked to resolved through the services, so its after-service callback is due."""
    ticket = ticket_create(
        customer=customer, kind=Kind.CONSULTATION, channel="phone", description="How do I descale?", by=agent
    )
    ticket = ticket_transition(ticket=ticket, move="acknowledge", by=agent)
    ticket = ticket_record_resolution(ticket=ticket, by=agent, work_done="Explained the descaling programme.")
    return ticket_transition(ticket=ticket, move="resolve", by=agent)


def _after_service(ticket: Ticket) -> CallbackVisit:
    return CallbackVisit.objects.get(ticket=ticket, kind=CallbackKind.AFTER_SERVICE)


def test_a_callback_complaint_is_about_the_callbacks_ticket_and_classed(client, agent, caller, delay):
    original = _resolved_case(agent, caller)
    visit = _after_service(original)
    client.force_login(agent)

    page = client.get(reverse("followups:callback", args=[visit.pk])).content.decode()
    assert 'name="complaint_class"' in page
    assert f'<optgroup label="Service complaint">\n  <option value="{delay.pk}">Service delay</option>' in page

    response = client.post(
        reverse("followups:attempt", args=[visit.pk]),
        {"result": CallbackResult.REACHED, "raised_complaint": "on", "complaint_class": delay.pk, "comment": "Late."},
    )

    assert response.status_code == 302
    visit.refresh_from_db()
    complaint = visit.complaint_ticket
    assert (complaint.kind, complaint.complaint_about, complaint.fault_category) == (Kind.COMPLAINT, original, delay)
    assert metrics.complaint_counts(Period.day(metrics.business_today())).counts.valid_service_complaints == 1


def test_a_complaint_on_the_callback_screen_must_say_what_it_is_about(client, agent, caller):
    visit = _after_service(_resolved_case(agent, caller))
    client.force_login(agent)

    response = client.post(
        reverse("followups:attempt", args=[visit.pk]),
        {"result": CallbackResult.REACHED, "raised_complaint": "on", "comment": "Rude."},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["complaint_class"] == ["Choose what the complaint is about."]
    visit.refresh_from_db()
    assert (visit.status, visit.complaint_ticket, visit.attempts.count()) == ("due", None, 0)
    assert not Ticket.objects.filter(kind=Kind.COMPLAINT).exists()


def test_a_low_rating_alone_may_leave_the_class_to_the_desk(agent, caller):
    visit = _after_service(_resolved_case(agent, caller))

    visit = record_attempt(visit=visit, result=CallbackResult.REACHED, by=agent, scores={"score_overall": 2})

    assert (visit.complaint_ticket.complaint_about, visit.complaint_ticket.fault_category) == (visit.ticket, None)


def test_a_request_is_no_complaint_class(agent, caller, usage_question):
    visit = _after_service(_resolved_case(agent, caller))

    with pytest.raises(ValidationError) as raised:
        record_attempt(
            visit=visit, result=CallbackResult.REACHED, by=agent, raised_complaint=True, complaint_class=usage_question
        )

    assert raised.value.message_dict == {"complaint_class": ["Choose a service complaint class or a product fault."]}
    visit.refresh_from_db()
    assert (visit.status, visit.attempts.count()) == ("due", 0)


def test_a_callback_without_a_ticket_opens_a_complaint_about_nothing(agent, caller, leaking):
    visit = schedule(
        kind=CallbackKind.WARRANTY_EXPIRY,
        customer=caller,
        due_at=timezone.now() + H,
        dedupe_key="test:warranty",
    )

    visit = record_attempt(
        visit=visit, result=CallbackResult.REACHED, by=agent, raised_complaint=True, complaint_class=leaking
    )

    assert (visit.complaint_ticket.complaint_about, visit.complaint_ticket.fault_category) == (None, leaking)


# --- the API ------------------------------------------------------------------------------------


def test_the_callback_api_takes_the_complaint_class_by_code(agent, caller, leaking):
    original = _resolved_case(agent, caller)
    visit = _after_service(original)
    api = client_for(agent)
    url = f"/api/callbacks/{visit.pk}/attempts/"

    refused = api.post(url, {"result": "reached", "raised_complaint": True, "complaint_class": "nope"}, format="json")
    assert field_errors(refused) == {
        "complaint_class": ["No complaint class has this code: give a service class or a product fault code."]
    }
    visit.refresh_from_db()
    assert (visit.status, visit.attempts.count()) == ("due", 0)

    response = api.post(
        url, {"result": "reached", "raised_complaint": True, "complaint_class": "leaking"}, format="json"
    )

    assert response.status_code == 201
    visit.refresh_from_db()
    assert (visit.complaint_ticket.complaint_about, visit.complaint_ticket.fault_category) == (original, leaking)


def test_the_tickets_api_names_the_original_ticket_and_the_first_contact(agent, caller, repair, delay, usage_question):
    api = client_for(agent)
    contacted = timezone.now() - 3 * H
    body = {
        "customer": caller.pk,
        "kind": "complaint",
        "channel": "letter",
        "description": "Letter about the late visit.",
        "fault_category": "delay",
        "complaint_about": repair.reference,
        "contacted_at": contacted.isoformat(),
    }

    refused = api.post("/api/tickets/", {**body, "fault_category": "usage"}, format="json")
    assert field_errors(refused) == {"fault_category": ["Choose a service complaint class or a product fault."]}
    response = api.post("/api/tickets/", body, format="json")

    assert response.status_code == 201
    answer = api.get(f"/api/tickets/{response.json()['reference']}/").json()
    assert answer["complaint_about"] == repair.reference
    assert dt.datetime.fromisoformat(answer["contacted_at"]) == contacted
    assert Ticket.objects.get(reference=answer["reference"]).contacted_at == contacted
