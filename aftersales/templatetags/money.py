"""``{{ amount|money }}``: an amount with the configured currency (aftersales/money.py)."""

from decimal import Decimal

from django import template

from aftersales.money import format_amount

register = template.Library()


@register.filter
def money(amount: Decimal | int | float | str | None) -> str:
    """The amount in settings.CURRENCY, e.g. "¥1,234.50"; "" for none."""
    return format_amount(amount)
