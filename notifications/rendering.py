"""Turning an outbox row into the text that is sent, in the message's language.

Emails: ``templates/emails/<template>.subject.txt``, ``.txt`` and ``.html``, from the stored
context. SMS: ``templates/notifications/sms/<template>.txt``, from the template's declared
parameters only (``notifications.sms.templates.SMS_PARAMS``), so the text shown on the console
is the text a vendor's approved template gives with the same parameters.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from aftersales.organisation import organisation_name
from notifications.models import OutboundMessage
from notifications.sms.templates import SMS_PARAMS

# Context values stored as ISO text (JSON has no dates) and turned back into datetimes, so
# templates format them in the message's language and the business time zone.
DATETIME_KEYS = ("received_at", "appointment_start", "appointment_end", "previous_start")


def template_context(context: dict[str, Any]) -> dict[str, Any]:
    """The stored context with its datetimes read back."""
    context = dict(context)
    for key in DATETIME_KEYS:
        if isinstance(context.get(key), str):
            context[key] = parse_datetime(context[key])
    return context


def render_email(message: OutboundMessage) -> tuple[str, str, str]:
    """The subject, plain text and HTML of an email, in the message's language, signed with the
    organisation's name in that language."""
    context = template_context(message.context) | {"organisation": organisation_name(message.language)}
    with translation.override(message.language):
        subject = render_to_string(f"emails/{message.template}.subject.txt", context)
        text = render_to_string(f"emails/{message.template}.txt", context)
        html = render_to_string(f"emails/{message.template}.html", context)
    return " ".join(subject.split()), text, html


def _appointment(context: dict[str, Any]) -> str:
    start, end = context.get("appointment_start"), context.get("appointment_end")
    if not isinstance(start, dt.datetime):
        return _("to be agreed by phone")
    text = date_format(timezone.localtime(start), "SHORT_DATETIME_FORMAT")
    if isinstance(end, dt.datetime):
        # A hyphen, not a dash: a dash would make an English SMS Unicode and halve its length.
        text += "-" + time_format(timezone.localtime(end), "H:i")
    return text


def _day(key: str) -> Callable[[dict[str, Any]], str]:
    """A day stored as ISO text, written in the message's language."""

    def derive(context: dict[str, Any]) -> str:
        value = context.get(key) or ""
        day = parse_date(value) if isinstance(value, str) and value else None
        return date_format(day, "SHORT_DATE_FORMAT") if day else str(value)

    return derive


def _feedback_url(context: dict[str, Any]) -> str:
    return context.get("survey_url") or context.get("rate_url") or context.get("track_url") or ""


# Parameters computed from the context rather than copied from it.
DERIVED_PARAMS: dict[str, Callable[[dict[str, Any]], str]] = {
    "appointment": _appointment,
    "warranty_end": _day("warranty_end"),
    "ends_on": _day("ends_on"),
    "feedback_url": _feedback_url,
}


def sms_params(template: str, context: dict[str, Any], language: str) -> dict[str, str]:
    """The declared parameters of an SMS template, every value a str, in ``language``."""
    context = template_context(context)
    params: dict[str, str] = {}
    with translation.override(language):
        for name in SMS_PARAMS[template]:
            derive = DERIVED_PARAMS.get(name)
            value = derive(context) if derive else context.get(name, "")
            params[name] = "" if value is None else str(value)
    return params


def render_sms(template: str, params: dict[str, str], language: str) -> str:
    """The SMS text, on one line, from the template's parameters alone."""
    with translation.override(language):
        text = render_to_string(f"notifications/sms/{template}.txt", params)
    return " ".join(text.split())
