"""The parts catalogue, stock per station, its ledger, parts orders and old-part returns.

Stock is written only by parts/ledger.py: every change of a station's on-hand or reserved
quantity is one ``StockMovement`` row, and ``StockLevel`` is kept equal to the sum of its rows
in the same transaction (docs/parts.md).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.scoping import ProviderScoped
from customers.models import LocalizedNameMixin, ProductModel
from tickets.models import ServiceStation, Ticket

MONEY = {"max_digits": 10, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class Part(LocalizedNameMixin):
    """A spare part of the catalogue, identified by its part number."""

    number = models.CharField(_("part number"), max_length=40, unique=True)
    fits = models.ManyToManyField(ProductModel, verbose_name=_("fits models"), blank=True, related_name="parts")
    is_main_component = models.BooleanField(
        _("main component"),
        default=False,
        help_text=_("A main component of the product in the three-guarantees sense (e.g. a compressor)."),
    )
    standard_cost = models.DecimalField(_("standard cost"), default=Decimal("0.00"), **MONEY)
    price = models.DecimalField(_("price"), default=Decimal("0.00"), **MONEY)
    warranty_days = models.PositiveIntegerField(
        _("part warranty (days)"), default=90, help_text=_("The warranty of the part itself once fitted.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("spare part")
        verbose_name_plural = _("spare parts")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.display_name}"


class StockLevel(models.Model):
    """A station's stock of one part: the sum of its ledger rows."""

    station = models.ForeignKey(
        ServiceStation, verbose_name=_("service station"), on_delete=models.PROTECT, related_name="stock"
    )
    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="stock")
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    reorder_point = models.PositiveIntegerField(
        _("reorder point"), default=0, help_text=_("The station is alerted when free stock falls to this level.")
    )
    reorder_quantity = models.PositiveIntegerField(_("reorder quantity"), default=0)
    # When the station was last alerted that free stock fell to the reorder point; cleared when
    # stock rises above it again, so each shortfall raises one alert.
    reorder_alerted_at = models.DateTimeField(_("reorder alert raised"), null=True, blank=True)
    last_moved_at = models.DateTimeField(_("last movement"), null=True, blank=True)

    objects = ProviderScoped("station__provider")

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["station", "part"]
        constraints = [
            models.UniqueConstraint(fields=["station", "part"], name="stock_station_part_unique"),
            models.CheckConstraint(condition=models.Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(condition=models.Q(reserved__gte=0), name="stock_reserved_not_negative"),
            models.CheckConstraint(
                condition=models.Q(reserved__lte=models.F("on_hand")), name="stock_reserved_within_on_hand"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station_id}/{self.part_id}: {self.on_hand}"

    @property
    def free(self) -> int:
        return self.on_hand - self.reserved


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Goods received")
    TRANSFER_OUT = "transfer_out", _("Sent to another station")
    TRANSFER_IN = "transfer_in", _("Received from another station")
    COUNT = "count", _("Stock count adjustment")
    ADJUSTMENT = "adjustment", _("Adjustment")
    RESERVE = "reserve", _("Reserved for a ticket")
    RELEASE = "release", _("Reservation released")
    CONSUME = "consume", _("Used on a job")
    RETURN = "return", _("Returned unused")


class StockMovement(models.Model):
    """One change of a station's stock. Rows are only ever added."""

    station = models.ForeignKey(
        ServiceStation, verbose_name=_("service station"), on_delete=models.PROTECT, related_name="stock_movements"
    )
    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=20, choices=MovementKind.choices)
    # Change of the on-hand quantity (negative: out) and of the reserved quantity.
    quantity = models.IntegerField(_("on-hand change"), default=0)
    reserved_change = models.IntegerField(_("reserved change"), default=0)
    # The on-hand quantity after this row: the ledger reads as a running balance.
    on_hand_after = models.IntegerField(_("on hand after"))
    unit_cost = models.DecimalField(_("unit cost"), default=Decimal("0.00"), **MONEY)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    batch = models.CharField(_("batch"), max_length=40, blank=True)
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transfer = models.ForeignKey(
        "parts.StockTransfer",
        verbose_name=_("transfer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movements",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects = ProviderScoped("station__provider")

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["station", "part", "created_at"], name="movement_station_part")]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity:+d}"


class TransferStatus(models.TextChoices):
    IN_TRANSIT = "in_transit", _("In transit")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class StockTransfer(models.Model):
    """Parts sent from one station to another: out of the sender's stock when shipped, into the
    receiver's when received, in transit in between."""

    from_station = models.ForeignKey(
        ServiceStation, verbose_name=_("from station"), on_delete=models.PROTECT, related_name="+"
    )
    to_station = models.ForeignKey(
        ServiceStation, verbose_name=_("to station"), on_delete=models.PROTECT, related_name="+"
    )
    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    status = models.CharField(
        _("status"), max_length=20, choices=TransferStatus.choices, default=TransferStatus.IN_TRANSIT
    )
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("shipped by"), on_delete=models.PROTECT, related_name="+"
    )
    shipped_at = models.DateTimeField(_("shipped"), auto_now_add=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received"), null=True, blank=True)

    objects = ProviderScoped("from_station__provider", "to_station__provider")

    class Meta:
        verbose_name = _("stock transfer")
        verbose_name_plural = _("stock transfers")
        ordering = ["-shipped_at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_station_id}→{self.to_station_id} {self.part_id} ×{self.quantity}"


class ReservationStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved")
    CONSUMED = "consumed", _("Used")
    RELEASED = "released", _("Released")


class PartReservation(models.Model):
    """Parts held at a station for a ticket's repair."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="part_reservations"
    )
    station = models.ForeignKey(
        ServiceStation, verbose_name=_("service station"), on_delete=models.PROTECT, related_name="+"
    )
    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    status = models.CharField(
        _("status"), max_length=20, choices=ReservationStatus.choices, default=ReservationStatus.RESERVED
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("reserved"), auto_now_add=True)
    closed_at = models.DateTimeField(_("used or released"), null=True, blank=True)

    objects = ProviderScoped("ticket__provider")

    class Meta:
        verbose_name = _("part reservation")
        verbose_name_plural = _("part reservations")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.part_id} ×{self.quantity}"


class OrderSource(models.TextChoices):
    SUPPLIER = "supplier", _("The station's supplier")
    CENTRAL = "central", _("Central warehouse")


class OrderStatus(models.TextChoices):
    ORDERED = "ordered", _("Ordered")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class PartsOrder(models.Model):
    """A part ordered for a ticket that waits for it. The days from ``ordered_at`` until the
    part is received are the ticket's days waiting for parts (three-guarantees ``waiting_days``)."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="parts_orders")
    station = models.ForeignKey(
        ServiceStation, verbose_name=_("service station"), on_delete=models.PROTECT, related_name="+"
    )
    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    source = models.CharField(_("ordered from"), max_length=20, choices=OrderSource.choices)
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.ORDERED)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    ordered_at = models.DateTimeField(_("ordered"))
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = ProviderScoped("ticket__provider")

    class Meta:
        verbose_name = _("parts order")
        verbose_name_plural = _("parts orders")
        ordering = ["ordered_at", "id"]
        indexes = [models.Index(fields=["ticket", "status"], name="parts_order_ticket_status")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.part_id} ×{self.quantity}"


class PartUsage(models.Model):
    """A part used on a ticket's job, consumed from a station's stock."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="part_usages")
    station = models.ForeignKey(
        ServiceStation, verbose_name=_("service station"), on_delete=models.PROTECT, related_name="+"
    )
    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="usages")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    under_warranty = models.BooleanField(_("replaced under warranty"), default=False)
    unit_cost = models.DecimalField(_("unit cost"), **MONEY)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    # The batch of the failed part taken out (for the quality feedback), and of the new part fitted.
    failed_batch = models.CharField(_("batch of the part taken out"), max_length=40, blank=True)
    batch = models.CharField(_("batch fitted"), max_length=40, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("used"), auto_now_add=True, db_index=True)

    objects = ProviderScoped("ticket__provider")

    class Meta:
        verbose_name = _("part used")
        verbose_name_plural = _("parts used")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.part_id} ×{self.quantity}"


class ReturnStatus(models.TextChoices):
    TO_RETURN = "to_return", _("To return")
    SHIPPED = "shipped", _("Shipped")
    RECEIVED = "received", _("Received")
    INSPECTED = "inspected", _("Inspected")


class ReturnFinding(models.TextChoices):
    CONFIRMED = "confirmed", _("Fault confirmed")
    NO_FAULT = "no_fault", _("No fault found")
    MISUSE = "misuse", _("Damage by misuse")


class PartReturn(models.Model):
    """An old-part return (RMA): the defective part replaced under warranty goes back to the
    manufacturer."""

    usage = models.OneToOneField(
        PartUsage, verbose_name=_("part used"), on_delete=models.PROTECT, related_name="old_part_return"
    )
    rma_number = models.CharField(_("RMA number"), max_length=30, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.TO_RETURN)
    due_by = models.DateTimeField(_("return due by"))
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    tracking = models.CharField(_("shipment tracking"), max_length=80, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    inspected_at = models.DateTimeField(_("inspected"), null=True, blank=True)
    finding = models.CharField(_("finding"), max_length=20, choices=ReturnFinding.choices, blank=True)
    finding_note = models.TextField(_("inspection note"), blank=True)
    flagged_at = models.DateTimeField(_("flagged overdue"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)

    objects = ProviderScoped("usage__ticket__provider")

    class Meta:
        verbose_name = _("old-part return")
        verbose_name_plural = _("old-part returns")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "due_by"], name="part_return_status_due")]

    def __str__(self) -> str:
        return self.rma_number
