"""SLA targets as data, and the escalations of missed stages (docs/lifecycle.md#sla-clocks-in-business-time).

Imported by tickets/models.py, so these are models of the tickets app.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tickets.choices import Kind, Priority
from tickets.sla.clocks import Target, hours


class SlaStage(models.TextChoices):
    RESPONSE = "response", _("Response")
    DISPATCH = "dispatch", _("Dispatch")
    ARRIVAL = "arrival", _("Arrival")
    COMPLETION = "completion", _("Completion")


def _hours_field(verbose_name) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Business hours from the start of the clock; leave empty when the stage does not apply."),
    )


class SlaTarget(models.Model):
    """One version of the SLA target of a kind and priority, for the whole organisation, one
    region (the customer's) or one service station; the most specific one in force applies.

    Rows are never edited in place: a change is a new version, in force from ``effective_from``
    (now or later, never back-dated), and every ticket names the version it was created under,
    so editing targets never moves an existing ticket's deadlines.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    region = models.CharField(
        _("region"),
        max_length=80,
        blank=True,
        help_text=_("The customers' region this target is for; leave empty for every region."),
    )
    station = models.ForeignKey(
        "tickets.ServiceStation",
        verbose_name=_("service station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sla_targets",
        help_text=_("The station this target is for; leave empty for every station."),
    )
    response_hours = _hours_field(_("response (hours)"))
    response_same_day = models.BooleanField(
        _("respond the same business day"),
        default=False,
        help_text=_(
            "Due by closing time of the business day it came in on (the next one after closing or on a holiday)."
        ),
    )
    dispatch_hours = _hours_field(_("dispatch (hours)"))
    arrival_hours = _hours_field(_("arrival (hours)"))
    completion_hours = _hours_field(_("completion (hours)"))
    effective_from = models.DateTimeField(_("effective from"))
    version = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("what changed"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["kind", "priority", "region", "station", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(station__isnull=True) | Q(region=""), name="sla_target_station_or_region"
            ),
            models.UniqueConstraint(
                fields=["kind", "priority", "region", "version"],
                condition=Q(station__isnull=True),
                name="sla_target_version_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "priority", "station", "version"],
                condition=Q(station__isnull=False),
                name="sla_target_station_version_unique",
            ),
        ]
        indexes = [models.Index(fields=["kind", "priority", "effective_from"], name="sla_target_lookup")]

    def __str__(self) -> str:
        scope = self.station.code if self.station_id else self.region or "*"
        return f"{self.kind}/{self.priority}/{scope} v{self.version}"

    @property
    def target(self) -> Target:
        return Target(
            response=hours(self.response_hours),
            dispatch=hours(self.dispatch_hours),
            arrival=hours(self.arrival_hours),
            completion=hours(self.completion_hours),
            response_same_day=self.response_same_day,
        )


class SlaEscalation(models.Model):
    """A missed stage, escalated once: to the assignee and the station's lead (the managers
    when the station has none). The deadline identifies the round: a stage missed again after
    a reopen is a new escalation; the same miss seen twice is not."""

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="escalations"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=SlaStage.choices)
    due = models.DateTimeField(_("deadline"))
    created_at = models.DateTimeField(_("escalated"))
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("told"), related_name="+", blank=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["ticket", "stage", "due"], name="escalation_once_per_stage")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.stage} {self.due:%Y-%m-%d %H:%M}"
