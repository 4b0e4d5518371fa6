"""tickets/notifications.py and its tasks: the email outbox (DESIGN.md section 7).

Celery runs eagerly and mail goes to the locmem outbox (tests/settings.py), so a send
scheduled on commit shows up in ``mail.outbox`` once the captured callbacks run.
"""

import datetime as dt
import smtplib
import time
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_celery_beat.models import PeriodicTask
from kombu.exceptions import OperationalError

from tests.concurrency import run_at_once
from tests.factories import CustomerFactory, ServiceStationFactory, TicketFactory, UserFactory
from tickets.choices import EventKind, Status
from tickets.models import EmailStatus, OutboundEmail, TicketEvent
from tickets.notifications import (
    MAX_ATTEMPTS,
    deliver,
    notify_request_received,
    notify_status_changed,
    queue_email,
    render_email,
)
from tickets.services import ticket_assign
from tickets.tasks import outbox_sweep_task, send_email_task

pytestmark = pytest.mark.django_db

# 14:30 on 5 March 2026 in the business time zone (Asia/Shanghai).
RECEIVED = dt.datetime(2026, 3, 5, 6, 30, tzinfo=dt.UTC)
SITE = "https://service.example.com"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def _ticket(language="en", email="li.na@example.com", **fields):
    customer = CustomerFactory(name="Li Na", email=email, preferred_language=language)
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


def _age(email, minutes):
    OutboundEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - dt.timedelta(minutes=minutes))


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

"""


# --- queue_email and the confirmation --------------------------------------------------------


def test_request_received_is_written_at_once_and_sent_after_commit(
    settings, django_capture_on_commit_callbacks, django_assert_num_queries
):
    ticket = _ticket()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        # Look for the de-duplication key, then insert in a savepoint.
        with django_assert_num_queries(4):
            email = notify_request_received(ticket)
        assert mail.outbox == []
        assert OutboundEmail.objects.get().status == EmailStatus.PENDING

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "We have received your request AS-2026-000042"
    assert message.to == ["li.na@example.com"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.body == RECEIVED_TEXT
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="en">' in html
    assert '<a href="https://service.example.com/track/?reference=AS-2026-000042"' in html
    assert "5 Mar 2026 14:30" in html

    email.refresh_from_db()
    assert (email.template, email.language, email.dedupe_key, email.ticket_id) == (
        "tickets/request_received",
        "en",
        f"ticket:{ticket.pk}:received",
        ticket.pk,
    )
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 0, "")
    assert email.sent_at is not None
    assert email.context["received_at"] == "2026-03-05T06:30:00Z"


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
    assert '<html lang="zh-hans">' in message.alternatives[0][0]
    assert translation.get_language() == "en"


def test_no_email_when_the_customer_has_no_address(django_capture_on_commit_callbacks):
    ticket = _ticket(email="")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert notify_request_received(ticket) is None
    assert callbacks == []
    assert OutboundEmail.objects.count() == 0
    assert mail.outbox == []


def test_queue_email_skips_an_empty_address(django_capture_on_commit_callbacks, django_assert_num_queries):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, django_assert_num_queries(0):
        assert queue_email(template="tickets/request_received", to_email="", language="en", context={}) is None
    assert callbacks == []


def test_the_same_event_twice_queues_one_email(django_capture_on_commit_callbacks, django_assert_num_queries):
    ticket = _ticket()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = notify_request_received(ticket)
        with django_assert_num_queries(1):
            assert notify_request_received(ticket) is None
    assert first is not None
    assert len(callbacks) == 1
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1

    # Later, in another transaction, it is still a repeat.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert notify_request_received(ticket) is None
    assert callbacks == []
    assert len(mail.outbox) == 1


def test_a_rolled_back_change_leaves_no_email(django_capture_on_commit_callbacks):
    ticket = _ticket()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify_request_received(ticket)
            raise RuntimeError("the change failed")
    assert callbacks == []
    assert OutboundEmail.objects.count() == 0
    assert mail.outbox == []


def test_queue_email_without_a_dedupe_key_queues_every_call(django_capture_on_commit_callbacks):
    context = {"customer_name": "Li Na", "reference": "AS-2026-000042", "kind": "Repair", "track_url": "x"}
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            queue_email(template="tickets/status_cancelled", to_email="a@example.com", language="en", context=context)
    assert OutboundEmail.objects.filter(status=EmailStatus.SENT, ticket=None).count() == 2
    assert [m.subject for m in mail.outbox] == ["Your request AS-2026-000042 is cancelled"] * 2


# --- status milestones -----------------------------------------------------------------------


def test_dispatched_tells_the_appointment_window_station_and_technician(django_capture_on_commit_callbacks):
    ticket = _ticket(
        status=Status.DISPATCHED,
        station=ServiceStationFactory(name="Qingdao East"),
        assignee=UserFactory(first_name="Wei", last_name="Zhang"),
        appointment_start=dt.datetime(2026, 3, 6, 1, 0, tzinfo=dt.UTC),
        appointment_end=dt.datetime(2026, 3, 6, 4, 0, tzinfo=dt.UTC),
    )
    event = _status_event(ticket, Status.DISPATCHED)
    with django_capture_on_commit_callbacks(execute=True):
        email = notify_status_changed(ticket, event)

    assert email.dedupe_key == f"event:{event.pk}"
    assert email.template == "tickets/status_dispatched"
    message = mail.outbox[0]
    assert message.subject == "A technician is assigned to your request AS-2026-000042"
    assert (
        "Your request AS-2026-000042 has been dispatched: a technician is assigned and will visit you.\n\n"
        "Request type: Repair\n"
        "Product: Drum washer (SN-42)\n"
        "Appointment: 6 Mar 2026 09:00 – 12:00\n"
        "Service station: Qingdao East\n"
        "Technician: Wei Zhang\n"
    ) in message.body
    assert (
        'Appointment</td><td style="padding:6px 0;font-weight:bold;">6 Mar 2026 09:00 – 12:00'
        in (message.alternatives[0][0])
    )


def test_dispatched_without_an_appointment_says_the_station_will_call(django_capture_on_commit_callbacks):
    ticket = _ticket(status=Status.DISPATCHED)
    with django_capture_on_commit_callbacks(execute=True):
        notify_status_changed(ticket, _status_event(ticket, Status.DISPATCHED))
    body = mail.outbox[0].body
    assert "The service station will call you to agree on a time for the visit.\n" in body
    assert "Appointment" not in body
    assert "Technician" not in body


def test_resolved_asks_for_a_rating_on_the_site(settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = f"{SITE}/"  # a trailing slash is not doubled
    ticket = _ticket(status=Status.RESOLVED, work_done="Replaced the drain pump.")
    with django_capture_on_commit_callbacks(execute=True):
        notify_status_changed(ticket, _status_event(ticket, Status.RESOLVED))

    message = mail.outbox[0]
    assert message.subject == "Your request AS-2026-000042 is resolved: please rate our service"
    assert (
        "Work done: Replaced the drain pump.\n\n"
        "How did we do? Please rate our service from 1 to 5; it takes a minute and helps us improve.\n"
        "Rate the service: https://service.example.com/track/AS-2026-000042/#rate\n"
    ) in message.body
    assert "Track your request: https://service.example.com/track/?reference=AS-2026-000042\n" in message.body
    assert '<a href="https://service.example.com/track/AS-2026-000042/#rate"' in message.alternatives[0][0]


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
    assert OutboundEmail.objects.count() == 0


def test_a_milestone_event_notified_twice_sends_once(django_capture_on_commit_callbacks):
    ticket = _ticket(status=Status.RESOLVED)
    event = _status_event(ticket, Status.RESOLVED)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_status_changed(ticket, event) is not None
        assert notify_status_changed(ticket, event) is None
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_render_email_uses_the_stored_language():
    email = OutboundEmail(
        template="tickets/request_received",
        to_email="li.na@example.com",
        language="zh-hans",
        context={
            "customer_name": "Li Na",
            "reference": "AS-2026-000042",
            "kind": "维修",
            "track_url": "https://service.example.com/track/",
            "received_at": "2026-03-05T06:30:00Z",
        },
    )
    subject, text, html = render_email(email)
    assert "AS-2026-000042" in subject
    assert "\n" not in subject
    assert ": 2026年3月5日 14:30\n" in text
    assert "2026年3月5日 14:30" in html


# --- broker down: the sweep ------------------------------------------------------------------


def test_broker_down_keeps_the_email_and_the_sweep_sends_it_once(django_capture_on_commit_callbacks, caplog):
    ticket = _ticket()
    with mock.patch("tickets.tasks.send_email_task.delay", side_effect=OperationalError("broker down")) as delay:
        with django_capture_on_commit_callbacks(execute=True):
            email = notify_request_received(ticket)
    delay.assert_called_once_with(email.pk)
    assert "the outbox sweep will send it" in caplog.text
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.PENDING, 0)
    assert mail.outbox == []

    # Too fresh: the send scheduled at commit may still be on its way.
    assert outbox_sweep_task.delay().get() == 0
    assert mail.outbox == []

    _age(email, minutes=2)
    assert outbox_sweep_task.delay().get() == 1
    assert [m.subject for m in mail.outbox] == ["We have received your request AS-2026-000042"]
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT

    assert outbox_sweep_task.delay().get() == 0
    assert len(mail.outbox) == 1


def test_the_sweep_backs_off_after_failed_attempts_and_skips_finished_emails(django_assert_num_queries):
    ticket = _ticket()
    due = OutboundEmail.objects.create(
        template="tickets/request_received",
        to_email="a@example.com",
        language="en",
        context={"reference": "AS-2026-000042"},
        ticket=ticket,
        attempts=2,
    )
    waiting = OutboundEmail.objects.create(
        template="tickets/request_received",
        to_email="b@example.com",
        language="en",
        context={"reference": "AS-2026-000042"},
        ticket=ticket,
        attempts=3,
    )
    sent = OutboundEmail.objects.create(
        template="tickets/request_received",
        to_email="c@example.com",
        language="en",
        context={},
        status=EmailStatus.SENT,
    )
    failed = OutboundEmail.objects.create(
        template="tickets/request_received",
        to_email="d@example.com",
        language="en",
        context={},
        status=EmailStatus.FAILED,
        attempts=MAX_ATTEMPTS,
    )
    # Two failed attempts wait 4 minutes, three wait 8.
    for email in (due, waiting, sent, failed):
        _age(email, minutes=5)

    # The pending list, then for the one due: savepoint, lock, update, release.
    with django_assert_num_queries(5):
        assert outbox_sweep_task.delay().get() == 1
    assert [m.to for m in mail.outbox] == [["a@example.com"]]


def test_one_broken_email_does_not_stop_the_sweep():
    broken = OutboundEmail.objects.create(
        template="tickets/no_such_template", to_email="a@example.com", language="en", context={}
    )
    fine = OutboundEmail.objects.create(
        template="tickets/status_cancelled",
        to_email="b@example.com",
        language="en",
        context={"reference": "AS-2026-000042"},
    )
    _age(broken, minutes=3)
    _age(fine, minutes=2)
    assert outbox_sweep_task.delay().get() == 1
    assert [m.to for m in mail.outbox] == [["b@example.com"]]
    broken.refresh_from_db()
    assert (broken.status, broken.attempts) == (EmailStatus.PENDING, 0)


def test_an_unreachable_mail_server_ends_the_sweep_until_its_next_run():
    first, second = _pending(), _pending()
    _age(first, minutes=3)
    _age(second, minutes=2)
    with mock.patch.object(EmailMultiAlternatives, "send", side_effect=ConnectionRefusedError("refused")) as send:
        assert outbox_sweep_task.delay().get() == 0
    assert send.call_count == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert [(e.status, e.attempts) for e in (first, second)] == [(EmailStatus.PENDING, 1), (EmailStatus.PENDING, 0)]


# --- mail server down: deliver and the task's retries ----------------------------------------


def _pending(**fields):
    return OutboundEmail.objects.create(
        template="tickets/status_cancelled",
        to_email="li.na@example.com",
        language="en",
        context={"customer_name": "Li Na", "reference": "AS-2026-000042", "kind": "Repair", "track_url": "x"},
        **fields,
    )


def test_a_transient_mail_error_is_recorded_and_raised_for_a_retry():
    email = _pending()
    with mock.patch.object(EmailMultiAlternatives, "send", side_effect=smtplib.SMTPException("421 try later")):
        with pytest.raises(smtplib.SMTPException):
            deliver(email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (
        EmailStatus.PENDING,
        1,
        "SMTPException: 421 try later",
    )
    assert email.sent_at is None


def test_the_last_allowed_attempt_marks_the_email_failed():
    email = _pending(attempts=MAX_ATTEMPTS - 1)
    with mock.patch.object(EmailMultiAlternatives, "send", side_effect=ConnectionRefusedError("refused")):
        assert deliver(email.pk) is False
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (
        EmailStatus.FAILED,
        8,
        "ConnectionRefusedError: refused",
    )


def test_a_refused_recipient_fails_at_once():
    email = _pending()
    refused = smtplib.SMTPRecipientsRefused({"li.na@example.com": (550, b"no such user")})
    with mock.patch.object(EmailMultiAlternatives, "send", side_effect=refused):
        assert deliver(email.pk) is False
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 1)
    assert email.last_error.startswith("SMTPRecipientsRefused: ")


@pytest.fixture
def eager_retries():
    """Let an eager task retry inline, as a worker would after the countdown, instead of
    raising the Retry at the caller (the test settings propagate eager errors)."""
    conf = send_email_task.app.conf
    previous = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = previous


def test_the_task_retries_a_down_mail_server_then_gives_up(eager_retries):
    email = _pending()
    with mock.patch.object(EmailMultiAlternatives, "send", side_effect=smtplib.SMTPServerDisconnected("gone")) as send:
        result = send_email_task.delay(email.pk)
    assert result.get() is False
    assert send.call_count == MAX_ATTEMPTS
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (
        EmailStatus.FAILED,
        MAX_ATTEMPTS,
        "SMTPServerDisconnected: gone",
    )


def test_the_task_sends_once_the_mail_server_is_back(eager_retries):
    email = _pending()
    with mock.patch.object(
        EmailMultiAlternatives, "send", autospec=True, side_effect=[OSError("down"), OSError("down"), 1]
    ) as send:
        assert send_email_task.delay(email.pk).get() is True
    assert send.call_count == 3
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 2, "OSError: down")


def test_deliver_leaves_a_sent_email_alone(django_assert_num_queries):
    email = _pending(status=EmailStatus.SENT, sent_at=RECEIVED)
    # Savepoint, the locking read that finds nothing pending, release.
    with django_assert_num_queries(3):
        assert deliver(email.pk) is False
    assert mail.outbox == []
    email.refresh_from_db()
    assert email.sent_at == RECEIVED


def test_deliver_sends_a_pending_email_once(django_assert_num_queries):
    email = _pending()
    with django_assert_num_queries(4):
        assert deliver(email.pk) is True
    assert deliver(email.pk) is False
    assert len(mail.outbox) == 1


# --- tasks and the beat schedule -------------------------------------------------------------


def test_tasks_are_registered_under_their_names():
    assert send_email_task.name == "tickets.send_email_task"
    assert outbox_sweep_task.name == "tickets.outbox_sweep_task"
    assert send_email_task.max_retries == MAX_ATTEMPTS
    assert send_email_task.app.conf.task_acks_late is True


def test_migrate_schedules_the_outbox_sweep_every_minute():
    task = PeriodicTask.objects.select_related("interval").get(name="Send waiting emails")
    assert (task.task, task.enabled, task.interval.every, task.interval.period) == (
        "tickets.outbox_sweep_task",
        True,
        1,
        "minutes",
    )


# --- PostgreSQL: two workers, one email -------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_delivering_the_same_email_send_it_once():
    email = _pending()
    original_send = EmailMultiAlternatives.send

    def slow_send(message, *args, **kwargs):
        time.sleep(0.3)  # hold the row lock long enough for the other worker to wait on it
        return original_send(message, *args, **kwargs)

    with mock.patch.object(EmailMultiAlternatives, "send", autospec=True, side_effect=slow_send) as send:
        results = run_at_once(lambda: deliver(email.pk), lambda: deliver(email.pk), timeout=30)

    assert sorted(results) == [False, True]
    assert send.call_count == 1
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT


def test_an_agreed_visit_is_emailed_to_the_customer(agent, django_capture_on_commit_callbacks):
    customer = CustomerFactory(email="visit@example.com", preferred_language="en")
    ticket = TicketFactory(customer=customer)
    station = ServiceStationFactory(name="Laoshan")
    day = timezone.localdate() + dt.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_assign(ticket=ticket, station=station, assignee=None, by=agent, appointment=(day, "afternoon"))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == f"Your visit for request {ticket.reference} is booked"
    assert "Laoshan" in message.body
    assert ticket.emails.get().template == "tickets/appointment"
