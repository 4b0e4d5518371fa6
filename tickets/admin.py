from django.contrib import admin

from tickets.models import FaultCategory, ServiceStation, Ticket, TicketEvent, TicketSequence


@admin.register(ServiceStation)
class ServiceStationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "region", "phone", "is_active"]
    list_filter = ["region", "is_active"]
    search_fields = ["code", "name", "name_zh", "region", "address"]


@admin.register(FaultCategory)
class FaultCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "group", "product_category", "is_active"]
    list_filter = ["group", "product_category", "is_active"]
    search_fields = ["code", "name", "name_zh"]


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "actor", "from_status", "to_status", "note", "is_public"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-mostly: the lifecycle is worked in the desk, where every change leaves a timeline event."""

    list_display = [
        "reference",
        "kind",
        "status",
        "priority",
        "customer",
        "station",
        "assignee",
        "created_at",
        "next_due",
    ]
    list_filter = ["status", "kind", "channel", "priority", "station", "is_test"]
    search_fields = ["reference", "customer__name", "customer__phone", "unit__serial"]
    list_select_related = ["customer", "station", "assignee"]
    raw_id_fields = ["customer", "unit", "assignee", "created_by", "suspected_duplicate_of", "merged_into"]
    inlines = [TicketEventInline]
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = [field.name for field in Ticket._meta.fields if field.name not in ("is_test",)]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # nothing is ever deleted: cancel and merge are states


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ["ticket", "kind", "actor", "from_status", "to_status", "is_public", "created_at"]
    list_filter = ["kind", "is_public"]
    search_fields = ["ticket__reference", "note"]
    list_select_related = ["ticket", "actor"]
    raw_id_fields = ["ticket", "actor"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TicketSequence)
class TicketSequenceAdmin(admin.ModelAdmin):
    list_display = ["year", "last_value"]
    readonly_fields = ["year", "last_value"]

    def has_add_permission(self, request) -> bool:
        return False
