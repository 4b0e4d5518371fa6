"""The serial search of the desk's unit pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SerialSearchForm(forms.Form):
    serial = forms.CharField(
        label=_("Serial number"),
        max_length=64,
        help_text=_("The whole serial number (IMEI, VIN), or its first characters."),
    )
