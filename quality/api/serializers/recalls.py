"""The recall campaigns API's input and answers: a campaign, its progress, its units."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.models import ProductModel
from followups.choices import CallbackStatus
from quality.models import AlertKind, QualityAlert, RecallCampaign
from quality.recalls import selectors as recall_selectors
from tickets.api.links import CustomerLinkSerializer, ModelLinkSerializer, StaffLinkSerializer
from tickets.choices import Status as TicketStatus


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
