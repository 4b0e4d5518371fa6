"""What the callback, feedback, recall and alert endpoints read and answer (issue 7).

Output serializers read only what their view's queryset joined in (STYLE.md rule 3), so a
list costs the same few queries for 5 rows or 100. Inputs are checked for shape here; the
rules are the services' and come back as field errors in the one error shape.
"""

import datetime as dt

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.models import ProductModel
from followups import recall_selectors
from followups.models import AlertKind, Dimension, QualityAlert, RecallCampaign
from followups.rates import KPIS
from tickets.api_links import CustomerLinkSerializer, StaffLinkSerializer, TicketLinkSerializer, UnitLinkSerializer
from tickets.choices import CallbackKind, CallbackResult, CallbackStatus, Status
from tickets.feedback_forms import ANSWER_MAX_LENGTH
from tickets.models import CallbackVisit, Department, FeedbackStatus

NOTE_MAX_LENGTH = 2000


class ModelLinkSerializer(serializers.Serializer):
    """A product model."""

    id = serializers.IntegerField(help_text="Id of the product model (the recall endpoint's `model`).")
    code = serializers.CharField(help_text="Product model code.")


# --- callback visits ----------------------------------------------------------------------------------


def _score(help_text: str) -> serializers.IntegerField:
    """A rating from 1 (very dissatisfied) to 5, or null."""
    return serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True, help_text=help_text)


class ScoresSerializer(serializers.Serializer):
    attitude = _score("The staff's attitude, 1 (very dissatisfied) to 5; optional.")
    punctuality = _score("Whether the technician came on time, 1 (very dissatisfied) to 5; optional.")
    quality = _score("The quality of the work, 1 (very dissatisfied) to 5; optional.")
    overall = _score(
        "1 (very dissatisfied) to 5. Needed when an after-service call reaches the customer, unless "
        "they raised a complaint; 1–2 reopens the ticket and opens a complaint."
    )


class CallbackAttemptInputSerializer(serializers.Serializer):
    result = serializers.ChoiceField(
        choices=CallbackResult.choices,
        help_text="How the call went: reached settles the visit; the others count towards unreachable.",
        error_messages={
            "required": _("Choose the result of the call."),
            "invalid_choice": _("Choose the result of the call."),
        },
    )
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="The agent's note on the call, e.g. when to try again.",
    )
    scores = ScoresSerializer(required=False, help_text="The customer's ratings, when reached.")
    comment = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, help_text="What the customer said."
    )
    raised_complaint = serializers.BooleanField(
        required=False, default=False, help_text="The customer complained: a complaint ticket is opened."
    )
    complaint_class = serializers.CharField(
        max_length=40,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="What the complaint is about, by fault category code: a service class (attitude, delay, no_show, "
        "overcharging, workmanship) counts in the complaint rate, a product fault as a product-quality complaint. "
        "Taken as the class of the complaint ticket the call opens (on a complaint or a rating of 1–2); the complaint "
        "is about the callback's ticket.",
    )


class CallbackAttemptSerializer(serializers.Serializer):
    """One call made to the customer."""

    id = serializers.IntegerField(help_text="Id of the call.")
    result = serializers.ChoiceField(choices=CallbackResult.choices, help_text="How the call went.")
    note = serializers.CharField(help_text="The agent's note on the call; may be empty.")
    by = StaffLinkSerializer(
        allow_null=True, help_text="Who made the call; null for a customer's own answer to the emailed survey."
    )
    at = serializers.DateTimeField(help_text="When the call was made.")


class CallbackScoresSerializer(serializers.Serializer):
    """The customer's ratings, 1 (very dissatisfied) to 5, given when they were reached; null when not given."""

    attitude = serializers.IntegerField(
        source="score_attitude", allow_null=True, help_text="The staff's attitude, 1 to 5; null when not given."
    )
    punctuality = serializers.IntegerField(
        source="score_punctuality",
        allow_null=True,
        help_text="Whether the technician came on time, 1 to 5; null when not given.",
    )
    quality = serializers.IntegerField(
        source="score_quality", allow_null=True, help_text="The quality of the work, 1 to 5; null when not given."
    )
    overall = serializers.IntegerField(
        source="score_overall",
        allow_null=True,
        help_text="Overall satisfaction, 1 to 5, the rating the dissatisfaction rate reads; null when not given.",
    )


class CallbackSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the callback visit.")
    kind = serializers.ChoiceField(choices=CallbackKind.choices, help_text="Why the customer is called.")
    status = serializers.ChoiceField(
        choices=CallbackStatus.choices,
        help_text="due: still to call; done: the customer was reached; unreachable: three failed calls on two "
        "different days; cancelled: no longer needed (the ticket was reopened before the call).",
    )
    due_at = serializers.DateTimeField(
        help_text="When the call is due: 72 hours after the resolution (after service), 7 or 30 days after it "
        "(installation), 2 days after the recall ticket was opened; midnight of the day 14 days before a "
        "maintenance or 30 days before the warranty ends (not before the day it was scheduled)."
    )
    is_overdue = serializers.SerializerMethodField(help_text="Still to call and past its due time.")
    customer = CustomerLinkSerializer(help_text="The customer to call.")
    ticket = TicketLinkSerializer(
        allow_null=True, help_text="The ticket the call follows up; null for maintenance and warranty-end calls."
    )
    unit = UnitLinkSerializer(allow_null=True, help_text="The product unit the call is about; null when none.")
    assigned_to = StaffLinkSerializer(
        allow_null=True, help_text="The agent who makes the call: the customer's representative; null when none."
    )
    extended_warranty_offer = serializers.BooleanField(
        help_text="Offer the customer an extended warranty on this call (warranty-end calls)."
    )
    attempt_count = serializers.SerializerMethodField(help_text="How many calls were made so far.")
    scores = CallbackScoresSerializer(source="*", help_text="The customer's ratings, given when they were reached.")
    comment = serializers.CharField(help_text="What the customer said, when reached; may be empty.")
    raised_complaint = serializers.BooleanField(
        help_text="The customer complained on the call: a complaint ticket was opened (`complaint_ticket`)."
    )
    complaint_ticket = TicketLinkSerializer(
        allow_null=True,
        help_text="The complaint opened from this call (a complaint, or an overall rating of 1–2); null when none.",
    )
    completed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the visit was settled (done or unreachable); null while it is due."
    )
    created_at = serializers.DateTimeField(help_text="When the visit was scheduled.")

    def get_is_overdue(self, visit: CallbackVisit) -> bool:
        now: dt.datetime = self.context["now"]
        return visit.status == CallbackStatus.DUE and visit.due_at < now

    def get_attempt_count(self, visit: CallbackVisit) -> int:
        count = getattr(visit, "attempt_count", None)
        return count if count is not None else len(visit.attempts.all())


class CallbackDetailSerializer(CallbackSerializer):
    attempts = CallbackAttemptSerializer(many=True, help_text="The calls made so far, oldest first.")


# --- feedback items ---------------------------------------------------------------------------------


class FeedbackSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the feedback item.")
    ticket = TicketLinkSerializer(help_text="The repair ticket whose resolution opened the item.")
    department = serializers.ChoiceField(
        choices=Department.choices, help_text="The department the fault code is routed to, who answers the item."
    )
    fault_code = serializers.CharField(help_text="The quality fault code the repair was resolved with.")
    component = serializers.CharField(
        help_text="The faulty component: the technician's, or the fault code's when they named none."
    )
    root_cause = serializers.CharField(help_text="The technician's finding.")
    model = ModelLinkSerializer(
        allow_null=True, help_text="The model of the repaired unit; null when the ticket named no unit."
    )
    batch = serializers.CharField(help_text="The repaired unit's production batch; empty when not recorded.")
    status = serializers.ChoiceField(
        choices=FeedbackStatus.choices,
        help_text="open (awaiting acknowledgement) → acknowledged → answered.",
    )
    created_at = serializers.DateTimeField(help_text="When the item was opened: when the repair was resolved.")
    acknowledge_due = serializers.DateTimeField(
        help_text="The department acknowledges by then: 7 days after the item was opened."
    )
    is_overdue = serializers.BooleanField(help_text="Not acknowledged within the 7 days: an omission (no-leak 4).")
    acknowledged_at = serializers.DateTimeField(
        allow_null=True, help_text="When the department acknowledged the item; null until then."
    )
    acknowledged_by = StaffLinkSerializer(allow_null=True, help_text="Who acknowledged it; null until then.")
    cause = serializers.CharField(help_text="The cause the department found; empty until answered.")
    corrective_action = serializers.CharField(
        help_text="What the department changes, and from when or which batch; empty until answered."
    )
    answered_at = serializers.DateTimeField(allow_null=True, help_text="When the department answered; null until then.")
    answered_by = StaffLinkSerializer(allow_null=True, help_text="Who answered; null until then.")


class FeedbackAnswerSerializer(serializers.Serializer):
    cause = serializers.CharField(
        max_length=ANSWER_MAX_LENGTH,
        help_text="What the department found behind the fault.",
        error_messages={
            "required": _("Give the cause the department found."),
            "blank": _("Give the cause the department found."),
        },
    )
    corrective_action = serializers.CharField(
        max_length=ANSWER_MAX_LENGTH,
        help_text="What changes in design, production or operations, and from when or which batch.",
        error_messages={
            "required": _("Say what the department does to correct it."),
            "blank": _("Say what the department does to correct it."),
        },
    )


# --- recalls and alerts -------------------------------------------------------------------------------


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
                "status": {"type": "string", "enum": Status.values, "description": "The ticket's status."},
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
