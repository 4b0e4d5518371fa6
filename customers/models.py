"""Customers, the product catalogue and the product units customers own (docs/architecture.md#the-apps)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from aftersales.scoping import ProviderScoped
from customers.calendar_models import BusinessCalendar, DayKind, NationalCalendarDay  # noqa: F401
from customers.phone_code_models import CodePurpose, PhoneCode  # noqa: F401
from customers.phones import display_phone
from customers.referral_choices import OffersConsent, ReferralChannel, new_referral_code
from customers.warranty_periods import StartBasis


class LocalizedNameMixin(models.Model):
    """Catalogue rows carry their name in English and Chinese; users see their language's."""

    name = models.CharField(_("name"), max_length=120)
    name_zh = models.CharField(_("Chinese name"), max_length=120, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_zh and Language.active() == Language.CHINESE:
            return self.name_zh
        return self.name


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    CHINESE = "zh-hans", _("Simplified Chinese")

    @classmethod
    def active(cls) -> "Language":
        """The product language the visitor is using now (from the browser or the switch)."""
        return cls.CHINESE if (translation.get_language() or "").startswith("zh") else cls.ENGLISH


class Channel(models.TextChoices):
    """How a customer is reached. In China a customer's mobile number is their identity and their
    channel: SMS is the default, email only where the customer has a confirmed address."""

    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")


class Customer(models.Model):
    name = models.CharField(_("name"), max_length=120, db_index=True)
    phone = models.CharField(
        _("mobile phone"), max_length=20, unique=True, help_text=_("Stored in international form, e.g. +8613812345678.")
    )
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    region = models.CharField(_("region"), max_length=80, blank=True, db_index=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=Language.choices, default=Language.CHINESE
    )
    preferred_channel = models.CharField(
        _("preferred channel"),
        max_length=10,
        choices=Channel.choices,
        default=Channel.SMS,
        help_text=_("Messages go this way; by SMS when the customer has no confirmed email."),
    )
    optional_messages = models.BooleanField(
        _("reminders and offers"),
        default=True,
        help_text=_(
            "Whether the customer receives messages a case does not need (maintenance reminders, warranty offers). "
            "Messages about their requests are always sent."
        ),
    )
    phone_verified_at = models.DateTimeField(
        _("phone proven"),
        null=True,
        blank=True,
        help_text=_("When the customer last proved this phone with a code sent to it by SMS."),
    )
    email_verified = models.BooleanField(
        _("email confirmed"),
        default=False,
        help_text=_(
            "Entered by staff, or by the customer after proving their phone. Only a confirmed email receives messages."
        ),
    )
    account_verified_at = models.DateTimeField(
        _("account proven"),
        null=True,
        blank=True,
        help_text=_(
            "When the portal account was linked with a code sent to the phone. Empty for links made before codes "
            "existed: staff review those."
        ),
    )
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service representative"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="represented_customers",
        help_text=_("The staff member who owns the relationship with this customer."),
    )
    referred_by = models.ForeignKey(
        "self",
        verbose_name=_("referred by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    referral_code = models.CharField(
        _("referral code"),
        max_length=12,
        unique=True,
        default=new_referral_code,
        editable=False,
        help_text=_("The code this customer gives friends; a new customer or request that carries it counts for them."),
    )
    referred_at = models.DateTimeField(_("referred"), null=True, blank=True)
    referral_channel = models.CharField(
        _("referral entered on"), max_length=20, choices=ReferralChannel.choices, blank=True
    )
    offers_consent = models.CharField(
        _("offers"),
        max_length=20,
        choices=OffersConsent.choices,
        default=OffersConsent.NOT_ASKED,
        help_text=_(
            "Whether the customer agreed to be contacted about offers (extended warranties, upgrades, accessories). "
            "A customer who opted out is never contacted about an offer."
        ),
    )
    offers_consent_at = models.DateTimeField(_("offers consent recorded"), null=True, blank=True)
    offers_consent_source = models.CharField(
        _("offers consent recorded on"), max_length=20, choices=ReferralChannel.choices, blank=True
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer",
        help_text=_("The login the customer uses on the portal, if they signed up."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProviderScoped("provider", via="tickets")

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.phone_display})"

    @property
    def phone_display(self) -> str:
        return display_phone(self.phone)


class ProductCategory(LocalizedNameMixin):
    """A product category; its three-guarantees terms are its versioned :class:`WarrantyPolicy`."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    warranty_start_basis = models.CharField(
        _("warranty starts on"),
        max_length=20,
        choices=[
            (StartBasis.INVOICE.value, _("invoice date")),
            (StartBasis.INSTALLATION.value, _("installation date")),
            (StartBasis.DELIVERY.value, _("delivery date")),
        ],
        default=StartBasis.INVOICE.value,
    )

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["code"]


class PolicyFamily(models.TextChoices):
    """Which statute a category falls under (docs/three-guarantees.md#the-statutes)."""

    GENERAL = "general", _("General goods (1995 rules)")
    PHONE = "phone", _("Mobile phones (2001 rules)")
    COMPUTER = "computer", _("Computers (2002 rules)")
    CAR = "car", _("Household cars (2021 rules)")


class WarrantyPolicy(models.Model):
    """One version of a category's three-guarantees terms. Rows are never edited in place:
    a change is a new version, effective from a date, so every decision can name the terms
    it was made under. Brand extras may only add remedies to the statutory ones."""

    category = models.ForeignKey(
        ProductCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="policies"
    )
    version = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(
        _("effective from"), help_text=_("Applies to products whose warranty starts on or after this date.")
    )
    family = models.CharField(_("statute"), max_length=20, choices=PolicyFamily.choices, default=PolicyFamily.GENERAL)
    whole_unit_months = models.PositiveSmallIntegerField(_("whole-unit warranty (months)"), default=12)
    main_component_months = models.PositiveSmallIntegerField(_("main-component warranty (months)"), default=36)
    main_components = models.JSONField(
        _("main components"),
        default=list,
        blank=True,
        help_text=_('Pairs of name and months, e.g. [["compressor", 36]]; null months use the main-component period.'),
    )
    accessories = models.JSONField(
        _("accessories"), default=list, blank=True, help_text=_('Pairs of name and months, e.g. [["battery", 6]].')
    )
    depreciation_rate_per_day = models.DecimalField(
        _("depreciation per day"),
        max_digits=6,
        decimal_places=5,
        default=Decimal("0.00100"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Fraction of the price per day of use, e.g. 0.005 for 0.5 %."),
    )
    count_start_day = models.BooleanField(
        _("count the start day as day 1"),
        default=False,
        help_text=_("Statutory counting leaves the start day out; some brands count it."),
    )
    return_days = models.PositiveSmallIntegerField(_("return window (days)"), default=7)
    replace_days = models.PositiveSmallIntegerField(_("replacement window (days)"), default=15)
    repairer_limit_days = models.PositiveSmallIntegerField(
        _("repair time limit, repairer's reasons (days)"), default=30
    )
    no_parts_limit_days = models.PositiveSmallIntegerField(_("repair time limit, waiting for parts (days)"), default=90)
    brand_extra_remedies = models.JSONField(
        _("brand extra remedies"), default=list, blank=True, help_text=_("Remedy codes the brand adds to free claims.")
    )
    validity_months = models.PositiveSmallIntegerField(_("car validity period (months)"), default=24)
    validity_km = models.PositiveIntegerField(_("car validity period (km)"), default=50_000)
    repair_period_months = models.PositiveSmallIntegerField(_("car repair period (months)"), default=36)
    repair_period_km = models.PositiveIntegerField(_("car repair period (km)"), default=60_000)
    car_usage_rate = models.DecimalField(
        _("car usage fee rate per 1,000 km"),
        max_digits=6,
        decimal_places=5,
        default=Decimal("0.00500"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    note = models.CharField(_("what changed"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("warranty policy")
        verbose_name_plural = _("warranty policies")
        ordering = ["category__code", "-version"]
        constraints = [models.UniqueConstraint(fields=["category", "version"], name="policy_version_unique")]

    def __str__(self) -> str:
        return f"{self.category.code} v{self.version}"


class ProductModel(LocalizedNameMixin):
    category = models.ForeignKey(
        ProductCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="models"
    )
    code = models.CharField(_("model code"), max_length=60, unique=True)
    main_components = models.JSONField(
        _("main components"), default=list, blank=True, help_text=_("Names of the main components, e.g. compressor.")
    )
    maintenance_interval_days = models.PositiveIntegerField(_("maintenance interval (days)"), null=True, blank=True)
    design_life_months = models.PositiveSmallIntegerField(
        _("design life (months)"),
        null=True,
        blank=True,
        help_text=_("How long the model is built to last; an older unit is a candidate for an upgrade."),
    )
    replacement_price = models.DecimalField(
        _("replacement price"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_(
            "What a new unit of this kind costs now; a repair costing a large share of it suggests an upgrade."
        ),
    )
    is_active = models.BooleanField(_("on sale or supported"), default=True)

    class Meta:
        verbose_name = _("product model")
        verbose_name_plural = _("product models")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"


class UnitStatus(models.TextChoices):
    IN_USE = "in_use", _("in use")
    REPLACED = "replaced", _("replaced")
    RETURNED = "returned", _("returned")


class ProductUnit(models.Model):
    """One product a customer owns, identified by its serial number (IMEI for phones, VIN for cars)."""

    owner = models.ForeignKey(Customer, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="units")
    model = models.ForeignKey(ProductModel, verbose_name=_("model"), on_delete=models.PROTECT, related_name="units")
    serial = models.CharField(_("serial number"), max_length=64, db_index=True)
    batch = models.CharField(_("production batch"), max_length=40, blank=True, db_index=True)
    invoice_date = models.DateField(_("invoice date"), null=True, blank=True)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    installation_date = models.DateField(_("installation date"), null=True, blank=True)
    replacement_date = models.DateField(
        _("handed over as a replacement on"),
        null=True,
        blank=True,
        help_text=_("A unit given as a three-guarantees replacement: its periods restart on this date."),
    )
    manufacture_date = models.DateField(
        _("manufacture date"), null=True, blank=True, help_text=_("For phones: the date encoded in the IMEI.")
    )
    dealer = models.CharField(_("dealer"), max_length=120, blank=True)
    price = models.DecimalField(_("invoice price"), max_digits=10, decimal_places=2, null=True, blank=True)
    has_invoice = models.BooleanField(_("has invoice"), default=False)
    has_warranty_card = models.BooleanField(_("has warranty card"), default=False)
    warranty_start = models.DateField(_("warranty start"), null=True, blank=True, editable=False)
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True, editable=False, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=UnitStatus.choices, default=UnitStatus.IN_USE)
    replaced_by = models.OneToOneField(
        "self", verbose_name=_("replaced by"), null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)

    objects = ProviderScoped("provider", via="tickets")

    class Meta:
        verbose_name = _("product unit")
        verbose_name_plural = _("product units")
        ordering = ["-registered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["model", "serial"], name="unit_serial_unique_per_model"),
        ]
        # Serials are searched case-insensitively (``serial__iexact``).
        indexes = [models.Index(Upper("serial"), name="unit_serial_upper")]

    def __str__(self) -> str:
        return f"{self.model.code} #{self.serial}"


class FaqEntry(models.Model):
    """A self-service answer on the portal's help page, edited by administrators."""

    question = models.CharField(_("question"), max_length=255)
    question_zh = models.CharField(_("question in Chinese"), max_length=255, blank=True)
    answer = models.TextField(_("answer"))
    answer_zh = models.TextField(_("answer in Chinese"), blank=True)
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("product category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("Leave empty for answers about every product."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("help answer")
        verbose_name_plural = _("help answers")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.question

    @property
    def display_question(self) -> str:
        zh = self.question_zh and Language.active() == Language.CHINESE
        return self.question_zh if zh else self.question

    @property
    def display_answer(self) -> str:
        zh = self.answer_zh and Language.active() == Language.CHINESE
        return self.answer_zh if zh else self.answer


class PriceKind(models.TextChoices):
    SERVICE = "service", _("Service charge")
    PART = "part", _("Genuine spare part")


class PriceListItem(LocalizedNameMixin):
    """A public price: what a paid repair or a genuine part costs, before anyone asks."""

    kind = models.CharField(_("kind"), max_length=20, choices=PriceKind.choices, default=PriceKind.SERVICE)
    category = models.ForeignKey(
        ProductCategory, verbose_name=_("product category"), null=True, blank=True, on_delete=models.SET_NULL
    )
    code = models.CharField(_("part or service code"), max_length=40, blank=True)
    price = models.DecimalField(
        _("price"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    unit_label = models.CharField(_("per"), max_length=40, blank=True, help_text=_("e.g. per visit, per hour, each"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("price list item")
        verbose_name_plural = _("price list")
        ordering = ["kind", "category__code", "position", "name"]
