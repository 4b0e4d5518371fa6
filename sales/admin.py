"""The admin of sales: lead rules and consumables edited by headquarters; leads read with their
history (their moves go through sales/leads.py, on the desk or the API)."""

from django.contrib import admin

from sales.models import Consumable, Lead, LeadEvent, LeadRule


@admin.register(LeadRule)
class LeadRuleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "trigger", "lead_kind", "category", "owner", "is_active")
    list_filter = ("trigger", "lead_kind", "is_active")
    search_fields = ("code", "name", "name_zh")
    autocomplete_fields = ("owner",)


@admin.register(Consumable)
class ConsumableAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "model", "every_months", "every_km", "price", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "name_zh", "part_number", "model__code")
    list_select_related = ("model",)


class LeadEventInline(admin.TabularInline):
    model = LeadEvent
    fields = ("at", "status", "by", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return LeadEvent._base_manager.select_related("by")


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "customer", "unit", "owner", "owner_provider", "created_at")
    list_filter = ("status", "kind", "consent")
    search_fields = ("customer__name", "customer__phone", "unit__serial", "ticket__reference")
    list_select_related = ("customer", "unit__model", "owner", "owner_provider")
    inlines = [LeadEventInline]
    # The workflow is on the desk and the API, through the services: the admin only reads.
    readonly_fields = [field.name for field in Lead._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
