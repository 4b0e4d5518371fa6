"""The query filters every API list shares: an object id and a date-time. A value the database
could not take is the parameter's 400 in the one error shape, never a 500 and never an empty list
that looks like an answer."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

# The largest id a 64-bit primary key holds: a larger number overflows the database's integer.
MAX_ID = 2**63 - 1
# PostgreSQL refuses a UTC offset of 16 hours or more ("time zone displacement out of range");
# every offset in use on Earth lies between -12:00 and +14:00.
MAX_UTC_OFFSET = dt.timedelta(hours=15, minutes=59)


class IdFilter(filters.NumberFilter):
    """An object id: a whole number from 1 to MAX_ID, matched without looking the object up (so a
    filter never tells whether an object the caller may not see exists)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
        # The schema says integer (a NumberFilter alone reads as any number), with this filter's help.
        extend_schema_field(
            {"type": "integer", "minimum": 1, "maximum": MAX_ID, "description": self.extra.get("help_text", "")}
        )(self)


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, handed on in UTC, where the database compares. One whose offset lies
    beyond ±15:59, or that falls outside years 1 to 9999 in UTC (0001-01-01T00:00+08:00), is
    refused with the parameter's error."""

    default_error_messages = {
        "offset": _("Give a UTC offset from -15:59 to +15:59."),
    }

    def to_python(self, value: object) -> dt.datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        offset = parsed.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise forms.ValidationError(self.error_messages["offset"], code="offset")
        try:
            return parsed.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class DateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 date-time that exists in UTC too; one that does not is the parameter's 400."""

    field_class = UtcDateTimeField
