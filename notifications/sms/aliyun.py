"""Alibaba Cloud SMS (短信服务, Dysmsapi) through the vendor's own SDK.

Settings: ``ALIYUN_SMS_ACCESS_KEY_ID``, ``ALIYUN_SMS_ACCESS_KEY_SECRET``, ``ALIYUN_SMS_SIGN_NAME``
(the approved signature, e.g. 【海尔服务】 without brackets), ``ALIYUN_SMS_TEMPLATES`` (see
``notifications.sms.vendors``), and for tests or a private endpoint ``ALIYUN_SMS_ENDPOINT`` and
``ALIYUN_SMS_PROTOCOL``. ``SMS_TIMEOUT`` bounds each call, so a slow vendor never holds the
outbox row's lock for long.

The vendor's answer decides what the outbox does (``notifications.sms.vendor_errors``): a rate
limit or an outage is retried later; a bad number, an unapproved template or signature and
wrong credentials fail the message at once with a clear status.
"""

import json
import logging
from typing import Any

from alibabacloud_dysmsapi20170525 import models as sms_models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi import models as openapi_models
from alibabacloud_tea_util import models as util_models
from Tea.exceptions import TeaException

from notifications.sms.base import BaseSmsBackend, SmsError, SmsMessage, SmsResult
from notifications.sms.vendor_errors import aliyun_error
from notifications.sms.vendors import national_number, no_template, parse_templates, setting, vendor_template

logger = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "dysmsapi.aliyuncs.com"


class SmsBackend(BaseSmsBackend):
    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.sign_name = setting("ALIYUN_SMS_SIGN_NAME", options, "sign_name")
        self.templates = parse_templates(
            setting("ALIYUN_SMS_TEMPLATES", options, "templates", {}), "ALIYUN_SMS_TEMPLATES"
        )
        timeout_ms = int(setting("SMS_TIMEOUT", options, "timeout", 10)) * 1000
        self.runtime = util_models.RuntimeOptions(
            connect_timeout=timeout_ms, read_timeout=timeout_ms, autoretry=False, max_attempts=1
        )
        self.client = Client(
            openapi_models.Config(
                access_key_id=setting("ALIYUN_SMS_ACCESS_KEY_ID", options, "access_key_id"),
                access_key_secret=setting("ALIYUN_SMS_ACCESS_KEY_SECRET", options, "access_key_secret"),
                endpoint=setting("ALIYUN_SMS_ENDPOINT", options, "endpoint", DEFAULT_ENDPOINT) or DEFAULT_ENDPOINT,
                protocol=setting("ALIYUN_SMS_PROTOCOL", options, "protocol", "https") or "https",
            )
        )

    def send(self, message: SmsMessage) -> SmsResult:
        template_code = vendor_template(self.templates, message.template, message.language)
        if not template_code:
            return no_template("Alibaba Cloud", message)
        request = sms_models.SendSmsRequest(
            phone_numbers=national_number(message.to),
            sign_name=self.sign_name,
            template_code=template_code,
            template_param=json.dumps(message.params, ensure_ascii=False),
            out_id=str(message.message_id or ""),
        )
        try:
            response = self.client.send_sms_with_options(request, self.runtime)
        except TeaException as exc:
            # A 4xx/5xx answer carries the vendor's code; a failed connection carries none.
            code = str(getattr(exc, "code", "") or "")
            if not code or code.isdigit():
                return SmsResult(sent=False, error_code=SmsError.UNAVAILABLE, detail=f"{exc}"[:500])
            return SmsResult(sent=False, error_code=aliyun_error(code), detail=f"{code}: {exc.message}"[:500])
        except OSError as exc:
            return SmsResult(sent=False, error_code=SmsError.UNAVAILABLE, detail=f"{type(exc).__name__}: {exc}"[:500])
        body = response.body
        if body.code == "OK":
            return SmsResult(sent=True, vendor_id=body.biz_id or "")
        return SmsResult(
            sent=False, error_code=aliyun_error(body.code or ""), detail=f"{body.code}: {body.message}"[:500]
        )
