"""The service organisation as customers see it: its name in the reader's language and its logo."""

from django.conf import settings
from django.utils import translation


def organisation_name(language: str | None = None) -> str:
    """The organisation's name in ``language`` (the active language when None): the Chinese
    name for Chinese readers when one is set, the English name otherwise."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if language.startswith("zh") and settings.ORGANISATION_NAME_ZH:
        return settings.ORGANISATION_NAME_ZH
    return settings.ORGANISATION_NAME
