"""The dashboard's forms: its filters, and the rate thresholds managers set.

They parse and check input, with an error next to the field at fault; quality.dashboard.figures
reads and quality.snapshots writes.
"""

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from quality.dashboard.breakdowns import DEFAULT_SORT, sort_choices
from quality.dashboard.figures import percent_of
from quality.dashboard.slices import (
    DEFAULT_PRESET,
    EARLIEST_DAY,
    LATEST_DAY,
    MAX_PERIOD_DAYS,
    Preset,
    Slice,
    preset_period,
    value_error,
)
from quality.metrics import Period
from quality.models import Dimension
from quality.rates import KPIS, Direction

HUNDRED = Decimal(100)


def _day_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[
            MinValueValidator(EARLIEST_DAY, message=_("Give a date from 2000-01-01 on.")),
            MaxValueValidator(LATEST_DAY, message=_("Give a date up to 2999-12-31.")),
        ],
    )


class DashboardFilterForm(forms.Form):
    """Which days, which slice, which breakdown and its order. Every field is optional: an
    empty form is the last 30 days for the whole organisation, broken down by station.

    For a provider's staff (``provider``), the slice is always their provider and the breakdown
    the providers' (their own row): the dimension, value and breakdown asked for are ignored, so
    no query string can reach another provider's or the network's figures."""

    range = forms.ChoiceField(label=_("Period"), choices=Preset.choices, required=False)
    start = _day_field(_("From"))
    end = _day_field(_("To"))
    dimension = forms.ChoiceField(label=_("Narrow to"), choices=Dimension.choices, required=False)
    value = forms.CharField(label=_("Value"), required=False, max_length=120)
    by = forms.ChoiceField(
        label=_("Break down by"),
        choices=[(value, label) for value, label in Dimension.choices if value != Dimension.ALL],
        required=False,
    )
    sort = forms.ChoiceField(label=_("Sort"), choices=sort_choices(), required=False)

    def __init__(self, *args, today: dt.date, provider: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.provider = provider

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        preset = data.get("range") or ""
        if not preset:
            has_dates = start or end or self.has_error("start") or self.has_error("end")
            preset = Preset.CUSTOM if has_dates else DEFAULT_PRESET
        data["range"] = preset
        if preset == Preset.CUSTOM:
            if start is None and not self.has_error("start"):
                self.add_error("start", _("Enter the first day."))
            if end is None and not self.has_error("end"):
                self.add_error("end", _("Enter the last day."))
            if start and end:
                if end < start:
                    self.add_error("end", _("The last day cannot be before the first day."))
                elif (end - start).days + 1 > MAX_PERIOD_DAYS:
                    self.add_error("end", _("A period covers at most %(days)s days.") % {"days": MAX_PERIOD_DAYS})
                else:
                    data["period"] = Period(start, end)
        elif preset:
            data["period"] = preset_period(preset, self.today)

        if self.provider is not None:
            data |= {"dimension": Dimension.PROVIDER, "value": str(self.provider), "by": Dimension.PROVIDER}
        dimension = data.get("dimension") or Dimension.ALL
        data["dimension"] = dimension
        value = (data.get("value") or "").strip() if dimension != Dimension.ALL else ""
        data["value"] = value
        # A dimension with no value yet narrows nothing: the value list is filled for it.
        if value and not self.has_error("value"):
            problem = value_error(dimension, value)
            if problem:
                self.add_error("value", problem)
        data["by"] = data.get("by") or (dimension if value else Dimension.STATION)
        data["sort"] = data.get("sort") or DEFAULT_SORT
        return data

    # --- What the views read, valid or not --------------------------------------------------

    def default_period(self) -> Period:
        return preset_period(DEFAULT_PRESET, self.today)

    @property
    def slice(self) -> Slice:
        """The slice the figures are for: the form's when it is valid, else the default (a
        provider's own, for its staff)."""
        if not self.is_valid():
            if self.provider is not None:
                return Slice(self.default_period(), Dimension.PROVIDER, str(self.provider))
            return Slice(self.default_period())
        data = self.cleaned_data
        if not data["value"]:
            return Slice(data["period"])
        return Slice(data["period"], data["dimension"], data["value"])

    @property
    def breakdown_dimension(self) -> str:
        if self.provider is not None:
            return Dimension.PROVIDER
        if self.is_valid():
            return self.cleaned_data["by"]
        return Dimension.STATION

    @property
    def sort_key(self) -> str:
        return self.cleaned_data["sort"] if self.is_valid() else DEFAULT_SORT

    def params(self) -> dict[str, str]:
        """The filters as query parameters, to carry them on every link of the page."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        params = {"range": data["range"]}
        if data["range"] == Preset.CUSTOM:
            params |= {"start": data["start"].isoformat(), "end": data["end"].isoformat()}
        if data["dimension"] != Dimension.ALL:
            params |= {"dimension": data["dimension"], "value": data["value"]}
        return params


def period_text(period: Period) -> str:
    return f"{date_format(period.start, 'DATE_FORMAT')} – {date_format(period.end, 'DATE_FORMAT')}"


OUT_OF_RANGE = _("Enter a threshold between 0 % and 100 %.")


def _between_0_and_100(percent: Decimal) -> None:
    # A plain message: Django's min/max messages are %-formatted, and this one has "%" in it.
    if not Decimal(0) <= percent <= HUNDRED:
        raise ValidationError(OUT_OF_RANGE, code="out_of_range")


class ThresholdsForm(forms.Form):
    """Every KPI's threshold, in per cent (the rates store fractions: 10 % is 0.1)."""

    def __init__(self, *args, current: dict[str, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        for key, kpi in KPIS.items():
            if kpi.direction == Direction.LOWER_IS_BETTER:
                direction = _("Alert above this. Default %(default)s %%.")
            else:
                direction = _("Alert below this. Default %(default)s %%.")
            self.fields[key] = forms.DecimalField(
                label=kpi.label,
                max_digits=5,
                decimal_places=2,
                validators=[_between_0_and_100],
                initial=percent_of(current[key]),
                help_text=direction % {"default": percent_of(kpi.default_threshold)},
                error_messages={
                    "required": OUT_OF_RANGE,
                    "max_digits": OUT_OF_RANGE,
                    "max_whole_digits": OUT_OF_RANGE,
                    "max_decimal_places": _("Use at most 2 decimal places."),
                },
                widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "100", "inputmode": "decimal"}),
            )

    def changed_thresholds(self) -> dict[str, Decimal]:
        """The KPIs whose threshold the manager changed, as fractions."""
        return {
            key: percent / HUNDRED
            for key, percent in self.cleaned_data.items()
            if key in KPIS and percent / HUNDRED != self.current[key]
        }

    def rows(self) -> list:
        return [(self[key], KPIS[key]) for key in KPIS]
