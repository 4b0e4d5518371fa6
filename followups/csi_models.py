"""CSI survey programs as data: their questions by contact point, the tickets and channels they
are chosen for, and the customers' answers (docs/csi.md)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.scoping import ProviderScoped
from customers.models import LocalizedNameMixin
from followups.choices import ContactPoint, QuestionKind, SurveyChannel
from tickets.models import Ticket


class SurveyProgram(LocalizedNameMixin):
    """A questionnaire sent after service, chosen for a ticket by its kind and the channel it is
    sent on; the same questions are the agent's script on the phone callback. The program with
    the highest priority among those that match is used."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    ticket_kinds = models.JSONField(
        _("ticket kinds"), default=list, blank=True, help_text=_("Empty: every kind of ticket.")
    )
    channels = models.JSONField(
        _("channels"), default=list, blank=True, help_text=_("Empty: every channel (SMS link, email link, phone).")
    )
    # Bounded here, not by the database's integer: the API says the same on every database.
    priority = models.PositiveSmallIntegerField(_("priority"), default=0, validators=[MaxValueValidator(1000)])
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey program")
        verbose_name_plural = _("survey programs")
        ordering = ["-priority", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"


class SurveyQuestion(models.Model):
    """One question of a program, about one contact point. A scale question is answered 1–5; a
    choice question's options each carry the score (1–5) that counts in the CSI, or none."""

    program = models.ForeignKey(
        SurveyProgram, verbose_name=_("program"), on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0, validators=[MaxValueValidator(1000)])
    contact_point = models.CharField(_("contact point"), max_length=30, choices=ContactPoint.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices, default=QuestionKind.SCALE)
    text = models.CharField(_("question"), max_length=255)
    text_zh = models.CharField(_("question in Chinese"), max_length=255, blank=True)
    options = models.JSONField(
        _("options"),
        default=list,
        blank=True,
        help_text=_('Choice questions: [{"value": "...", "label": "...", "label_zh": "...", "score": 1-5 or null}].'),
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["program", "order", "id"]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    """A customer's answers to a program for one callback (and so one ticket)."""

    program = models.ForeignKey(
        SurveyProgram, verbose_name=_("program"), on_delete=models.PROTECT, related_name="responses"
    )
    visit = models.OneToOneField(
        "followups.CallbackVisit", verbose_name=_("callback"), on_delete=models.PROTECT, related_name="survey_response"
    )
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    channel = models.CharField(_("answered by"), max_length=20, choices=SurveyChannel.choices)
    csi = models.DecimalField(
        _("CSI"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("0–100, by the method of docs/csi.md."),
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The agent on the phone; empty when the customer answered the link."),
    )
    created_at = models.DateTimeField(_("answered"), auto_now_add=True, db_index=True)

    objects = ProviderScoped("ticket__provider")

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.program_id} · {self.visit_id}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        SurveyQuestion, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    contact_point = models.CharField(_("contact point"), max_length=30, choices=ContactPoint.choices)
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    choice = models.CharField(_("choice"), max_length=60, blank=True)
    text = models.TextField(_("answer"), blank=True)

    objects = ProviderScoped("response__ticket__provider")

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["response", "question__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="survey_answer_score_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.question_id}"
