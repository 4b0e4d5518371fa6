"""What the stock endpoints read and answer (parts/api/stock_views.py)."""

from decimal import Decimal

from rest_framework import serializers

from aftersales.api.filters import MAX_ID
from parts.models import MovementKind, Part, StockLevel, StockMovement, StockTransfer, TransferStatus
from parts.stock import MAX_QUANTITY

MONEY = {"max_digits": 10, "decimal_places": 2}


class StockStationSerializer(serializers.Serializer):
    """A service station, in short."""

    id = serializers.IntegerField(help_text="Id of the station.")
    code = serializers.CharField(help_text="The station's code.")
    name = serializers.CharField(source="display_name", help_text="The station's name in the request's language.")


class StockPartSerializer(serializers.Serializer):
    """A part of the catalogue, in short."""

    id = serializers.IntegerField(help_text="Id of the part.")
    number = serializers.CharField(help_text="The part number.")
    name = serializers.CharField(source="display_name", help_text="The part's name in the request's language.")


class PartSerializer(serializers.ModelSerializer):
    """A part of the catalogue."""

    id = serializers.IntegerField(read_only=True, help_text="Id of the part.")
    number = serializers.CharField(help_text="The part number, unique in the catalogue.")
    name = serializers.CharField(help_text="Name in English.")
    name_zh = serializers.CharField(help_text="Name in Chinese (may be blank).")
    fits = serializers.SerializerMethodField(help_text="Codes of the product models the part fits.")
    is_main_component = serializers.BooleanField(
        help_text="A main component of the product in the three-guarantees sense (e.g. a compressor)."
    )
    standard_cost = serializers.DecimalField(**MONEY, help_text="Standard cost per unit, to the cent.")
    price = serializers.DecimalField(**MONEY, help_text="Price charged per unit, to the cent.")
    warranty_days = serializers.IntegerField(help_text="The warranty of the part itself once fitted, in days.")
    is_active = serializers.BooleanField(help_text="In the catalogue: only active parts are received, sent or used.")

    class Meta:
        model = Part
        fields = [
            "id",
            "number",
            "name",
            "name_zh",
            "fits",
            "is_main_component",
            "standard_cost",
            "price",
            "warranty_days",
            "is_active",
        ]

    def get_fits(self, part: Part) -> list[str]:
        return [model.code for model in part.fits.all()]


class PartInputSerializer(serializers.Serializer):
    """A part to add, or the fields of one to change."""

    number = serializers.CharField(max_length=40, help_text="The part number, unique in the catalogue.")
    name = serializers.CharField(max_length=120, help_text="Name in English.")
    name_zh = serializers.CharField(max_length=120, required=False, allow_blank=True, help_text="Name in Chinese.")
    fits = serializers.ListField(
        child=serializers.CharField(max_length=60),
        required=False,
        max_length=500,
        help_text="Codes of the product models the part fits (replaces the list when given).",
    )
    is_main_component = serializers.BooleanField(
        required=False, help_text="A main component in the three-guarantees sense. Default false."
    )
    standard_cost = serializers.DecimalField(
        **MONEY, min_value=Decimal("0"), required=False, help_text="Standard cost per unit. Default 0.00."
    )
    price = serializers.DecimalField(
        **MONEY, min_value=Decimal("0"), required=False, help_text="Price per unit. Default 0.00."
    )
    warranty_days = serializers.IntegerField(
        min_value=0, max_value=3650, required=False, help_text="The part's own warranty in days. Default 90."
    )
    is_active = serializers.BooleanField(required=False, help_text="In the catalogue. Default true.")


class StockLevelSerializer(serializers.ModelSerializer):
    """A station's stock of one part."""

    id = serializers.IntegerField(help_text="Id of the stock level.")
    station = StockStationSerializer(help_text="The station.")
    part = StockPartSerializer(help_text="The part.")
    on_hand = serializers.IntegerField(help_text="Units on hand at the station.")
    reserved = serializers.IntegerField(help_text="Units of those held for tickets.")
    free = serializers.IntegerField(source="free_stock", help_text="On hand less reserved.")
    reorder_point = serializers.IntegerField(
        help_text="The station is alerted when free stock falls to this (0: no reorder point)."
    )
    reorder_quantity = serializers.IntegerField(help_text="How many to order when alerted.")
    below_reorder = serializers.BooleanField(
        source="is_below_reorder", help_text="Free stock is at or below the reorder point (a point of 0 is none)."
    )
    reorder_alerted_at = serializers.DateTimeField(
        allow_null=True, help_text="When the station was alerted of this shortfall; null when stock is above it."
    )
    last_moved_at = serializers.DateTimeField(allow_null=True, help_text="When the stock last moved.")

    class Meta:
        model = StockLevel
        fields = [
            "id",
            "station",
            "part",
            "on_hand",
            "reserved",
            "free",
            "reorder_point",
            "reorder_quantity",
            "below_reorder",
            "reorder_alerted_at",
            "last_moved_at",
        ]


class MovementSerializer(serializers.ModelSerializer):
    """One row of the stock ledger."""

    id = serializers.IntegerField(help_text="Id of the ledger row.")
    station = StockStationSerializer(help_text="The station whose stock moved.")
    part = StockPartSerializer(help_text="The part.")
    kind = serializers.ChoiceField(choices=MovementKind.choices, help_text="What moved the stock.")
    quantity = serializers.IntegerField(help_text="Change of the on-hand quantity (negative: out).")
    reserved_change = serializers.IntegerField(help_text="Change of the reserved quantity.")
    on_hand_after = serializers.IntegerField(help_text="On hand after this row: the running balance.")
    unit_cost = serializers.DecimalField(**MONEY, help_text="Cost per unit of this movement.")
    reason = serializers.CharField(help_text="Why: the delivery note, the count's reason, the ticket used on.")
    batch = serializers.CharField(help_text="Batch of the parts (may be blank).")
    ticket = serializers.CharField(
        source="ticket.reference", allow_null=True, default=None, help_text="Reference of the ticket, if any."
    )
    transfer = serializers.IntegerField(source="transfer_id", allow_null=True, help_text="Id of the transfer, if any.")
    by = serializers.SerializerMethodField(help_text="Who moved the stock; null for the system.")
    created_at = serializers.DateTimeField(help_text="When.")

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "station",
            "part",
            "kind",
            "quantity",
            "reserved_change",
            "on_hand_after",
            "unit_cost",
            "reason",
            "batch",
            "ticket",
            "transfer",
            "by",
            "created_at",
        ]

    def get_by(self, row: StockMovement) -> str | None:
        return (row.by.get_full_name() or row.by.get_username()) if row.by else None


class TransferSerializer(serializers.ModelSerializer):
    """Parts sent from one station to another."""

    id = serializers.IntegerField(help_text="Id of the transfer.")
    from_station = StockStationSerializer(help_text="The sending station.")
    to_station = StockStationSerializer(help_text="The receiving station.")
    part = StockPartSerializer(help_text="The part.")
    quantity = serializers.IntegerField(help_text="Units sent.")
    status = serializers.ChoiceField(
        choices=TransferStatus.choices, help_text="In transit until received (or cancelled: back at the sender)."
    )
    shipped_at = serializers.DateTimeField(help_text="When the parts left the sender.")
    received_at = serializers.DateTimeField(allow_null=True, help_text="When the receiver took them in.")

    class Meta:
        model = StockTransfer
        fields = ["id", "from_station", "to_station", "part", "quantity", "status", "shipped_at", "received_at"]


class StockInputSerializer(serializers.Serializer):
    station = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Id of one of the caller's stations.")
    part = serializers.CharField(max_length=40, help_text="The part number.")


class ReceiptInputSerializer(StockInputSerializer):
    """Goods received at a station."""

    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, help_text="Units received.")
    unit_cost = serializers.DecimalField(
        **MONEY,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        help_text="Cost per unit; the part's standard cost when left out.",
    )
    batch = serializers.CharField(max_length=40, required=False, allow_blank=True, help_text="Batch of the parts.")
    reason = serializers.CharField(
        max_length=255, required=False, allow_blank=True, help_text="Delivery note or supplier reference."
    )


class CountInputSerializer(StockInputSerializer):
    """A stock count."""

    counted = serializers.IntegerField(min_value=0, max_value=MAX_QUANTITY, help_text="What was counted on hand.")
    reason = serializers.CharField(
        max_length=255, allow_blank=True, help_text="Why the stock differs, or who counted (required)."
    )


class TransferInputSerializer(StockInputSerializer):
    """Parts to send to another station."""

    station = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Id of the sending station: one of the caller's."
    )
    to_station = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Id of the receiving station.")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, help_text="Units to send.")


class CancelInputSerializer(serializers.Serializer):
    """Why a transfer is cancelled."""

    reason = serializers.CharField(max_length=200, help_text="Why the transfer is cancelled.")
