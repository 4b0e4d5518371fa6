"""Desk forms of contracts: they parse input; contracts/services.py decides and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.choices import ContractKind, ContractStatus
from contracts.models import ContractProduct
from contracts.selectors import ENDING_SOON, IN_FORCE, PAYMENT_TO_CONFIRM
from tickets.models import ServiceStation

DATE = forms.DateInput(attrs={"type": "date"})


class ContractFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *ContractStatus.choices], required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All")), *ContractKind.choices], required=False)
    when = forms.ChoiceField(
        label=_("In force"),
        choices=[
            ("", _("All")),
            (IN_FORCE, _("In force today")),
            (ENDING_SOON, _("Ending within 30 days")),
            (PAYMENT_TO_CONFIRM, _("Payment to confirm")),
        ],
        required=False,
    )
    q = forms.CharField(
        label=_("Search"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Contract number, phone or serial")}),
    )


class SellForm(forms.Form):
    """Selling a contract on a unit: the product among those of the unit's category, the start
    (empty: the service's default), a car's odometer, the payment reference and the station."""

    product = forms.ModelChoiceField(label=_("Contract"), queryset=ContractProduct.objects.none())
    starts_on = forms.DateField(
        label=_("Starts"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty: an extended warranty starts the day after the warranty ends, anything else today."),
    )
    start_km = forms.IntegerField(label=_("Odometer (km)"), min_value=0, required=False)
    payment_reference = forms.CharField(label=_("Payment reference"), max_length=80)
    station = forms.ModelChoiceField(label=_("Sold at station"), queryset=ServiceStation.objects.none(), required=False)

    def __init__(self, *args, products, stations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        self.fields["station"].queryset = stations


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class VisitForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DATE)
    odometer_km = forms.IntegerField(label=_("Odometer (km)"), min_value=0, required=False)


class RenewForm(forms.Form):
    payment_reference = forms.CharField(label=_("Payment reference"), max_length=80)
    start_km = forms.IntegerField(label=_("Odometer (km)"), min_value=0, required=False)
