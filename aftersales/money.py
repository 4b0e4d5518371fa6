"""Amounts of money as customers and staff read them: always with the currency.

One format in both languages, "¥1,234.50": the currency's sign (or its ISO code where it has
no sign everyone reads the same way), thousands grouped, two decimals, rounded half up as
the three-guarantees arithmetic rounds (warranty/three_guarantees/periods.py).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings

# Signs read the same in English and Chinese; any other currency is shown by its ISO code.
CURRENCY_SIGNS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£"}
CENT = Decimal("0.01")


def format_money(amount: Decimal | int | float | str | None, *, currency: str) -> str:
    """``amount`` in ``currency`` as "¥1,234.50" ("-¥12.00" below zero, "HKD 1,234.50" for a
    currency without a sign here); "" for no amount or one that is not a number."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return ""
    if not value.is_finite():
        return ""
    sign = "-" if value < 0 else ""
    digits = f"{abs(value):,.2f}"
    symbol = CURRENCY_SIGNS.get(currency.upper())
    if symbol is None:
        return f"{sign}{currency.upper()} {digits}"
    return f"{sign}{symbol}{digits}"


def format_amount(amount: Decimal | int | float | str | None) -> str:
    """``amount`` in the organisation's currency (``CURRENCY``), as :func:`format_money` writes it."""
    return format_money(amount, currency=settings.CURRENCY)
