"""Money always with its currency: aftersales/money.py and the ``money`` template filter. No database."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from aftersales.money import format_money


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("1234.5"), "CNY", "¥1,234.50"),
        (Decimal("0"), "CNY", "¥0.00"),
        (Decimal("0.005"), "CNY", "¥0.01"),  # half up, as the three guarantees round
        (Decimal("0.004"), "CNY", "¥0.00"),
        (Decimal("-12"), "CNY", "-¥12.00"),
        (Decimal("1234567.891"), "CNY", "¥1,234,567.89"),
        (180, "CNY", "¥180.00"),
        ("45.5", "CNY", "¥45.50"),
        (Decimal("9.99"), "usd", "$9.99"),
        (Decimal("1234.5"), "HKD", "HKD 1,234.50"),
        (None, "CNY", ""),
        ("", "CNY", ""),
        ("not a number", "CNY", ""),
        (Decimal("NaN"), "CNY", ""),
    ],
)
def test_format_money(amount, currency, shown):
    assert format_money(amount, currency=currency) == shown


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_filter_shows_the_configured_currency_the_same_way_in_both_languages(settings, language):
    template = Template("{% load money %}[{{ amount|money }}] [{{ nothing|money }}]")
    with translation.override(language):
        assert template.render(Context({"amount": Decimal("1234.5"), "nothing": None})) == "[¥1,234.50] []"
    settings.CURRENCY = "EUR"
    assert template.render(Context({"amount": Decimal("3")})) == "[€3.00] []"
