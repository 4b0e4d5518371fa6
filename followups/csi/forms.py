"""The forms of a CSI program: its questions as fields, in the language of whoever reads them (the
customer on the survey link, the agent on the phone). They check each answer where it is given;
followups.csi.services.clean_answers checks again for every caller."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Language
from followups.choices import QuestionKind
from followups.csi.services import MAX_TEXT, field_name
from followups.csi_models import SurveyQuestion

SCALE = [(score, str(score)) for score in range(1, 6)]


def question_text(question: SurveyQuestion, language: str) -> str:
    return question.text_zh if language == Language.CHINESE and question.text_zh else question.text


def option_label(option: dict, language: str) -> str:
    return (option.get("label_zh") if language == Language.CHINESE else "") or option.get("label") or ""


def _field(question: SurveyQuestion, language: str) -> forms.Field:
    label = question_text(question, language)
    required = {"required": _("Please answer this question.")}
    if question.kind == QuestionKind.SCALE:
        return forms.TypedChoiceField(
            label=label,
            choices=SCALE,
            coerce=int,
            empty_value=None,
            required=question.required,
            widget=forms.RadioSelect,
            help_text=_("5 = very satisfied, 1 = very dissatisfied"),
            error_messages=required | {"invalid_choice": _("Choose from 1 to 5.")},
        )
    if question.kind == QuestionKind.CHOICE:
        return forms.ChoiceField(
            label=label,
            choices=[(option["value"], option_label(option, language)) for option in question.options],
            required=question.required,
            widget=forms.RadioSelect,
            error_messages=required | {"invalid_choice": _("Choose one of the answers.")},
        )
    return forms.CharField(
        label=label,
        required=question.required,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=required,
    )


class ProgramAnswersForm(forms.Form):
    """One field per question of the program, named ``q_<question id>`` (the service's error keys)."""

    def __init__(self, *args, questions: list[SurveyQuestion], language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[field_name(question)] = _field(question, language)

    def answers(self) -> dict[int, object]:
        return {question.pk: self.cleaned_data.get(field_name(question)) for question in self.questions}

    @property
    def question_fields(self) -> list[tuple[SurveyQuestion, forms.BoundField]]:
        """Each question with its field, for the template to draw a scale as stars and the rest as they are."""
        return [(question, self[field_name(question)]) for question in self.questions]


class ProgramSurveyForm(ProgramAnswersForm):
    """The survey link's form: the program's questions, then a comment and a complaint as the
    fixed survey has them (a complaint needs the comment saying what went wrong)."""

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
        if data.get("raised_complaint") and not (data.get("comment") or "").strip() and not self.has_error("comment"):
            self.add_error("comment", _("Tell us what went wrong, so that we can put it right."))
        return data
