"""What the vendor backends share: their settings and the templates approved with the vendor.

A vendor sends only texts it approved beforehand: the organisation registers each of the
product's SMS templates (one per language, or one for both) with the vendor under its signature,
and names the vendor's template codes in settings, e.g.::

    ALIYUN_SMS_TEMPLATES='{"code": "SMS_200000001", "request_received": {"zh-hans": "SMS_2", "en": "SMS_3"}}'

The product fills the approved template with the message's parameters (``SMS_PARAMS``).
"""

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from notifications.sms.base import SmsError, SmsMessage, SmsResult


def setting(name: str, options: dict[str, Any], key: str, default: Any = "") -> Any:
    """A backend option passed in, else the setting ``name``, else ``default``."""
    if key in options:
        return options[key]
    return getattr(settings, name, default)


def parse_templates(value: str | dict | None, name: str) -> dict:
    """The vendor template table from a setting: a dict, or its JSON text (from the environment)."""
    if not value:
        return {}
    if isinstance(value, dict):
        return value
    try:
        table = json.loads(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a JSON object: {exc}") from exc
    if not isinstance(table, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object of template name to vendor template code.")
    return table


def vendor_template(templates: dict, template: str, language: str) -> str:
    """The vendor's template code for one of the product's templates in one language: the
    language's own when the table has one per language, else the template's single code; empty
    when none is configured (the message then fails as "template not approved")."""
    entry = templates.get(template)
    if isinstance(entry, dict):
        return str(entry.get(language) or entry.get("zh-hans") or "")
    return str(entry or "")


def national_number(phone: str) -> str:
    """A phone as Alibaba Cloud wants it: mainland numbers without the country code, others as
    country code and number without the plus (``+85212345678`` → ``85212345678``)."""
    digits = phone.lstrip("+")
    if phone.startswith("+86"):
        return digits[2:]
    return digits


def no_template(vendor: str, message: SmsMessage) -> SmsResult:
    """The result for a message whose template has no approved vendor template configured: it
    fails as "template not approved" without calling the vendor."""
    return SmsResult(
        sent=False,
        error_code=SmsError.TEMPLATE_NOT_APPROVED,
        detail=f"No {vendor} template is configured for {message.template} ({message.language}).",
    )
