"""The referral report's month range, checked field by field (the desk page and the API)."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sales.referrals.selectors import MAX_MONTHS, month_start, months_between

# Without a range the report shows the current month and the five before it.
DEFAULT_MONTHS = 6


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (an ``<input type="month">``), read as its first day."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return dt.datetime.strptime(value.strip(), "%Y-%m").date()
        except ValueError as exc:
            raise forms.ValidationError(_("Give the month as YYYY-MM.")) from exc


def default_range(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    last = month_start(today or timezone.localdate())
    first = last
    for _index in range(DEFAULT_MONTHS - 1):
        first = month_start(first - dt.timedelta(days=1))
    return first, last


class MonthRangeForm(forms.Form):
    month_from = MonthField(label=_("From month"), required=False)
    month_to = MonthField(label=_("To month"), required=False)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        first, last = default_range()
        first = data.get("month_from") or (first if not data.get("month_to") else data["month_to"])
        last = data.get("month_to") or (last if not data.get("month_from") else max(first, last))
        if last < first:
            self.add_error("month_to", _("Choose a month on or after the first month."))
        elif months_between(first, last) > MAX_MONTHS:
            self.add_error("month_to", _("Choose at most %(months)s months.") % {"months": MAX_MONTHS})
        data["first"], data["last"] = first, last
        return data
