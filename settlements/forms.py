"""Desk forms of the statements: they parse input; settlements/statements.py decides and writes."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from network.models import ServiceProvider
from settlements.choices import LineDecision, StatementStatus

DECISIONS = [(value, label) for value, label in LineDecision.choices if value != LineDecision.PENDING]


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (the browser's month picker), as its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-01"})

    def to_python(self, value) -> dt.date | None:
        value = (value or "").strip()
        if not value:
            return None
        try:
            return dt.datetime.strptime(value, "%Y-%m").date()
        except ValueError as exc:
            raise forms.ValidationError(_("Give the month as YYYY-MM.")) from exc


class StatementFilterForm(forms.Form):
    month = MonthField(label=_("Month"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *StatementStatus.choices], required=False)
    provider = forms.ModelChoiceField(
        label=_("Service provider"), queryset=ServiceProvider.objects.all(), required=False, empty_label=_("All")
    )


class LineFilterForm(forms.Form):
    flagged = forms.ChoiceField(
        label=_("Flags"),
        choices=[("", _("All")), ("yes", _("Flagged only")), ("no", _("Not flagged"))],
        required=False,
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=[("", _("All")), *LineDecision.choices], required=False)
    page = forms.IntegerField(min_value=1, required=False)


class VersionForm(forms.Form):
    """The version of the statement the user saw: a stale one is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(VersionForm):
    note = forms.CharField(label=_("Reason"), max_length=255, widget=forms.Textarea(attrs={"rows": 2}))


class PayForm(VersionForm):
    payment_reference = forms.CharField(label=_("Payment reference"), max_length=80)
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))


class LineDecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    amount = forms.DecimalField(label=_("Amount to pay"), required=False, min_value=0, max_digits=12, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)
