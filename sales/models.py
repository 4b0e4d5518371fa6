"""Leads from service: the editable rules that find them, the consumables that fall due, and the
leads themselves with their owner and status (docs/sales.md)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.scoping import ProviderScoped
from customers.models import Customer, LocalizedNameMixin, OffersConsent, ProductCategory, ProductModel, ProductUnit
from network.models import ServiceProvider
from sales.choices import LeadKind, LeadStatus, Trigger
from sales.lead_rules import rule_errors
from tickets.models import Ticket

NUMBERS = ("cost_share_percent", "repairs_count", "within_days")


class LeadRule(LocalizedNameMixin):
    """A rule that turns a service event into a lead. Its numbers are data, edited in the admin."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    trigger = models.CharField(_("when"), max_length=30, choices=Trigger.choices)
    lead_kind = models.CharField(_("lead"), max_length=20, choices=LeadKind.choices)
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("product category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: every category."),
    )
    cost_share_percent = models.DecimalField(
        _("share of the replacement price (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1000"))],
    )
    repairs_count = models.PositiveSmallIntegerField(
        _("repairs"), null=True, blank=True, validators=[MinValueValidator(2), MaxValueValidator(20)]
    )
    within_days = models.PositiveSmallIntegerField(
        _("within (days)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3660)]
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Who the leads go to when the unit's dealer does not take them."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("lead rule")
        verbose_name_plural = _("lead rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    def clean(self) -> None:
        errors = rule_errors(self.trigger, {name: getattr(self, name) for name in NUMBERS})
        if errors:
            raise ValidationError(errors)


class Consumable(LocalizedNameMixin):
    """A consumable or accessory of a model that falls due by usage (a filter every six months,
    a car's oil every 10,000 km): when it is due, the owner is a cross-sell lead."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    model = models.ForeignKey(
        ProductModel, verbose_name=_("model"), on_delete=models.PROTECT, related_name="consumables"
    )
    part_number = models.CharField(_("part number"), max_length=60, blank=True)
    every_months = models.PositiveSmallIntegerField(
        _("every (months)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    every_km = models.PositiveIntegerField(_("every (km)"), null=True, blank=True, validators=[MinValueValidator(1)])
    price = models.DecimalField(
        _("price"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))]
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("consumable or accessory")
        verbose_name_plural = _("consumables and accessories")
        ordering = ["model", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"


class Lead(models.Model):
    """A sales opportunity found in service, with the unit and ticket that produced it."""

    kind = models.CharField(_("kind"), max_length=20, choices=LeadKind.choices)
    rule = models.ForeignKey(
        LeadRule, verbose_name=_("rule"), null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="leads")
    unit = models.ForeignKey(
        ProductUnit,
        verbose_name=_("product unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    consumable = models.ForeignKey(
        Consumable, verbose_name=_("consumable"), null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    consent = models.CharField(
        _("offers consent when found"),
        max_length=20,
        choices=OffersConsent.choices,
        help_text=_("What the customer had said about offers when the lead was made."),
    )
    reason = models.JSONField(_("why"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW)
    lost_reason = models.TextField(_("why it was lost"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    owner_provider = models.ForeignKey(
        ServiceProvider,
        verbose_name=_("dealer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    value = models.DecimalField(
        _("value won"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    dedupe_key = models.CharField(_("de-duplication key"), max_length=120, unique=True)
    created_at = models.DateTimeField(_("found"), auto_now_add=True, db_index=True)
    contacted_at = models.DateTimeField(_("contacted"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    # A dealer's staff see the leads given to their dealer.
    objects = ProviderScoped("owner_provider")

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="lead_status_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.customer_id}"


class LeadEvent(models.Model):
    """A step in a lead's life: found, contacted, won or lost, reassigned; who and when."""

    lead = models.ForeignKey(Lead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=20, choices=LeadStatus.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = ProviderScoped("lead__owner_provider")

    class Meta:
        verbose_name = _("lead event")
        verbose_name_plural = _("lead events")
        ordering = ["lead", "at", "id"]

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.status}"
