from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from notifications.delivery import redact
from notifications.models import OutboundMessage


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
        "error_code",
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
        "error_code",
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
