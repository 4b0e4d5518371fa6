"""The desk's stock forms: goods received, a transfer, a stock count. They read the input; the
services in parts/stock.py check the rules and write."""

from decimal import Decimal

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from parts.models import Part
from parts.scope import stations_for
from parts.stock import MAX_QUANTITY
from tickets.models import ServiceStation


class PartNumberField(forms.CharField):
    """A part typed by its number (as on the box), found in the catalogue."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Part number"))
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def clean(self, value) -> Part:
        number = super().clean(value).strip()
        part = Part.objects.filter(number__iexact=number, is_active=True).first()
        if part is None:
            raise forms.ValidationError(_("No active part has this number."), code="unknown")
        return part


class StockForm(forms.Form):
    """A form about one of the user's stations."""

    station = forms.ModelChoiceField(queryset=ServiceStation.objects.none(), label=_("Service station"))
    part = PartNumberField()

    def __init__(self, *args, user: AbstractBaseUser, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations_for(user).filter(is_active=True).order_by("region", "name")


class ReceiveForm(StockForm):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY)
    unit_cost = forms.DecimalField(
        label=_("Unit cost"),
        required=False,
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        help_text=_("Leave empty for the part's standard cost."),
    )
    batch = forms.CharField(label=_("Batch"), max_length=40, required=False)
    reason = forms.CharField(label=_("Delivery note or supplier reference"), max_length=255, required=False)


class TransferForm(StockForm):
    to_station = forms.ModelChoiceField(
        queryset=ServiceStation.objects.filter(is_active=True).order_by("region", "name"), label=_("To station")
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY)

    field_order = ["station", "to_station", "part", "quantity"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["station"].label = _("From station")


class CountForm(StockForm):
    counted = forms.IntegerField(label=_("Counted on hand"), min_value=0, max_value=MAX_QUANTITY)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        help_text=_("Why the stock differs from the books, or who counted."),
    )


class CancelTransferForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)
