"""Service contracts: the catalogue of extended warranties and maintenance plans, the contracts
sold on registered units, the maintenance visits they include and the odometer readings that
time them (docs/contracts.md)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.scoping import ProviderScoped
from contracts.choices import ContractKind, ContractStatus, Coverage, SaleChannel
from customers.models import Customer, Language, LocalizedNameMixin, ProductCategory, ProductUnit
from network.models import ServiceProvider
from tickets.models import ServiceStation, Ticket


class ContractProduct(LocalizedNameMixin):
    """A contract on sale: an extended warranty or a maintenance plan for a product category.

    The term runs ``term_months`` from the start, and for cars also ``term_km`` from the
    odometer reading at the start, whichever comes first."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=ContractKind.choices)
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("product category"),
        on_delete=models.PROTECT,
        related_name="contract_products",
        help_text=_("The units this product can be sold on."),
    )
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    term_km = models.PositiveIntegerField(
        _("term (km)"),
        null=True,
        blank=True,
        # Bounded here, not by the database's integer: the API says the same on every database.
        validators=[MinValueValidator(1), MaxValueValidator(2_000_000)],
        help_text=_("Cars only: the contract also ends after this distance, whichever comes first."),
    )
    price = models.DecimalField(
        _("price"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))]
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    coverage = models.CharField(_("covers"), max_length=20, choices=Coverage.choices, default=Coverage.BOTH)
    included_visits = models.PositiveSmallIntegerField(
        _("included maintenance visits"), default=0, validators=[MaxValueValidator(50)]
    )
    visit_interval_months = models.PositiveSmallIntegerField(
        _("months between visits"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    visit_interval_km = models.PositiveIntegerField(
        _("km between visits"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(200_000)],
        help_text=_("Cars only: a visit is due after this distance or the months, whichever comes first."),
    )
    exclusions = models.TextField(_("exclusions"), blank=True)
    exclusions_zh = models.TextField(_("exclusions in Chinese"), blank=True)
    is_active = models.BooleanField(_("on sale"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract product")
        verbose_name_plural = _("contract products")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def display_exclusions(self) -> str:
        """The exclusions in the reader's language (Chinese when written in Chinese too)."""
        if self.exclusions_zh and Language.active() == Language.CHINESE:
            return self.exclusions_zh
        return self.exclusions


class ServiceContract(models.Model):
    """A contract sold on one registered unit. Price, cover and visits are copied from the
    product at the sale, so a later change to the catalogue never changes a contract sold."""

    number = models.CharField(_("contract number"), max_length=30, unique=True)
    product = models.ForeignKey(
        ContractProduct, verbose_name=_("product"), on_delete=models.PROTECT, related_name="contracts"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ContractKind.choices)
    unit = models.ForeignKey(
        ProductUnit, verbose_name=_("product unit"), on_delete=models.PROTECT, related_name="contracts"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contracts"
    )
    status = models.CharField(_("status"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.ACTIVE)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), db_index=True)
    start_km = models.PositiveIntegerField(_("odometer at start (km)"), null=True, blank=True)
    end_km = models.PositiveIntegerField(_("ends at (km)"), null=True, blank=True)
    coverage = models.CharField(_("covers"), max_length=20, choices=Coverage.choices)
    included_visits = models.PositiveSmallIntegerField(_("included maintenance visits"), default=0)
    visit_interval_months = models.PositiveSmallIntegerField(_("months between visits"), null=True, blank=True)
    visit_interval_km = models.PositiveIntegerField(_("km between visits"), null=True, blank=True)
    price = models.DecimalField(
        _("price"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))]
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    channel = models.CharField(_("sold on"), max_length=20, choices=SaleChannel.choices)
    payment_reference = models.CharField(_("payment reference"), max_length=80)
    paid_at = models.DateTimeField(_("paid"))
    payment_confirmed_at = models.DateTimeField(
        _("payment confirmed"),
        null=True,
        blank=True,
        help_text=_(
            "When staff confirmed the payment: at the sale when staff took it, later for a contract bought on the "
            "portal. A contract covers nothing until its payment is confirmed."
        ),
    )
    payment_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("payment confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sold by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the customer bought it on the portal."),
    )
    provider = models.ForeignKey(
        ServiceProvider,
        verbose_name=_("sold by provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    station = models.ForeignKey(
        ServiceStation,
        verbose_name=_("sold at station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    renews = models.OneToOneField(
        "self",
        verbose_name=_("renews"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewed_by",
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    # A provider's staff see the contracts their provider sold; cover is read for a unit through
    # the base manager, whoever sold it (contracts/entitlement.py).
    objects = ProviderScoped("provider")

    class Meta:
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "ends_on"], name="contract_unit_ends")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="contract_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="contract_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number


class ContractVisit(models.Model):
    """A maintenance visit a plan included, as it was done: its number in the plan, the day and,
    for a car, the odometer reading."""

    contract = models.ForeignKey(
        ServiceContract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="visits"
    )
    number = models.PositiveSmallIntegerField(_("visit number"))
    done_on = models.DateField(_("done on"))
    odometer_km = models.PositiveIntegerField(_("odometer (km)"), null=True, blank=True)
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contract_visits",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ProviderScoped("contract__provider")

    class Meta:
        verbose_name = _("plan maintenance visit")
        verbose_name_plural = _("plan maintenance visits")
        ordering = ["contract", "number"]
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="contract_visit_number_unique")]

    def __str__(self) -> str:
        return f"{self.contract_id} #{self.number}"


class OdometerReading(models.Model):
    """A car's odometer as read at a visit. The latest reading times a plan's next visit by
    distance and ends a contract with a distance term."""

    unit = models.ForeignKey(
        ProductUnit, verbose_name=_("product unit"), on_delete=models.PROTECT, related_name="odometer_readings"
    )
    km = models.PositiveIntegerField(_("odometer (km)"))
    read_on = models.DateField(_("read on"))
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("odometer reading")
        verbose_name_plural = _("odometer readings")
        ordering = ["unit", "-read_on", "-id"]
        indexes = [models.Index(fields=["unit", "-read_on"], name="odometer_unit_latest")]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.km} km"
