"""The desk's forms for dispatching a job to a service provider (docs/network-dispatch.md). They
parse input; tickets/services/provider_offers.py decides and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from network.models import ServiceProvider
from tickets.desk_rendering import PROVIDERS, STATIONS, memo_options
from tickets.models import ServiceStation


class OfferForm(forms.Form):
    """Headquarters offers the job to a provider, optionally at one of its stations. Its fields are
    prefixed: the ticket page also holds the assignment's station."""

    prefix = "offer"

    provider = forms.ModelChoiceField(
        label=_("Service provider"),
        queryset=ServiceProvider.objects.filter(is_active=True).order_by("code"),
        empty_label=_("Choose a service provider"),
        error_messages={
            "required": _("Choose the service provider."),
            "invalid_choice": _("Unknown service provider."),
        },
    )
    station = forms.ModelChoiceField(
        label=_("Station"),
        queryset=ServiceStation.objects.filter(is_active=True, provider__isnull=False).order_by("region", "name"),
        required=False,
        empty_label=_("Any of the provider's stations"),
        error_messages={"invalid_choice": _("Unknown service station.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        memo_options(self.fields["provider"], PROVIDERS, "offer.provider")
        memo_options(self.fields["station"], STATIONS, "offer.station")


class AcceptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReturnForm(forms.Form):
    """The provider gives the job back to headquarters, saying why."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the job goes back to headquarters.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
