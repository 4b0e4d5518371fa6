"""``Authorization: Token <key>`` against keys stored hashed (django-rest-knox).

Only a SHA-512 digest of each key is stored, next to the key's first 15 characters (knox's
indexed ``token_key``). A request is authenticated with one query (the token by that prefix,
with its user) and a constant-time compare of digests; keys issued before tokens were hashed
(DRF's 40-character keys) were moved into the same store and authenticate the same way.

Knox's own class, besides, reads every other token of the user on each request to delete the
expired ones; tokens here never expire and a user has one, so that query is left out. Header
errors and messages are DRF's ("Invalid token.", "User inactive or deleted.").
"""

import binascii
from hmac import compare_digest

from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import exceptions

# Longer than any key given out (64 characters, or 40 for the keys from before): anything
# longer is refused before it is hashed.
MAX_KEY_LENGTH = 128


class HashedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        invalid = exceptions.AuthenticationFailed(_("Invalid token."))
        try:
            key = token.decode("ascii")
        except UnicodeError:
            raise invalid from None
        if len(key) > MAX_KEY_LENGTH or not key.isprintable():
            raise invalid
        try:
            digest = hash_token(key)
        except (TypeError, binascii.Error):
            raise invalid from None
        # From the primary, also where the request's other reads go to a replica: a key issued a
        # moment ago works at once (docs/read-replicas.md).
        candidates = (
            AuthToken.objects.using(DEFAULT_DB_ALIAS)
            .filter(token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH])
            .select_related("user")
        )
        for auth_token in candidates:
            if compare_digest(digest, auth_token.digest):
                return self.validate_user(auth_token)
        raise invalid


class HashedTokenScheme(OpenApiAuthenticationExtension):
    """The scheme keeps DRF's name (``tokenAuth``): clients generated from the schema stay valid."""

    target_class = HashedTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
        scheme["description"] = (
            'Send "Authorization: Token <key>". Get a key from POST /api/auth/token/ or the desk\'s API access '
            "page: it is shown once, and only its hash is stored."
        )
        return scheme
