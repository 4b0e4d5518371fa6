"""Forms for the customers app: the product-category filter of the help and price pages, and the
choices of how a customer is reached (the portal account and the desk's customer page)."""

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Channel, Customer, ProductCategory


class CategoryFilterForm(forms.Form):
    """Narrow a public page to one product category, chosen by its code.

    The categories come in as a list already read, so validating and rendering the choice
    costs no query. An unknown code (an old link, a typo) is not an error on a public page:
    the page shows every product.
    """

    category = forms.CharField(label=_("Product"), required=False, widget=forms.Select)

    def __init__(self, data=None, *, categories: Sequence[ProductCategory]):
        super().__init__(data)
        self.categories = {category.code: category for category in categories}
        self.fields["category"].widget.choices = [("", _("All products"))] + [
            (category.code, category.display_name) for category in categories
        ]

    def clean_category(self) -> str:
        code = self.cleaned_data["category"]
        return code if code in self.categories else ""

    def selected(self) -> ProductCategory | None:
        if not self.is_bound or not self.is_valid():
            return None
        return self.categories.get(self.cleaned_data["category"])


# Each language in its own words, so a customer finds theirs whatever the page's language.
LANGUAGE_CHOICES = [("zh-hans", "中文"), ("en", "English")]


class MessagePreferencesForm(forms.Form):
    """How a customer is reached: language, channel, reminders and offers, and their email.

    The email field shows a confirmed email only. An unconfirmed one (typed on a form by
    someone who had not proven the phone) is named in the help text and is not confirmed by
    saving the other choices: it is confirmed by typing it here. So ``cleaned_data["email"]``
    is None ("leave the email as it is") when the field is left empty and the record's email
    is not confirmed, and otherwise what was typed ("" clears a confirmed email).
    """

    preferred_language = forms.ChoiceField(label=_("Language of our messages"), choices=LANGUAGE_CHOICES)
    preferred_channel = forms.ChoiceField(
        label=_("Send messages by"), choices=Channel.choices, widget=forms.RadioSelect
    )
    optional_messages = forms.BooleanField(label=_("Send me maintenance reminders and offers"), required=False)
    email = forms.EmailField(label=_("Email"), required=False, max_length=254)

    def __init__(self, *args, customer: Customer, **kwargs):
        self.customer = customer
        confirmed_email = customer.email if customer.email_verified else ""
        kwargs.setdefault(
            "initial",
            {
                "preferred_language": customer.preferred_language,
                "preferred_channel": customer.preferred_channel,
                "optional_messages": customer.optional_messages,
                "email": confirmed_email,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["optional_messages"].help_text = _(
            "Messages about your requests (received, visit, done) are always sent."
        )
        self.fields["preferred_channel"].help_text = _("By email only when we have your email address.")
        if customer.email and not customer.email_verified:
            self.fields["email"].help_text = _(
                "We have %(email)s, not confirmed: nothing is sent to it. Type it here to confirm it."
            ) % {"email": customer.email}

    def clean_email(self) -> str | None:
        email = self.cleaned_data["email"]
        if not email and not self.customer.email_verified:
            return None
        return email
