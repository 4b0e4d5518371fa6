from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.calendar_services import business_calendar_save
from customers.calendars import calendar_gaps
from customers.models import (
    BusinessCalendar,
    Customer,
    FaqEntry,
    NationalCalendarDay,
    PhoneCode,
    PriceListItem,
    ProductCategory,
    ProductModel,
    ProductUnit,
)
from customers.services import customer_admin_save


class AccountProvenFilter(admin.SimpleListFilter):
    """Customers with a portal account, by whether the account was linked with a code sent to
    the phone. "No" lists the links made before codes existed, for staff to review: such a link
    may have been made by anyone who knew the phone and a reference."""

    title = _("account proven by code")
    parameter_name = "account_proven"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(user__isnull=False, account_verified_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(user__isnull=False, account_verified_at__isnull=True)
        return queryset


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "phone",
        "email",
        "region",
        "preferred_language",
        "representative",
        "account_verified_at",
        "created_at",
    ]
    list_filter = [AccountProvenFilter, "region", "preferred_language"]
    search_fields = ["name", "phone", "email", "address"]
    raw_id_fields = ["representative", "user"]
    # A referral and the offers consent are recorded through their services (customers/referrals.py,
    # customers/offers.py), with the channel they were given on: shown here, not edited.
    readonly_fields = [
        "referral_code",
        "referred_by",
        "referred_at",
        "referral_channel",
        "offers_consent",
        "offers_consent_at",
        "offers_consent_source",
    ]
    list_select_related = ["representative"]
    show_full_result_count = False

    def save_model(self, request, obj: Customer, form, change: bool) -> None:
        # An email an administrator types is entered by staff: confirmed, as at the desk and in
        # the API, unless they untick "email confirmed" themselves (customers/services.py).
        customer_admin_save(customer=obj, changed=form.changed_data)


@admin.register(PhoneCode)
class PhoneCodeAdmin(admin.ModelAdmin):
    """Codes sent, for looking into a complaint ("no SMS came"); the codes themselves are not
    stored, and nothing here can be changed."""

    list_display = ["phone", "purpose", "created_at", "expires_at", "failed_tries", "used_at", "sent_from_ip"]
    list_filter = ["purpose"]
    search_fields = ["phone", "sent_from_ip"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PhoneCode | None = None) -> bool:
        return False


@admin.register(ProductCategory)
class ProductCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "warranty_start_basis"]
    list_filter = ["warranty_start_basis"]
    search_fields = ["code", "name", "name_zh"]


class CalendarGapsWarningMixin:
    """Warns on the list page when the national calendar has no day for this year or the next:
    SLA clocks would count that year's holidays as working days."""

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        gaps = calendar_gaps(timezone.localdate())
        if gaps:
            messages.warning(
                request,
                _(
                    "The national calendar has no holidays or make-up working days for %(years)s: SLA deadlines "
                    "there count every holiday as a working day. Run manage.py load_holidays, or add the days "
                    "below once the State Council publishes them."
                )
                % {"years": ", ".join(map(str, gaps))},
            )
        return super().changelist_view(request, extra_context)


@admin.register(NationalCalendarDay)
class NationalCalendarDayAdmin(CalendarGapsWarningMixin, admin.ModelAdmin):
    """The State Council's schedule, one row per day; loaded from chinese-calendar
    (manage.py load_holidays) and corrected or extended here."""

    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(CalendarGapsWarningMixin, admin.ModelAdmin):
    list_display = ["name", "is_default", "time_zone", "always_open", "makeup_weekday"]
    list_filter = ["is_default", "always_open"]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "is_default", "time_zone", "always_open"]}),
        (
            _("Opening hours"),
            {
                "description": _(
                    "Local times in the calendar's time zone. Statutory holidays are closed whatever "
                    "the weekday; SLA deadlines count only these hours."
                ),
                "fields": [
                    ("monday_opens", "monday_closes"),
                    ("tuesday_opens", "tuesday_closes"),
                    ("wednesday_opens", "wednesday_closes"),
                    ("thursday_opens", "thursday_closes"),
                    ("friday_opens", "friday_closes"),
                    ("saturday_opens", "saturday_closes"),
                    ("sunday_opens", "sunday_closes"),
                ],
            },
        ),
        (_("Make-up working days"), {"fields": ["makeup_weekday"]}),
    ]

    def save_model(self, request: HttpRequest, obj: BusinessCalendar, form, change: bool) -> None:
        business_calendar_save(calendar=obj)

    def has_delete_permission(self, request: HttpRequest, obj: BusinessCalendar | None = None) -> bool:
        # The default calendar stays: make another one the default first.
        if obj is not None and obj.is_default:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict:
        # Calendars are deleted one at a time, so the default one cannot go along with others.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


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
