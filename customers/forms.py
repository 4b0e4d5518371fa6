"""Portal forms for the customers app: the product-category filter of the help and price pages."""

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import ProductCategory


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
