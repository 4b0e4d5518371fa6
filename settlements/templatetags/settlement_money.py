"""``{{ amount|money_in:currency }}``: an amount in the currency it is kept in (aftersales/money.py)."""

from decimal import Decimal

from django import template

from aftersales.money import format_money

register = template.Library()


@register.filter
def money_in(amount: Decimal | None, currency: str) -> str:
    return format_money(amount, currency=currency or "CNY")
