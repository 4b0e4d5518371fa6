"""The outbox: every message to a customer or a staff member, by SMS or email.

A message is a row written in the same transaction as the change it tells about, so it exists
exactly when that change was committed. After the commit a Celery task sends it; when the
broker or the vendor is down the row waits and the periodic sweep sends it later. The row
knows nothing of tickets: ``ticket_reference`` is text, so this app depends on no other.
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.models import Channel, Customer


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


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
        indexes = [models.Index(fields=["status", "created_at"], name="message_status_created")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.template} → {self.recipient}"

    @property
    def error_label(self) -> str:
        """Why the message was not sent, in the reader's words (the SMS vendor's or the mail
        server's reason); the raw code when it is not one the product knows."""
        from notifications.sms.base import SmsError

        choices = SmsError if self.channel == Channel.SMS else EmailError
        labels = dict(choices.choices)
        return str(labels.get(self.error_code, self.error_code))
