"""The metrics API's query and answer (``GET /api/metrics/``).

The query serializer checks the parameters with an error per field; the answer serializers
describe the JSON for the OpenAPI schema. Rates are decimal strings: a fraction (``"0.035294"``
is 3.53 %) rounded to 6 places, never a float.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.models import ProductModel
from followups.choices import CallbackStatus
from quality.dashboard import figures as dashboard
from quality.dashboard.figures import MAX_PERIOD_DAYS, Slice
from quality.metrics import Period
from quality.models import AlertKind, Dimension, QualityAlert, RecallCampaign
from quality.rates import KPIS, Direction, Rate, Status
from quality.recalls import selectors as recall_selectors
from tickets.api.links import CustomerLinkSerializer, ModelLinkSerializer, StaffLinkSerializer
from tickets.choices import Status as TicketStatus

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
            MinValueValidator(dashboard.EARLIEST_DAY, message=_("Give a date from 2000-01-01 on.")),
            MaxValueValidator(dashboard.LATEST_DAY, message=_("Give a date up to 2999-12-31.")),
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
        help_text="The value to narrow to: an id (category, model, station, agent, technician), a region name, or "
        "`<model id>:<batch>` for a batch.",
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
            problem = dashboard.value_error(dimension, value)
            if problem:
                errors["value"] = [problem]
        group_by = attrs["group_by"]
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


class MetricsRowSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="The dimension value (empty for the whole organisation).")
    label = serializers.CharField(help_text="What the value is called, in the request's language.")
    rates = RatesSerializer(help_text="Every rate and service KPI of the value, by its key.")


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


class RecallProgressSerializer(serializers.Serializer):
    units = serializers.IntegerField(help_text="Units the recall covers (opened so far, in a list).")
    units_opened = serializers.IntegerField(help_text="Units whose ticket and callback are opened.")
    pending = serializers.IntegerField(
        allow_null=True, help_text="Units still to open; null in a list while the campaign is still opening."
    )
    tickets_open = serializers.IntegerField(help_text="Units whose recall ticket still needs work.")
    tickets_resolved = serializers.IntegerField(
        help_text="Units whose recall ticket is resolved or verified (fixed, not yet closed)."
    )
    tickets_closed = serializers.IntegerField(help_text="Units whose recall ticket is closed.")
    tickets_cancelled = serializers.IntegerField(
        help_text="Units whose recall ticket was cancelled or merged into another."
    )
    callbacks_due = serializers.IntegerField(help_text="Units whose recall callback is still to make.")
    callbacks_done = serializers.IntegerField(help_text="Units whose owner was reached on the recall callback.")
    callbacks_unreachable = serializers.IntegerField(
        help_text="Units whose owner could not be reached on the recall callback."
    )
    done = serializers.IntegerField(help_text="Units fixed (resolved or closed) or whose ticket was cancelled.")
    percent_done = serializers.IntegerField(help_text="Rounded down: 100 means every unit is done.")


class RecallSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the recall campaign.")
    title = serializers.CharField(help_text="The campaign's title.")
    model = ModelLinkSerializer(help_text="The product model recalled.")
    batch = serializers.CharField(help_text="The production batch recalled; empty: every batch.")
    serial_from = serializers.CharField(help_text="First serial recalled (included); empty: no lower bound.")
    serial_to = serializers.CharField(help_text="Last serial recalled (included); empty: no upper bound.")
    reason = serializers.CharField(help_text="What is wrong and what will be done, as the owners read it.")
    alert = serializers.IntegerField(source="alert_id", allow_null=True, help_text="The batch alert it answers.")
    started_by = StaffLinkSerializer(help_text="The manager or administrator who started the campaign.")
    started_at = serializers.DateTimeField(help_text="When the campaign was started.")
    opened_at = serializers.DateTimeField(
        allow_null=True, help_text="When every unit had its ticket; null while they are being opened."
    )
    progress = serializers.SerializerMethodField(
        help_text="Where the campaign stands: its units, their tickets by status and their callbacks by outcome."
    )

    @extend_schema_field(RecallProgressSerializer)
    def get_progress(self, campaign: RecallCampaign) -> dict:
        """``context["pending"]`` is the count of units still to open, counted for one campaign's
        page; a list does not count it (it would cost a query per row): an opened campaign has
        none, one still opening shows null."""
        pending = self.context.get("pending")
        if pending is None and campaign.opened_at is not None:
            pending = 0
        progress = recall_selectors.progress_of(campaign, pending=pending or 0)
        return {**RecallProgressSerializer(progress).data, "pending": pending}


class RecallInputSerializer(serializers.Serializer):
    model = serializers.PrimaryKeyRelatedField(
        queryset=ProductModel.objects.all(),
        help_text="Id of the model to recall.",
        error_messages={
            "required": _("Choose the model to recall."),
            "does_not_exist": _("Choose the model to recall."),
            "incorrect_type": _("Choose the model to recall."),
            "null": _("Choose the model to recall."),
        },
    )
    batch = serializers.CharField(max_length=40, required=False, allow_blank=True, help_text="Default: every batch.")
    serial_from = serializers.CharField(
        max_length=64, required=False, allow_blank=True, help_text="First serial to recall. Default: no lower bound."
    )
    serial_to = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text="Both ends are included; serials compare as text, character by character.",
    )
    title = serializers.CharField(
        max_length=200,
        help_text="A short title for the campaign.",
        error_messages={"required": _("Give the recall a title.")},
    )
    reason = serializers.CharField(
        help_text="What is wrong and what will be done; the owners read it in their email.",
        error_messages={"required": _("Say why the units are recalled and what will be done.")},
    )
    alert = serializers.PrimaryKeyRelatedField(
        queryset=QualityAlert.objects.filter(kind=AlertKind.BATCH),
        required=False,
        allow_null=True,
        help_text="Id of the batch alert this recall answers.",
    )
    request_key = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text="A one-time key of your choosing: sending the same request again starts one recall.",
    )


class RecallUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the unit's row in the campaign (the order it was opened in).")
    unit = serializers.SerializerMethodField(help_text="The recalled product unit.")
    owner = CustomerLinkSerializer(source="unit.owner", help_text="The unit's owner, who gets the ticket and the call.")
    ticket = serializers.SerializerMethodField(help_text="The recall ticket opened for the unit.")
    callback = serializers.SerializerMethodField(
        help_text="The recall callback opened for the unit; null when there is none."
    )

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer", "description": "Id of the product unit: its id in /api/units/."},
                "serial": {"type": "string", "description": "The unit's serial number."},
                "batch": {"type": "string", "description": "The unit's production batch; empty when not recorded."},
            },
            "required": ["id", "serial", "batch"],
        }
    )
    def get_unit(self, row) -> dict:
        return {"id": row.unit_id, "serial": row.unit.serial, "batch": row.unit.batch}

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer", "description": "Internal id of the ticket."},
                "reference": {"type": "string", "description": "The ticket's reference: its id in /api/tickets/."},
                "status": {"type": "string", "enum": TicketStatus.values, "description": "The ticket's status."},
            },
            "required": ["id", "reference", "status"],
        }
    )
    def get_ticket(self, row) -> dict:
        return {"id": row.ticket_id, "reference": row.ticket.reference, "status": row.ticket.status}

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "id": {"type": "integer", "description": "Id of the callback visit: its id in /api/callbacks/."},
                "status": {"type": "string", "enum": CallbackStatus.values, "description": "The callback's status."},
            },
            "required": ["id", "status"],
        }
    )
    def get_callback(self, row) -> dict | None:
        if row.callback_id is None:
            return None
        return {"id": row.callback_id, "status": row.callback.status}


class AlertSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the alert (a recall's `alert`, for a batch alert).")
    kind = serializers.ChoiceField(
        choices=AlertKind.choices,
        help_text="rate: a controlled rate past its threshold; batch: a production batch failing far more often "
        "than the rest of its model.",
    )
    kpi = serializers.ChoiceField(
        choices=[("", "—"), *[(kpi.key, kpi.label) for kpi in KPIS.values()]],
        help_text="The rate past its threshold (complaint_rate, omission_rate or dissatisfaction_rate); empty for "
        "a batch alert.",
    )
    dimension = serializers.ChoiceField(
        choices=Dimension.choices, help_text="The breakdown the alert is about; all for the whole organisation."
    )
    value = serializers.CharField(
        help_text="The dimension value: an id (category, model, station, agent, technician), a region name, "
        "`<model id>:<batch>` for a batch; empty for the whole organisation."
    )
    label = serializers.CharField(
        help_text="What the value is called (a batch alert: the model code); empty for the whole organisation."
    )
    numerator = serializers.IntegerField(
        help_text="What was counted against the rate; a batch alert: the batch's repair tickets in the window."
    )
    denominator = serializers.IntegerField(
        help_text="What the rate is out of; a batch alert: the batch's registered units."
    )
    rate = serializers.DecimalField(
        max_digits=9, decimal_places=6, help_text="numerator ÷ denominator as a decimal fraction: 0.125000 is 12.5 %."
    )
    threshold = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        help_text="A rate alert: the threshold the rate crossed. A batch alert: the failure rate of the model's other "
        "units, which the batch is compared with. A decimal fraction.",
    )
    window_start = serializers.DateField(
        help_text="First day of the period the figures cover (business time zone): 30 days for a rate alert, a year "
        "for a batch alert, by default."
    )
    window_end = serializers.DateField(help_text="Last day of the period the figures cover.")
    model = ModelLinkSerializer(allow_null=True, help_text="A batch alert: the batch's model; null for a rate alert.")
    batch = serializers.CharField(help_text="A batch alert: the production batch; empty for a rate alert.")
    raised_at = serializers.DateTimeField(help_text="When the alert was raised.")
    checked_at = serializers.DateTimeField(
        help_text="When it was last checked (hourly for a rate alert, nightly for a batch alert); the figures are "
        "those of that check."
    )
    cleared_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the alert was cleared: its rate back within the threshold, or its batch no longer far above "
        "its model. Null while it is open.",
    )
    is_open = serializers.BooleanField(help_text="The alert is not cleared yet.")
