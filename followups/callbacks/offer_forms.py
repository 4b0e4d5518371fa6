"""The offer form on a warranty-expiry or renewal call. It parses and checks input;
followups.offers.callback_offer_record decides and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.money import format_money
from contracts.models import ContractProduct
from followups.choices import OfferOutcome
from followups.offers import REASON_MAX_LENGTH


class CallbackOfferForm(forms.Form):
    """Offered / accepted (a contract of the unit's category and the payment reference) /
    declined (with the reason). The price is the catalogue's, never the form's."""

    outcome = forms.ChoiceField(
        label=_("What did the customer say?"),
        choices=OfferOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what the customer said to the offer."),
            "invalid_choice": _("Choose what the customer said to the offer."),
        },
    )
    product = forms.ModelChoiceField(
        label=_("Contract accepted"),
        queryset=ContractProduct.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a contract on sale for this product.")},
    )
    payment_reference = forms.CharField(
        label=_("Payment reference"),
        required=False,
        max_length=80,
        help_text=_("The reference of the customer's payment (bank or WeChat Pay transfer)."),
    )
    reason = forms.CharField(
        label=_("Why the customer declined"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, products=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products if products is not None else ContractProduct.objects.none()
        self.fields["product"].label_from_instance = lambda product: (
            f"{product.display_name} · {format_money(product.price, currency=product.currency)}"
        )
