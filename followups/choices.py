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
    PLAN_VISIT = "plan_visit", _("Maintenance plan visit due")
    CONTRACT_RENEWAL = "contract_renewal", _("Contract ending")


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


class OfferOutcome(models.TextChoices):
    """What came of the offer made on a warranty-expiry or renewal call."""

    OFFERED = "offered", _("Offered, customer thinking it over")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class ContactPoint(models.TextChoices):
    """The contact points of a service a CSI survey asks about (docs/csi.md)."""

    RECEPTION = "reception", _("Reception")
    EXPLANATION = "explanation", _("Explanation of the work")
    REPAIR_QUALITY = "repair_quality", _("Repair quality")
    PRICE_TRANSPARENCY = "price_transparency", _("Price transparency")
    ON_TIME = "on_time", _("On-time delivery")
    OVERALL = "overall", _("Overall")


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Scale of 1 to 5")
    CHOICE = "choice", _("Choice")
    TEXT = "text", _("Free text")


class SurveyChannel(models.TextChoices):
    """How a survey reaches the customer: a link by SMS or email, or read out on the phone."""

    SMS = "sms", _("SMS link")
    EMAIL = "email", _("Email link")
    PHONE = "phone", _("Phone callback")
