"""The follow-ups' rows: satisfaction ratings, callback visits and their attempts, departments' memberships and quality feedback items."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.scoping import ProviderScoped
from customers.models import Customer, ProductUnit
from followups.choices import CallbackKind, CallbackResult, CallbackStatus, OfferOutcome, RatingSource
from tickets.models import Department, Ticket


class SatisfactionRating(models.Model):
    """How satisfied the customer is with a ticket's service, 1 (very dissatisfied) to 5.

    The dissatisfaction rate reads these rows, whatever the channel: the portal, a callback
    call or an emailed survey (docs/kpis.md#dissatisfaction-rate)."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="ratings")
    source = models.CharField(_("source"), max_length=20, choices=RatingSource.choices)
    score = models.PositiveSmallIntegerField(_("overall rating"))
    comment = models.TextField(_("comment"), blank=True)
    raised_complaint = models.BooleanField(_("complaint raised"), default=False)
    low_contact_point = models.BooleanField(
        _("a contact point rated 1–2"),
        default=False,
        help_text=_("A CSI survey's answer of 1–2 on any contact point: counted as dissatisfied (docs/csi.md)."),
    )
    created_at = models.DateTimeField(_("rated"), auto_now_add=True)

    objects = ProviderScoped("ticket__provider")

    class Meta:
        # The table keeps the name it was created with in the tickets app.
        db_table = "tickets_satisfactionrating"
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
    maintenance or the end of the warranty, for a recall (docs/lifecycle.md#callbacks-close-the-case).

    It lives beside the ticket because the ticket's lifecycle depends on it: resolving
    creates the after-service callback in the same transaction, and a resolved ticket is not
    verified or closed until it is settled. ``dedupe_key`` makes every scheduler idempotent:
    running it twice, or on two workers at once, cannot create a visit twice.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=CallbackKind.choices)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="callbacks"
    )
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks"
    )
    unit = models.ForeignKey(
        ProductUnit,
        verbose_name=_("product unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="callbacks",
    )
    due_at = models.DateTimeField(_("due"), db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="callbacks",
    )
    status = models.CharField(_("status"), max_length=20, choices=CallbackStatus.choices, default=CallbackStatus.DUE)
    dedupe_key = models.CharField(_("de-duplication key"), max_length=120, unique=True)
    extended_warranty_offer = models.BooleanField(_("offer an extended warranty"), default=False)
    contract = models.ForeignKey(
        "contracts.ServiceContract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="callbacks",
        help_text=_("The contract a plan-visit or renewal call is about."),
    )
    offer_outcome = models.CharField(_("offer outcome"), max_length=20, choices=OfferOutcome.choices, blank=True)
    offer_decline_reason = models.TextField(_("why the offer was declined"), blank=True)
    offer_contract = models.ForeignKey(
        "contracts.ServiceContract",
        verbose_name=_("contract sold on this call"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
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

    objects = ProviderScoped("ticket__provider")

    class Meta:
        # The table keeps the name it was created with in the tickets app.
        db_table = "tickets_callbackvisit"
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
            # The complaints made on a call without an overall rating, by day of the call: the
            # dissatisfaction rate's responses with no rating row (quality/metrics/satisfaction.py
            # ``unrated_complaint_q``, and its drill-down), a few among every call ever made.
            models.Index(
                fields=["completed_at"],
                condition=models.Q(
                    ticket__isnull=False,
                    status=CallbackStatus.DONE,
                    raised_complaint=True,
                    score_overall__isnull=True,
                ),
                name="callback_unrated_complaint",
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
    visit = models.ForeignKey(
        CallbackVisit, verbose_name=_("callback"), on_delete=models.PROTECT, related_name="attempts"
    )
    result = models.CharField(_("result"), max_length=20, choices=CallbackResult.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("when"))

    objects = ProviderScoped("visit__ticket__provider")

    class Meta:
        # The table keeps the name it was created with in the tickets app.
        db_table = "tickets_callbackattempt"
        verbose_name = _("callback attempt")
        verbose_name_plural = _("callback attempts")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["visit", "at"], name="callback_attempt_visit_at")]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.result}"


class DepartmentMembership(models.Model):
    """Which department's feedback inbox a department user answers. A department user with no
    membership works for every department (a central quality office)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="departments"
    )
    department = models.CharField(_("department"), max_length=20, choices=Department.choices)

    class Meta:
        # The table keeps the name it was created with in the tickets app.
        db_table = "tickets_departmentmembership"
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

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="feedback_items"
    )
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
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ProviderScoped("ticket__provider")

    class Meta:
        # The table keeps the name it was created with in the tickets app.
        db_table = "tickets_feedbackitem"
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


from followups.csi_models import SurveyAnswer, SurveyProgram, SurveyQuestion, SurveyResponse  # noqa: E402,F401
