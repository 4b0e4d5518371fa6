"""Quality control: rate thresholds, daily rate snapshots, alerts and recall campaigns.

Callback visits, attempts, satisfaction ratings and feedback items live in
``tickets/models.py``: the ticket lifecycle depends on them (resolving creates the
after-service callback and the feedback item in the same transaction, and verifying needs the
callback settled), and apps depend one way only, customers ← tickets ← followups. This app
holds the work around them: the callback queue, the daily scheduling, the emailed survey, the
quality rates and what managers do about them (docs/kpis.md).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import ProductModel, ProductUnit
from followups.models import CallbackVisit
from quality.rates import KPIS
from tickets.models import Ticket


class Dimension(models.TextChoices):
    """What a rate can be broken down by. ``all`` is the whole organisation."""

    ALL = "all", _("Whole organisation")
    CATEGORY = "category", _("Product category")
    MODEL = "model", _("Model")
    BATCH = "batch", _("Production batch")
    STATION = "station", _("Service station")
    REGION = "region", _("Region")
    AGENT = "agent", _("Agent")
    TECHNICIAN = "technician", _("Technician")
    PROVIDER = "provider", _("Service provider")


KPI_CHOICES = [(kpi.key, kpi.label) for kpi in KPIS.values()]


class KpiThreshold(models.Model):
    """A manager's threshold for one KPI; a KPI with no row uses its default (10 % for each of
    the three controlled rates)."""

    kpi = models.CharField(_("rate"), max_length=40, choices=KPI_CHOICES, unique=True)
    threshold = models.DecimalField(
        _("threshold"), max_digits=5, decimal_places=4, help_text=_("A fraction: 0.1000 is 10 %.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        # The table keeps the name it was created with in the followups app.
        db_table = "followups_kpithreshold"
        verbose_name = _("rate threshold")
        verbose_name_plural = _("rate thresholds")
        ordering = ["kpi"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(threshold__gte=0, threshold__lte=1), name="kpi_threshold_between_0_and_1"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kpi_display()}: {self.threshold:%}"


class RateSnapshot(models.Model):
    """The counts behind every KPI for one day and one dimension value (docs/kpis.md#snapshots).

    Numerators and denominators are stored, never ratios, so a month or a region is the sum
    of its rows. ``value`` is the dimension's key (a primary key, a region name, or
    ``model_id:batch``); it is empty for the whole organisation. Each case and each rating is
    anchored on exactly one day, so summing days never counts one twice.
    """

    day = models.DateField(_("day"))
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    value = models.CharField(_("value"), max_length=120, blank=True)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    service_completed = models.PositiveIntegerField(default=0)
    service_complaints = models.PositiveIntegerField(default=0)
    product_complaints = models.PositiveIntegerField(default=0)
    cases_due = models.PositiveIntegerField(default=0)
    cases_with_omission = models.PositiveIntegerField(default=0)
    omission_unrecorded = models.PositiveIntegerField(default=0)
    omission_late = models.PositiveIntegerField(default=0)
    omission_no_callback = models.PositiveIntegerField(default=0)
    omission_no_feedback = models.PositiveIntegerField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    low_ratings = models.PositiveIntegerField(default=0)
    top2_ratings = models.PositiveIntegerField(default=0)
    callback_complaints = models.PositiveIntegerField(default=0)
    unrated_complaints = models.PositiveIntegerField(default=0)
    callback_attempted = models.PositiveIntegerField(default=0)
    callback_reached = models.PositiveIntegerField(default=0)
    repairs = models.PositiveIntegerField(default=0)
    fixed_first_time = models.PositiveIntegerField(default=0)
    contact_due = models.PositiveIntegerField(default=0)
    contact_on_time = models.PositiveIntegerField(default=0)
    arrival_due = models.PositiveIntegerField(default=0)
    arrival_on_time = models.PositiveIntegerField(default=0)
    completion_due = models.PositiveIntegerField(default=0)
    completion_on_time = models.PositiveIntegerField(default=0)
    complaints_opened = models.PositiveIntegerField(default=0)
    complaints_closed_7_days = models.PositiveIntegerField(default=0)

    class Meta:
        # The table keeps the name it was created with in the followups app.
        db_table = "followups_ratesnapshot"
        verbose_name = _("rate snapshot")
        verbose_name_plural = _("rate snapshots")
        ordering = ["-day", "dimension", "value"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "value", "day"], name="snapshot_one_per_day_and_value")
        ]
        indexes = [models.Index(fields=["dimension", "day"], name="snapshot_dimension_day")]

    def __str__(self) -> str:
        return f"{self.day} · {self.dimension} · {self.value or '—'}"


class AlertKind(models.TextChoices):
    RATE = "rate", _("Rate over its threshold")
    BATCH = "batch", _("Batch failure rate")


class QualityAlert(models.Model):
    """A rate past its threshold, or a production batch failing far more often than its model.

    Raised by the daily job, at most one open alert per rate and dimension value; cleared (not
    deleted) when the rate is back within its threshold. ``numerator``/``denominator`` and
    ``rate`` are the figures when it was last checked.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    kpi = models.CharField(_("rate"), max_length=40, choices=KPI_CHOICES, blank=True)
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices, default=Dimension.ALL)
    value = models.CharField(_("value"), max_length=120, blank=True)
    label = models.CharField(_("about"), max_length=200, blank=True)
    numerator = models.PositiveIntegerField(_("numerator"))
    denominator = models.PositiveIntegerField(_("denominator"))
    rate = models.DecimalField(_("rate"), max_digits=9, decimal_places=6)
    threshold = models.DecimalField(_("threshold"), max_digits=9, decimal_places=6)
    window_start = models.DateField(_("from"))
    window_end = models.DateField(_("until"))
    model = models.ForeignKey(
        ProductModel, verbose_name=_("model"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    batch = models.CharField(_("production batch"), max_length=40, blank=True)
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    checked_at = models.DateTimeField(_("last checked"), default=timezone.now)
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)

    class Meta:
        # The table keeps the name it was created with in the followups app.
        db_table = "followups_qualityalert"
        verbose_name = _("quality alert")
        verbose_name_plural = _("quality alerts")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "kpi", "dimension", "value"],
                condition=models.Q(cleared_at__isnull=True),
                name="alert_one_open_per_subject",
            )
        ]
        indexes = [models.Index(fields=["cleared_at", "-raised_at"], name="alert_open_raised")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.label or self.value or self.kpi}"

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


class RecallCampaign(models.Model):
    """A recall of one model's units, narrowed to a production batch or a serial range: every
    registered owner gets a recall ticket and a recall callback.

    The tickets are opened after the campaign is saved, in chunks, by a Celery task
    (quality/recalls/services.py); ``opened_at`` is set once every unit it covers has its ticket.
    ``request_key`` is the confirmation form's one-time key: the same confirmation submitted
    twice starts one campaign.
    """

    title = models.CharField(_("title"), max_length=200)
    model = models.ForeignKey(ProductModel, verbose_name=_("model"), on_delete=models.PROTECT, related_name="recalls")
    batch = models.CharField(_("production batch"), max_length=40, blank=True)
    serial_from = models.CharField(_("serials from"), max_length=64, blank=True)
    serial_to = models.CharField(_("serials to"), max_length=64, blank=True)
    reason = models.TextField(_("reason and remedy"))
    alert = models.ForeignKey(
        QualityAlert, verbose_name=_("alert"), null=True, blank=True, on_delete=models.PROTECT, related_name="recalls"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    opened_at = models.DateTimeField(_("every ticket opened"), null=True, blank=True)
    request_key = models.CharField(_("submission key"), max_length=64, blank=True, editable=False)

    class Meta:
        # The table keeps the name it was created with in the followups app.
        db_table = "followups_recallcampaign"
        verbose_name = _("recall campaign")
        verbose_name_plural = _("recall campaigns")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request_key"], condition=~models.Q(request_key=""), name="recall_request_key_once"
            )
        ]

    def __str__(self) -> str:
        return self.title


class RecallUnit(models.Model):
    """One registered unit in a recall, with the ticket and callback opened for its owner."""

    campaign = models.ForeignKey(
        RecallCampaign, verbose_name=_("recall"), on_delete=models.PROTECT, related_name="units"
    )
    unit = models.ForeignKey(ProductUnit, verbose_name=_("product unit"), on_delete=models.PROTECT, related_name="+")
    ticket = models.OneToOneField(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="recall")
    callback = models.OneToOneField(
        CallbackVisit,
        verbose_name=_("callback"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recall",
    )

    class Meta:
        # The table keeps the name it was created with in the followups app.
        db_table = "followups_recallunit"
        verbose_name = _("recalled unit")
        verbose_name_plural = _("recalled units")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="recall_unit_once")]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.unit_id}"
