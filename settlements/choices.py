"""The settlement's fixed vocabularies (docs/settlement.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class JobType(models.TextChoices):
    """What a rate card prices: installation, repair by complexity band, maintenance."""

    INSTALLATION = "installation", _("Installation")
    REPAIR_SIMPLE = "repair_simple", _("Repair, simple")
    REPAIR_STANDARD = "repair_standard", _("Repair, standard")
    REPAIR_COMPLEX = "repair_complex", _("Repair, complex")
    MAINTENANCE = "maintenance", _("Maintenance")


class StatementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PAID = "paid", pgettext_lazy("settlement statement", "Paid")


class LineDecision(models.TextChoices):
    PENDING = "pending", _("Not reviewed")
    APPROVED = "approved", _("Approved")
    ADJUSTED = "adjusted", _("Adjusted")
    REJECTED = "rejected", _("Rejected")


class FlagCode(models.TextChoices):
    """Why a line needs a reviewer's look (settlements/checks.py)."""

    REPEAT_CLAIM = "repeat_claim", _("Same unit and fault claimed again within 30 days")
    NO_VERIFIED_CALLBACK = "no_verified_callback", _("No verified callback")
    PART_NOT_RETURNED = "part_not_returned", _("Warranty part used without its old part returned")
    OUT_OF_WARRANTY = "out_of_warranty", _("Unit outside its warranty or contract")
    LABOUR_ABOVE_CARD = "labour_above_card", _("Labour above the rate card")
    NO_RATE_CARD = "no_rate_card", _("No rate card in force")
    HIGH_REPEAT_RATE = "high_repeat_rate", _("Provider's repeat-repair rate far above the network's")
