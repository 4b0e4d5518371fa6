"""The portal's contract purchase form: the customer confirms and gives their payment reference.
Nothing else is read from the post: the product and the unit come from the address, the price
from the catalogue (contracts/services.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.services import MAX_REFERENCE


class ContractBuyForm(forms.Form):
    payment_reference = forms.CharField(
        label=_("Payment reference"),
        max_length=MAX_REFERENCE,
        help_text=_("The reference of your bank or WeChat Pay transfer, as shown in your payment record."),
        error_messages={"required": _("Enter the reference of your payment.")},
    )
    confirm = forms.BooleanField(
        label=_("I have paid the price shown and accept the cover and exclusions above."),
        error_messages={"required": _("Tick the box to confirm the purchase.")},
    )
