"""API tokens a user manages themselves: ``/api/auth/token/`` (issue 7; docs/threat-model.md).

Integrations send ``Authorization: Token <key>``. A user obtains a token with their username
and password, sees whether they have one and since when, and revokes it. Keys are stored hashed
(aftersales/api/token_store.py), so a key is shown once, in the answer to the password that
issued it, and never again: each request for a token issues a new key and revokes the one the
user had (one token per user, as on the desk's API access page, where it is "Replace token").
Administrators issue and revoke any user's token in the admin (Knox → Auth tokens).
Obtaining is throttled per address, and wrong passwords lock out a username from one address
and pause an address (aftersales/lockout.py), as on the desk's sign-in: a password cannot be
guessed here faster than there, and nobody can lock the real user out from another address.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from aftersales.api.schema import error_responses
from aftersales.api.throttles import ClientAddressRateThrottle
from aftersales.api.token_store import token_issue, token_of, token_revoke
from aftersales.lockout import count_failed_sign_in, forget_failures, raise_if_address_paused, raise_if_locked_out
from aftersales.logins import login_name

# Ten tries a minute per address (API_TOKEN_RATE in DEFAULT_THROTTLE_RATES overrides).
TOKEN_RATE = "10/minute"


class TokenObtainThrottle(ClientAddressRateThrottle):
    """Counts requests for a token per client address (scope ``token``)."""

    scope = "token"

    def get_rate(self) -> str:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or TOKEN_RATE

    def get_cache_key(self, request: Request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenCredentialsSerializer(AuthTokenSerializer):
    """A username (a customer's login is their phone, in any format) and its password."""

    # DRF's own fields, with what they accept.
    username = serializers.CharField(
        label=_("Username"),
        write_only=True,
        help_text="The username; a customer's is their mobile phone, in any usual format, or their portal email.",
    )
    password = serializers.CharField(
        label=_("Password"),
        style={"input_type": "password"},
        trim_whitespace=False,
        write_only=True,
        help_text="The password, exactly as typed.",
    )
    token = None  # the answer is TokenSerializer

    def validate(self, attrs: dict) -> dict:
        # As on the portal's sign-in: a phone in any format, or a portal account's email.
        attrs["username"] = login_name(attrs.get("username", ""))
        request = self.context["request"]
        raise_if_address_paused(request)
        try:
            attrs = super().validate(attrs)
        except serializers.ValidationError:
            # The failure counts against the address, as on the desk's sign-in; django-axes
            # counts it too: past AXES_FAILURE_LIMIT the username and address are locked out, and
            # the caller is told so (429) rather than "wrong password".
            count_failed_sign_in(request)
            raise_if_locked_out(request)
            raise
        forget_failures(request, attrs["user"].get_username())
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text='The key: send "Authorization: Token <key>". Shown only here: only its hash is stored.'
    )
    created = serializers.DateTimeField(
        help_text="When the token was issued: it works until it is revoked or replaced."
    )


class TokenStatusSerializer(serializers.Serializer):
    exists = serializers.BooleanField(help_text="The user has a token.")
    created = serializers.DateTimeField(allow_null=True, help_text="When it was created; null when there is none.")


class TokenView(APIView):
    parser_classes = [JSONParser, FormParser]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self):
        if self.request.method == "POST":
            return [TokenObtainThrottle()]
        return super().get_throttles()

    @extend_schema(
        operation_id="auth_token_obtain",
        tags=["auth"],
        summary="Obtain your API token",
        description="With your username and password (customers: their mobile phone). Issues a new token and "
        "shows its key this once: only its hash is stored, so it cannot be shown again. A user has one token: "
        "a token you had before is revoked at once, so store the key and reuse it rather than asking for a "
        "new one. No other credentials needed. At most 10 requests a minute per address; after 5 wrong "
        "passwords (AXES_FAILURE_LIMIT) for one username from one address, that pair is locked out for 15 "
        "minutes (AXES_COOLOFF_MINUTES), and after 30 failed sign-ins from one address within 15 minutes, "
        "whatever the usernames (SIGN_IN_ADDRESS_FAILURE_LIMIT), that address is paused until the window "
        "ends. Other addresses are never affected.",
        request=TokenCredentialsSerializer,
        responses={
            201: OpenApiResponse(TokenSerializer, description="The new token, replacing any you had."),
            **error_responses(
                400,
                415,
                429,
                e415="The body is neither JSON nor a form.",
                e429="Too many requests (code `throttled`), or too many wrong passwords for this username from "
                "this address or from this address at all (code `locked_out`: refused, even with the right "
                "password, until `Retry-After` seconds have passed).",
                e400="Missing fields, or the username and password do not match an active user "
                "(`errors.non_field_errors`).",
            ),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        credentials = TokenCredentialsSerializer(data=request.data, context={"request": request})
        credentials.is_valid(raise_exception=True)
        user: AbstractBaseUser = credentials.validated_data["user"]
        issued = token_issue(user=user)
        body = TokenSerializer({"token": issued.key, "created": issued.token.created}).data
        # The one answer that carries the key: no cache, proxy or browser keeps a copy.
        return Response(body, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})

    @extend_schema(
        operation_id="auth_token_status",
        tags=["auth"],
        summary="Whether you have an API token",
        description="Never shows the key: it is stored hashed. Lost it? Obtain a new one with your password.",
        responses={200: TokenStatusSerializer, **error_responses(401, 429)},
    )
    def get(self, request: Request) -> Response:
        token = token_of(request.user)
        body = {"exists": token is not None, "created": token.created if token else None}
        return Response(TokenStatusSerializer(body).data)

    @extend_schema(
        operation_id="auth_token_revoke",
        tags=["auth"],
        summary="Revoke your API token",
        description="Integrations using it get 401 from now on. Nothing happens when you have none.",
        responses={204: OpenApiResponse(description="Revoked (or there was none)."), **error_responses(401, 403, 429)},
    )
    def delete(self, request: Request) -> Response:
        token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
