"""What the parts demand API reads and answers: reservations, parts orders, old-part returns.

Tickets are named by reference, stations by code and parts by part number; each is looked up
in the view (an unknown one is a field error, a ticket the caller may not see is unknown)."""

from rest_framework import serializers

from parts.models import OrderSource, PartReservation, PartReturn, PartsOrder, ReturnFinding

ID = {"help_text": "Id of the row."}
QUANTITY = {"help_text": "How many parts."}


class PartRefSerializer(serializers.Serializer):
    """A part of the catalogue."""

    number = serializers.CharField(read_only=True, help_text="Part number.")
    name = serializers.CharField(source="display_name", read_only=True, help_text="Name in the caller's language.")


class ReservationSerializer(serializers.ModelSerializer):
    ticket = serializers.CharField(source="ticket.reference", read_only=True, help_text="Reference of the ticket.")
    station = serializers.CharField(source="station.code", read_only=True, help_text="Code of the service station.")
    part = PartRefSerializer(read_only=True, help_text="The part reserved.")

    class Meta:
        model = PartReservation
        fields = ["id", "ticket", "station", "part", "quantity", "status", "created_at", "closed_at"]
        read_only_fields = fields
        extra_kwargs = {
            "id": ID,
            "quantity": QUANTITY,
            "status": {"help_text": "Reserved, used on the job, or released."},
            "created_at": {"help_text": "When it was reserved."},
            "closed_at": {"help_text": "When it was used or released; null while reserved."},
        }


class OrderSerializer(serializers.ModelSerializer):
    ticket = serializers.CharField(source="ticket.reference", read_only=True, help_text="Reference of the ticket.")
    station = serializers.CharField(source="station.code", read_only=True, help_text="Code of the station it goes to.")
    part = PartRefSerializer(read_only=True, help_text="The part ordered.")
    waiting_days = serializers.IntegerField(
        read_only=True, help_text="Calendar days from ordered to received (or cancelled, or today)."
    )

    class Meta:
        model = PartsOrder
        fields = [
            "id",
            "ticket",
            "station",
            "part",
            "quantity",
            "source",
            "status",
            "ordered_at",
            "received_at",
            "cancelled_at",
            "waiting_days",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": ID,
            "quantity": QUANTITY,
            "source": {"help_text": "The station's supplier or the central warehouse."},
            "status": {"help_text": "Ordered (awaited), received, or cancelled."},
            "ordered_at": {"help_text": "When it was ordered: the waiting days count from this day."},
            "received_at": {"help_text": "When it was received; null until then."},
            "cancelled_at": {"help_text": "When it was cancelled; null unless cancelled."},
        }


class DemandInputSerializer(serializers.Serializer):
    ticket = serializers.CharField(max_length=20, help_text="Reference of the ticket, e.g. AS-2026-000040.")
    station = serializers.CharField(max_length=40, help_text="Code of the service station.")
    part = serializers.CharField(max_length=40, help_text="Part number.")
    quantity = serializers.IntegerField(min_value=1, max_value=10_000, help_text="How many parts, at least 1.")


class OrderInputSerializer(DemandInputSerializer):
    source = serializers.ChoiceField(
        choices=OrderSource.choices, help_text="The station's supplier or the central warehouse."
    )


class ReturnSerializer(serializers.ModelSerializer):
    ticket = serializers.CharField(
        source="usage.ticket.reference", read_only=True, help_text="Reference of the ticket."
    )
    station = serializers.CharField(
        source="usage.station.code", read_only=True, help_text="Station that used the part."
    )
    part = PartRefSerializer(source="usage.part", read_only=True, help_text="The part replaced.")
    failed_batch = serializers.CharField(source="usage.failed_batch", read_only=True, help_text="Batch taken out.")
    overdue = serializers.BooleanField(read_only=True, help_text="Not shipped by its due time.")

    class Meta:
        model = PartReturn
        fields = [
            "id",
            "rma_number",
            "ticket",
            "station",
            "part",
            "failed_batch",
            "status",
            "due_by",
            "overdue",
            "shipped_at",
            "tracking",
            "received_at",
            "inspected_at",
            "finding",
            "finding_note",
            "flagged_at",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": ID,
            "rma_number": {"help_text": "The return's RMA number, RMA-YYYYMMDD-NNNN."},
            "status": {"help_text": "To return, shipped, received by the maker, or inspected."},
            "due_by": {"help_text": "When the old part must be shipped by."},
            "shipped_at": {"help_text": "When it was shipped; null until then."},
            "tracking": {"help_text": "Tracking number of the shipment."},
            "received_at": {"help_text": "When the maker received it; null until then."},
            "inspected_at": {"help_text": "When the maker inspected it; null until then."},
            "finding": {"help_text": "What the inspection found; empty until inspected."},
            "finding_note": {"help_text": "The inspection's note."},
            "flagged_at": {"help_text": "When it was flagged overdue; null if never."},
            "created_at": {"help_text": "When the part was used and the return opened."},
        }


class ShipSerializer(serializers.Serializer):
    tracking = serializers.CharField(max_length=80, help_text="Tracking number of the shipment to the maker.")


class InspectSerializer(serializers.Serializer):
    finding = serializers.ChoiceField(choices=ReturnFinding.choices, help_text="What the inspection found.")
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text="The inspection's note."
    )


class EmptySerializer(serializers.Serializer):
    pass
