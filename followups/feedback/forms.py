"""Feedback inbox forms. They parse and check input; followups.feedback.services decides and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import ProductModel
from followups.models import FeedbackItem, FeedbackStatus
from tickets.models import Department

LIST_VIEW = "list"
GROUPS_VIEW = "groups"
# Long enough for a real analysis; a bound on what a request may store.
ANSWER_MAX_LENGTH = 4000


class FeedbackFilterForm(forms.Form):
    """The inbox filters. ``departments`` are the ones the user works (None: every one); the
    department filter offers only those, and only when there is a choice."""

    view = forms.ChoiceField(
        label=_("Show"),
        choices=[(LIST_VIEW, _("Items")), (GROUPS_VIEW, _("Grouped by model, component and batch"))],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *FeedbackStatus.choices], required=False
    )
    department = forms.ChoiceField(label=_("Department"), required=False)
    model = forms.ModelChoiceField(
        label=_("Model"),
        queryset=ProductModel.objects.order_by("code"),
        required=False,
        empty_label=_("Any model"),
        error_messages={"invalid_choice": _("Choose a known product model.")},
    )
    component = forms.CharField(
        label=_("Component"), max_length=FeedbackItem._meta.get_field("component").max_length, required=False
    )
    batch = forms.CharField(
        label=_("Batch"), max_length=FeedbackItem._meta.get_field("batch").max_length, required=False
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, departments: frozenset[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        mine = [(value, label) for value, label in Department.choices if departments is None or value in departments]
        self.fields["department"].choices = [("", _("Any department")), *mine]
        self.offers_department = len(mine) > 1

    @property
    def grouped(self) -> bool:
        return self.is_bound and self.is_valid() and self.cleaned_data["view"] == GROUPS_VIEW


class FeedbackAnswerForm(forms.Form):
    cause = forms.CharField(
        label=_("Cause"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the department found behind the fault."),
        error_messages={"required": _("Give the cause the department found.")},
    )
    corrective_action = forms.CharField(
        label=_("Corrective action"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What changes in design, production or operations, and from when or which batch."),
        error_messages={"required": _("Say what the department does to correct it.")},
    )
