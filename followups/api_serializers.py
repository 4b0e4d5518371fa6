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
    id = serializers.IntegerField()
    code = serializers.CharField(help_text="Product model code.")


# --- callback visits ----------------------------------------------------------------------------------


class ScoresSerializer(serializers.Serializer):
    attitude = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    punctuality = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    quality = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    overall = serializers.IntegerField(
        min_value=1,
        max_value=5,
        required=False,
        allow_null=True,
        help_text="1 (very dissatisfied) to 5. Needed when an after-service call reaches the customer, unless "
        "they raised a complaint; 1–2 reopens the ticket and opens a complaint.",
    )


class CallbackAttemptInputSerializer(serializers.Serializer):
    result = serializers.ChoiceField(
        choices=CallbackResult.choices,
        error_messages={
            "required": _("Choose the result of the call."),
            "invalid_choice": _("Choose the result of the call."),
        },
    )
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True)
    scores = ScoresSerializer(required=False, help_text="The customer's ratings, when reached.")
    comment = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, help_text="What the customer said."
    )
    raised_complaint = serializers.BooleanField(
        required=False, default=False, help_text="The customer complained: a complaint ticket is opened."
    )


class CallbackAttemptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    result = serializers.ChoiceField(choices=CallbackResult.choices)
    note = serializers.CharField()
    by = StaffLinkSerializer(allow_null=True)
    at = serializers.DateTimeField()


class CallbackScoresSerializer(serializers.Serializer):
    attitude = serializers.IntegerField(source="score_attitude", allow_null=True)
    punctuality = serializers.IntegerField(source="score_punctuality", allow_null=True)
    quality = serializers.IntegerField(source="score_quality", allow_null=True)
    overall = serializers.IntegerField(source="score_overall", allow_null=True)


class CallbackSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CallbackKind.choices)
    status = serializers.ChoiceField(choices=CallbackStatus.choices)
    due_at = serializers.DateTimeField()
    is_overdue = serializers.SerializerMethodField(help_text="Still to call and past its due time.")
    customer = CustomerLinkSerializer()
    ticket = TicketLinkSerializer(allow_null=True)
    unit = UnitLinkSerializer(allow_null=True)
    assigned_to = StaffLinkSerializer(allow_null=True)
    extended_warranty_offer = serializers.BooleanField()
    attempt_count = serializers.SerializerMethodField()
    scores = CallbackScoresSerializer(source="*")
    comment = serializers.CharField()
    raised_complaint = serializers.BooleanField()
    complaint_ticket = TicketLinkSerializer(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

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
    id = serializers.IntegerField()
    ticket = TicketLinkSerializer()
    department = serializers.ChoiceField(choices=Department.choices)
    fault_code = serializers.CharField()
    component = serializers.CharField()
    root_cause = serializers.CharField(help_text="The technician's finding.")
    model = ModelLinkSerializer(allow_null=True)
    batch = serializers.CharField()
    status = serializers.ChoiceField(choices=FeedbackStatus.choices)
    created_at = serializers.DateTimeField()
    acknowledge_due = serializers.DateTimeField()
    is_overdue = serializers.BooleanField(help_text="Not acknowledged within the 7 days: an omission (no-leak 4).")
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledged_by = StaffLinkSerializer(allow_null=True)
    cause = serializers.CharField()
    corrective_action = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answered_by = StaffLinkSerializer(allow_null=True)


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
    tickets_open = serializers.IntegerField()
    tickets_resolved = serializers.IntegerField()
    tickets_closed = serializers.IntegerField()
    tickets_cancelled = serializers.IntegerField()
    callbacks_due = serializers.IntegerField()
    callbacks_done = serializers.IntegerField()
    callbacks_unreachable = serializers.IntegerField()
    done = serializers.IntegerField(help_text="Units fixed (resolved or closed) or whose ticket was cancelled.")
    percent_done = serializers.IntegerField(help_text="Rounded down: 100 means every unit is done.")


class RecallSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    model = ModelLinkSerializer()
    batch = serializers.CharField()
    serial_from = serializers.CharField()
    serial_to = serializers.CharField()
    reason = serializers.CharField()
    alert = serializers.IntegerField(source="alert_id", allow_null=True, help_text="The batch alert it answers.")
    started_by = StaffLinkSerializer()
    started_at = serializers.DateTimeField()
    opened_at = serializers.DateTimeField(
        allow_null=True, help_text="When every unit had its ticket; null while they are being opened."
    )
    progress = serializers.SerializerMethodField()

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
    serial_from = serializers.CharField(max_length=64, required=False, allow_blank=True)
    serial_to = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text="Both ends are included; serials compare as text, character by character.",
    )
    title = serializers.CharField(max_length=200, error_messages={"required": _("Give the recall a title.")})
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
    id = serializers.IntegerField()
    unit = serializers.SerializerMethodField()
    owner = CustomerLinkSerializer(source="unit.owner")
    ticket = serializers.SerializerMethodField()
    callback = serializers.SerializerMethodField()

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "serial": {"type": "string"}, "batch": {"type": "string"}},
            "required": ["id", "serial", "batch"],
        }
    )
    def get_unit(self, row) -> dict:
        return {"id": row.unit_id, "serial": row.unit.serial, "batch": row.unit.batch}

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "reference": {"type": "string"},
                "status": {"type": "string", "enum": Status.values},
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
            "properties": {"id": {"type": "integer"}, "status": {"type": "string", "enum": CallbackStatus.values}},
            "required": ["id", "status"],
        }
    )
    def get_callback(self, row) -> dict | None:
        if row.callback_id is None:
            return None
        return {"id": row.callback_id, "status": row.callback.status}


class AlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=AlertKind.choices)
    kpi = serializers.ChoiceField(choices=[("", "—"), *[(kpi.key, kpi.label) for kpi in KPIS.values()]])
    dimension = serializers.ChoiceField(choices=Dimension.choices)
    value = serializers.CharField()
    label = serializers.CharField()
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=9, decimal_places=6)
    threshold = serializers.DecimalField(max_digits=9, decimal_places=6)
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    model = ModelLinkSerializer(allow_null=True)
    batch = serializers.CharField()
    raised_at = serializers.DateTimeField()
    checked_at = serializers.DateTimeField()
    cleared_at = serializers.DateTimeField(allow_null=True)
    is_open = serializers.BooleanField()
