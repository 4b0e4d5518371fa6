"""``{{ "2026-12-07"|iso_date }}``: a date kept as ISO text (in JSON facts) shown in the one
date format of the reader's language (aftersales/formats)."""

import datetime as dt

from django import template
from django.utils.formats import date_format

register = template.Library()


@register.filter
def iso_date(value: str | dt.date | None) -> str:
    """The date in DATE_FORMAT; text that is not an ISO date is shown as it is."""
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    if not value:
        return ""
    try:
        return date_format(dt.date.fromisoformat(str(value)[:10]), "DATE_FORMAT")
    except ValueError:
        return str(value)
