"""A system check that a vendor SMS backend is set up before the product starts sending.

A missing access key, signature or approved template would otherwise show only as failed
messages in the outbox, one customer at a time. ``manage.py check --deploy`` (and every
start) says which settings are missing instead.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from notifications.sms.templates import SMS_PARAMS
from notifications.sms.vendors import parse_templates, vendor_template

# The settings each vendor backend cannot send without.
REQUIRED: dict[str, tuple[str, tuple[str, ...]]] = {
    "notifications.sms.aliyun.SmsBackend": (
        "ALIYUN_SMS_TEMPLATES",
        ("ALIYUN_SMS_ACCESS_KEY_ID", "ALIYUN_SMS_ACCESS_KEY_SECRET", "ALIYUN_SMS_SIGN_NAME"),
    ),
    "notifications.sms.tencent.SmsBackend": (
        "TENCENT_SMS_TEMPLATES",
        ("TENCENT_SMS_SECRET_ID", "TENCENT_SMS_SECRET_KEY", "TENCENT_SMS_SDK_APP_ID", "TENCENT_SMS_SIGN_NAME"),
    ),
}
LANGUAGES = ("zh-hans", "en")


@checks.register()
def sms_vendor_configured(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    backend = getattr(settings, "SMS_BACKEND", "")
    if backend not in REQUIRED:
        return []
    templates_setting, names = REQUIRED[backend]
    problems: list[checks.CheckMessage] = [
        checks.Error(f"{name} is not set.", hint=f"SMS_BACKEND is {backend}.", id="notifications.E001")
        for name in names
        if not getattr(settings, name, "")
    ]
    try:
        templates = parse_templates(getattr(settings, templates_setting, ""), templates_setting)
    except ImproperlyConfigured as exc:
        return [*problems, checks.Error(str(exc), id="notifications.E002")]
    missing = sorted(
        f"{template} ({language})"
        for template in SMS_PARAMS
        for language in LANGUAGES
        if not vendor_template(templates, template, language)
    )
    if missing:
        problems.append(
            checks.Warning(
                f"{templates_setting} names no approved template for: {', '.join(missing)}.",
                hint="Those messages fail with the status 'SMS template not approved' until one is added.",
                id="notifications.W001",
            )
        )
    return problems
