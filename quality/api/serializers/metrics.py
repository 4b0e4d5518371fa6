"""The metrics API's query and answer (``GET /api/metrics/``).

The query serializer checks the parameters with an error per field; the answer serializers
describe the JSON for the OpenAPI schema. Rates are decimal strings: a fraction (``"0.035294"``
is 3.53 %) rounded to 6 places, never a float.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from quality.dashboard import slices
from quality.dashboard.figures import BREAKDOWN_KPIS
from quality.dashboard.slices import MAX_PERIOD_DAYS, Slice
from quality.metrics import Period
from quality.models import Dimension
from quality.rates import KPIS, Direction, Rate, Status
from quality.rates.ranking import Rank

DEFAULT_DAYS = 30
# Results of a breakdown per page: a model has hundreds of batches.
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
PERIOD_KINDS = ("day", "week", "month")
VALUE_PLACES = Decimal("0.000001")
THRESHOLD_PLACES = Decimal("0.0001")


def _date(help_text: str) -> serializers.DateField:
    return serializers.DateField(
        required=False,
        help_text=help_text,
        validators=[
            MinValueValidator(slices.EARLIEST_DAY, message=_("Give a date from 2000-01-01 on.")),
            MaxValueValidator(slices.LATEST_DAY, message=_("Give a date up to 2999-12-31.")),
        ],
    )


class MetricsQuerySerializer(serializers.Serializer):
    """Which days, which slice and which breakdown. Days are in the business time zone."""

    start = _date("First day (YYYY-MM-DD). Default: 29 days before `end`.")
    end = _date("Last day, included. Default: today.")
    period = serializers.ChoiceField(
        choices=PERIOD_KINDS,
        required=False,
        help_text="Instead of start and end: the day, ISO week (Monday to Sunday) or calendar month holding `date`.",
    )
    date = _date("With `period`: a day in the period. Default: today.")
    group_by = serializers.ChoiceField(
        choices=Dimension.values,
        default=Dimension.ALL,
        help_text="One result per value of this dimension, or one for the whole organisation (`all`).",
    )
    dimension = serializers.ChoiceField(
        choices=Dimension.values,
        required=False,
        help_text="Narrow to one value of this dimension (with `value`).",
    )
    value = serializers.CharField(
        required=False,
        max_length=120,
        help_text="The value to narrow to: an id (category, model, station, agent, technician, provider), a region "
        "name, `<model id>:<batch>` for a batch, or `none` for the records without one (for provider: headquarters' "
        "own work). A provider's staff may only give their own provider.",
    )

    page = serializers.IntegerField(
        required=False,
        default=1,
        min_value=1,
        max_value=1_000_000,
        help_text="With `group_by`: which page of results, counting from 1.",
    )
    page_size = serializers.IntegerField(
        required=False,
        default=DEFAULT_PAGE_SIZE,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        help_text=f"With `group_by`: results per page (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE}).",
    )

    def _period(self, attrs: dict, errors: dict) -> Period | None:
        today: dt.date = self.context["today"]
        if "period" in attrs:
            if "start" in attrs or "end" in attrs:
                errors["period"] = [_("Give start and end, or period and date, not both.")]
                return None
            day = attrs.get("date", today)
            if attrs["period"] == "day":
                return Period.day(day)
            if attrs["period"] == "week":
                return Period.week(day)
            return Period.month(day.year, day.month)
        if "date" in attrs:
            errors["date"] = [_("A date goes with period (day, week or month).")]
            return None
        end = attrs.get("end", today)
        start = attrs.get("start", end - dt.timedelta(days=DEFAULT_DAYS - 1))
        if end < start:
            errors["end"] = [_("The last day cannot be before the first day.")]
            return None
        if (end - start).days + 1 > MAX_PERIOD_DAYS:
            errors["end"] = [_("A period covers at most %(days)s days.") % {"days": MAX_PERIOD_DAYS}]
            return None
        return Period(start, end)

    def validate(self, attrs: dict) -> dict:
        errors: dict[str, list] = {}
        period = self._period(attrs, errors)
        dimension = attrs.get("dimension", Dimension.ALL)
        value = attrs.get("value", "").strip()
        if value and dimension == Dimension.ALL:
            errors["dimension"] = [_("Say which dimension the value is of.")]
        elif dimension != Dimension.ALL:
            problem = slices.value_error(dimension, value)
            if problem:
                errors["value"] = [problem]
        group_by = attrs["group_by"]
        provider = self.context.get("provider")
        if provider is not None:
            # A provider's staff read their own provider's figures, nothing of the network's.
            if group_by not in (Dimension.ALL, Dimension.PROVIDER):
                errors["group_by"] = [_("Your figures are your own provider's: group by provider, or all.")]
            if dimension not in (Dimension.ALL, Dimension.PROVIDER):
                errors["dimension"] = [_("Your figures are your own provider's: narrow to provider, or nothing.")]
            elif dimension == Dimension.PROVIDER and value and value != str(provider):
                errors["value"] = [_("You can read your own provider's figures only.")]
            dimension, value = Dimension.PROVIDER, str(provider)
        if dimension != Dimension.ALL and group_by not in (Dimension.ALL, dimension):
            errors["group_by"] = [_("Figures are kept per dimension: group by the dimension you narrow to, or by all.")]
        if errors:
            raise serializers.ValidationError(errors)
        attrs["slice"] = Slice(period, dimension, value if dimension != Dimension.ALL else "")
        return attrs


class RateSerializer(serializers.Serializer):
    numerator = serializers.IntegerField(help_text="What is counted against the rate.")
    denominator = serializers.IntegerField(help_text="What the rate is out of.")
    value = serializers.CharField(
        allow_null=True, help_text="numerator ÷ denominator as a decimal fraction (6 places); null with no data."
    )
    percent = serializers.CharField(allow_null=True, help_text="The value in per cent (2 places); null with no data.")
    threshold = serializers.CharField(help_text="The threshold as a decimal fraction (4 places): 0.1000 is 10 %.")
    direction = serializers.ChoiceField(
        choices=[item.value for item in Direction],
        help_text="Which way is good for this rate: lower_is_better or higher_is_better.",
    )
    status = serializers.ChoiceField(
        choices=[item.value for item in Status],
        help_text="`alert` when the value is past the threshold in the bad direction, `no_data` when nothing was counted.",
    )


RatesSerializer = type(
    "MetricRatesSerializer",
    (serializers.Serializer,),
    {key: RateSerializer(help_text=str(kpi.description)) for key, kpi in KPIS.items()},
)


class RankSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="The provider's place: 1 is the best; equal rates share a place.")
    of = serializers.IntegerField(help_text="How many providers are ranked on this rate (enough records to judge).")


RanksSerializer = type(
    "MetricRanksSerializer",
    (serializers.Serializer,),
    {
        key: RankSerializer(allow_null=True, help_text=f"{KPIS[key].label}: null when not ranked (too few records).")
        for key in BREAKDOWN_KPIS
    },
)


class MetricsRowSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="The dimension value (empty for the whole organisation).")
    label = serializers.CharField(help_text="What the value is called, in the request's language.")
    rates = RatesSerializer(help_text="Every rate and service KPI of the value, by its key.")
    ranks = RanksSerializer(
        allow_null=True,
        help_text="A service provider's place among the providers on each ranked rate (the best first); null for "
        "any other row, headquarters' own work included.",
    )


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First day of the period (business time zone).")
    end = serializers.DateField(help_text="Last day of the period, included.")


class FilterSerializer(serializers.Serializer):
    dimension = serializers.CharField(help_text="The dimension narrowed to.")
    value = serializers.CharField(help_text="The value of that dimension the figures are for.")


class MetricsSerializer(serializers.Serializer):
    period = PeriodSerializer(help_text="The days the figures cover.")
    group_by = serializers.ChoiceField(
        choices=Dimension.values, help_text="The dimension there is one result per value of; all: one result."
    )
    filter = FilterSerializer(allow_null=True, help_text="The slice narrowed to, or null.")
    as_of = serializers.DateTimeField(allow_null=True, help_text="When the figures were last computed.")
    count = serializers.IntegerField(help_text="How many results there are on all pages together.")
    next = serializers.URLField(allow_null=True, help_text="The next page of results, or null on the last.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page of results, or null on the first.")
    results = MetricsRowSerializer(many=True, help_text="One per value of `group_by`, by label.")


def rank_data(rank: Rank | None) -> dict | None:
    return None if rank is None else {"position": rank.position, "of": rank.of}


def rate_data(rate: Rate) -> dict:
    value = None if rate.value is None else str(rate.value.quantize(VALUE_PLACES, rounding=ROUND_HALF_UP))
    return {
        "numerator": rate.numerator,
        "denominator": rate.denominator,
        "value": value,
        "percent": None if rate.percent is None else str(rate.percent),
        "threshold": str(rate.threshold.quantize(THRESHOLD_PLACES, rounding=ROUND_HALF_UP)),
        "direction": str(rate.direction),
        "status": str(rate.status),
    }
