"""Tencent Cloud SMS (短信, API version 2021-01-11) through the vendor's own SDK.

Settings: ``TENCENT_SMS_SECRET_ID``, ``TENCENT_SMS_SECRET_KEY``, ``TENCENT_SMS_SDK_APP_ID`` (the
SMS application, 1400…), ``TENCENT_SMS_SIGN_NAME`` (the approved signature), ``TENCENT_SMS_REGION``
(default ap-guangzhou), ``TENCENT_SMS_TEMPLATES`` (see ``notifications.sms.vendors``), and for tests
or a private endpoint ``TENCENT_SMS_ENDPOINT`` and ``TENCENT_SMS_PROTOCOL``. ``SMS_TIMEOUT`` bounds
each call.

Tencent fills a template's placeholders {1}, {2}… by position: the parameters go in the order the
product's template declares them (``SMS_PARAMS``). The vendor answers per number
(``SendStatusSet``) or refuses the whole request (``Error``); both map to a clear outbox status
(``notifications.sms.vendor_errors``).
"""

from typing import Any

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models, sms_client

from notifications.sms.base import BaseSmsBackend, SmsError, SmsMessage, SmsResult
from notifications.sms.templates import SMS_PARAMS
from notifications.sms.vendor_errors import tencent_error
from notifications.sms.vendors import no_template, parse_templates, setting, vendor_template

DEFAULT_ENDPOINT = "sms.tencentcloudapi.com"
# The SDK's own codes for a request that never got an answer.
NO_ANSWER_CODES = ("ClientNetworkError", "ServerNetworkError", "ClientError", "ClientParamsError")


class SmsBackend(BaseSmsBackend):
    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.app_id = str(setting("TENCENT_SMS_SDK_APP_ID", options, "sdk_app_id"))
        self.sign_name = setting("TENCENT_SMS_SIGN_NAME", options, "sign_name")
        self.templates = parse_templates(
            setting("TENCENT_SMS_TEMPLATES", options, "templates", {}), "TENCENT_SMS_TEMPLATES"
        )
        http_profile = HttpProfile(
            endpoint=setting("TENCENT_SMS_ENDPOINT", options, "endpoint", DEFAULT_ENDPOINT) or DEFAULT_ENDPOINT,
            protocol=setting("TENCENT_SMS_PROTOCOL", options, "protocol", "https") or "https",
            reqTimeout=int(setting("SMS_TIMEOUT", options, "timeout", 10)),
        )
        self.client = sms_client.SmsClient(
            credential.Credential(
                setting("TENCENT_SMS_SECRET_ID", options, "secret_id"),
                setting("TENCENT_SMS_SECRET_KEY", options, "secret_key"),
            ),
            setting("TENCENT_SMS_REGION", options, "region", "ap-guangzhou") or "ap-guangzhou",
            ClientProfile(httpProfile=http_profile),
        )

    def send(self, message: SmsMessage) -> SmsResult:
        template_id = vendor_template(self.templates, message.template, message.language)
        if not template_id:
            return no_template("Tencent Cloud", message)
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [message.to]
        request.SmsSdkAppId = self.app_id
        request.SignName = self.sign_name
        request.TemplateId = template_id
        request.TemplateParamSet = [message.params.get(name, "") for name in SMS_PARAMS.get(message.template, ())]
        request.SessionContext = str(message.message_id or "")
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as exc:
            code = exc.get_code() or ""
            error = SmsError.UNAVAILABLE if code in NO_ANSWER_CODES else tencent_error(code)
            return SmsResult(sent=False, error_code=error, detail=f"{code}: {exc.get_message()}"[:500])
        except OSError as exc:
            return SmsResult(sent=False, error_code=SmsError.UNAVAILABLE, detail=f"{type(exc).__name__}: {exc}"[:500])
        statuses = response.SendStatusSet or []
        if not statuses:
            return SmsResult(sent=False, error_code=SmsError.UNAVAILABLE, detail="The answer named no number.")
        status = statuses[0]
        if status.Code == "Ok":
            return SmsResult(sent=True, vendor_id=status.SerialNo or "")
        return SmsResult(
            sent=False, error_code=tencent_error(status.Code or ""), detail=f"{status.Code}: {status.Message}"[:500]
        )
