from django.contrib import admin

from customers.models import (
    Customer,
    FaqEntry,
    PriceListItem,
    ProductCategory,
    ProductModel,
    ProductUnit,
    StatutoryHoliday,
)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "email", "region", "preferred_language", "representative", "created_at"]
    list_filter = ["region", "preferred_language"]
    search_fields = ["name", "phone", "email", "address"]
    raw_id_fields = ["representative", "referred_by", "user"]
    list_select_related = ["representative"]
    show_full_result_count = False

    def save_model(self, request, obj: Customer, form, change: bool) -> None:
        # An email an administrator types is entered by staff: confirmed, as at the desk and in
        # the API (customers/services.py), unless they untick "email confirmed" themselves.
        if "email" in form.changed_data and "email_verified" not in form.changed_data:
            obj.email_verified = bool(obj.email)
        if not obj.email:
            obj.email_verified = False
        super().save_model(request, obj, form, change)


@admin.register(ProductCategory)
class ProductCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "warranty_start_basis"]
    list_filter = ["warranty_start_basis"]
    search_fields = ["code", "name", "name_zh"]


@admin.register(StatutoryHoliday)
class StatutoryHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    search_fields = ["name"]
    date_hierarchy = "date"


@admin.register(ProductModel)
class ProductModelAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "category", "maintenance_interval_days", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["code", "name", "name_zh"]
    list_select_related = ["category"]


@admin.register(ProductUnit)
class ProductUnitAdmin(admin.ModelAdmin):
    list_display = ["serial", "model", "owner", "batch", "invoice_date", "warranty_end", "status"]
    fields = [
        "owner",
        "model",
        "serial",
        "batch",
        "invoice_date",
        "delivery_date",
        "installation_date",
        "manufacture_date",
        "replacement_date",
        "dealer",
        "price",
        "has_invoice",
        "has_warranty_card",
        "status",
        "replaced_by",
        "warranty_start",
        "warranty_end",
        "registered_at",
    ]
    list_filter = ["status", "model__category", "has_invoice", "has_warranty_card"]
    search_fields = ["serial", "batch", "owner__name", "owner__phone", "dealer"]
    raw_id_fields = ["owner", "replaced_by"]
    list_select_related = ["model", "owner"]
    readonly_fields = ["warranty_start", "warranty_end", "registered_at"]
    date_hierarchy = "invoice_date"
    show_full_result_count = False


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin):
    list_display = ["question", "question_zh", "category", "position", "is_published"]
    list_editable = ["position", "is_published"]
    list_filter = ["is_published", "category"]
    search_fields = ["question", "question_zh", "answer", "answer_zh"]


@admin.register(PriceListItem)
class PriceListItemAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh", "kind", "category", "code", "price", "unit_label", "is_published"]
    list_editable = ["price", "is_published"]
    list_filter = ["kind", "category", "is_published"]
    search_fields = ["name", "name_zh", "code"]
