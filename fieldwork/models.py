"""Technicians and their capacity, visit slots and bookings, the on-site job, service reports.

A visit is a booked slot of one technician at one station for one ticket. The slots come from
the station's slot length and the business calendar (fieldwork/slots.py, pure); booking locks the
technician's profile row so a full slot is never overbooked (docs/fieldwork.md).
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.scoping import ProviderScoped
from customers.models import ProductCategory, ProductModel
from tickets.models import ServiceStation, Ticket


class TechnicianProfile(models.Model):
    """What a technician can do and where: stations, skills and visits per slot. Working days and
    hours are those of the business calendar (the profile's own, else the station's)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        on_delete=models.PROTECT,
        related_name="technician_profile",
    )
    stations = models.ManyToManyField(ServiceStation, verbose_name=_("service stations"), related_name="technicians")
    categories = models.ManyToManyField(
        ProductCategory, verbose_name=_("skills: product categories"), blank=True, related_name="+"
    )
    brands = models.JSONField(
        _("skills: brands"), default=list, blank=True, help_text=_("Leave empty for every brand.")
    )
    product_models = models.ManyToManyField(
        ProductModel,
        verbose_name=_("skills: models"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty for every model of the categories above."),
    )
    visits_per_slot = models.PositiveSmallIntegerField(
        _("visits per slot"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    calendar = models.ForeignKey(
        "customers.BusinessCalendar",
        verbose_name=_("working days and hours"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty to work the hours of the technician's first station."),
    )
    is_active = models.BooleanField(_("takes visits"), default=True)

    objects = ProviderScoped("user__provider_membership__provider")

    class Meta:
        verbose_name = _("technician profile")
        verbose_name_plural = _("technician profiles")
        ordering = ["user__last_name", "user__first_name", "user__username"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class StationSlots(models.Model):
    """How a station cuts its working day into visit slots, and how late a customer may move one."""

    station = models.OneToOneField(
        ServiceStation, verbose_name=_("service station"), on_delete=models.CASCADE, related_name="slot_settings"
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        default=240,
        validators=[MinValueValidator(30), MaxValueValidator(720)],
        help_text=_("e.g. 240 for half days, 120 for two hours."),
    )
    change_cutoff_hours = models.PositiveSmallIntegerField(
        _("customer changes up to (hours before)"), default=12, validators=[MaxValueValidator(168)]
    )
    days_ahead = models.PositiveSmallIntegerField(
        _("bookable days ahead"), default=14, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )

    objects = ProviderScoped("station__provider")

    class Meta:
        verbose_name = _("station visit slots")
        verbose_name_plural = _("station visit slots")

    def __str__(self) -> str:
        return f"{self.station_id}: {self.slot_minutes} min"


class VisitStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CONFIRMED = "confirmed", _("Confirmed by the customer")
    CHECKED_IN = "checked_in", _("Technician on site")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# Visits that hold a place in their slot.
HOLDING_STATUSES = (VisitStatus.BOOKED, VisitStatus.CONFIRMED, VisitStatus.CHECKED_IN, VisitStatus.DONE)


class Visit(models.Model):
    """A technician's booked visit for a ticket, and what happened on site."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="field_visits")
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("technician"), on_delete=models.PROTECT, related_name="field_visits"
    )
    station = models.ForeignKey(
        ServiceStation, verbose_name=_("service station"), on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    status = models.CharField(_("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.BOOKED)
    # Why a visit was booked after the ticket's arrival deadline (empty when it was not).
    late_reason = models.CharField(_("reason for booking after the arrival deadline"), max_length=255, blank=True)
    # The customer's confirm-or-move link carries this; a moved or cancelled visit's link stops working.
    token = models.UUIDField(_("customer link key"), default=uuid.uuid4, unique=True, editable=False)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    booked_at = models.DateTimeField(_("booked"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = ProviderScoped("ticket__provider")

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["technician", "start"], name="visit_technician_start"),
            models.Index(fields=["station", "start"], name="visit_station_start"),
            models.Index(fields=["ticket", "status"], name="visit_ticket_status"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.start:%Y-%m-%d %H:%M}"


class ChargeKind(models.TextChoices):
    COVERED = "covered", _("Covered (no charge)")
    PAID = "paid", _("Paid by the customer")


class Complexity(models.TextChoices):
    """How hard a repair was, as the technician records it at check-out: the band its labour is
    paid by (docs/settlement.md)."""

    SIMPLE = "simple", _("Simple")
    STANDARD = "standard", _("Standard")
    COMPLEX = "complex", _("Complex")


class JobRecord(models.Model):
    """What the technician recorded on site for a visit: diagnosis, work, charge and signature."""

    visit = models.OneToOneField(Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="job")
    diagnosis = models.TextField(_("diagnosis"), blank=True)
    work_done = models.TextField(_("work done"), blank=True)
    charge_kind = models.CharField(_("charge"), max_length=20, choices=ChargeKind.choices, default=ChargeKind.COVERED)
    charge = models.DecimalField(
        _("amount charged"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    charge_reason = models.CharField(_("reason for the charge"), max_length=255, blank=True)
    signature = models.FileField(_("customer's signature"), upload_to="signatures/", max_length=200, blank=True)
    signed_by = models.CharField(_("signed by"), max_length=120, blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    # Recorded at check-out; the warranty settlement pays the repair's band and the travel by them.
    complexity = models.CharField(_("complexity"), max_length=10, choices=Complexity.choices, blank=True)
    travel_km = models.PositiveIntegerField(_("travel distance (km)"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProviderScoped("visit__ticket__provider")

    class Meta:
        verbose_name = _("job record")
        verbose_name_plural = _("job records")

    def __str__(self) -> str:
        return f"job {self.visit_id}"


class PhotoStage(models.TextChoices):
    BEFORE = "before", _("Before")
    AFTER = "after", _("After")


def photo_path(instance: "JobPhoto", filename: str) -> str:
    suffix = {"image/jpeg": ".jpg", "image/png": ".png"}.get(instance.content_type, "")
    return f"jobs/{instance.visit_id}/{uuid.uuid4().hex}{suffix}"


class JobPhoto(models.Model):
    """A photo taken on site, before or after the work. Served only through a checked view."""

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="photos")
    stage = models.CharField(_("taken"), max_length=10, choices=PhotoStage.choices)
    file = models.FileField(_("file"), upload_to=photo_path, max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("taken at"), auto_now_add=True)

    objects = ProviderScoped("visit__ticket__provider")

    class Meta:
        verbose_name = _("job photo")
        verbose_name_plural = _("job photos")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.stage}"


def report_path(instance: "ServiceReport", filename: str) -> str:
    return f"reports/{instance.ticket_id}/{uuid.uuid4().hex}.pdf"


class ServiceReport(models.Model):
    """The signed repair record (三包凭证) of a visit, as a PDF made on the server."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="service_reports"
    )
    visit = models.OneToOneField(Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="report")
    file = models.FileField(_("file"), upload_to=report_path, max_length=200)
    language = models.CharField(_("language"), max_length=10)
    # The customer's link to the report carries this key.
    token = models.UUIDField(_("customer link key"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    objects = ProviderScoped("ticket__provider")

    class Meta:
        verbose_name = _("service report")
        verbose_name_plural = _("service reports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"report {self.visit_id}"


class IdempotencyKey(models.Model):
    """A job submission already applied: a repeated submission with the same key is answered
    with the first result and records nothing again."""

    key = models.CharField(_("key"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    scope = models.CharField(_("action"), max_length=40)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique")]

    def __str__(self) -> str:
        return self.key
