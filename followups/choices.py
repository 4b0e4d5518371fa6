"""The follow-ups' choices: where a rating came from, and a callback's kind, status and result."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RatingSource(models.TextChoices):
    PORTAL = "portal", _("Portal")
    CALLBACK = "callback", _("Callback call")
    SURVEY = "survey", _("Emailed survey")


class CallbackKind(models.TextChoices):
    AFTER_SERVICE = "after_service", _("After service")
    INSTALLATION_7D = "installation_7d", _("7 days after installation")
    INSTALLATION_30D = "installation_30d", _("30 days after installation")
    MAINTENANCE = "maintenance", _("Maintenance due")
    WARRANTY_EXPIRY = "warranty_expiry", _("Warranty ending")
    RECALL = "recall", _("Recall")


class CallbackStatus(models.TextChoices):
    DUE = "due", _("To call")
    DONE = "done", _("Done")
    UNREACHABLE = "unreachable", _("Customer unreachable")
    CANCELLED = "cancelled", _("Cancelled")


class CallbackResult(models.TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    REFUSED = "refused", _("Refused")
