"""The quality alerts API's answer: a rate past its threshold, or a batch failing far more often than its model."""

from rest_framework import serializers

from quality.models import AlertKind, Dimension
from quality.rates import KPIS
from tickets.api.links import ModelLinkSerializer


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
