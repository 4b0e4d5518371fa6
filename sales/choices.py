"""The choices of leads from service: what a rule watches for, what a lead offers, its status."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Trigger(models.TextChoices):
    REPAIR_COST_SHARE = "repair_cost_share", _("A repair costing a share of the replacement price")
    UNIT_AGE = "unit_age", _("A unit older than its model's design life")
    REPEAT_REPAIRS = "repeat_repairs", _("Repeated repairs of the same unit")
    CONSUMABLE_DUE = "consumable_due", _("A consumable or accessory due by usage")


class LeadKind(models.TextChoices):
    UPGRADE = "upgrade", _("Upgrade")
    TRADE_IN = "trade_in", _("Trade-in")
    CROSS_SELL = "cross_sell", _("Cross-sell")


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class ConsentAnswer(models.TextChoices):
    """What staff or the customer record about offers (customers.referral_choices.OffersConsent
    without "not asked")."""

    GIVEN = "given", _("Agreed")
    REFUSED = "refused", _("Opted out")


class ConsentSource(models.TextChoices):
    """Where staff heard the customer's answer about offers, through the API."""

    PHONE = "phone", _("Phone call")
    DESK = "desk", _("Service desk")
    API = "api", _("API")
