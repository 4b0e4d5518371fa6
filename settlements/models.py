"""Rate cards, settlement lines and monthly statements (docs/settlement.md).

Every amount is a Decimal with two places and the currency beside it; a statement's total is the
sum of its approved lines, never a number typed in.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.scoping import ProviderScoped
from customers.models import ProductCategory
from network.models import ServiceProvider
from settlements.choices import JobType, LineDecision, StatementStatus
from tickets.models import Ticket

ZERO = Decimal("0.00")


def _money(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


def _currency() -> models.CharField:
    return models.CharField(_("currency"), max_length=3, default="CNY")


class RateCard(models.Model):
    """Labour paid for one job type on one product category, from a date on. A provider's own
    card comes before the default (no provider); no category means every category."""

    provider = models.ForeignKey(
        ServiceProvider,
        verbose_name=_("service provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rate_cards",
        help_text=_("Leave empty for the network's default card."),
    )
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("product category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty for every category."),
    )
    job_type = models.CharField(_("job type"), max_length=20, choices=JobType.choices)
    labour = _money(_("labour"))
    currency = _currency()
    effective_from = models.DateField(_("effective from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # A provider's staff read their own cards and the default.
    objects = ProviderScoped("provider", shared=True)

    class Meta:
        verbose_name = _("labour rate")
        verbose_name_plural = _("labour rates")
        ordering = ["provider__code", "category__code", "job_type", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "category", "job_type", "effective_from"],
                nulls_distinct=False,
                name="rate_card_one_per_day",
            ),
            models.CheckConstraint(condition=models.Q(labour__gte=0), name="rate_card_labour_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_job_type_display()} {self.labour} {self.currency} ({self.effective_from})"


class TravelRate(models.Model):
    """The travel allowance for a distance band (from ``min_km`` up to, not including,
    ``max_km``; no upper end: every distance above), from a date on."""

    provider = models.ForeignKey(
        ServiceProvider,
        verbose_name=_("service provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="travel_rates",
        help_text=_("Leave empty for the network's default allowance."),
    )
    min_km = models.PositiveIntegerField(_("from km"))
    max_km = models.PositiveIntegerField(
        _("up to km"), null=True, blank=True, help_text=_("Leave empty for no upper end.")
    )
    allowance = _money(_("allowance"))
    currency = _currency()
    effective_from = models.DateField(_("effective from"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProviderScoped("provider", shared=True)

    class Meta:
        verbose_name = _("travel allowance")
        verbose_name_plural = _("travel allowances")
        ordering = ["provider__code", "-effective_from", "min_km"]
        constraints = [
            models.CheckConstraint(condition=models.Q(allowance__gte=0), name="travel_rate_not_negative"),
            models.CheckConstraint(
                condition=models.Q(max_km__isnull=True) | models.Q(max_km__gt=models.F("min_km")),
                name="travel_rate_band_order",
            ),
        ]

    def __str__(self) -> str:
        upper = self.max_km if self.max_km is not None else "∞"
        return f"{self.min_km}–{upper} km: {self.allowance} {self.currency}"


class Statement(models.Model):
    """One provider's claims for one month: draft → submitted → in review → approved → paid."""

    provider = models.ForeignKey(
        ServiceProvider, verbose_name=_("service provider"), on_delete=models.PROTECT, related_name="statements"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(
        _("status"), max_length=20, choices=StatementStatus.choices, default=StatementStatus.DRAFT
    )
    currency = _currency()
    # Written when headquarters approves: the sum of the approved lines, kept as it was then.
    approved_total = _money(_("approved total"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Bumped on every change through the services; a stale form is refused.
    version = models.PositiveIntegerField(default=1)

    objects = ProviderScoped("provider")

    class Meta:
        verbose_name = _("settlement statement")
        verbose_name_plural = _("settlement statements")
        ordering = ["-month", "provider__code"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "month", "currency"], name="statement_one_per_month"),
        ]
        indexes = [models.Index(fields=["status", "-month"], name="statement_status_month")]

    def __str__(self) -> str:
        return f"{self.provider.code} {self.month:%Y-%m}"


class SettlementLine(models.Model):
    """What one verified warranty job claims: labour by the rate card in force on the job's date,
    parts at standard cost, travel, and approved extras with their reason."""

    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.PROTECT, related_name="lines"
    )
    provider = models.ForeignKey(
        ServiceProvider, verbose_name=_("service provider"), on_delete=models.PROTECT, related_name="settlement_lines"
    )
    ticket = models.OneToOneField(
        Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="settlement_line"
    )
    job_date = models.DateField(_("job date"))
    job_type = models.CharField(_("job type"), max_length=20, choices=JobType.choices)
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("product category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rate_card = models.ForeignKey(
        RateCard, verbose_name=_("labour rate"), null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )
    travel_km = models.PositiveIntegerField(_("travel km"), default=0)
    labour = _money(_("labour"), default=ZERO)
    parts = _money(_("parts"), default=ZERO)
    travel = _money(_("travel"), default=ZERO)
    extras = _money(_("extras"), default=ZERO)
    extras_reason = models.CharField(_("reason for extras"), max_length=255, blank=True)
    claimed = _money(_("claimed"), default=ZERO)
    currency = _currency()
    # The automatic checks' findings: [{"code": FlagCode, "detail": "..."}]; empty when clean.
    flags = models.JSONField(_("flags"), default=list, blank=True)
    flagged = models.BooleanField(_("flagged"), default=False)
    decision = models.CharField(
        _("decision"), max_length=20, choices=LineDecision.choices, default=LineDecision.PENDING
    )
    approved_amount = _money(_("approved amount"), null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=255, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProviderScoped("provider")

    class Meta:
        verbose_name = _("settlement line")
        verbose_name_plural = _("settlement lines")
        ordering = ["job_date", "id"]
        indexes = [
            models.Index(fields=["statement", "job_date", "id"], name="settlement_line_statement"),
            models.Index(fields=["statement", "flagged"], name="settlement_line_flagged"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(labour__gte=0, parts__gte=0, travel__gte=0, extras__gte=0),
                name="settlement_line_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.claimed} {self.currency}"


class StatementEvent(models.Model):
    """Who did what to a statement or one of its lines, and when: append-only."""

    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.PROTECT, related_name="events"
    )
    line = models.ForeignKey(
        SettlementLine, verbose_name=_("line"), null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("action"), max_length=30)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    objects = ProviderScoped("statement__provider")

    class Meta:
        verbose_name = _("statement event")
        verbose_name_plural = _("statement events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"
