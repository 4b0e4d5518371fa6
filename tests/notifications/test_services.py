"""The one write path of messages: the customer's channel, opt-out, codes, staff emails."""

import pytest
from django.core import mail
from django.db import transaction

from customers.models import Channel
from notifications import services
from notifications.models import MessageStatus, OutboundMessage
from notifications.sms import SmsMessage
from notifications.sms.locmem import outbox as sms_outbox
from tests import factories

pytestmark = pytest.mark.django_db


def customer(**fields):
    defaults = {"name": "Li Na", "phone": "+8613812345678", "email": "li.na@example.com", "preferred_language": "en"}
    return factories.CustomerFactory(**(defaults | fields))


RECEIVED = {"reference": "AS-2026-000123", "track_url": "http://127.0.0.1:8000/track/?reference=AS-2026-000123"}


@pytest.mark.parametrize(
    ("preferred", "email", "verified", "channel", "recipient"),
    [
        (Channel.SMS, "li.na@example.com", True, Channel.SMS, "+8613812345678"),
        (Channel.EMAIL, "li.na@example.com", True, Channel.EMAIL, "li.na@example.com"),
        # Only a confirmed email receives messages; otherwise the phone does.
        (Channel.EMAIL, "li.na@example.com", False, Channel.SMS, "+8613812345678"),
        (Channel.EMAIL, "", True, Channel.SMS, "+8613812345678"),
    ],
)
def test_the_customer_is_reached_on_their_preferred_channel_when_it_is_usable(
    preferred, email, verified, channel, recipient
):
    someone = customer(preferred_channel=preferred, email=email, email_verified=verified)

    message = services.notify_customer(
        customer=someone, template="request_received", context=RECEIVED, ticket_reference="AS-2026-000123"
    )

    assert (message.channel, message.recipient, message.language, message.customer, message.ticket_reference) == (
        channel,
        recipient,
        "en",
        someone,
        "AS-2026-000123",
    )


def test_a_message_is_sent_after_the_commit_on_its_channel(django_capture_on_commit_callbacks):
    someone = customer()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = services.notify_customer(customer=someone, template="request_received", context=RECEIVED)
        assert sms_outbox == []

    assert len(callbacks) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.vendor_id) == (MessageStatus.SENT, 0, "locmem-1")
    assert sms_outbox == [
        SmsMessage(
            to="+8613812345678",
            template="request_received",
            params=RECEIVED,
            text="We received your request AS-2026-000123. Track it: http://127.0.0.1:8000/track/?reference=AS-2026-000123",
            language="en",
            message_id=message.pk,
        )
    ]
    assert mail.outbox == []


def test_a_customer_who_opted_out_gets_no_reminder_but_every_essential_message(django_capture_on_commit_callbacks):
    someone = customer(optional_messages=False)
    with django_capture_on_commit_callbacks(execute=True):
        reminder = services.notify_customer(
            customer=someone,
            template="reminder_maintenance",
            context={"product": "Washer", "request_url": "http://127.0.0.1:8000/request/"},
            essential=False,
        )
        received = services.notify_customer(customer=someone, template="request_received", context=RECEIVED)

    assert reminder is None
    assert list(OutboundMessage.objects.values_list("template", "essential")) == [("request_received", True)]
    assert [sms.template for sms in sms_outbox] == ["request_received"]
    assert received is not None


def test_the_same_dedupe_key_writes_one_message(django_capture_on_commit_callbacks, django_assert_num_queries):
    someone = customer()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.notify_customer(
            customer=someone, template="request_received", context=RECEIVED, dedupe_key="k"
        )
        with django_assert_num_queries(1):  # the lookup finds it: no insert
            second = services.notify_customer(
                customer=someone, template="request_received", context=RECEIVED, dedupe_key="k"
            )

    assert first is not None and second is None
    assert OutboundMessage.objects.count() == 1
    assert len(sms_outbox) == 1


def test_a_rolled_back_change_leaves_no_message():
    someone = customer()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify_customer(customer=someone, template="request_received", context=RECEIVED)
        raise RuntimeError("the change failed")

    assert OutboundMessage.objects.count() == 0
    assert sms_outbox == []


def test_a_code_goes_by_sms_to_any_phone_and_is_blanked_once_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.send_code(phone="+8613900000000", code="123456", language="en", purpose="sign_in")

    message.refresh_from_db()
    assert (message.channel, message.recipient, message.template, message.essential, message.customer) == (
        Channel.SMS,
        "+8613900000000",
        "code",
        True,
        None,
    )
    assert sms_outbox[0].params == {"code": "123456", "minutes": "10"}
    assert sms_outbox[0].text == "Your verification code is 123456, valid for 10 minutes. Never share it with anyone."
    assert message.status == MessageStatus.SENT
    assert message.context == {"code": "", "minutes": 10, "purpose": "sign_in"}
    assert message.redacted_keys == ["code"]


def test_every_code_is_a_new_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.send_code(phone="+8613900000000", code="123456", language="zh-hans", purpose="sign_in")
        services.send_code(phone="+8613900000000", code="654321", language="zh-hans", purpose="sign_in", minutes=5)

    assert [(sms.params, sms.language) for sms in sms_outbox] == [
        ({"code": "123456", "minutes": "10"}, "zh-hans"),
        ({"code": "654321", "minutes": "5"}, "zh-hans"),
    ]


def test_staff_are_emailed_in_the_product_language(manager, django_capture_on_commit_callbacks):
    manager.email = "boss@example.com"
    manager.save()
    context = {
        "reference": "AS-2026-000123",
        "complaint": "AS-2026-000124",
        "customer_name": "Li Na",
        "score": 2,
        "comment": "Late",
        "ticket_url": "http://127.0.0.1:8000/desk/tickets/AS-2026-000123/",
        "complaint_url": "http://127.0.0.1:8000/desk/tickets/AS-2026-000124/",
    }
    with django_capture_on_commit_callbacks(execute=True):
        message = services.notify_staff(user=manager, template="manager_dissatisfied", context=context, dedupe_key="d")

    assert (message.channel, message.recipient, message.language, message.customer) == (
        Channel.EMAIL,
        "boss@example.com",
        "en",
        None,
    )
    assert [email.to for email in mail.outbox] == [["boss@example.com"]]
    assert sms_outbox == []


def test_staff_without_an_email_are_not_written_to(manager):
    manager.email = ""
    manager.save()

    assert services.notify_staff(user=manager, template="manager_dissatisfied", context={}) is None
    assert OutboundMessage.objects.count() == 0
