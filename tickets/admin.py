from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tickets.fault_codes import normalise_fault_code
from tickets.models import Attachment, FaultCategory, FaultCode, ServiceStation, Ticket, TicketEvent, TicketSequence
from tickets.sla import admin as sla_admin  # noqa: F401 (sla_admin registers the SLA targets)
from tickets.timeline_texts import render_event_text


@admin.register(ServiceStation)
class ServiceStationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "region", "phone", "calendar", "lead", "is_active"]
    list_filter = ["region", "is_active"]
    search_fields = ["code", "name", "name_zh", "region", "address"]
    list_select_related = ["calendar", "lead"]
    raw_id_fields = ["lead"]


@admin.register(FaultCategory)
class FaultCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "group", "product_category", "is_active"]
    list_filter = ["group", "product_category", "is_active"]
    search_fields = ["code", "name", "name_zh"]


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "actor", "from_status", "to_status", "text", "is_public"]
    readonly_fields = fields

    @admin.display(description=_("note"))
    def text(self, event: TicketEvent) -> str:
        return render_event_text(event)

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
    readonly_fields = ["text"]
    show_full_result_count = False

    @admin.display(description=_("in your language"))
    def text(self, event: TicketEvent) -> str:
        """A system text in the reader's language (the stored note is in the site's default one)."""
        return render_event_text(event)

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


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["ticket", "kind", "original_name", "content_type", "size", "uploaded_by_customer", "created_at"]
    list_filter = ["kind", "content_type", "uploaded_by_customer"]
    search_fields = ["ticket__reference", "original_name"]
    raw_id_fields = ["ticket", "uploaded_by"]
    list_select_related = ["ticket"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class FaultCodeForm(forms.ModelForm):
    """Stores the code in its one spelling (upper case, no spaces), so ``q 12`` and ``Q12`` are
    one code: the uniqueness check and the no-leak 4 comparisons see the stored spelling."""

    class Meta:
        model = FaultCode
        fields = ["code", "name", "name_zh", "component", "department", "is_active"]

    def clean_code(self) -> str:
        code = normalise_fault_code(self.cleaned_data.get("code"))
        if not code:
            raise forms.ValidationError(_("Enter the code."))
        return code


@admin.register(FaultCode)
class FaultCodeAdmin(admin.ModelAdmin):
    """The technicians' fault codes; a code with a department is a quality fault fed back to it."""

    form = FaultCodeForm
    list_display = ["code", "name", "name_zh", "component", "department", "is_active"]
    list_filter = ["department", "is_active"]
    search_fields = ["code", "name", "name_zh", "component"]
