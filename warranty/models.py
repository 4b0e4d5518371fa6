"""TODO docstring"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.scoping import ProviderScoped
from customers.models import ProductUnit
from tickets.models import Ticket


class ClaimStatus(models.TextChoices):
    EVALUATED = "evaluated", _("Evaluated")
    CHOSEN = "chosen", _("Remedy chosen")
    EXECUTED = "executed", _("Carried out")


class WarrantyClaim(models.Model):
    """A three-guarantees claim on a ticket: the facts, the engine's decision and why, the
    customer's choice and how it was carried out (docs/three-guarantees.md#claims).

    The decision is stored with the rule that produced it, the policy version and the facts
    it was computed from. Facts corrected by hand keep the prefilled value and the reason.
    """

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="claims")
    unit = models.ForeignKey(
        ProductUnit, verbose_name=_("product unit"), on_delete=models.PROTECT, related_name="claims"
    )
    policy = models.ForeignKey(
        "customers.WarrantyPolicy", verbose_name=_("policy version"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.EVALUATED)
    facts = models.JSONField(_("facts"), encoder=DjangoJSONEncoder)
    prefilled = models.JSONField(_("facts from the records"), encoder=DjangoJSONEncoder, default=dict)
    corrections = models.JSONField(
        _("corrected facts"), encoder=DjangoJSONEncoder, default=dict, help_text=_("field: [from the records, entered]")
    )
    correction_reason = models.TextField(_("reason for the corrections"), blank=True)

    rule = models.CharField(_("deciding rule"), max_length=60)
    remedies = models.JSONField(_("remedies allowed"), default=list)
    free = models.BooleanField(_("free of charge"))
    reason_codes = models.JSONField(_("reasons"), encoder=DjangoJSONEncoder, default=list)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    refund_amount = models.DecimalField(_("refund"), max_digits=10, decimal_places=2, null=True, blank=True)
    usage_fee = models.DecimalField(_("usage fee"), max_digits=10, decimal_places=2, null=True, blank=True)
    loaner = models.BooleanField(_("loaner car"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("evaluated by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("evaluated"), auto_now_add=True)

    chosen_remedy = models.CharField(_("customer's choice"), max_length=30, blank=True)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chosen_at = models.DateTimeField(_("chosen"), null=True, blank=True)
    is_goodwill = models.BooleanField(_("goodwill override"), default=False)
    goodwill_reason = models.TextField(_("goodwill reason"), blank=True)

    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("carried out by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    executed_at = models.DateTimeField(_("carried out"), null=True, blank=True)
    charge = models.DecimalField(_("repair charge"), max_digits=10, decimal_places=2, null=True, blank=True)
    refund_paid = models.DecimalField(_("refund paid"), max_digits=10, decimal_places=2, null=True, blank=True)
    replacement_unit = models.OneToOneField(
        ProductUnit,
        verbose_name=_("replacement unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacement_claim",
    )

    objects = ProviderScoped("ticket__provider")

    class Meta:
        # The table keeps the name it was created with in the tickets app.
        db_table = "tickets_warrantyclaim"
        verbose_name = _("warranty claim")
        verbose_name_plural = _("warranty claims")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.rule}"
