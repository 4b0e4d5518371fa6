from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from aftersales.roles import manages_quality
from notifications import webhooks
from notifications.delivery import redact
from notifications.models import OutboundMessage, WebhookDelivery, WebhookEvent, WebhookSubscription


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    """Outgoing messages, read-only: the outbox is written by the services and emptied by the
    sweep; staff look here for a message's status and why it failed."""

    list_display = [
        "created_at",
        "channel",
        "recipient",
        "template",
        "language",
        "status",
        "error",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "channel", "template", "error_code", "essential"]
    search_fields = ["recipient", "ticket_reference"]
    date_hierarchy = "created_at"
    fields = [
        "channel",
        "recipient",
        "template",
        "language",
        "customer",
        "ticket_reference",
        "essential",
        "status",
        "error",
        "last_error",
        "attempts",
        "vendor_id",
        "shown_context",
        "redacted_keys",
        "dedupe_key",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields
    list_select_related = ["customer"]

    @admin.display(description=_("error"), ordering="error_code")
    def error(self, obj: OutboundMessage) -> str:
        return obj.error_label

    @admin.display(description=_("context"))
    def shown_context(self, obj: OutboundMessage) -> dict:
        """The context without the codes and signed links of a message still waiting: staff
        reading the outbox must not be able to sign in as the customer."""
        return redact(obj.context)[0]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboundMessage | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutboundMessage | None = None) -> bool:
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
        # Written by the subscriptions service, like a subscription made through the API.
        fields = {name: form.cleaned_data[name] for name in ("owner", "url", "events", "description", "is_active")}
        if change:
            webhooks.subscription_change(subscription=obj, **fields)
            return
        created = webhooks.subscription_create(**fields)
        # The admin goes on with ``obj`` (its message, its log entry, the redirect).
        obj.pk, obj.secret, obj.created_at = created.pk, created.secret, created.created_at
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
        return request.user.has_perm("notifications.change_webhookdelivery")

    @admin.action(description=_("Resend the selected deliveries"), permissions=["resend"])
    def resend(self, request, queryset) -> None:
        for delivery in queryset:
            webhooks.redeliver(delivery=delivery)
        self.message_user(
            request, _("%(count)d deliveries will be sent again.") % {"count": queryset.count()}, messages.SUCCESS
        )
