"""The desk's booking forms: book a slot (one form per slot offered), move, cancel."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from aftersales.scoping import staff_in_scope
from tickets.models import ServiceStation


class BookForm(forms.Form):
    technician = forms.ModelChoiceField(
        label=_("Technician"),
        queryset=staff_in_scope(get_user_model().objects.filter(technician_profile__isnull=False)),
    )
    station = forms.ModelChoiceField(label=_("Service station"), queryset=ServiceStation.objects.all())
    start = forms.DateTimeField(label=_("From"))
    late_reason = forms.CharField(
        label=_("Reason for booking after the arrival deadline"), max_length=255, required=False
    )


class MoveForm(forms.Form):
    start = forms.DateTimeField(
        label=_("Move to"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("The start of a free slot of the same technician."),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255)
