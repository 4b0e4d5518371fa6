"""The statuses of an outbox message and of a webhook delivery.

Apart from the models so that the pure retention rule (notifications/retention.py) can name the
finished ones without importing the ORM; ``notifications.models`` exports them too.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class WebhookDeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
