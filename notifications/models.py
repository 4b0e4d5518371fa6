"""The outbox: every message to a customer or a staff member, by SMS or email.

A message is a row written in the same transaction as the change it tells about, so it exists
exactly when that change was committed. After the commit a Celery task sends it; when the
broker or the vendor is down the row waits and the periodic sweep sends it later. The row
knows nothing of tickets: ``ticket_reference`` is text, so this app depends on no other.
"""

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.encryption import EncryptedSecretField
from customers.models import Channel, Customer
from notifications.choices import MessageStatus, WebhookDeliveryStatus
from notifications.sms.base import SmsError


class EmailError(models.TextChoices):
    """Why an email was not sent (SMS errors are ``notifications.sms.SmsError``)."""

    UNAVAILABLE = "unavailable", _("Mail server unavailable")
    RECIPIENT_REFUSED = "recipient_refused", _("Recipient refused")


class OutboundMessage(models.Model):
    """One message in the outbox. ``context`` holds what the template needs; the values that
    would let someone act in the customer's name (codes, signed links) are blanked once the
    message is sent or given up on, and ``redacted_keys`` lists them."""

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(
        _("recipient"), max_length=254, help_text=_("A phone number in international form, or an email address.")
    )
    template = models.CharField(_("template"), max_length=80)
    language = models.CharField(_("language"), max_length=10)
    context = models.JSONField(_("context"), encoder=DjangoJSONEncoder, default=dict)
    redacted_keys = models.JSONField(
        _("removed after sending"),
        default=list,
        blank=True,
        help_text=_("Codes and signed links blanked once the message was sent or given up on."),
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    ticket_reference = models.CharField(_("request reference"), max_length=40, blank=True, db_index=True)
    essential = models.BooleanField(
        _("essential"),
        default=True,
        help_text=_("Needed by a case; sent even to customers who opted out of reminders and offers."),
    )
    dedupe_key = models.CharField(_("de-duplication key"), max_length=120, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error_code = models.CharField(_("error"), max_length=40, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    vendor_id = models.CharField(_("vendor's message id"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at", "-id"]
        # The sweep finds the waiting messages, the nightly pruning the finished ones oldest first.
        indexes = [models.Index(fields=["status", "created_at"], name="message_status_created")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.template} → {self.recipient}"

    @property
    def error_label(self) -> str:
        """Why the message was not sent, in the reader's words (the SMS vendor's or the mail
        server's reason); the raw code when it is not one the product knows."""
        choices = SmsError if self.channel == Channel.SMS else EmailError
        labels = dict(choices.choices)
        return str(labels.get(self.error_code, self.error_code))


class WebhookEvent(models.TextChoices):
    """The events a subscription may ask for; the names are part of the public API."""

    TICKET_CREATED = "ticket.created", _("Ticket created")
    TICKET_STATUS_CHANGED = "ticket.status_changed", _("Ticket status changed")
    TICKET_ASSIGNED = "ticket.assigned", _("Ticket assigned")
    CLAIM_DECIDED = "claim.decided", _("Warranty claim decided")
    CLAIM_EXECUTED = "claim.executed", _("Warranty claim carried out")
    CALLBACK_COMPLETED = "callback.completed", _("Callback completed")
    ALERT_RAISED = "alert.raised", _("Quality alert raised")
    ALERT_CLEARED = "alert.cleared", _("Quality alert cleared")


class WebhookSubscription(models.Model):
    """A receiver URL that is sent the events it asks for, signed with its own secret.

    Only managers and administrators subscribe; a subscription whose owner is no longer active
    or no longer a manager is sent nothing. ``secret`` signs every delivery (HMAC-SHA256), is
    stored encrypted and is shown once, when the subscription is created. Deleting a subscription through the API only
    marks it deleted: its deliveries stay as the log of what was sent.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="webhook_subscriptions",
    )
    url = models.URLField(_("receiver URL"), max_length=500)
    events = models.JSONField(_("events"), default=list, help_text=_("The event names this receiver is sent."))
    description = models.CharField(_("description"), max_length=200, blank=True)
    # Encrypted at rest (FIELD_ENCRYPTION_KEY): needed in clear to sign, so it cannot be hashed.
    secret = EncryptedSecretField(_("signing secret"), max_length=100, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    class Meta:
        # The table keeps the name it was created with in the tickets app.
        db_table = "tickets_webhooksubscription"
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="webhook_owner_created")]

    def __str__(self) -> str:
        return self.description or self.url


class WebhookDelivery(models.Model):
    """One event for one subscription: written in the transaction that caused the event, sent by
    a Celery task after the commit, retried with growing pauses. Every attempt is logged here
    (``attempt_log``), with the last answer in the ``last_*`` fields."""

    subscription = models.ForeignKey(
        WebhookSubscription, verbose_name=_("subscription"), on_delete=models.PROTECT, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=40)
    event_id = models.UUIDField(
        _("event id"), default=uuid.uuid4, help_text=_("The same for every receiver of one event.")
    )
    uuid = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    payload = models.JSONField(_("payload"), encoder=DjangoJSONEncoder)
    status = models.CharField(
        _("status"), max_length=20, choices=WebhookDeliveryStatus.choices, default=WebhookDeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_response = models.TextField(_("last response (start)"), blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    attempt_log = models.JSONField(_("attempts made"), encoder=DjangoJSONEncoder, default=list, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        # The table keeps the name it was created with in the tickets app.
        db_table = "tickets_webhookdelivery"
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_subscription"),
            # The nightly pruning walks the finished deliveries oldest first (notifications/pruning.py).
            models.Index(fields=["status", "created_at"], name="webhook_delivery_finished"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id} ({self.status})"
