"""The service reports in the admin, read-only: a report is made at check-out (fieldwork/reports/
services.py) and is the record the customer signed, so nobody edits or deletes it here.

Registered by ``register(site)``, which fieldwork/admin.py calls (the app's one admin module)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fieldwork.models import ServiceReport


class ServiceReportAdmin(admin.ModelAdmin):
    list_display = ["ticket", "visit", "technician", "language", "created_at", "pdf"]
    list_filter = ["language", "created_at"]
    search_fields = ["ticket__reference"]
    list_select_related = ["ticket", "visit__technician"]
    # The customer's link key and the file's path stay out of the admin's pages.
    fields = ["ticket", "visit", "language", "created_at", "pdf"]
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description=_("technician"))
    def technician(self, report: ServiceReport) -> str:
        user = report.visit.technician
        return user.get_full_name() or user.get_username()

    @admin.display(description=_("PDF"))
    def pdf(self, report: ServiceReport) -> str:
        return format_html(
            '<a href="{}" target="_blank">{}</a>', reverse("fieldwork:report", args=[report.pk]), _("Open")
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def register(site: admin.AdminSite) -> None:
    site.register(ServiceReport, ServiceReportAdmin)
