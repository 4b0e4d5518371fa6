"""tickets/messages.py: what the customer is told about a ticket, on their channel.

Celery runs eagerly, mail goes to the locmem outbox and SMS to ``notifications.sms.locmem``
(tests/settings.py), so a send scheduled on commit shows up once the captured callbacks run.
"""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from notifications.models import MessageStatus, OutboundMessage
from notifications.rendering import render_email
from notifications.sms.locmem import outbox as sms_outbox
from tests.factories import CustomerFactory, ServiceStationFactory, TicketFactory, UserFactory
from tickets.choices import EventKind, Status
from tickets.messages import notify_request_received, notify_status_changed
from tickets.models import TicketEvent
from tickets.services import ticket_assign, ticket_transition

pytestmark = pytest.mark.django_db

# 14:30 on 5 March 2026 in the business time zone (Asia/Shanghai).
RECEIVED = dt.datetime(2026, 3, 5, 6, 30, tzinfo=dt.UTC)
SITE = "https://service.example.com"
TRACK = f"{SITE}/track/?reference=AS-2026-000042"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def _ticket(language="en", email="li.na@example.com", channel="email", **fields):
    """A ticket of Li Na, reached by confirmed email unless ``channel`` says SMS."""
    customer = CustomerFactory(
        name="Li Na",
        phone="+8613812345678",
        email=email,
        email_verified=True,
        preferred_channel=channel,
        preferred_language=language,
    )
    ticket = TicketFactory(customer=customer, reference="AS-2026-000042", **fields)
    ticket.unit.serial = "SN-42"
    ticket.unit.save()
    type(ticket).objects.filter(pk=ticket.pk).update(created_at=RECEIVED)
    ticket.created_at = RECEIVED
    return ticket


def _status_event(ticket, to_status, *, note="", is_public=False):
    return TicketEvent.objects.create(
        ticket=ticket, kind=EventKind.STATUS, to_status=to_status, note=note, is_public=is_public
    )


RECEIVED_TEXT = """Dear Li Na,

We have received your request. Your reference is AS-2026-000042.

Request type: Repair
Product: Drum washer (SN-42)
Received: 5 Mar 2026 14:30

What happens next
A service agent will review your request and contact you to arrange a visit if one is needed. \
We will email you when a technician is assigned.

Track your request: https://service.example.com/track/?reference=AS-2026-000042
To see your request, enter its reference and the mobile phone number you gave us.

This email was sent automatically. Please do not reply to it.
Aftersales Service

"""


# --- the confirmation ------------------------------------------------------------------------


def test_request_received_is_written_at_once_and_emailed_after_commit(
    settings, django_capture_on_commit_callbacks, django_assert_num_queries
):
    ticket = _ticket()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        # Look for the de-duplication key, then insert in a savepoint.
        with django_assert_num_queries(4):
            message = notify_request_received(ticket)
        assert mail.outbox == []
        assert OutboundMessage.objects.get().status == MessageStatus.PENDING

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.subject == "We have received your request AS-2026-000042"
    assert email.to == ["li.na@example.com"]
    assert email.from_email == settings.DEFAULT_FROM_EMAIL
    assert email.body == RECEIVED_TEXT
    (html, mimetype) = email.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="en">' in html
    assert f'<a href="{TRACK}"' in html
    assert "5 Mar 2026 14:30" in html
    assert "Aftersales Service</td>" in html
    assert sms_outbox == []

    message.refresh_from_db()
    assert (message.channel, message.template, message.language, message.dedupe_key, message.ticket_reference) == (
        "email",
        "request_received",
        "en",
        f"ticket:{ticket.pk}:received",
        "AS-2026-000042",
    )
    assert (message.status, message.attempts, message.last_error, message.essential) == (
        MessageStatus.SENT,
        0,
        "",
        True,
    )
    assert message.sent_at is not None
    assert message.context["received_at"] == "2026-03-05T06:30:00Z"


def test_request_received_goes_by_sms_to_a_customer_without_a_confirmed_email(django_capture_on_commit_callbacks):
    ticket = _ticket(channel="sms")
    with django_capture_on_commit_callbacks(execute=True):
        message = notify_request_received(ticket)

    assert (message.channel, message.recipient) == ("sms", "+8613812345678")
    (sms,) = sms_outbox
    assert (sms.to, sms.template, sms.language, sms.message_id) == (
        "+8613812345678",
        "request_received",
        "en",
        message.pk,
    )
    assert sms.params == {"reference": "AS-2026-000042", "track_url": TRACK}
    assert sms.text == f"We received your request AS-2026-000042. Track it: {TRACK}"
    assert mail.outbox == []


def test_an_unconfirmed_email_receives_nothing_even_when_preferred(django_capture_on_commit_callbacks):
    ticket = _ticket()
    ticket.customer.email_verified = False
    ticket.customer.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify_request_received(ticket)

    assert mail.outbox == []
    assert [(sms.to, sms.template) for sms in sms_outbox] == [("+8613812345678", "request_received")]


def test_chinese_customer_gets_the_email_rendered_in_chinese(django_capture_on_commit_callbacks):
    ticket = _ticket(language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        notify_request_received(ticket)

    message = mail.outbox[0]
    with translation.override("zh-hans"):
        subject = gettext("We have received your request %(reference)s") % {"reference": "AS-2026-000042"}
        product_label = gettext("Product")
        kind_label = gettext("Repair")
    # Strings the catalogue already has come out in Chinese; the rest follow once it is regenerated.
    assert (product_label, kind_label) == ("产品", "维修")
    assert message.subject == subject
    assert f"{product_label}: 滚筒洗衣机 (SN-42)\n" in message.body
    assert f": {kind_label}\n" in message.body
    # Django's own Chinese date format: the template was rendered under the customer's language.
    assert ": 2026年3月5日 14:30\n" in message.body
    # Signed with the organisation's Chinese name.
    assert message.body.endswith("售后服务中心\n\n")
    assert '<html lang="zh-hans">' in message.alternatives[0][0]
    assert translation.get_language() == "en"


def test_chinese_customer_gets_the_sms_in_chinese(django_capture_on_commit_callbacks):
    ticket = _ticket(language="zh-hans", channel="sms")
    with django_capture_on_commit_callbacks(execute=True):
        notify_request_received(ticket)

    (sms,) = sms_outbox
    with translation.override("zh-hans"):
        expected = gettext("We received your request %(reference)s. Track it: %(track_url)s") % sms.params
    assert (sms.language, sms.text) == ("zh-hans", expected)
    assert translation.get_language() == "en"


def test_the_same_event_twice_queues_one_message(django_capture_on_commit_callbacks, django_assert_num_queries):
    ticket = _ticket()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = notify_request_received(ticket)
        with django_assert_num_queries(1):
            assert notify_request_received(ticket) is None
    assert first is not None
    assert len(callbacks) == 1
    assert OutboundMessage.objects.count() == 1
    assert len(mail.outbox) == 1

    # Later, in another transaction, it is still a repeat.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert notify_request_received(ticket) is None
    assert callbacks == []
    assert len(mail.outbox) == 1


def test_a_rolled_back_change_leaves_no_message(django_capture_on_commit_callbacks):
    ticket = _ticket()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify_request_received(ticket)
            raise RuntimeError("the change failed")
    assert callbacks == []
    assert OutboundMessage.objects.count() == 0
    assert mail.outbox == [] and sms_outbox == []


# --- status milestones -----------------------------------------------------------------------


def _dispatched_ticket(**fields):
    return _ticket(
        status=Status.DISPATCHED,
        station=ServiceStationFactory(name="Qingdao East"),
        assignee=UserFactory(first_name="Wei", last_name="Zhang"),
        appointment_start=dt.datetime(2026, 3, 6, 1, 0, tzinfo=dt.UTC),
        appointment_end=dt.datetime(2026, 3, 6, 4, 0, tzinfo=dt.UTC),
        **fields,
    )


def test_dispatched_tells_the_appointment_window_station_and_technician(django_capture_on_commit_callbacks):
    ticket = _dispatched_ticket()
    event = _status_event(ticket, Status.DISPATCHED)
    with django_capture_on_commit_callbacks(execute=True):
        message = notify_status_changed(ticket, event)

    assert message.dedupe_key == f"event:{event.pk}"
    assert message.template == "status_dispatched"
    email = mail.outbox[0]
    assert email.subject == "A technician is assigned to your request AS-2026-000042"
    assert (
        "Your request AS-2026-000042 has been dispatched: a technician is assigned and will visit you.\n\n"
        "Request type: Repair\n"
        "Product: Drum washer (SN-42)\n"
        "Appointment: 6 Mar 2026 09:00 – 12:00\n"
        "Service station: Qingdao East\n"
        "Technician: Wei Zhang\n"
    ) in email.body
    assert (
        'Appointment</td><td style="padding:6px 0;font-weight:bold;">6 Mar 2026 09:00 – 12:00'
        in (email.alternatives[0][0])
    )


def test_dispatched_by_sms_tells_the_appointment_window(django_capture_on_commit_callbacks):
    ticket = _dispatched_ticket(channel="sms")
    with django_capture_on_commit_callbacks(execute=True):
        notify_status_changed(ticket, _status_event(ticket, Status.DISPATCHED))

    (sms,) = sms_outbox
    assert sms.params == {"reference": "AS-2026-000042", "appointment": "6 Mar 2026 09:00-12:00", "track_url": TRACK}
    assert sms.text == (
        f"A technician is assigned to your request AS-2026-000042. Visit: 6 Mar 2026 09:00-12:00. Details: {TRACK}"
    )


def test_dispatched_without_an_appointment_says_the_station_will_call(django_capture_on_commit_callbacks):
    ticket = _ticket(status=Status.DISPATCHED)
    with django_capture_on_commit_callbacks(execute=True):
        notify_status_changed(ticket, _status_event(ticket, Status.DISPATCHED))
    body = mail.outbox[0].body
    assert "The service station will call you to agree on a time for the visit.\n" in body
    assert "Appointment" not in body
    assert "Technician" not in body


def test_dispatched_by_sms_without_an_appointment_says_it_will_be_agreed(django_capture_on_commit_callbacks):
    ticket = _ticket(status=Status.DISPATCHED, channel="sms")
    with django_capture_on_commit_callbacks(execute=True):
        notify_status_changed(ticket, _status_event(ticket, Status.DISPATCHED))
    assert sms_outbox[0].params["appointment"] == "to be agreed by phone"


def test_resolved_asks_for_a_rating_on_the_site(settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = f"{SITE}/"  # a trailing slash is not doubled
    ticket = _ticket(status=Status.RESOLVED, work_done="Replaced the drain pump.")
    with django_capture_on_commit_callbacks(execute=True):
        message = notify_status_changed(ticket, _status_event(ticket, Status.RESOLVED))

    email = mail.outbox[0]
    assert email.subject == "Your request AS-2026-000042 is resolved: please rate our service"
    assert (
        "Work done: Replaced the drain pump.\n\n"
        "How did we do? Please rate our service from 1 to 5; it takes a minute and helps us improve.\n"
        "Rate the service: https://service.example.com/track/AS-2026-000042/#rate\n"
    ) in email.body
    assert f"Track your request: {TRACK}\n" in email.body
    assert '<a href="https://service.example.com/track/AS-2026-000042/#rate"' in email.alternatives[0][0]
    # Sent: the link is not kept in the outbox.
    message.refresh_from_db()
    assert (message.context["rate_url"], message.context["survey_url"], message.redacted_keys) == ("", "", ["rate_url"])


def test_cancelled_shows_a_public_reason_only(django_capture_on_commit_callbacks):
    ticket = _ticket(status=Status.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        notify_status_changed(ticket, _status_event(ticket, Status.CANCELLED, note="Fixed it myself.", is_public=True))
        notify_status_changed(ticket, _status_event(ticket, Status.CANCELLED, note="Internal: duplicate caller."))

    public, internal = mail.outbox
    assert public.subject == internal.subject == "Your request AS-2026-000042 is cancelled"
    assert "Reason: Fixed it myself.\n" in public.body
    assert "Reason" not in internal.body
    assert "Internal" not in internal.body + internal.alternatives[0][0]


@pytest.mark.parametrize("to_status", [Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.ON_HOLD, Status.CLOSED])
def test_other_moves_send_nothing(to_status, django_capture_on_commit_callbacks, django_assert_num_queries):
    ticket = _ticket()
    event = _status_event(ticket, to_status)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, django_assert_num_queries(0):
        assert notify_status_changed(ticket, event) is None
    assert callbacks == []
    assert OutboundMessage.objects.count() == 0


def test_a_milestone_event_notified_twice_sends_once(django_capture_on_commit_callbacks):
    ticket = _ticket(status=Status.RESOLVED)
    event = _status_event(ticket, Status.RESOLVED)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_status_changed(ticket, event) is not None
        assert notify_status_changed(ticket, event) is None
    assert OutboundMessage.objects.count() == 1
    assert len(mail.outbox) == 1


def test_render_email_uses_the_stored_language():
    message = OutboundMessage(
        channel="email",
        template="request_received",
        recipient="li.na@example.com",
        language="zh-hans",
        context={
            "customer_name": "Li Na",
            "reference": "AS-2026-000042",
            "kind": "维修",
            "track_url": "https://service.example.com/track/",
            "received_at": "2026-03-05T06:30:00Z",
        },
    )
    subject, text, html = render_email(message)
    assert "AS-2026-000042" in subject
    assert "\n" not in subject
    assert ": 2026年3月5日 14:30\n" in text
    assert "2026年3月5日 14:30" in html


# --- appointments: one event, one message ----------------------------------------------------


def test_dispatching_with_an_agreed_visit_sends_one_message(agent, technician, django_capture_on_commit_callbacks):
    ticket = _ticket(status=Status.ACKNOWLEDGED, channel="sms")
    station = ServiceStationFactory(name="Laoshan")
    day = timezone.localdate() + dt.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_assign(
            ticket=ticket, station=station, assignee=technician, by=agent, appointment=(day, "afternoon")
        )
    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(ticket=ticket, move="dispatch", by=agent)

    (message,) = OutboundMessage.objects.all()
    assert message.template == "status_dispatched"
    (sms,) = sms_outbox
    assert sms.params["appointment"] == f"{day.day} {day:%b %Y} 13:00-17:00"
    assert mail.outbox == []


def test_a_visit_agreed_after_dispatch_is_its_own_message(agent, django_capture_on_commit_callbacks):
    ticket = _ticket(status=Status.DISPATCHED, email="visit@example.com")
    station = ServiceStationFactory(name="Laoshan")
    day = timezone.localdate() + dt.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_assign(ticket=ticket, station=station, assignee=None, by=agent, appointment=(day, "afternoon"))
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.subject == f"Your visit for request {ticket.reference} is booked"
    assert "Laoshan" in email.body
    assert OutboundMessage.objects.get(ticket_reference=ticket.reference).template == "appointment"
