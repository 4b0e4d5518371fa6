"""``{% organisation_name "zh-hans" %}``: the organisation's name where no request context gives
it (the server-error page is rendered without one)."""

from django import template

from aftersales.organisation import organisation_name as name_in

register = template.Library()


@register.simple_tag
def organisation_name(language: str | None = None) -> str:
    return name_in(language)
