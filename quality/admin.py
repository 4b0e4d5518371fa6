"""Quality control in the Django admin: thresholds are edited here; snapshots, alerts and
recalls are written by the daily jobs and the recall pages, so they are read-only."""

from django.contrib import admin
from django.http import HttpRequest

from quality.models import KpiThreshold, QualityAlert, RateSnapshot, RecallCampaign, RecallUnit


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the product writes through its services: shown, never added, edited or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(KpiThreshold)
class KpiThresholdAdmin(admin.ModelAdmin):
    list_display = ["kpi", "threshold", "updated_at", "updated_by"]
    search_fields = ["kpi"]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(RateSnapshot)
class RateSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["day", "dimension", "value", "service_completed", "service_complaints", "cases_due", "ratings"]
    list_filter = ["dimension", "day"]
    search_fields = ["value"]
    date_hierarchy = "day"


@admin.register(QualityAlert)
class QualityAlertAdmin(ReadOnlyAdmin):
    list_display = ["kind", "kpi", "dimension", "label", "batch", "numerator", "denominator", "rate", "threshold"]
    list_display += ["raised_at", "checked_at", "cleared_at"]
    list_filter = ["kind", "kpi", "dimension", ("cleared_at", admin.EmptyFieldListFilter)]
    search_fields = ["label", "value", "batch", "model__code"]
    list_select_related = ["model"]
    date_hierarchy = "raised_at"


class RecallUnitInline(admin.TabularInline):
    model = RecallUnit
    extra = 0
    can_delete = False
    fields = ["unit", "ticket", "callback"]
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit__model", "ticket", "callback")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RecallCampaign)
class RecallCampaignAdmin(ReadOnlyAdmin):
    """Started from the recall pages, which open every owner's ticket and call."""

    list_display = ["title", "model", "batch", "serial_from", "serial_to", "started_by", "started_at", "opened_at"]
    list_filter = ["model"]
    search_fields = ["title", "batch", "model__code", "reason"]
    list_select_related = ["model", "started_by"]
    date_hierarchy = "started_at"
    inlines = [RecallUnitInline]
