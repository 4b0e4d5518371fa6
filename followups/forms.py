"""Callback queue forms. They parse and check input; tickets.callbacks decides and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.choices import CallbackKind, CallbackResult

ASSIGNED_TO_ME = "me"
SCORE_FIELDS = ("score_attitude", "score_punctuality", "score_quality", "score_overall")
# A call that did not reach the customer is recorded with one click on one of these.
NOT_REACHED_BUTTONS = (
    (CallbackResult.NO_ANSWER, _("No answer")),
    (CallbackResult.WRONG_NUMBER, _("Wrong number")),
    (CallbackResult.REFUSED, _("Refused")),
)


class CallbackQueueFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *CallbackKind.choices], required=False)
    assigned = forms.ChoiceField(
        label=_("Assigned to"),
        choices=[("", _("Anyone")), (ASSIGNED_TO_ME, _("Me"))],
        required=False,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class ScoreField(forms.TypedChoiceField):
    """A rating from 1 to 5 as a radio group; None when not given."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=[(score, str(score)) for score in range(1, 6)],
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": _("Choose from 1 to 5.")},
            **kwargs,
        )


class CallbackAttemptForm(forms.Form):
    """One call: its result and, when the customer was reached, their answers.

    Whether the overall rating is needed (an after-service call without a complaint) is the
    service's rule; its ValidationError lands on the field here.
    """

    result = forms.ChoiceField(
        label=_("Result of the call"),
        choices=CallbackResult.choices,
        error_messages={
            "required": _("Choose the result of the call."),
            "invalid_choice": _("Choose the result of the call."),
        },
    )
    score_attitude = ScoreField(label=_("Attitude"))
    score_punctuality = ScoreField(label=_("Punctuality"))
    score_quality = ScoreField(label=_("Quality of work"))
    score_overall = ScoreField(label=_("Overall satisfaction"))
    comment = forms.CharField(
        label=_("Customer's comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    raised_complaint = forms.BooleanField(label=_("The customer raised a complaint"), required=False)
    note = forms.CharField(
        label=_("Note about the call"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: call again after 18:00."),
    )

    def scores(self) -> dict[str, int | None]:
        return {name: self.cleaned_data.get(name) for name in SCORE_FIELDS}

    @property
    def score_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in SCORE_FIELDS]

    @property
    def is_reached(self) -> bool:
        """The agent chose "Reached" or began the answers: the ratings stay open when the form
        comes back."""
        if not self.is_bound:
            return False
        answers = (*SCORE_FIELDS, "comment", "raised_complaint")
        return self.data.get("result") == CallbackResult.REACHED or any(self.data.get(name) for name in answers)
