"""The desk's forms of leads: the list's filters, a lead's moves, a customer's offers consent."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from customers.referral_choices import OffersConsent, ReferralChannel
from network.models import ServiceProvider
from sales.choices import LeadKind, LeadStatus


def _any(choices) -> list:
    return [("", _("Any")), *choices]


class LeadFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=_any(LeadStatus.choices), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=_any(LeadKind.choices), required=False)
    owner = forms.IntegerField(label=_("Owner (id)"), required=False, min_value=1, max_value=2**31)
    dealer = forms.ModelChoiceField(
        label=_("Dealer"), queryset=ServiceProvider.objects.none(), required=False, to_field_name="code"
    )
    mine = forms.BooleanField(label=_("Mine only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dealer"].queryset = ServiceProvider.objects.order_by("code")


class ContactForm(forms.Form):
    note = forms.CharField(label=_("What was discussed"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class WinForm(forms.Form):
    value = forms.DecimalField(label=_("Value sold"), min_value=0, max_digits=10, decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class LoseForm(forms.Form):
    reason = forms.CharField(label=_("Why it was lost"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=get_user_model().objects.none(), required=False)
    dealer = forms.ModelChoiceField(
        label=_("Dealer"), queryset=ServiceProvider.objects.none(), required=False, to_field_name="code"
    )

    def __init__(self, *args, owners, dealers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["dealer"].queryset = dealers


class OffersConsentForm(forms.Form):
    """What the customer said about offers, and where staff heard it."""

    consent = forms.ChoiceField(
        label=_("Offers"),
        choices=[(OffersConsent.GIVEN, _("Agreed to offers")), (OffersConsent.REFUSED, _("Opted out of offers"))],
        widget=forms.RadioSelect,
    )
    source = forms.ChoiceField(
        label=_("Said"),
        choices=[(ReferralChannel.PHONE, _("On the phone")), (ReferralChannel.DESK, _("At the desk"))],
        initial=ReferralChannel.PHONE,
    )
