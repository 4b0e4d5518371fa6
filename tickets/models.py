"""Service stations, tickets and the append-only ticket timeline (docs/lifecycle.md#the-timeline)."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from aftersales.scoping import ProviderScoped
from customers.models import Customer, LocalizedNameMixin, ProductCategory, ProductUnit
from tickets.choices import Channel, EventKind, FaultGroup, Kind, Priority, Status, VisitSlot
from tickets.sla.clocks import Deadlines


class ServiceStation(LocalizedNameMixin):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    region = models.CharField(_("region"), max_length=80, db_index=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    provider = models.ForeignKey(
        "network.ServiceProvider",
        verbose_name=_("service provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stations",
        help_text=_("Leave empty for a station headquarters runs itself."),
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Told when a ticket of this station misses a deadline; the managers are told when empty."),
    )
    calendar = models.ForeignKey(
        "customers.BusinessCalendar",
        verbose_name=_("business calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stations",
        help_text=_("The hours this station's SLA clocks count in. Leave empty for the organisation's default."),
    )

    objects = ProviderScoped("provider")

    class Meta:
        verbose_name = _("service station")
        verbose_name_plural = _("service stations")
        ordering = ["region", "name"]


class FaultCategory(LocalizedNameMixin):
    """What the contact is about: a product fault, a service complaint class, or a request."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    group = models.CharField(_("group"), max_length=20, choices=FaultGroup.choices, default=FaultGroup.PRODUCT)
    product_category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("product category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Leave empty when the category applies to every product."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("fault category")
        verbose_name_plural = _("fault categories")
        ordering = ["group", "code"]


class TicketSequence(models.Model):
    """The last reference number handed out in a year (``AS-2026-000123``)."""

    year = models.PositiveIntegerField(primary_key=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ticket reference sequence")
        verbose_name_plural = _("ticket reference sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_value}"


class Ticket(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="tickets")
    unit = models.ForeignKey(
        ProductUnit,
        verbose_name=_("product unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    fault_category = models.ForeignKey(
        FaultCategory, verbose_name=_("fault category"), null=True, blank=True, on_delete=models.PROTECT
    )
    description = models.TextField(_("description"))
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    station = models.ForeignKey(
        ServiceStation,
        verbose_name=_("service station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    # The provider the job is dispatched to (docs/network.md#dispatch-to-a-provider): offered until
    # accepted; a job not accepted by ``provider_accept_due`` returns to headquarters.
    provider = models.ForeignKey(
        "network.ServiceProvider",
        verbose_name=_("service provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    provider_offered_at = models.DateTimeField(_("offered to the provider"), null=True, blank=True)
    provider_accept_due = models.DateTimeField(_("provider to accept by"), null=True, blank=True)
    provider_accepted_at = models.DateTimeField(_("accepted by the provider"), null=True, blank=True)
    # When a provider last gave the job back (or let its offer run out): the desk's "returned" queue.
    # Cleared when the job is offered again (tickets/services/provider_offers.py).
    provider_returned_at = models.DateTimeField(_("returned to headquarters"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    suspected_duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("possible duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_tickets",
    )
    is_test = models.BooleanField(_("test ticket"), default=False, help_text=_("Left out of every KPI."))

    # SLA clocks (no-leak 2). ``next_due`` is the deadline of the current stage.
    response_due = models.DateTimeField(_("response due"), null=True, blank=True)
    dispatch_due = models.DateTimeField(_("dispatch due"), null=True, blank=True)
    arrival_due = models.DateTimeField(_("arrival due"), null=True, blank=True)
    completion_due = models.DateTimeField(_("completion due"), null=True, blank=True)
    next_due = models.DateTimeField(_("next deadline"), null=True, blank=True)
    breached_stage = models.CharField(_("deadline missed in status"), max_length=20, blank=True)
    # The SLA target version the deadlines were set from; editing targets later never moves them.
    sla_target = models.ForeignKey(
        "tickets.SlaTarget",
        verbose_name=_("SLA target"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    # When a missed stage was last escalated (tickets/sla/escalation.py); the desk marks the ticket.
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    held_from = models.CharField(_("paused from status"), max_length=20, blank=True)
    on_hold_since = models.DateTimeField(_("on hold since"), null=True, blank=True)

    # When each lifecycle step happened.
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    started_at = models.DateTimeField(_("work started"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # When the current round began (the latest reopen; empty: never reopened). Dispatch, arrival
    # and completion count only when taken in the current round (quality/metrics/timeliness.py).
    reopened_at = models.DateTimeField(_("last reopened"), null=True, blank=True)
    # When the customer first got in touch; a ticket logged more than 2 hours later is an
    # omission (no-leak 1). Empty means the ticket was logged as the customer called.
    contacted_at = models.DateTimeField(_("customer first contacted"), null=True, blank=True)
    # Technician visits started (moves into in progress); more than one takes first-time fix away.
    visits = models.PositiveSmallIntegerField(_("visits"), default=0)
    # A complaint names the ticket it is about: complaints count once per original ticket and class.
    complaint_about = models.ForeignKey(
        "self",
        verbose_name=_("complaint about"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )

    # The resolution (no-leak 4 reads the fault analysis).
    fault_code = models.CharField(_("fault code"), max_length=40, blank=True)
    fault_component = models.CharField(_("component"), max_length=80, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    work_done = models.TextField(_("work done"), blank=True)
    parts_used = models.TextField(_("parts used"), blank=True)
    charge = models.DecimalField(_("charge"), max_digits=10, decimal_places=2, default=Decimal("0.00"))

    # Urgent first: a stored rank, so sorting by priority can use an index.
    priority_rank = models.GeneratedField(
        expression=models.Case(
            models.When(priority=Priority.URGENT, then=models.Value(0)),
            models.When(priority=Priority.HIGH, then=models.Value(1)),
            models.When(priority=Priority.NORMAL, then=models.Value(2)),
            default=models.Value(3),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )

    # When the customer would like the visit, and the appointment the desk agreed.
    preferred_visit_date = models.DateField(_("preferred visit date"), null=True, blank=True)
    preferred_visit_slot = models.CharField(
        _("preferred time of day"), max_length=20, choices=VisitSlot.choices, blank=True
    )
    appointment_start = models.DateTimeField(_("appointment from"), null=True, blank=True)
    appointment_end = models.DateTimeField(_("appointment until"), null=True, blank=True)

    # The contact details typed on a public form, as typed (name, email, address, region,
    # language). They never change the customer record by themselves: the desk is offered the
    # ones that differ from it (tickets/submitted_contact.py). Empty for requests taken by staff.
    submitted_contact = models.JSONField(
        _("contact details typed on the portal"), default=dict, blank=True, editable=False
    )

    # Bumped on every write through the services; a stale form is refused, not applied.
    version = models.PositiveIntegerField(default=1)

    objects = ProviderScoped("provider")

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="ticket_status_created"),
            models.Index(fields=["assignee", "-created_at"], name="ticket_assignee_created"),
            models.Index(fields=["station", "-created_at"], name="ticket_station_created"),
            # A provider's queue: only its tickets, newest first.
            models.Index(fields=["provider", "-created_at", "-id"], name="ticket_provider_created"),
            # The offers still waiting for their provider, by deadline: what the expiry sweep reads.
            models.Index(
                fields=["provider_accept_due"],
                name="ticket_offer_waiting",
                condition=models.Q(provider_accepted_at__isnull=True, provider_accept_due__isnull=False),
            ),
            # The desk queue filtered by station and technician, in its default order: counted
            # and paged from the index alone.
            models.Index(fields=["station", "assignee", "-created_at", "-id"], name="ticket_station_assignee"),
            models.Index(fields=["next_due"], name="ticket_next_due"),
            models.Index(fields=["customer", "status"], name="ticket_customer_status"),
            models.Index(fields=["priority_rank", "-created_at"], name="ticket_priority_created"),
            models.Index(fields=["kind", "priority", "-created_at"], name="ticket_kind_priority_created"),
            # The quality rates put each ticket in a day by one of these (quality/metrics/).
            models.Index(fields=["resolved_at"], name="ticket_resolved_at"),
            models.Index(fields=["response_due"], name="ticket_response_due"),
            models.Index(fields=["arrival_due"], name="ticket_arrival_due"),
            models.Index(fields=["completion_due"], name="ticket_completion_due"),
            models.Index(Coalesce("contacted_at", "created_at"), name="ticket_case_anchor"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def deadlines(self) -> Deadlines:
        return Deadlines(
            response=self.response_due,
            dispatch=self.dispatch_due,
            arrival=self.arrival_due,
            completion=self.completion_due,
        )


class TicketEvent(models.Model):
    """One line of a ticket's timeline. Rows are only ever added, never changed or deleted."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices, blank=True)
    # Typed text as typed; for a system text, the text in the site's default language (for search
    # and for readers that predate the codes). Readers render ``message_code`` in their language
    # (tickets/timeline_texts.py).
    note = models.TextField(_("note"), blank=True)
    message_code = models.CharField(_("system text"), max_length=40, blank=True)
    message_params = models.JSONField(_("system text values"), encoder=DjangoJSONEncoder, default=dict, blank=True)
    is_public = models.BooleanField(_("visible to the customer"), default=False)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = ProviderScoped("ticket__provider")

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_created")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    """Stored under an unguessable name; the original name is kept in the row."""
    suffix = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}.get(instance.content_type, "")
    return f"tickets/{instance.ticket_id}/{uuid.uuid4().hex}{suffix}"


class AttachmentKind(models.TextChoices):
    PROOF_OF_PURCHASE = "proof", _("Proof of purchase")
    PHOTO = "photo", _("Photo")


class Attachment(models.Model):
    """A file a customer or staff member added to a ticket. Files live outside the web root
    and are only served through a view that checks who is asking."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    original_name = models.CharField(_("original name"), max_length=200)
    uploaded_by_customer = models.BooleanField(_("uploaded by the customer"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = ProviderScoped("ticket__provider")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


# Fault codes and the departments they feed back to, SLA targets and escalations live in their
# own modules; importing them here registers them.
from tickets.fault_code_models import Department, FaultCode  # noqa: E402, F401
from tickets.sla.models import SlaEscalation, SlaStage, SlaTarget  # noqa: E402, F401
