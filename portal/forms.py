"""Portal forms: what customers type, checked field by field."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Language, ProductModel
from customers.services import Contact
from tickets.choices import CUSTOMER_REQUEST_KINDS, Kind, VisitSlot
from tickets.forms import NotFutureDateField, PhoneField


class ModelCodeField(forms.CharField):
    """A product model typed or picked from the list by its code."""

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        code = value.strip().split(" ")[0]
        model = ProductModel.objects.filter(code__iexact=code, is_active=True).select_related("category").first()
        if model is None:
            raise forms.ValidationError(_("Choose your model from the list (the code is on the product's label)."))
        return model


class HoneypotMixin(forms.Form):
    # Left empty by people (it is hidden); simple bots fill every field.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty."))
        return ""


class ContactFields(forms.Form):
    """Who is asking: the same fields on every public form, read into one ``Contact``.

    The language of our messages starts as the language of the page the customer is using (a
    Chinese page never offers English first); they may choose the other one. Left out of the
    post, it is the page's language too."""

    name = forms.CharField(label=_("Your name"), max_length=120, error_messages={"required": _("Enter your name.")})
    phone = PhoneField(label=_("Mobile phone"), error_messages={"required": _("Enter your mobile phone number.")})
    email = forms.EmailField(label=_("Email (for updates)"), required=False)
    address = forms.CharField(label=_("Address for the visit"), max_length=255, required=False)
    region = forms.CharField(label=_("City or region"), max_length=80, required=False)
    language = forms.ChoiceField(label=_("Language for our messages"), choices=Language.choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = Language.active()

    def contact(self, default_language: str) -> Contact:
        data = self.cleaned_data
        return Contact(
            name=data["name"],
            phone=data["phone"],
            email=data["email"],
            address=data["address"],
            region=data["region"],
            language=data["language"] or default_language,
        )


class SubmitForm(HoneypotMixin, ContactFields):
    kind = forms.ChoiceField(
        label=_("What do you need?"), choices=[(k.value, k.label) for k in CUSTOMER_REQUEST_KINDS], initial=Kind.REPAIR
    )
    model = ModelCodeField(label=_("Product model"), required=False, max_length=80)
    serial = forms.CharField(label=_("Serial number"), max_length=64, required=False)
    purchase_date = NotFutureDateField(label=_("Purchase date"), required=False)
    proof = forms.FileField(
        label=_("Proof of purchase (photo or PDF of the invoice or warranty card, up to 5 MB)"), required=False
    )
    description = forms.CharField(
        label=_("What is wrong?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": _("Describe the problem or what you need.")},
    )
    preferred_visit_date = forms.DateField(
        label=_("Preferred visit day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    preferred_visit_slot = forms.ChoiceField(
        label=_("Preferred time"), choices=[("", _("Any time")), *VisitSlot.choices], required=False
    )
    referral_code = forms.CharField(
        label=_("Referral code (optional)"),
        max_length=40,
        required=False,
        help_text=_("The code a friend who is our customer gave you."),
    )

    def clean_preferred_visit_date(self):
        value = self.cleaned_data.get("preferred_visit_date")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later day."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("kind") in (Kind.REPAIR, Kind.INSTALLATION, Kind.MAINTENANCE) and not data.get("address"):
            self.add_error("address", _("Enter the address where the technician should come."))
        if data.get("serial") and not data.get("model") and "model" not in self.errors:
            self.add_error("model", _("Choose your model so we can find the serial number."))
        return data


class RegisterForm(HoneypotMixin, ContactFields):
    model = ModelCodeField(
        label=_("Product model"), max_length=80, error_messages={"required": _("Choose your model.")}
    )
    serial = forms.CharField(
        label=_("Serial number"), max_length=64, error_messages={"required": _("Enter the serial number.")}
    )
    purchase_date = NotFutureDateField(
        label=_("Purchase date"), error_messages={"required": _("Enter the purchase date.")}
    )
    installation_date = NotFutureDateField(label=_("Installation date (if installed)"), required=False)
    dealer = forms.CharField(label=_("Where you bought it"), max_length=120, required=False)
    has_invoice = forms.BooleanField(label=_("I have the invoice"), required=False)
    has_warranty_card = forms.BooleanField(label=_("I have the warranty card"), required=False)


class TrackForm(HoneypotMixin):
    reference = forms.CharField(
        label=_("Request reference"),
        max_length=20,
        error_messages={"required": _("Enter the reference, e.g. AS-2026-000123.")},
    )
    phone = PhoneField(label=_("Mobile phone"), error_messages={"required": _("Enter your mobile phone number.")})


class AddInfoForm(forms.Form):
    note = forms.CharField(
        label=_("Add information"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )
    photo = forms.FileField(label=_("Add a photo (JPEG, PNG or PDF, up to 5 MB)"), required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why do you cancel? (optional)"), max_length=500, required=False)


class RateForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with our service?"),
        choices=[(5, "5"), (4, "4"), (3, "3"), (2, "2"), (1, "1")],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose from 1 to 5 stars.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )
