"""The after-service survey form: the four ratings of a callback call, a comment, a complaint."""

from django import forms
from django.utils.translation import gettext_lazy as _

SCORES = [(5, "5"), (4, "4"), (3, "3"), (2, "2"), (1, "1")]
DETAIL_SCORE_FIELDS = ("score_attitude", "score_punctuality", "score_quality")
SCORE_FIELDS = (*DETAIL_SCORE_FIELDS, "score_overall")


def _score(label: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=SCORES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose from 1 to 5.")},
    )


class SurveyForm(forms.Form):
    """Field names are those of ``followups.callbacks.services.record_attempt`` so its errors land on them.

    Like an agent on the phone, the customer may skip the detailed ratings; the overall one
    is needed unless they raise a complaint, which needs the comment saying what went wrong."""

    score_attitude = _score(_("The friendliness of our staff"))
    score_punctuality = _score(_("Punctuality"))
    score_quality = _score(_("The quality of the work"))
    score_overall = _score(_("Overall, how satisfied are you?"), _("5 = very satisfied, 1 = very dissatisfied"))
    comment = forms.CharField(
        label=_("Anything you want to tell us"),
        help_text=_("Needed if you make a complaint: tell us what went wrong."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )
    raised_complaint = forms.BooleanField(label=_("I want to make a complaint"), required=False)

    def clean(self):
        data = super().clean()
        if (
            "score_overall" in data
            and data["score_overall"] is None
            and not data.get("raised_complaint")
            and not self.has_error("score_overall")
        ):
            self.add_error("score_overall", _("Please rate our service overall, from 1 to 5."))
        # The complaint ticket is opened from the comment: it has to say what went wrong.
        if data.get("raised_complaint") and not (data.get("comment") or "").strip() and not self.has_error("comment"):
            self.add_error("comment", _("Tell us what went wrong, so that we can put it right."))
        return data

    def scores(self) -> dict[str, int | None]:
        return {name: self.cleaned_data[name] for name in SCORE_FIELDS}
