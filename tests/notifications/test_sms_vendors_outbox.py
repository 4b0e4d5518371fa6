"""A one-time code through the outbox, the real vendor SDKs and local fakes of their APIs: what
each answer leaves in the outbox (the admin's view of it)."""

import pytest

from notifications.delivery import SmsDeferred, deliver
from notifications.models import MessageStatus, OutboundMessage
from notifications.services import send_code
from tests.notifications.fake_sms_vendors import FakeVendor, aliyun_ok, aliyun_refused, tencent_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def vendor():
    fake = FakeVendor()
    yield fake
    fake.stop()


@pytest.fixture
def aliyun(settings, vendor):
    settings.SMS_BACKEND = "notifications.sms.aliyun.SmsBackend"
    settings.ALIYUN_SMS_ACCESS_KEY_ID = "LTAI-test-id"
    settings.ALIYUN_SMS_ACCESS_KEY_SECRET = "test-secret"
    settings.ALIYUN_SMS_SIGN_NAME = "海尔服务"
    settings.ALIYUN_SMS_TEMPLATES = '{"code": {"zh-hans": "SMS_100", "en": "SMS_101"}}'
    settings.ALIYUN_SMS_ENDPOINT = vendor.endpoint
    settings.ALIYUN_SMS_PROTOCOL = "http"
    return vendor


@pytest.fixture
def tencent(settings, vendor):
    settings.SMS_BACKEND = "notifications.sms.tencent.SmsBackend"
    settings.TENCENT_SMS_SECRET_ID = "AKID-test"
    settings.TENCENT_SMS_SECRET_KEY = "test-key"
    settings.TENCENT_SMS_SDK_APP_ID = "1400006666"
    settings.TENCENT_SMS_SIGN_NAME = "海尔服务"
    settings.TENCENT_SMS_TEMPLATES = '{"code": "1110"}'
    settings.TENCENT_SMS_ENDPOINT = vendor.endpoint
    settings.TENCENT_SMS_PROTOCOL = "http"
    return vendor


def _code(django_capture_on_commit_callbacks, language="zh-hans") -> OutboundMessage:
    with django_capture_on_commit_callbacks(execute=False):
        message = send_code(phone="+8613812345678", code="481516", language=language, purpose="sign_in")
    return message


def test_a_code_sent_through_alibaba_cloud_is_marked_sent_with_the_vendors_id(
    aliyun, django_capture_on_commit_callbacks
):
    aliyun.answer(200, aliyun_ok("900619746936498440^0"))
    message = _code(django_capture_on_commit_callbacks)

    assert deliver(message.pk) is True

    message.refresh_from_db()
    assert (message.status, message.vendor_id, message.error_code) == (MessageStatus.SENT, "900619746936498440^0", "")
    [request] = aliyun.received
    assert request.query["TemplateCode"] == "SMS_100"
    assert request.query["PhoneNumbers"] == "13812345678"
    assert '"481516"' in request.query["TemplateParam"]
    assert "481516" not in str(message.context), "the code is blanked once sent"


def test_a_bad_number_fails_the_message_at_once_with_a_clear_status(aliyun, django_capture_on_commit_callbacks):
    aliyun.answer(200, aliyun_refused("isv.MOBILE_NUMBER_ILLEGAL", "invalid mobile number"))
    message = _code(django_capture_on_commit_callbacks)

    assert deliver(message.pk) is False

    message.refresh_from_db()
    assert (message.status, message.error_code, message.attempts) == (MessageStatus.FAILED, "bad_number", 1)
    assert message.last_error.startswith("isv.MOBILE_NUMBER_ILLEGAL")


def test_a_template_the_vendor_has_not_approved_fails_the_message(tencent, django_capture_on_commit_callbacks):
    tencent.answer(200, tencent_status("FailedOperation.TemplateIncorrectOrUnapproved", "template not approved"))
    message = _code(django_capture_on_commit_callbacks)

    assert deliver(message.pk) is False

    message.refresh_from_db()
    assert (message.status, message.error_code) == (MessageStatus.FAILED, "template_not_approved")


def test_a_rate_limited_message_waits_for_another_try_then_goes(tencent, django_capture_on_commit_callbacks):
    tencent.answer(200, tencent_status("LimitExceeded.PhoneNumberThirtySecondLimit", "30 s limit"))
    message = _code(django_capture_on_commit_callbacks)

    with pytest.raises(SmsDeferred):
        deliver(message.pk)

    message.refresh_from_db()
    assert (message.status, message.error_code, message.attempts) == (MessageStatus.PENDING, "rate_limited", 1)
    assert message.context["code"] == "481516", "kept while the message may still be sent"

    tencent.answer(200, tencent_status("Ok", "send success", serial="2028:f825e6b16e23f73f4123"))
    assert deliver(message.pk) is True
    message.refresh_from_db()
    assert (message.status, message.vendor_id) == (MessageStatus.SENT, "2028:f825e6b16e23f73f4123")
    assert [r.json()["TemplateParamSet"] for r in tencent.received] == [["481516", "10"], ["481516", "10"]]
