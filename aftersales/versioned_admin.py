"""The admin of versioned rules (warranty policies, SLA targets): a saved version is never
changed or deleted, since what was decided under it names it; "New version" opens a copy of a
version to edit, saved as the next number by the rule's publish service."""

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class VersionedAdmin(admin.ModelAdmin):
    readonly_fields = ["version", "created_at", "created_by", "new_version_link"]

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    @admin.display(description=_("new version"))
    def new_version_link(self, obj: models.Model) -> str:
        if obj.pk is None:
            return "—"
        meta = obj._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_add") + f"?from={obj.pk}"
        return format_html('<a class="button" href="{}">{}</a>', url, _("Create a new version from this one"))

    def version_source(self, request: HttpRequest) -> models.Model | None:
        """The version a "New version" link copies (``?from=<id>``), if any."""
        return self.model.objects.filter(pk=request.GET.get("from") or 0).first()
