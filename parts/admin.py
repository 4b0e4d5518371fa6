"""The parts admin: the catalogue (with CSV/XLSX import and export), reorder points, and the
stock records, which are read-only here because stock changes only through the ledger
(parts/ledger.py), at the desk or through the API."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from parts.models import (
    Part,
    PartReservation,
    PartReturn,
    PartsOrder,
    PartUsage,
    StockLevel,
    StockMovement,
    StockTransfer,
)
from parts.resources import PartResource


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the services: looked at, filtered and searched, never edited here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Part)
class PartAdmin(ImportExportModelAdmin):
    resource_classes = [PartResource]
    formats = [CSV, XLSX]
    list_display = [
        "number",
        "name",
        "name_zh",
        "is_main_component",
        "standard_cost",
        "price",
        "warranty_days",
        "is_active",
    ]
    list_filter = ["is_main_component", "is_active", "fits__category"]
    search_fields = ["number", "name", "name_zh", "fits__code"]
    filter_horizontal = ["fits"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a part with a ledger is kept; take it out of the catalogue with "active"


@admin.register(StockLevel)
class StockLevelAdmin(admin.ModelAdmin):
    """Reorder point and quantity are set here; the quantities only move through the ledger."""

    list_display = ["station", "part", "on_hand", "reserved", "free", "reorder_point", "reorder_quantity"]
    list_filter = ["station"]
    search_fields = ["part__number", "part__name", "part__name_zh", "station__code", "station__name"]
    list_select_related = ["station", "part"]
    fields = [
        "station",
        "part",
        "on_hand",
        "reserved",
        "reorder_point",
        "reorder_quantity",
        "reorder_alerted_at",
        "last_moved_at",
    ]
    readonly_fields = ["station", "part", "on_hand", "reserved", "reorder_alerted_at", "last_moved_at"]

    @admin.display(description=_("free"))
    def free(self, level: StockLevel) -> int:
        return level.free

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a level exists once stock is first received

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "station", "part", "kind", "quantity", "reserved_change", "on_hand_after", "by"]
    list_filter = ["kind", "station"]
    search_fields = ["part__number", "ticket__reference", "reason", "batch"]
    list_select_related = ["station", "part", "by"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(StockTransfer)
class StockTransferAdmin(ReadOnlyAdmin):
    list_display = ["shipped_at", "from_station", "to_station", "part", "quantity", "status", "received_at"]
    list_filter = ["status", "from_station", "to_station"]
    search_fields = ["part__number"]
    list_select_related = ["from_station", "to_station", "part"]


@admin.register(PartReservation)
class PartReservationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "ticket", "station", "part", "quantity", "status", "closed_at"]
    list_filter = ["status", "station"]
    search_fields = ["ticket__reference", "part__number"]
    list_select_related = ["ticket", "station", "part"]


@admin.register(PartsOrder)
class PartsOrderAdmin(ReadOnlyAdmin):
    list_display = ["ordered_at", "ticket", "station", "part", "quantity", "source", "status", "received_at"]
    list_filter = ["status", "source", "station"]
    search_fields = ["ticket__reference", "part__number"]
    list_select_related = ["ticket", "station", "part"]


@admin.register(PartUsage)
class PartUsageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "ticket", "station", "part", "quantity", "under_warranty", "batch", "failed_batch"]
    list_filter = ["under_warranty", "station"]
    search_fields = ["ticket__reference", "part__number", "batch", "failed_batch"]
    list_select_related = ["ticket", "station", "part"]


@admin.register(PartReturn)
class PartReturnAdmin(ReadOnlyAdmin):
    list_display = ["rma_number", "usage", "status", "due_by", "shipped_at", "received_at", "finding", "flagged_at"]
    list_filter = ["status", "finding"]
    search_fields = ["rma_number", "tracking", "usage__ticket__reference", "usage__part__number"]
    list_select_related = ["usage"]
