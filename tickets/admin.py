from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aftersales.roles import manages_quality
from customers.models import WarrantyPolicy
from customers.services import policy_publish
from tickets import sla_admin, webhooks  # noqa: F401 (sla_admin registers the SLA targets)
from tickets.fault_codes import normalise_fault_code
from tickets.models import (
    Attachment,
    DepartmentMembership,
    FaultCategory,
    FaultCode,
    FeedbackItem,
    SatisfactionRating,
    ServiceStation,
    Ticket,
    TicketEvent,
    TicketSequence,
    WarrantyClaim,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from tickets.timeline_texts import render_event_text
from tickets.versioned_admin import VersionedAdmin
from tickets.warranty import engine_policy


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


class WarrantyPolicyForm(forms.ModelForm):
    class Meta:
        model = WarrantyPolicy
        fields = [
            "category",
            "effective_from",
            "family",
            "whole_unit_months",
            "main_component_months",
            "main_components",
            "accessories",
            "depreciation_rate_per_day",
            "count_start_day",
            "return_days",
            "replace_days",
            "repairer_limit_days",
            "no_parts_limit_days",
            "brand_extra_remedies",
            "validity_months",
            "validity_km",
            "repair_period_months",
            "repair_period_km",
            "car_usage_rate",
            "note",
        ]

    def clean(self):
        data = super().clean()
        try:
            candidate = WarrantyPolicy(**{k: v for k, v in data.items() if k in {f.name for f in WarrantyPolicy._meta.fields}})
            candidate.category = data.get("category")
            if candidate.category is not None:
                engine_policy(candidate)
        except (ValueError, TypeError) as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(WarrantyPolicy)
class WarrantyPolicyAdmin(VersionedAdmin):
    """Policies are versioned: a saved version is never changed (claims name the version they
    were decided under). "New version" opens a copy to edit; it gets the next number."""

    form = WarrantyPolicyForm
    list_display = ["category", "version", "effective_from", "family", "whole_unit_months", "main_component_months", "note"]
    list_filter = ["family", "category"]
    search_fields = ["category__code", "category__name", "note"]
    list_select_related = ["category"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        source = self.version_source(request)
        if source is not None:
            for field in WarrantyPolicy._meta.fields:
                if field.name not in ("id", "version", "created_at", "created_by"):
                    initial[field.name] = getattr(source, field.attname)
            initial["note"] = ""
        return initial

    def save_model(self, request, obj, form, change) -> None:
        policy_publish(policy=obj, by=request.user)


@admin.register(WarrantyClaim)
class WarrantyClaimAdmin(admin.ModelAdmin):
    """Read-only: claims are decided and carried out in the desk, where each step is on the timeline."""

    list_display = ["ticket", "unit", "rule", "free", "status", "chosen_remedy", "is_goodwill", "decided_at"]
    list_filter = ["status", "free", "is_goodwill", "rule"]
    search_fields = ["ticket__reference", "unit__serial", "rule"]
    list_select_related = ["ticket", "unit__model"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
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


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(admin.ModelAdmin):
    list_display = ["ticket", "source", "score", "raised_complaint", "created_at"]
    list_filter = ["source", "score", "raised_complaint"]
    search_fields = ["ticket__reference", "comment"]
    list_select_related = ["ticket"]

    def has_add_permission(self, request) -> bool:
        return False

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


@admin.register(DepartmentMembership)
class DepartmentMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "department"]
    list_filter = ["department"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(FeedbackItem)
class FeedbackItemAdmin(admin.ModelAdmin):
    """Read-mostly: departments acknowledge and answer in the feedback inbox, where each act is
    on the ticket's timeline. Only a misrouted item's department can be changed here."""

    list_display = [
        "fault_code",
        "ticket",
        "department",
        "status",
        "model",
        "component",
        "batch",
        "created_at",
        "acknowledge_due",
        "acknowledged_at",
        "answered_at",
    ]
    list_filter = ["status", "department"]
    search_fields = ["ticket__reference", "fault_code", "component", "batch", "model__code"]
    list_select_related = ["ticket", "model"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = [field.name for field in FeedbackItem._meta.fields if field.name != "department"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("receiver URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ["owner", "url", "events", "description", "is_active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            webhooks.check_url(url)
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["url"]) from exc
        return url

    def clean_events(self) -> list[str]:
        try:
            return webhooks.check_events(self.cleaned_data["events"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["events"]) from exc

    def clean_owner(self):
        owner = self.cleaned_data["owner"]
        if not manages_quality(owner):
            raise forms.ValidationError(_("Only managers and administrators may own webhook subscriptions."))
        return owner


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    """The signing secret is generated on creation and shown once, in the confirmation message;
    it is never displayed again (rotate it by creating a new subscription)."""

    form = WebhookSubscriptionForm
    list_display = ["url", "owner", "description", "is_active", "created_at", "deleted_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "description", "owner__username"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    readonly_fields = ["created_at", "deleted_at"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # its deliveries are the log of what was sent: deactivate it instead

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.secret = webhooks.new_secret()
        super().save_model(request, obj, form, change)
        if not change:
            self.message_user(
                request,
                _("Signing secret of this subscription (shown only now): %(secret)s") % {"secret": obj.secret},
                messages.WARNING,
            )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """Read-only: the log of every delivery and its attempts. "Resend" sends one again."""

    list_display = ["event", "subscription", "status", "attempts", "last_status_code", "created_at", "delivered_at"]
    list_filter = ["status", "event"]
    search_fields = ["uuid", "event_id", "subscription__url"]
    list_select_related = ["subscription"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["resend"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_resend_permission(self, request) -> bool:
        return request.user.has_perm("tickets.change_webhookdelivery")

    @admin.action(description=_("Resend the selected deliveries"), permissions=["resend"])
    def resend(self, request, queryset) -> None:
        for delivery in queryset:
            webhooks.redeliver(delivery=delivery)
        self.message_user(
            request, _("%(count)d deliveries will be sent again.") % {"count": queryset.count()}, messages.SUCCESS
        )
