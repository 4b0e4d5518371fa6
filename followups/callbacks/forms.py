"""Callback queue forms. They parse and check input; followups.callbacks.services decides and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from followups.choices import CallbackKind, CallbackResult
from tickets.choices import FaultGroup
from tickets.models import FaultCategory
from tickets.selectors import complaint_classes

ASSIGNED_TO_ME = "me"
SCORE_FIELDS = ("score_attitude", "score_punctuality", "score_quality", "score_overall")
# A call that did not reach the customer is recorded with one click on one of these.
NOT_REACHED_BUTTONS = (
    (CallbackResult.NO_ANSWER, _("No answer")),
    (CallbackResult.WRONG_NUMBER, _("Wrong number")),
    (CallbackResult.REFUSED, _("Refused")),
)


class CallbackQueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
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
    # The complaint's class (tickets.selectors.complaint_classes), grouped service / product.
    complaint_class = forms.TypedChoiceField(
        label=_("What is the complaint about?"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose what the complaint is about.")},
        help_text=_("A service class counts in the complaint rate; a product fault as a product-quality complaint."),
    )
    note = forms.CharField(
        label=_("Note about the call"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: call again after 18:00."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        classes = list(complaint_classes())
        self.classes = {category.pk: category for category in classes}
        groups: dict[str, list[tuple[int, str]]] = {}
        for category in classes:
            groups.setdefault(str(FaultGroup(category.group).label), []).append((category.pk, category.display_name))
        self.fields["complaint_class"].choices = [("", "—"), *groups.items()]

    def clean(self):
        """A complaint raised on the call names its class, so it enters the complaint rate or
        the product-quality count; a low rating alone may leave it for the desk to set."""
        data = super().clean()
        complained = data.get("result") == CallbackResult.REACHED and data.get("raised_complaint")
        if complained and data.get("complaint_class") is None and not self.has_error("complaint_class"):
            self.add_error("complaint_class", _("Choose what the complaint is about."))
        return data

    def complaint_class_chosen(self) -> FaultCategory | None:
        return self.classes.get(self.cleaned_data.get("complaint_class"))

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
        answers = (*SCORE_FIELDS, "comment", "raised_complaint", "complaint_class")
        return self.data.get("result") == CallbackResult.REACHED or any(self.data.get(name) for name in answers)
