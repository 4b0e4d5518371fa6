"""The settlement's admin pages. Rate cards and travel allowances are kept here by headquarters
(through settlements/tariffs.py, as the API does); statements, their lines and their history
are read-only: they change only through the statement workflow (settlements/statements.py), and
an approved statement not at all."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from settlements import tariffs
from settlements.models import RateCard, SettlementLine, Statement, StatementEvent, TravelRate


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never added, changed or deleted here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RateCard)
class RateCardAdmin(admin.ModelAdmin):
    list_display = ["provider", "category", "job_type", "labour", "currency", "effective_from"]
    list_filter = ["job_type", "currency", "provider"]
    search_fields = ["provider__code", "provider__name", "category__code"]
    date_hierarchy = "effective_from"
    readonly_fields = ["created_by", "created_at"]

    def _used(self, obj) -> bool:
        return obj is not None and SettlementLine._base_manager.filter(rate_card=obj).exists()

    def has_change_permission(self, request, obj=None) -> bool:
        # A card that priced settlement lines is history: a new card from a later date replaces it.
        return super().has_change_permission(request, obj) and not self._used(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not self._used(obj)

    def save_model(self, request, obj, form, change) -> None:
        saved = tariffs.rate_card_save(card=obj if change else None, data=_fields(obj, form), by=request.user)
        obj.pk = saved.pk

    def delete_model(self, request, obj) -> None:
        tariffs.rate_card_delete(card=obj, by=request.user)


def _fields(obj, form) -> dict:
    return {name: getattr(obj, name) for name in form.fields if hasattr(obj, name)}


@admin.register(TravelRate)
class TravelRateAdmin(admin.ModelAdmin):
    list_display = ["provider", "min_km", "max_km", "allowance", "currency", "effective_from"]
    list_filter = ["currency", "provider"]
    search_fields = ["provider__code", "provider__name"]
    date_hierarchy = "effective_from"

    def save_model(self, request, obj, form, change) -> None:
        saved = tariffs.travel_rate_save(rate=obj if change else None, data=_fields(obj, form), by=request.user)
        obj.pk = saved.pk

    def delete_model(self, request, obj) -> None:
        tariffs.travel_rate_delete(rate=obj, by=request.user)


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ["provider", "month", "status", "approved_total", "currency", "paid_on", "desk_page"]
    list_filter = ["status", "month", "provider"]
    search_fields = ["provider__code", "provider__name", "payment_reference"]
    date_hierarchy = "month"
    list_select_related = ["provider"]

    @admin.display(description=_("desk page"))
    def desk_page(self, obj: Statement) -> str:
        return format_html('<a href="{}">{}</a>', reverse("settlements:statement", args=[obj.pk]), _("open"))


@admin.register(SettlementLine)
class SettlementLineAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "statement", "job_date", "job_type", "claimed", "decision", "approved_amount", "flagged"]
    list_filter = ["decision", "flagged", "job_type"]
    search_fields = ["ticket__reference", "provider__code"]
    list_select_related = ["ticket", "statement__provider"]
    raw_id_fields = ["statement", "ticket"]


@admin.register(StatementEvent)
class StatementEventAdmin(ReadOnlyAdmin):
    list_display = ["statement", "action", "line", "by", "at"]
    list_filter = ["action"]
    search_fields = ["statement__provider__code", "note"]
    list_select_related = ["statement__provider", "by", "line"]
