"""Admin pages of the on-site job: job records, photos and the idempotency keys, read-mostly.

Registered by ``register(site)``, which fieldwork/admin.py calls (the app's one admin module)."""

from django.contrib import admin

from fieldwork.models import IdempotencyKey, JobPhoto, JobRecord


class JobRecordAdmin(admin.ModelAdmin):
    list_display = ("visit", "charge_kind", "charge", "signed_by", "signed_at", "updated_at")
    list_filter = ("charge_kind",)
    search_fields = ("visit__ticket__reference", "diagnosis", "work_done", "signed_by")
    raw_id_fields = ("visit",)
    readonly_fields = ("signature", "signed_at", "updated_at")


class JobPhotoAdmin(admin.ModelAdmin):
    list_display = ("visit", "stage", "content_type", "size", "by", "created_at")
    list_filter = ("stage", "content_type")
    search_fields = ("visit__ticket__reference",)
    raw_id_fields = ("visit", "by")
    readonly_fields = ("file", "content_type", "size", "created_at")


class IdempotencyKeyAdmin(admin.ModelAdmin):
    """What a phone's repeated submissions were answered with; written only by the services."""

    list_display = ("key", "user", "scope", "created_at")
    list_filter = ("scope",)
    search_fields = ("key", "user__username")
    readonly_fields = ("key", "user", "scope", "result", "created_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def register(site: admin.AdminSite) -> None:
    site.register(JobRecord, JobRecordAdmin)
    site.register(JobPhoto, JobPhotoAdmin)
    site.register(IdempotencyKey, IdempotencyKeyAdmin)
