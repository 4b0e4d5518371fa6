"""Secrets the product must read back (webhook signing secrets) are kept encrypted in the database.

A field of django-fernet-encrypted-fields, keyed from a setting of its own rather than from
SECRET_KEY: rotating SECRET_KEY (sessions, signed links) must never make stored secrets
unreadable. ``FIELD_ENCRYPTION_KEY`` encrypts; it and ``FIELD_ENCRYPTION_KEY_FALLBACKS``
decrypt (Fernet: AES-128-CBC with an HMAC-SHA256, so a changed value is refused). To rotate:
set the new key, move the old one to the fallbacks, run ``manage.py reencrypt_secrets``, then
remove the old one. A stored value no configured key opens is an error, never used as it is:
signing with the wrong secret would fail silently at every receiver.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from encrypted_fields.fields import EncryptedCharField


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    """Encrypts with FIELD_ENCRYPTION_KEY; decrypts with it or any of the fallbacks."""
    return _fernet((settings.FIELD_ENCRYPTION_KEY, *settings.FIELD_ENCRYPTION_KEY_FALLBACKS))


class EncryptedSecretField(EncryptedCharField):
    """A short secret, stored as a Fernet token (a text column); read back in clear."""

    @property
    def f(self) -> MultiFernet:  # the package's name for its cipher
        return fernet()

    @property
    def keys(self) -> list[bytes]:
        return [key.encode() for key in (settings.FIELD_ENCRYPTION_KEY, *settings.FIELD_ENCRYPTION_KEY_FALLBACKS)]

    def from_db_value(self, value, expression, connection):
        # Strict where a stored value is read (the package would hand the ciphertext on as the
        # secret); its to_python also coerces the clear value being saved, so stays as it is.
        if value is None:
            return value
        try:
            return fernet().decrypt(value.encode()).decode()
        except InvalidToken:
            raise ImproperlyConfigured(
                f"A stored {self.model._meta.label}.{self.name} cannot be decrypted: FIELD_ENCRYPTION_KEY "
                "and FIELD_ENCRYPTION_KEY_FALLBACKS do not hold the key it was encrypted with."
            ) from None
