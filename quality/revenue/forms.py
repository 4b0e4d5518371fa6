"""The revenue page's filters: a range of months and the breakdown, each error beside its field."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from quality.revenue.months import month_range
from quality.revenue.selectors import GROUPINGS, MONTH, PROVIDER, STATION, RevenueScope

BREAKDOWNS = ((STATION, _("Station")), (PROVIDER, _("Service provider")), (MONTH, _("Month")))


def _month_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM", "pattern": r"\d{4}-\d{2}"}),
    )


class RevenueFilterForm(forms.Form):
    """``from`` and ``to`` (``YYYY-MM``, both optional: the last six months) and the breakdown
    (by station unless another is chosen). The provider is the signed-in user's, never the
    query's: a provider's managers cannot ask for anyone else's figures."""

    by = forms.ChoiceField(label=_("Break down by"), choices=BREAKDOWNS, required=False)

    def __init__(self, *args, this_month: dt.date, provider: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword: the field is added by name.
        self.fields = {"from": _month_field(_("From month")), "to": _month_field(_("To month")), **self.fields}
        self.this_month = this_month
        self.provider = provider

    def clean(self) -> dict:
        data = super().clean()
        if self.has_error("from") or self.has_error("to"):
            return data
        months, errors = month_range(data.get("from") or "", data.get("to") or "", this_month=self.this_month)
        for name, message in errors.items():
            self.add_error(name, message)
        if months:
            data["scope"] = RevenueScope(months[0], months[1], self.provider)
        data["by"] = data.get("by") or STATION
        return data

    @property
    def scope(self) -> RevenueScope:
        """The form's range when it is valid, else the last six months."""
        if self.is_valid():
            return self.cleaned_data["scope"]
        months, _errors = month_range("", "", this_month=self.this_month)
        return RevenueScope(months[0], months[1], self.provider)

    @property
    def group_by(self) -> str:
        """The breakdown asked for; with bad months, still the one chosen when it is one."""
        if self.is_valid():
            return self.cleaned_data["by"]
        asked = self.data.get("by")
        return asked if asked in GROUPINGS else STATION

    def params(self) -> dict[str, str]:
        scope = self.scope
        return {"from": scope.first.strftime("%Y-%m"), "to": scope.last.strftime("%Y-%m"), "by": self.group_by}
