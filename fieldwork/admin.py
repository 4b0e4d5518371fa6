"""The admin of field service: managers edit technicians' profiles and stations' visit slots here
(or in the desk); visits are booked, moved and worked in the desk and on the technician's phone,
where every change leaves a timeline event, so the admin only shows them. What the technician
recorded on site, the reports and the submission keys are records and cannot be changed."""

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fieldwork.models import IdempotencyKey, JobPhoto, JobRecord, StationSlots, TechnicianProfile, Visit
from fieldwork.reports import admin as reports_admin


@admin.register(TechnicianProfile)
class TechnicianProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "station_names", "visits_per_slot", "calendar", "is_active"]
    list_filter = ["stations", "is_active", "categories"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "calendar"]
    raw_id_fields = ["user"]
    filter_horizontal = ["stations", "categories", "product_models"]
    fields = ["user", "stations", "categories", "brands", "product_models", "visits_per_slot", "calendar", "is_active"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).prefetch_related("stations")

    @admin.display(description=_("service stations"))
    def station_names(self, profile: TechnicianProfile) -> str:
        return ", ".join(station.display_name for station in profile.stations.all()) or "—"


@admin.register(StationSlots)
class StationSlotsAdmin(admin.ModelAdmin):
    list_display = ["station", "slot_minutes", "change_cutoff_hours", "days_ahead"]
    search_fields = ["station__code", "station__name", "station__name_zh"]
    list_select_related = ["station"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by field service's services only: shown, never added, changed or deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    """Read-mostly: a visit is booked, moved, confirmed and worked through the booking and job
    services, which keep the slot's capacity and the ticket's timeline right."""

    list_display = ["ticket", "technician", "station", "start", "end", "status", "booked_at"]
    list_filter = ["status", "station", ("start", admin.DateFieldListFilter)]
    search_fields = ["ticket__reference"]
    list_select_related = ["ticket", "technician", "station"]
    date_hierarchy = "start"
    show_full_result_count = False
    # The customer's link key stays out of sight.
    readonly_fields = [field.name for field in Visit._meta.fields if field.name not in ("id", "token")]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


@admin.register(JobRecord)
class JobRecordAdmin(ReadOnlyAdmin):
    list_display = ["visit", "charge_kind", "charge", "signed_by", "signed_at", "updated_at"]
    list_filter = ["charge_kind"]
    search_fields = ["visit__ticket__reference"]
    list_select_related = ["visit"]


@admin.register(JobPhoto)
class JobPhotoAdmin(ReadOnlyAdmin):
    list_display = ["visit", "stage", "content_type", "size", "by", "created_at"]
    list_filter = ["stage"]
    search_fields = ["visit__ticket__reference"]
    list_select_related = ["visit", "by"]


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdmin):
    list_display = ["key", "user", "scope", "created_at"]
    list_filter = ["scope"]
    search_fields = ["key", "user__username"]
    list_select_related = ["user"]


# Service reports register their own pages (fieldwork/reports/admin.py).
reports_admin.register(admin.site)
