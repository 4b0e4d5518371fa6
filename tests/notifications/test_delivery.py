"""notifications/delivery.py and its tasks: once each, retried while the failure is transient.

Mail goes to Django's locmem outbox and SMS to ``notifications.sms.locmem.outbox``; vendors'
answers are played by a backend that returns the results a test gives it.
"""

import datetime as dt
import smtplib
import time
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from kombu.exceptions import OperationalError

from notifications.delivery import MAX_ATTEMPTS, SmsDeferred, deliver, redact
from notifications.models import MessageStatus, OutboundMessage
from notifications.services import send_code
from notifications.sms import SmsError, SmsResult
from notifications.sms.locmem import outbox as sms_outbox
from notifications.tasks import outbox_sweep_task, send_message_task
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db

SENT_AT = dt.datetime(2026, 3, 5, 6, 30, tzinfo=dt.UTC)
CANCELLED = {"customer_name": "Li Na", "reference": "AS-2026-000042", "kind": "Repair", "track_url": "x"}


def _pending(channel="email", **fields):
    recipient = "li.na@example.com" if channel == "email" else "+8613812345678"
    defaults = {"template": "status_cancelled", "recipient": recipient, "language": "en", "context": CANCELLED}
    return OutboundMessage.objects.create(channel=channel, **(defaults | fields))


def _age(message, minutes):
    OutboundMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - dt.timedelta(minutes=minutes))


class Vendor:
    """An SMS backend answering what the test tells it, one result per send."""

    results: list = []
    sent: list = []

    def __init__(self, **options):
        pass

    def send(self, message):
        Vendor.sent.append(message)
        result = Vendor.results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result


@pytest.fixture
def vendor(settings):
    settings.SMS_BACKEND = f"{__name__}.Vendor"
    Vendor.results, Vendor.sent = [], []
    return Vendor


# --- broker down: the sweep ------------------------------------------------------------------


def test_broker_down_keeps_the_message_and_the_sweep_sends_it_once(django_capture_on_commit_callbacks, caplog):
    with mock.patch(
        "notifications.tasks.send_message_task.delay", side_effect=OperationalError("broker down")
    ) as delay:
        with django_capture_on_commit_callbacks(execute=True):
            message = send_code(phone="+8613812345678", code="123456", language="en", purpose="sign_in")
    delay.assert_called_once_with(message.pk)
    assert "the outbox sweep will send it" in caplog.text
    message.refresh_from_db()
    assert (message.status, message.attempts, message.context["code"]) == (MessageStatus.PENDING, 0, "123456")
    assert sms_outbox == []

    # Too fresh: the send scheduled at commit may still be on its way.
    assert outbox_sweep_task.delay().get() == 0
    assert sms_outbox == []

    _age(message, minutes=2)
    assert outbox_sweep_task.delay().get() == 1
    assert [sms.params["code"] for sms in sms_outbox] == ["123456"]
    message.refresh_from_db()
    assert (message.status, message.context["code"]) == (MessageStatus.SENT, "")

    assert outbox_sweep_task.delay().get() == 0
    assert len(sms_outbox) == 1


def test_the_sweep_backs_off_after_failed_attempts_and_skips_finished_messages(django_assert_num_queries):
    due = _pending(recipient="a@example.com", attempts=2)
    waiting = _pending(recipient="b@example.com", attempts=3)
    sent = _pending(recipient="c@example.com", status=MessageStatus.SENT)
    failed = _pending(recipient="d@example.com", status=MessageStatus.FAILED, attempts=MAX_ATTEMPTS)
    # Two failed attempts wait 4 minutes, three wait 8.
    for message in (due, waiting, sent, failed):
        _age(message, minutes=5)

    # The pending list, then for the one due: savepoint, lock, update, release.
    with django_assert_num_queries(5):
        assert outbox_sweep_task.delay().get() == 1
    assert [m.to for m in mail.outbox] == [["a@example.com"]]


def test_one_broken_message_does_not_stop_the_sweep():
    broken = _pending(recipient="a@example.com", template="no_such_template", context={})
    fine = _pending(recipient="b@example.com")
    _age(broken, minutes=3)
    _age(fine, minutes=2)
    assert outbox_sweep_task.delay().get() == 1
    assert [m.to for m in mail.outbox] == [["b@example.com"]]
    broken.refresh_from_db()
    assert (broken.status, broken.attempts) == (MessageStatus.PENDING, 0)


def test_an_unreachable_mail_server_ends_the_emails_part_of_the_sweep_but_not_the_sms():
    first, second, sms = _pending(), _pending(), _pending(channel="sms")
    _age(first, minutes=4)
    _age(second, minutes=3)
    _age(sms, minutes=2)
    with mock.patch.object(EmailMultiAlternatives, "send", side_effect=ConnectionRefusedError("refused")) as send:
        assert outbox_sweep_task.delay().get() == 1
    assert send.call_count == 1
    for message in (first, second, sms):
        message.refresh_from_db()
    assert [(m.status, m.attempts) for m in (first, second, sms)] == [
        (MessageStatus.PENDING, 1),
        (MessageStatus.PENDING, 0),
        (MessageStatus.SENT, 0),
    ]
    assert first.error_code == "unavailable"


def test_an_unavailable_sms_vendor_ends_the_sms_part_of_the_sweep_but_not_the_emails(vendor):
    first, second, email = _pending(channel="sms"), _pending(channel="sms"), _pending()
    _age(first, minutes=4)
    _age(second, minutes=3)
    _age(email, minutes=2)
    vendor.results = [SmsResult(sent=False, error_code=SmsError.UNAVAILABLE, detail="HTTP 503")]

    assert outbox_sweep_task.delay().get() == 1
    assert len(vendor.sent) == 1
    for message in (first, second, email):
        message.refresh_from_db()
    assert [(m.status, m.attempts, m.error_code) for m in (first, second, email)] == [
        (MessageStatus.PENDING, 1, "unavailable"),
        (MessageStatus.PENDING, 0, ""),
        (MessageStatus.SENT, 0, ""),
    ]
    assert first.last_error == "HTTP 503"


# --- mail server down: deliver and the task's retries ----------------------------------------


def test_a_transient_mail_error_is_recorded_and_raised_for_a_retry():
    message = _pending()
    with mock.patch.object(EmailMultiAlternatives, "send", side_effect=smtplib.SMTPException("421 try later")):
        with pytest.raises(smtplib.SMTPException):
            deliver(message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.error_code, message.last_error) == (
        MessageStatus.PENDING,
        1,
        "unavailable",
        "SMTPException: 421 try later",
    )
    assert message.sent_at is None


def test_the_last_allowed_attempt_marks_the_message_failed():
    message = _pending(attempts=MAX_ATTEMPTS - 1)
    with mock.patch.object(EmailMultiAlternatives, "send", side_effect=ConnectionRefusedError("refused")):
        assert deliver(message.pk) is False
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (
        MessageStatus.FAILED,
        8,
        "ConnectionRefusedError: refused",
    )


def test_a_refused_recipient_fails_at_once():
    message = _pending()
    refused = smtplib.SMTPRecipientsRefused({"li.na@example.com": (550, b"no such user")})
    with mock.patch.object(EmailMultiAlternatives, "send", side_effect=refused):
        assert deliver(message.pk) is False
    message.refresh_from_db()
    assert (message.status, message.attempts, message.error_code) == (MessageStatus.FAILED, 1, "recipient_refused")
    assert message.last_error.startswith("SMTPRecipientsRefused: ")


@pytest.fixture
def eager_retries():
    """Let an eager task retry inline, as a worker would after the countdown, instead of
    raising the Retry at the caller (the test settings propagate eager errors)."""
    conf = send_message_task.app.conf
    previous = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = previous


def test_the_task_retries_a_down_mail_server_then_gives_up(eager_retries):
    message = _pending()
    with mock.patch.object(EmailMultiAlternatives, "send", side_effect=smtplib.SMTPServerDisconnected("gone")) as send:
        result = send_message_task.delay(message.pk)
    assert result.get() is False
    assert send.call_count == MAX_ATTEMPTS
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (
        MessageStatus.FAILED,
        MAX_ATTEMPTS,
        "SMTPServerDisconnected: gone",
    )


def test_the_task_sends_once_the_mail_server_is_back(eager_retries):
    message = _pending()
    with mock.patch.object(
        EmailMultiAlternatives, "send", autospec=True, side_effect=[OSError("down"), OSError("down"), 1]
    ) as send:
        assert send_message_task.delay(message.pk).get() is True
    assert send.call_count == 3
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 2, "OSError: down")


def test_deliver_leaves_a_sent_message_alone(django_assert_num_queries):
    message = _pending(status=MessageStatus.SENT, sent_at=SENT_AT)
    # Savepoint, the locking read that finds nothing pending, release.
    with django_assert_num_queries(3):
        assert deliver(message.pk) is False
    assert mail.outbox == []
    message.refresh_from_db()
    assert message.sent_at == SENT_AT


def test_deliver_sends_a_pending_message_once(django_assert_num_queries):
    message = _pending()
    with django_assert_num_queries(4):
        assert deliver(message.pk) is True
    assert deliver(message.pk) is False
    assert len(mail.outbox) == 1


# --- SMS vendors' answers --------------------------------------------------------------------


@pytest.mark.parametrize("error", [SmsError.RATE_LIMITED, SmsError.UNAVAILABLE])
def test_a_busy_or_unreachable_vendor_is_tried_again_later(vendor, error):
    message = _pending(channel="sms")
    vendor.results = [SmsResult(sent=False, error_code=error, detail="isv.BUSINESS_LIMIT_CONTROL")]

    with pytest.raises(SmsDeferred):
        deliver(message.pk)

    message.refresh_from_db()
    assert (message.status, message.attempts, message.error_code, message.last_error) == (
        MessageStatus.PENDING,
        1,
        error,
        "isv.BUSINESS_LIMIT_CONTROL",
    )


def test_a_backend_that_raises_is_treated_as_unavailable(vendor):
    message = _pending(channel="sms")
    vendor.results = [TimeoutError("read timed out")]

    with pytest.raises(SmsDeferred):
        deliver(message.pk)

    message.refresh_from_db()
    assert (message.status, message.attempts, message.error_code, message.last_error) == (
        MessageStatus.PENDING,
        1,
        "unavailable",
        "TimeoutError: read timed out",
    )


@pytest.mark.parametrize(
    "error",
    [
        SmsError.BAD_NUMBER,
        SmsError.TEMPLATE_NOT_APPROVED,
        SmsError.SIGNATURE_NOT_APPROVED,
        SmsError.AUTH_FAILED,
        SmsError.REJECTED,
    ],
)
def test_a_permanent_vendor_error_fails_the_message_at_once(vendor, error):
    message = _pending(channel="sms")
    vendor.results = [SmsResult(sent=False, error_code=error, detail="vendor said no")]

    assert deliver(message.pk) is False

    message.refresh_from_db()
    assert (message.status, message.attempts, message.error_code, message.last_error) == (
        MessageStatus.FAILED,
        1,
        error,
        "vendor said no",
    )
    assert deliver(message.pk) is False
    assert len(vendor.sent) == 1


def test_the_task_retries_a_rate_limited_sms_then_sends_it(vendor, eager_retries):
    message = _pending(channel="sms")
    vendor.results = [
        SmsResult(sent=False, error_code=SmsError.RATE_LIMITED, detail="slow down"),
        SmsResult(sent=True, vendor_id="BIZ-1"),
    ]

    assert send_message_task.delay(message.pk).get() is True

    message.refresh_from_db()
    assert (message.status, message.attempts, message.vendor_id) == (MessageStatus.SENT, 1, "BIZ-1")
    assert len(vendor.sent) == 2


def test_the_task_gives_up_on_a_vendor_down_for_every_attempt(vendor, eager_retries):
    message = _pending(channel="sms")
    vendor.results = [SmsResult(sent=False, error_code=SmsError.UNAVAILABLE)] * MAX_ATTEMPTS

    assert send_message_task.delay(message.pk).get() is False

    message.refresh_from_db()
    assert (message.status, message.attempts, message.error_code) == (MessageStatus.FAILED, MAX_ATTEMPTS, "unavailable")


# --- codes and signed links do not stay usable in the outbox ---------------------------------


def test_redact_blanks_codes_signed_links_and_tokens_only():
    context = {
        "code": "123456",
        "survey_url": "https://s/survey/abc:sig/",
        "rate_url": "https://s/track/AS-1/#rate",
        "reset_token": "tok",
        "track_url": "https://s/track/?reference=AS-1",
        "reference": "AS-1",
        "minutes": 10,
        "feedback_url": "",
    }
    assert redact(context) == (
        {
            "code": "",
            "survey_url": "",
            "rate_url": "",
            "reset_token": "",
            "track_url": "https://s/track/?reference=AS-1",
            "reference": "AS-1",
            "minutes": 10,
            "feedback_url": "",
        },
        ["code", "rate_url", "reset_token", "survey_url"],
    )


def test_a_code_stays_while_it_may_be_retried_and_is_blanked_when_the_message_fails(vendor):
    message = send_code(phone="+8613812345678", code="654321", language="en", purpose="sign_in")
    vendor.results = [
        SmsResult(sent=False, error_code=SmsError.RATE_LIMITED),
        SmsResult(sent=False, error_code=SmsError.BAD_NUMBER),
    ]
    with pytest.raises(SmsDeferred):
        deliver(message.pk)
    message.refresh_from_db()
    assert (message.context["code"], message.redacted_keys) == ("654321", [])

    assert deliver(message.pk) is False
    message.refresh_from_db()
    assert (message.status, message.context, message.redacted_keys) == (
        MessageStatus.FAILED,
        {"code": "", "minutes": 10, "purpose": "sign_in"},
        ["code"],
    )
    assert [sms.params["code"] for sms in vendor.sent] == ["654321", "654321"]


def test_a_survey_link_is_blanked_once_the_email_is_sent():
    message = _pending(
        template="status_resolved",
        context=CANCELLED
        | {"work_done": "Fixed.", "survey_url": "https://s/survey/abc:sig/", "rate_url": "https://s/r"},
    )
    assert deliver(message.pk) is True
    assert "https://s/survey/abc:sig/" in mail.outbox[0].body
    message.refresh_from_db()
    assert (message.context["survey_url"], message.context["rate_url"], message.redacted_keys) == (
        "",
        "",
        ["rate_url", "survey_url"],
    )


# --- tasks and the beat schedule -------------------------------------------------------------


def test_tasks_are_registered_under_their_names():
    assert send_message_task.name == "notifications.send_message_task"
    assert outbox_sweep_task.name == "notifications.outbox_sweep_task"
    assert send_message_task.max_retries == MAX_ATTEMPTS
    assert send_message_task.app.conf.task_acks_late is True


def test_migrate_schedules_the_outbox_sweep_every_minute():
    task = PeriodicTask.objects.select_related("interval").get(name="Send waiting messages")
    assert (task.task, task.enabled, task.interval.every, task.interval.period) == (
        "notifications.outbox_sweep_task",
        True,
        1,
        "minutes",
    )
    assert not PeriodicTask.objects.filter(task="tickets.outbox_sweep_task").exists()


# --- PostgreSQL: two workers, one message -----------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_delivering_the_same_message_send_it_once():
    message = _pending()
    original_send = EmailMultiAlternatives.send

    def slow_send(email, *args, **kwargs):
        time.sleep(0.3)  # hold the row lock long enough for the other worker to wait on it
        return original_send(email, *args, **kwargs)

    with mock.patch.object(EmailMultiAlternatives, "send", autospec=True, side_effect=slow_send) as send:
        results = run_at_once(lambda: deliver(message.pk), lambda: deliver(message.pk), timeout=30)

    assert sorted(results) == [False, True]
    assert send.call_count == 1
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
