"""What the SMS vendors' error codes mean for the outbox (a pure module: no I/O, no settings).

Each vendor answers a refused message with a code of its own. The outbox needs to know three
things: try again later (the vendor or the number is rate-limited, the service is down), give up
because the number is wrong, or give up because the account is not set up to send this (template
or signature not approved, wrong credentials). Codes are matched exactly first, then by their
family prefix, so a new code in a known family is still handled sensibly.
"""

from notifications.sms.base import SmsError

# Alibaba Cloud SMS (Dysmsapi SendSms): the body's Code, or the error's code on a 4xx/5xx answer.
ALIYUN_CODES: dict[str, SmsError] = {
    "isv.BUSINESS_LIMIT_CONTROL": SmsError.RATE_LIMITED,
    "isv.DAY_LIMIT_CONTROL": SmsError.RATE_LIMITED,
    "isv.OUT_OF_SERVICE": SmsError.REJECTED,
    "isv.AMOUNT_NOT_ENOUGH": SmsError.REJECTED,
    "Throttling.User": SmsError.RATE_LIMITED,
    "Throttling.Api": SmsError.RATE_LIMITED,
    "isv.MOBILE_NUMBER_ILLEGAL": SmsError.BAD_NUMBER,
    "isv.MOBILE_COUNT_OVER_LIMIT": SmsError.BAD_NUMBER,
    "isv.BLACK_KEY_CONTROL_LIMIT": SmsError.REJECTED,
    "isv.SMS_TEMPLATE_ILLEGAL": SmsError.TEMPLATE_NOT_APPROVED,
    "isv.TEMPLATE_MISSING_PARAMETERS": SmsError.TEMPLATE_NOT_APPROVED,
    "isv.TEMPLATE_PARAMS_ILLEGAL": SmsError.TEMPLATE_NOT_APPROVED,
    "isv.SMS_SIGNATURE_ILLEGAL": SmsError.SIGNATURE_NOT_APPROVED,
    "isv.SIGN_NAME_ILLEGAL": SmsError.SIGNATURE_NOT_APPROVED,
    "isv.SMS_SIGN_ILLEGAL": SmsError.SIGNATURE_NOT_APPROVED,
    "InvalidAccessKeyId.NotFound": SmsError.AUTH_FAILED,
    "InvalidAccessKeyId.Inactive": SmsError.AUTH_FAILED,
    "SignatureDoesNotMatch": SmsError.AUTH_FAILED,
    "isv.ACCOUNT_NOT_EXISTS": SmsError.AUTH_FAILED,
    "isv.ACCOUNT_ABNORMAL": SmsError.AUTH_FAILED,
    "isp.RAM_PERMISSION_DENY": SmsError.AUTH_FAILED,
    "Forbidden.NoPermission": SmsError.AUTH_FAILED,
    "isp.SYSTEM_ERROR": SmsError.UNAVAILABLE,
    "ServiceUnavailable": SmsError.UNAVAILABLE,
    "InternalError": SmsError.UNAVAILABLE,
}
ALIYUN_PREFIXES: tuple[tuple[str, SmsError], ...] = (
    ("Throttling", SmsError.RATE_LIMITED),
    ("InvalidAccessKeyId", SmsError.AUTH_FAILED),
    ("isp.", SmsError.UNAVAILABLE),
)

# Tencent Cloud SMS (SendSms 2021-01-11): a SendStatusSet entry's Code, or the request's Error.Code.
TENCENT_CODES: dict[str, SmsError] = {
    "RequestLimitExceeded": SmsError.RATE_LIMITED,
    "InvalidParameterValue.IncorrectPhoneNumber": SmsError.BAD_NUMBER,
    "FailedOperation.PhoneNumberInBlacklist": SmsError.BAD_NUMBER,
    "FailedOperation.PhoneNumberParseFail": SmsError.BAD_NUMBER,
    "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber": SmsError.BAD_NUMBER,
    "UnsupportedOperation.UnsupportedRegion": SmsError.BAD_NUMBER,
    "FailedOperation.TemplateIncorrectOrUnapproved": SmsError.TEMPLATE_NOT_APPROVED,
    "FailedOperation.TemplateParamSetNotMatchApprovedTemplate": SmsError.TEMPLATE_NOT_APPROVED,
    "FailedOperation.MissingTemplateToModify": SmsError.TEMPLATE_NOT_APPROVED,
    "InvalidParameterValue.TemplateParameterFormatError": SmsError.TEMPLATE_NOT_APPROVED,
    "InvalidParameterValue.TemplateParameterLengthLimit": SmsError.TEMPLATE_NOT_APPROVED,
    "FailedOperation.SignatureIncorrectOrUnapproved": SmsError.SIGNATURE_NOT_APPROVED,
    "FailedOperation.InsufficientBalanceInSmsPackage": SmsError.REJECTED,
    "FailedOperation.ContainSensitiveWord": SmsError.REJECTED,
    "FailedOperation.MarketingSendTimeConstraint": SmsError.REJECTED,
    "InternalError.Timeout": SmsError.UNAVAILABLE,
    "InternalError.RequestTimeException": SmsError.UNAVAILABLE,
}
TENCENT_PREFIXES: tuple[tuple[str, SmsError], ...] = (
    ("LimitExceeded.", SmsError.RATE_LIMITED),
    ("AuthFailure", SmsError.AUTH_FAILED),
    ("UnauthorizedOperation", SmsError.AUTH_FAILED),
    ("InternalError", SmsError.UNAVAILABLE),
)


def classify(code: str, codes: dict[str, SmsError], prefixes: tuple[tuple[str, SmsError], ...]) -> SmsError:
    """The outbox's meaning of a vendor's error code: exact match, then family, else refused."""
    if code in codes:
        return codes[code]
    for prefix, error in prefixes:
        if code.startswith(prefix):
            return error
    return SmsError.REJECTED


def aliyun_error(code: str) -> SmsError:
    return classify(code, ALIYUN_CODES, ALIYUN_PREFIXES)


def tencent_error(code: str) -> SmsError:
    return classify(code, TENCENT_CODES, TENCENT_PREFIXES)
