"""Every SMS text fits two segments in both languages; every link follows SITE_URL."""

import datetime as dt
import io
import json
import math
import re

import gsm0338  # noqa: F401 - registers the "gsm03.38" codec
import pytest
from django.core import mail
from django.urls import reverse

from notifications.backends import ConsoleEmailBackend
from notifications.rendering import render_sms, sms_params
from notifications.sms import SmsMessage, get_sms_backend
from notifications.sms.locmem import outbox as sms_outbox
from notifications.sms.templates import SMS_PARAMS
from tests.factories import CustomerFactory, TicketFactory
from tickets.messages import notify_request_received

# The longest values the product realistically puts in a message: a public address on a long
# domain, a reference of the business year, a Chinese model name, a signed survey link.
SITE = "https://service.example.com.cn"
REFERENCE = "AS-2026-123456"
SURVEY_TOKEN = "eyJ2aXNpdCI6MTIzNDU2fQ:1w2xYz:" + "A" * 43
CONTEXT = {
    "code": "123456",
    "minutes": 10,
    "reference": REFERENCE,
    "track_url": f"{SITE}/track/?reference={REFERENCE}",
    "appointment_start": "2026-12-28T05:00:00Z",
    "appointment_end": "2026-12-28T09:00:00Z",
    "survey_url": f"{SITE}/survey/{SURVEY_TOKEN}/",
    "rate_url": f"{SITE}/track/{REFERENCE}/#rate",
    "product": "Front-loading washer 10 kg",
    "request_url": f"{SITE}/request/",
    "account_url": f"{SITE}/account/",
    "warranty_end": "2026-12-31",
    "ends_on": "2026-12-31",
    "visit_url": f"{SITE}/v/0f8fad5b-d9cb-469f-a165-70867728950e/",
    "report_url": f"{SITE}/v/r/0b6f3c1e-7d2a-4c5b-9e8f-1a2b3c4d5e6f/",
    "referral_code": "7KQ2MX9P",
}
CHINESE_PRODUCT = "滚筒洗衣机十公斤变频款"


def segments(text: str) -> int:
    """How many SMS segments ``text`` takes: GSM-7 (160 septets, 153 per part) when every
    character is in the GSM alphabet, UCS-2 otherwise (70 characters, 67 per part)."""
    try:
        septets = len(text.encode("gsm03.38"))
    except UnicodeEncodeError:
        units = len(text.encode("utf-16-le")) // 2
        return 1 if units <= 70 else math.ceil(units / 67)
    return 1 if septets <= 160 else math.ceil(septets / 153)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),
        ("中" * 70, 1),
        ("中" * 71, 2),
        ("中" * 134, 2),
        ("中" * 135, 3),
    ],
)
def test_segments_are_counted_as_phones_count_them(text, expected):
    assert segments(text) == expected


@pytest.mark.parametrize("template", sorted(SMS_PARAMS))
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_sms_fits_two_segments_with_long_realistic_values(template, language):
    context = CONTEXT | ({"product": CHINESE_PRODUCT} if language == "zh-hans" else {})
    params = sms_params(template, context, language)
    text = render_sms(template, params, language)

    assert list(params) == list(SMS_PARAMS[template])
    assert all(isinstance(value, str) and value for value in params.values()), params
    # Every parameter is in the text (vendors fill their approved templates with them).
    assert all(value in text for value in params.values()), (params, text)
    assert segments(text) <= 2, (len(text), text)
    if language == "en":
        # English texts stay in the GSM alphabet: one Unicode character would halve their length.
        text.encode("gsm03.38")
    else:
        # Really in Chinese (the catalogue has the text): around the parameters, no English word.
        words = text
        for value in sorted(params.values(), key=len, reverse=True):
            words = words.replace(value, "")
        assert re.search("[\u4e00-\u9fff]", words) and not re.search("[A-Za-z]", words), text


@pytest.mark.django_db
def test_links_in_sms_and_email_follow_the_public_base_url(settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "http://127.0.0.1:9123"
    by_sms = TicketFactory(customer=CustomerFactory(preferred_language="en"))
    by_email = TicketFactory(
        customer=CustomerFactory(preferred_language="en", email_verified=True, preferred_channel="email")
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify_request_received(by_sms)
        notify_request_received(by_email)

    track = "http://127.0.0.1:9123" + reverse("portal:track")
    assert sms_outbox[0].params["track_url"] == f"{track}?reference={by_sms.reference}"
    assert f"{track}?reference={by_sms.reference}" in sms_outbox[0].text
    body, html = mail.outbox[0].body, mail.outbox[0].alternatives[0][0]
    assert f"{track}?reference={by_email.reference}" in body
    assert f'href="{track}?reference={by_email.reference}"' in html
    # No other host or port anywhere.
    links = re.findall(r"https?://[^\s\"'<>]+", sms_outbox[0].text + body + html)
    assert links and all(link.startswith("http://127.0.0.1:9123/") for link in links), links


# --- console, file and locmem backends: one line per message -----------------------------------

CODE = SmsMessage(
    to="+8613812345678",
    template="code",
    params={"code": "123456", "minutes": "10"},
    text="您的验证码是123456，\n10分钟内有效，请勿告诉他人。",
    language="zh-hans",
    message_id=7,
)


def test_the_console_sms_backend_prints_one_line_with_the_code():
    stream = io.StringIO()
    result = get_sms_backend("notifications.sms.console.SmsBackend", stream=stream).send(CODE)
    assert stream.getvalue() == "SMS to +86 138 1234 5678 [code] 您的验证码是123456， 10分钟内有效，请勿告诉他人。\n"
    assert (result.sent, result.vendor_id) == (True, "console-7")


def test_the_file_sms_backend_appends_one_json_line_per_message(tmp_path, settings):
    settings.SMS_FILE_PATH = str(tmp_path / "sms" / "messages.jsonl")
    backend = get_sms_backend("notifications.sms.filebased.SmsBackend")
    backend.send(CODE)
    backend.send(CODE)
    lines = (tmp_path / "sms" / "messages.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    entry = json.loads(lines[0])
    assert {key: entry[key] for key in ("to", "template", "params", "text", "language", "message_id")} == {
        "to": "+8613812345678",
        "template": "code",
        "params": {"code": "123456", "minutes": "10"},
        "text": CODE.text,
        "language": "zh-hans",
        "message_id": 7,
    }
    assert dt.datetime.fromisoformat(entry["at"]).tzinfo is not None
    assert "123456" in lines[0]  # readable as is: not escaped


def test_the_locmem_backend_keeps_each_message_for_the_test():
    get_sms_backend().send(CODE)
    assert sms_outbox == [CODE]


def test_the_console_email_backend_prints_one_line_per_email():
    stream = io.StringIO()
    email = mail.EmailMultiAlternatives(
        "We have received your request AS-2026-000042",
        "Dear Li Na,\n\nWe have received your request.\n" + "More text. " * 40,
        "service@example.com",
        ["li.na@example.com"],
    )
    email.attach_alternative("<p>html</p>", "text/html")
    assert ConsoleEmailBackend(stream=stream).send_messages([email]) == 1
    (line,) = stream.getvalue().splitlines()
    assert line.startswith(
        "Email to li.na@example.com «We have received your request AS-2026-000042» "
        "Dear Li Na, We have received your request. More text."
    )
    assert line.endswith("…") and len(line) < 260
    assert "<p>" not in line


def test_the_default_email_backend_is_the_one_line_console(monkeypatch):
    import importlib

    from aftersales import settings as product_settings

    monkeypatch.delenv("EMAIL_BACKEND", raising=False)
    assert importlib.reload(product_settings).EMAIL_BACKEND == "notifications.backends.ConsoleEmailBackend"
    assert product_settings.SMS_BACKEND == "notifications.sms.console.SmsBackend"
