"""Service stations, tickets and the append-only ticket timeline (DESIGN.md sections 3-4)."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.encryption import EncryptedSecretField
from customers.models import Customer, LocalizedNameMixin, ProductCategory, ProductUnit
from tickets.choices import (
    CallbackKind,
    CallbackResult,
    CallbackStatus,
    Channel,
    EventKind,
    FaultGroup,
    Kind,
    Priority,
    RatingSource,
    Status,
    VisitSlot,
)
from tickets.sla import Deadlines


class ServiceStation(LocalizedNameMixin):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    region = models.CharField(_("region"), max_length=80, db_index=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
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
    # When a missed stage was last escalated (tickets/escalation.py); the desk marks the ticket.
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
    # and completion count only when taken in the current round (followups/metrics.py).
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

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="ticket_status_created"),
            models.Index(fields=["assignee", "-created_at"], name="ticket_assignee_created"),
            models.Index(fields=["station", "-created_at"], name="ticket_station_created"),
            # The desk queue filtered by station and technician, in its default order: counted
            # and paged from the index alone.
            models.Index(fields=["station", "assignee", "-created_at", "-id"], name="ticket_station_assignee"),
            models.Index(fields=["next_due"], name="ticket_next_due"),
            models.Index(fields=["customer", "status"], name="ticket_customer_status"),
            models.Index(fields=["priority_rank", "-created_at"], name="ticket_priority_created"),
            models.Index(fields=["kind", "priority", "-created_at"], name="ticket_kind_priority_created"),
            # The quality rates put each ticket in a day by one of these (followups/metrics.py).
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

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_created")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class ClaimStatus(models.TextChoices):
    EVALUATED = "evaluated", _("Evaluated")
    CHOSEN = "chosen", _("Remedy chosen")
    EXECUTED = "executed", _("Carried out")


class WarrantyClaim(models.Model):
    """A three-guarantees claim on a ticket: the facts, the engine's decision and why, the
    customer's choice and how it was carried out (DESIGN.md section 5).

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
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    chosen_at = models.DateTimeField(_("chosen"), null=True, blank=True)
    is_goodwill = models.BooleanField(_("goodwill override"), default=False)
    goodwill_reason = models.TextField(_("goodwill reason"), blank=True)

    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("carried out by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
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

    class Meta:
        verbose_name = _("warranty claim")
        verbose_name_plural = _("warranty claims")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.rule}"


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
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class SatisfactionRating(models.Model):
    """How satisfied the customer is with a ticket's service, 1 (very dissatisfied) to 5.

    The dissatisfaction rate reads these rows, whatever the channel: the portal, a callback
    call or an emailed survey (DESIGN.md section 6)."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="ratings")
    source = models.CharField(_("source"), max_length=20, choices=RatingSource.choices)
    score = models.PositiveSmallIntegerField(_("overall rating"))
    comment = models.TextField(_("comment"), blank=True)
    raised_complaint = models.BooleanField(_("complaint raised"), default=False)
    created_at = models.DateTimeField(_("rated"), auto_now_add=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at"], name="rating_created_at")]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"),
            models.UniqueConstraint(
                fields=["ticket"], condition=models.Q(source="portal"), name="one_portal_rating_per_ticket"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.score}"


class CallbackVisit(models.Model):
    """A call back to the customer: after service (no-leak 3), after an installation, before
    maintenance or the end of the warranty, for a recall (DESIGN.md section 7).

    It lives beside the ticket because the ticket's lifecycle depends on it: resolving
    creates the after-service callback in the same transaction, and a resolved ticket is not
    verified or closed until it is settled. ``dedupe_key`` makes every scheduler idempotent:
    running it twice, or on two workers at once, cannot create a visit twice.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=CallbackKind.choices)
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="callbacks")
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks"
    )
    unit = models.ForeignKey(
        ProductUnit, verbose_name=_("product unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks"
    )
    due_at = models.DateTimeField(_("due"), db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks"
    )
    status = models.CharField(_("status"), max_length=20, choices=CallbackStatus.choices, default=CallbackStatus.DUE)
    dedupe_key = models.CharField(_("de-duplication key"), max_length=120, unique=True)
    extended_warranty_offer = models.BooleanField(_("offer an extended warranty"), default=False)
    score_attitude = models.PositiveSmallIntegerField(_("attitude"), null=True, blank=True)
    score_punctuality = models.PositiveSmallIntegerField(_("punctuality"), null=True, blank=True)
    score_quality = models.PositiveSmallIntegerField(_("quality of work"), null=True, blank=True)
    score_overall = models.PositiveSmallIntegerField(_("overall"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    raised_complaint = models.BooleanField(_("complaint raised"), default=False)
    complaint_ticket = models.ForeignKey(
        Ticket, verbose_name=_("complaint ticket"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("callback visit")
        verbose_name_plural = _("callback visits")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="callback_status_due"),
            # "Was this ticket called back in time?" (no-leak 3, the drill-down of tickets without
            # a callback attempt), answered from the index alone.
            models.Index(
                fields=["ticket", "id"],
                condition=models.Q(kind=CallbackKind.AFTER_SERVICE),
                name="callback_after_service_ticket",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score_overall__isnull=True) | models.Q(score_overall__gte=1, score_overall__lte=5),
                name="callback_overall_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.customer_id} · {self.due_at:%Y-%m-%d}"


class CallbackAttempt(models.Model):
    visit = models.ForeignKey(CallbackVisit, verbose_name=_("callback"), on_delete=models.PROTECT, related_name="attempts")
    result = models.CharField(_("result"), max_length=20, choices=CallbackResult.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("callback attempt")
        verbose_name_plural = _("callback attempts")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["visit", "at"], name="callback_attempt_visit_at")]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.result}"


class Department(models.TextChoices):
    """The departments quality faults are fed back to (no-leak 4)."""

    DESIGN = "design", _("Design")
    PRODUCTION = "production", _("Production")
    OPERATIONS = "operations", _("Operations")


class FaultCode(LocalizedNameMixin):
    """A technician's fault code. A code routed to a department is a quality fault: resolving a
    repair with it opens a feedback item for that department (DESIGN.md section 4, no-leak 4)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    component = models.CharField(_("component"), max_length=80, blank=True)
    department = models.CharField(
        _("feedback to"),
        max_length=20,
        choices=Department.choices,
        blank=True,
        help_text=_("Leave empty for faults that say nothing about the product's design or production."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("fault code")
        verbose_name_plural = _("fault codes")
        ordering = ["code"]

    @property
    def is_quality_fault(self) -> bool:
        return bool(self.department)


class DepartmentMembership(models.Model):
    """Which department's feedback inbox a department user answers. A department user with no
    membership works for every department (a central quality office)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="departments"
    )
    department = models.CharField(_("department"), max_length=20, choices=Department.choices)

    class Meta:
        verbose_name = _("department membership")
        verbose_name_plural = _("department memberships")
        constraints = [models.UniqueConstraint(fields=["user", "department"], name="department_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_department_display()}"


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("Awaiting acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ANSWERED = "answered", _("Answered")


class FeedbackItem(models.Model):
    """A quality fault fed back to the department that owns it (no-leak 4).

    Opened when a repair is resolved with a quality fault code, with the model, batch,
    component and root cause copied from the ticket so the inbox groups without joins. The
    department acknowledges it within 7 days (an item not acknowledged by ``acknowledge_due``
    is an omission) and answers with the cause and the corrective action.
    """

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="feedback_items")
    department = models.CharField(_("department"), max_length=20, choices=Department.choices)
    fault_code = models.CharField(_("fault code"), max_length=40)
    component = models.CharField(_("component"), max_length=80, blank=True)
    root_cause = models.TextField(_("root cause found by the technician"), blank=True)
    model = models.ForeignKey(
        "customers.ProductModel",
        verbose_name=_("model"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback_items",
    )
    batch = models.CharField(_("production batch"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    acknowledge_due = models.DateTimeField(_("acknowledge by"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cause = models.TextField(_("cause"), blank=True)
    corrective_action = models.TextField(_("corrective action"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["department", "status", "-created_at"], name="feedback_department_status"),
            models.Index(fields=["model", "batch"], name="feedback_model_batch"),
        ]
        constraints = [models.UniqueConstraint(fields=["ticket", "fault_code"], name="feedback_once_per_ticket_code")]

    def __str__(self) -> str:
        return f"{self.fault_code} · {self.ticket_id}"


# --- Webhooks (issue 7): integrators hear of ticket, claim, callback and alert events ----------


class WebhookEvent(models.TextChoices):
    """The events a subscription may ask for; the names are part of the public API."""

    TICKET_CREATED = "ticket.created", _("Ticket created")
    TICKET_STATUS_CHANGED = "ticket.status_changed", _("Ticket status changed")
    TICKET_ASSIGNED = "ticket.assigned", _("Ticket assigned")
    CLAIM_DECIDED = "claim.decided", _("Warranty claim decided")
    CLAIM_EXECUTED = "claim.executed", _("Warranty claim carried out")
    CALLBACK_COMPLETED = "callback.completed", _("Callback completed")
    ALERT_RAISED = "alert.raised", _("Quality alert raised")
    ALERT_CLEARED = "alert.cleared", _("Quality alert cleared")


class WebhookSubscription(models.Model):
    """A receiver URL that is sent the events it asks for, signed with its own secret.

    Only managers and administrators subscribe; a subscription whose owner is no longer active
    or no longer a manager is sent nothing. ``secret`` signs every delivery (HMAC-SHA256), is
    stored encrypted and is shown once, when the subscription is created. Deleting a subscription through the API only
    marks it deleted: its deliveries stay as the log of what was sent.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="webhook_subscriptions"
    )
    url = models.URLField(_("receiver URL"), max_length=500)
    events = models.JSONField(_("events"), default=list, help_text=_("The event names this receiver is sent."))
    description = models.CharField(_("description"), max_length=200, blank=True)
    # Encrypted at rest (FIELD_ENCRYPTION_KEY): needed in clear to sign, so it cannot be hashed.
    secret = EncryptedSecretField(_("signing secret"), max_length=100, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="webhook_owner_created")]

    def __str__(self) -> str:
        return self.description or self.url


class WebhookDeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event for one subscription: written in the transaction that caused the event, sent by
    a Celery task after the commit, retried with growing pauses. Every attempt is logged here
    (``attempt_log``), with the last answer in the ``last_*`` fields."""

    subscription = models.ForeignKey(
        WebhookSubscription, verbose_name=_("subscription"), on_delete=models.PROTECT, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=40)
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, help_text=_("The same for every receiver of one event."))
    uuid = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    payload = models.JSONField(_("payload"), encoder=DjangoJSONEncoder)
    status = models.CharField(
        _("status"), max_length=20, choices=WebhookDeliveryStatus.choices, default=WebhookDeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_response = models.TextField(_("last response (start)"), blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    attempt_log = models.JSONField(_("attempts made"), encoder=DjangoJSONEncoder, default=list, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_subscription"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id} ({self.status})"


# SLA targets and escalations live in their own module; importing them here registers them.
from tickets.sla_models import SlaEscalation, SlaStage, SlaTarget  # noqa: E402, F401
