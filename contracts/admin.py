"""The contracts' admin pages, on headquarters' admin site (aftersales/admin_site.py). Headquarters
keeps the catalogue here; a contract sold is read-only (price, cover and dates were fixed at the
sale by contracts/services.py) except that it may be cancelled, with a reason, through the same
service the desk uses. Visits and odometer readings are read-only history."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contracts import services
from contracts.models import ContractProduct, ContractVisit, OdometerReading, ServiceContract


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never added, changed or deleted here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ContractProduct)
class ContractProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "category", "term_months", "term_km", "coverage", "price", "is_active"]
    list_filter = ["kind", "coverage", "is_active", "category"]
    search_fields = ["code", "name", "name_zh"]
    list_select_related = ["category"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # A product sold is history: take it off sale instead.
        if obj is not None and ServiceContract._base_manager.filter(product=obj).exists():
            return False
        return super().has_delete_permission(request, obj)


class CancelActionForm(ActionForm):
    reason = forms.CharField(label=_("Reason for cancelling"), required=False, max_length=2000)


@admin.register(ServiceContract)
class ServiceContractAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "customer", "unit", "status", "starts_on", "ends_on", "price", "provider"]
    list_filter = ["status", "kind", "channel", "provider"]
    search_fields = ["number", "unit__serial", "customer__phone", "payment_reference"]
    date_hierarchy = "starts_on"
    list_select_related = ["customer", "unit", "provider"]
    action_form = CancelActionForm
    actions = ["cancel_contracts"]

    def has_change_permission(self, request, obj=None) -> bool:
        # The list's cancel action needs the change permission; the form itself stays read-only.
        return obj is None and super(ReadOnlyAdmin, self).has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    @admin.action(description=_("Cancel the selected contracts (give the reason above)"))
    def cancel_contracts(self, request, queryset) -> None:
        reason = (request.POST.get("reason") or "").strip()
        if not reason:
            self.message_user(request, _("Give the reason for cancelling."), messages.ERROR)
            return
        done = 0
        for contract in queryset:
            try:
                services.contract_cancel(contract=contract, reason=reason, by=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{contract.number}: {' '.join(exc.messages)}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d contract cancelled.", "%(count)d contracts cancelled.", done) % {"count": done},
            )


@admin.register(ContractVisit)
class ContractVisitAdmin(ReadOnlyAdmin):
    list_display = ["contract", "number", "done_on", "odometer_km", "ticket"]
    search_fields = ["contract__number"]
    list_select_related = ["contract", "ticket"]


@admin.register(OdometerReading)
class OdometerReadingAdmin(ReadOnlyAdmin):
    list_display = ["unit", "km", "read_on", "ticket"]
    search_fields = ["unit__serial"]
    date_hierarchy = "read_on"
    list_select_related = ["unit", "ticket"]
