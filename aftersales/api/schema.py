"""The OpenAPI description of the one error shape (aftersales/api/errors.py), shared by every endpoint.

``error_responses(400, 401, 404)`` documents the listed statuses with the ``ApiError`` body and
a sentence on when each happens; an endpoint overrides a sentence where it says more.
"""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

MESSAGES = serializers.ListField(child=serializers.CharField())


class ApiErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in one sentence, in the request's language.")
    code = serializers.CharField(
        help_text="Stable machine code: invalid, parse_error, not_authenticated, authentication_failed, "
        "permission_denied, not_found, method_not_allowed, unsupported_media_type, conflict, throttled."
    )
    errors = serializers.DictField(
        child=MESSAGES,
        required=False,
        help_text="Validation errors only (code invalid): the messages of each request field, nested fields as "
        '"parent.child", errors about the request as a whole under "non_field_errors".',
    )


WHEN = {
    400: "Bad input: the messages of each field are in `errors` (code invalid); a body that is not valid "
    "JSON is code parse_error, with no `errors`.",
    401: "No credentials, or the token is not valid (code not_authenticated or authentication_failed).",
    403: "The caller's role may not do this, or the CSRF check failed on a session call.",
    404: "No such object among those the caller may see: another customer's or technician's object is "
    "answered the same way as one that does not exist.",
    409: "The ticket changed since `expected_version` was read: nothing was written; read it again.",
    415: "The body's media type is not accepted: send JSON.",
    429: "Too many requests: wait the seconds the Retry-After header gives.",
}
# The 400 of a list with no filters: only its cursor can be wrong.
CURSOR_400 = "The `cursor` is not one this list gave out (`errors.cursor`)."


def error_responses(*statuses: int, **overrides: str) -> dict[int, OpenApiResponse]:
    """The ``responses`` entries for ``statuses``; ``overrides`` (``e403="…"``) replace a description."""
    return {
        status: OpenApiResponse(ApiErrorSerializer, description=overrides.get(f"e{status}", WHEN[status]))
        for status in statuses
    }
