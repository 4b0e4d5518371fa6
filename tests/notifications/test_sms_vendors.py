"""The Alibaba Cloud and Tencent Cloud backends, through the vendors' SDKs, against local fakes
of their HTTP APIs: what is sent, and how every kind of answer maps to the outbox's status."""

import json
import socket

import pytest

from notifications.sms import SmsError, SmsMessage
from notifications.sms.aliyun import SmsBackend as AliyunBackend
from notifications.sms.tencent import SmsBackend as TencentBackend
from tests.notifications.fake_sms_vendors import (
    FakeVendor,
    aliyun_ok,
    aliyun_refused,
    tencent_error,
    tencent_status,
)

CODE_PARAMS = {"code": "481516", "minutes": "10"}


def code_message(to: str = "+8613812345678", language: str = "zh-hans") -> SmsMessage:
    return SmsMessage(
        to=to,
        template="code",
        params=CODE_PARAMS,
        text="您的验证码是481516，10分钟内有效。",
        language=language,
        message_id=42,
    )


@pytest.fixture
def vendor():
    fake = FakeVendor()
    yield fake
    fake.stop()


def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{sock.getsockname()[1]}"


# --- Alibaba Cloud ----------------------------------------------------------------------------


def aliyun(endpoint: str, **options) -> AliyunBackend:
    return AliyunBackend(
        access_key_id="LTAI-test-id",
        access_key_secret="test-secret",
        sign_name="海尔服务",
        templates={"code": "SMS_100", "request_received": {"zh-hans": "SMS_200", "en": "SMS_201"}},
        endpoint=endpoint,
        protocol="http",
        timeout=3,
        **options,
    )


def test_aliyun_sends_the_approved_template_with_its_parameters(vendor):
    vendor.answer(200, aliyun_ok("900619746936498440^0"))

    result = aliyun(vendor.endpoint).send(code_message())

    assert (result.sent, result.vendor_id, result.error_code) == (True, "900619746936498440^0", "")
    [request] = vendor.received
    assert request.headers["x-acs-action"] == "SendSms"
    assert request.headers["x-acs-version"] == "2017-05-25"
    assert request.headers["authorization"].startswith("ACS3-HMAC-SHA256 Credential=LTAI-test-id,")
    assert request.query["PhoneNumbers"] == "13812345678"
    assert request.query["SignName"] == "海尔服务"
    assert request.query["TemplateCode"] == "SMS_100"
    assert json.loads(request.query["TemplateParam"]) == CODE_PARAMS
    assert request.query["OutId"] == "42"


def test_aliyun_picks_the_template_of_the_message_language_and_writes_international_numbers_without_plus(vendor):
    vendor.answer(200, aliyun_ok())
    message = SmsMessage(
        to="+85251234567",
        template="request_received",
        params={"reference": "AS-2026-000123", "link": "https://service.example.cn/t/1"},
        text="We received your request AS-2026-000123.",
        language="en",
    )

    assert aliyun(vendor.endpoint).send(message).sent

    [request] = vendor.received
    assert request.query["TemplateCode"] == "SMS_201"
    assert request.query["PhoneNumbers"] == "85251234567"


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (200, "isv.BUSINESS_LIMIT_CONTROL", SmsError.RATE_LIMITED),
        (200, "isv.DAY_LIMIT_CONTROL", SmsError.RATE_LIMITED),
        (200, "isv.MOBILE_NUMBER_ILLEGAL", SmsError.BAD_NUMBER),
        (200, "isv.SMS_TEMPLATE_ILLEGAL", SmsError.TEMPLATE_NOT_APPROVED),
        (200, "isv.SMS_SIGNATURE_ILLEGAL", SmsError.SIGNATURE_NOT_APPROVED),
        (200, "isv.AMOUNT_NOT_ENOUGH", SmsError.REJECTED),
        (400, "SignatureDoesNotMatch", SmsError.AUTH_FAILED),
        (404, "InvalidAccessKeyId.NotFound", SmsError.AUTH_FAILED),
        (400, "Throttling.User", SmsError.RATE_LIMITED),
        (500, "isp.SYSTEM_ERROR", SmsError.UNAVAILABLE),
    ],
)
def test_aliyun_refusals_map_to_a_clear_status(vendor, status, code, expected):
    vendor.answer(status, aliyun_refused(code, "refused for the test"))

    result = aliyun(vendor.endpoint).send(code_message())

    assert (result.sent, result.error_code) == (False, expected)
    assert result.detail.startswith(code)


def test_aliyun_outage_without_an_answer_is_unavailable(vendor):
    vendor.answer(503, None)

    result = aliyun(vendor.endpoint).send(code_message())

    assert (result.sent, result.error_code) == (False, SmsError.UNAVAILABLE)


def test_aliyun_unreachable_is_unavailable():
    result = aliyun(closed_port()).send(code_message())

    assert (result.sent, result.error_code) == (False, SmsError.UNAVAILABLE)


def test_aliyun_without_a_template_for_the_message_sends_nothing(vendor):
    vendor.answer(200, aliyun_ok())
    message = SmsMessage(to="+8613812345678", template="status_resolved", params={}, text="…", language="zh-hans")

    result = aliyun(vendor.endpoint).send(message)

    assert (result.sent, result.error_code) == (False, SmsError.TEMPLATE_NOT_APPROVED)
    assert vendor.received == []


# --- Tencent Cloud ----------------------------------------------------------------------------


def tencent(endpoint: str) -> TencentBackend:
    return TencentBackend(
        secret_id="AKID-test",
        secret_key="test-key",
        sdk_app_id="1400006666",
        sign_name="海尔服务",
        templates={"code": {"zh-hans": "1110", "en": "1111"}},
        endpoint=endpoint,
        protocol="http",
        timeout=3,
    )


def test_tencent_sends_the_approved_template_with_its_parameters_in_order(vendor):
    vendor.answer(200, tencent_status("Ok", "send success", serial="2028:f825e6b16e23f73f4123"))

    result = tencent(vendor.endpoint).send(code_message())

    assert (result.sent, result.vendor_id, result.error_code) == (True, "2028:f825e6b16e23f73f4123", "")
    [request] = vendor.received
    assert request.headers["x-tc-action"] == "SendSms"
    assert request.headers["x-tc-version"] == "2021-01-11"
    assert request.headers["x-tc-region"] == "ap-guangzhou"
    assert request.headers["authorization"].startswith("TC3-HMAC-SHA256 Credential=AKID-test/")
    body = request.json()
    assert body["PhoneNumberSet"] == ["+8613812345678"]
    assert body["SmsSdkAppId"] == "1400006666"
    assert body["SignName"] == "海尔服务"
    assert body["TemplateId"] == "1110"
    assert body["TemplateParamSet"] == ["481516", "10"]


def test_tencent_picks_the_template_of_the_message_language(vendor):
    vendor.answer(200, tencent_status("Ok", "send success"))

    assert tencent(vendor.endpoint).send(code_message(language="en")).sent

    assert vendor.received[0].json()["TemplateId"] == "1111"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("LimitExceeded.PhoneNumberThirtySecondLimit", SmsError.RATE_LIMITED),
        ("LimitExceeded.PhoneNumberDailyLimit", SmsError.RATE_LIMITED),
        ("InvalidParameterValue.IncorrectPhoneNumber", SmsError.BAD_NUMBER),
        ("FailedOperation.TemplateIncorrectOrUnapproved", SmsError.TEMPLATE_NOT_APPROVED),
        ("FailedOperation.SignatureIncorrectOrUnapproved", SmsError.SIGNATURE_NOT_APPROVED),
        ("FailedOperation.InsufficientBalanceInSmsPackage", SmsError.REJECTED),
    ],
)
def test_tencent_per_number_refusals_map_to_a_clear_status(vendor, code, expected):
    vendor.answer(200, tencent_status(code, "refused for the test"))

    result = tencent(vendor.endpoint).send(code_message())

    assert (result.sent, result.error_code) == (False, expected)
    assert result.detail.startswith(code)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("AuthFailure.SignatureFailure", SmsError.AUTH_FAILED),
        ("AuthFailure.SecretIdNotFound", SmsError.AUTH_FAILED),
        ("RequestLimitExceeded", SmsError.RATE_LIMITED),
        ("InternalError.Timeout", SmsError.UNAVAILABLE),
        ("FailedOperation.TemplateIncorrectOrUnapproved", SmsError.TEMPLATE_NOT_APPROVED),
    ],
)
def test_tencent_request_refusals_map_to_a_clear_status(vendor, code, expected):
    vendor.answer(200, tencent_error(code, "refused for the test"))

    result = tencent(vendor.endpoint).send(code_message())

    assert (result.sent, result.error_code) == (False, expected)


def test_tencent_unreachable_is_unavailable():
    result = tencent(closed_port()).send(code_message())

    assert (result.sent, result.error_code) == (False, SmsError.UNAVAILABLE)


# --- the start-up check -----------------------------------------------------------------------


def test_a_vendor_backend_without_its_keys_or_templates_is_reported(settings):
    from notifications.sms.checks import sms_vendor_configured

    settings.SMS_BACKEND = "notifications.sms.tencent.SmsBackend"
    settings.TENCENT_SMS_SECRET_ID = "AKID-test"
    settings.TENCENT_SMS_SECRET_KEY = ""
    settings.TENCENT_SMS_SDK_APP_ID = "1400006666"
    settings.TENCENT_SMS_SIGN_NAME = "海尔服务"
    settings.TENCENT_SMS_TEMPLATES = '{"code": "1110"}'

    problems = sms_vendor_configured()

    assert [(p.id, p.msg) for p in problems if p.id == "notifications.E001"] == [
        ("notifications.E001", "TENCENT_SMS_SECRET_KEY is not set.")
    ]
    [warning] = [p for p in problems if p.id == "notifications.W001"]
    assert "code (" not in warning.msg
    assert "request_received (en)" in warning.msg and "request_received (zh-hans)" in warning.msg


def test_a_fully_configured_vendor_and_the_console_backend_pass(settings):
    from notifications.sms.checks import sms_vendor_configured
    from notifications.sms.templates import SMS_PARAMS

    settings.SMS_BACKEND = "notifications.sms.aliyun.SmsBackend"
    settings.ALIYUN_SMS_ACCESS_KEY_ID = "LTAI-test-id"
    settings.ALIYUN_SMS_ACCESS_KEY_SECRET = "test-secret"
    settings.ALIYUN_SMS_SIGN_NAME = "海尔服务"
    settings.ALIYUN_SMS_TEMPLATES = json.dumps({name: f"SMS_{i}" for i, name in enumerate(SMS_PARAMS)})
    assert sms_vendor_configured() == []

    settings.SMS_BACKEND = "notifications.sms.console.SmsBackend"
    settings.ALIYUN_SMS_TEMPLATES = "not json"
    assert sms_vendor_configured() == []


def test_templates_that_are_not_a_json_object_are_an_error(settings):
    from notifications.sms.checks import sms_vendor_configured

    settings.SMS_BACKEND = "notifications.sms.aliyun.SmsBackend"
    settings.ALIYUN_SMS_TEMPLATES = "[1, 2]"

    assert "notifications.E002" in [p.id for p in sms_vendor_configured()]
