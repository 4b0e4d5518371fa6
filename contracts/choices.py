"""The choices of service contracts: what a product is, what it covers, how it was sold."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractKind(models.TextChoices):
    EXTENDED_WARRANTY = "extended_warranty", _("Extended warranty")
    MAINTENANCE_PLAN = "maintenance_plan", _("Maintenance plan")


class Coverage(models.TextChoices):
    PARTS = "parts", _("Parts")
    LABOUR = "labour", _("Labour")
    BOTH = "both", _("Parts and labour")


class SaleChannel(models.TextChoices):
    DESK = "desk", _("Service desk")
    CALLBACK = "callback", _("Warranty-expiry call")
    PORTAL = "portal", _("Portal")
    RENEWAL = "renewal", _("Renewal")
    API = "api", _("API")


class ContractStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CANCELLED = "cancelled", _("Cancelled")
