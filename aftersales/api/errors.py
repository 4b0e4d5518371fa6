"""One error shape for every API error (issue: a complete REST API).

Every error response is a JSON object::

    {"detail": "<what went wrong, in a sentence>",
     "code": "<stable machine code: invalid, not_authenticated, permission_denied, not_found,
               conflict, method_not_allowed, throttled, …>",
     "errors": {"<field>": ["<message>", …], …}}   # validation errors only

``errors`` holds field errors keyed by the request's field names (nested fields as
``"proof.invoice"``; errors that concern no single field under ``"non_field_errors"``).
Errors the services raise (Django's ValidationError, PermissionDenied, a stale version) come
out the same way as DRF's own, so an integration handles one shape. So does an unexpected
exception: a 500 ``{"detail": …, "code": "server_error"}``, logged with its traceback as Django
logs one; and so do the errors Django answers itself under ``/api/`` (aftersales/errors.py).
"""

from collections.abc import Mapping
from typing import Any

from django.core import signals
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.log import log_response
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView, set_rollback
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY
API_PREFIX = "/api/"
SERVER_ERROR = "server_error"
# What Django itself answers with a 400 (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a bad Host…):
# left to Django, which logs them as it should and answers through handler400.
ANSWERED_BY_DJANGO = (SuspiciousOperation, BadRequest, MultiPartParserError)


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def error_response(status_code: int, code: str, detail: str) -> JsonResponse:
    """An error in the one shape, for the answers Django gives without DRF."""
    return JsonResponse({"detail": str(detail), "code": code}, status=status_code)


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"field.sub": [messages]}``."""
    if isinstance(detail, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == NON_FIELD and prefix:
                name = prefix
            for field, messages in _flatten(value, name).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(detail, list | tuple):
        if all(not isinstance(item, Mapping | list | tuple) for item in detail):
            return {prefix or NON_FIELD: [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            name = f"{prefix}.{index}" if prefix else str(index)
            for field, messages in _flatten(item, name).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    return {prefix or NON_FIELD: [str(detail)]}


def from_django(exc: Exception) -> Exception:
    """The DRF exception a service's Django exception stands for."""
    if isinstance(exc, DjangoValidationError):
        code = getattr(exc, "code", None)
        if code == "conflict":
            return Conflict(" ".join(exc.messages))
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError({field: list(errors) for field, errors in exc.message_dict.items()})
        return exceptions.ValidationError({NON_FIELD: exc.messages})
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    return exc


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The resource changed since you read it."
    default_code = "conflict"


def _server_error(exc: Exception, request: HttpRequest) -> Response:
    """An unexpected exception: rolled back, reported and logged with its traceback as Django
    does for one it catches itself, and answered in the one shape (not Django's HTML page)."""
    set_rollback()
    signals.got_request_exception.send(sender=None, request=request)
    response = Response(
        {"detail": str(exceptions.APIException.default_detail), "code": SERVER_ERROR},
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
    log_response("%s: %s", "Internal Server Error", request.path, response=response, request=request, exception=exc)
    return response


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, then the one shape; an unexpected exception is a 500 in the same shape."""
    exc = from_django(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        if isinstance(exc, ANSWERED_BY_DJANGO):
            return None
        request = context["request"]
        return _server_error(exc, getattr(request, "_request", request))
    if isinstance(exc, exceptions.ValidationError):
        body = {
            "detail": _("The request has errors; see the fields."),
            "code": "invalid",
            "errors": _flatten(exc.detail),
        }
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data.get("detail", "")
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if isinstance(code, list | dict):
            code = "error"
        body = {"detail": str(detail), "code": str(code)}
    response.data = body
    return response


class NoSuchEndpointView(APIView):
    """Every path under ``/api/`` that names no endpoint (an id that is not a number, a typo): a
    404 in the one shape, not the site's HTML page. Nothing to authenticate, count or describe."""

    schema = None  # not an endpoint: left out of the OpenAPI schema

    def initial(self, request: Request, *args, **kwargs) -> None:
        """Whatever the method: before any handler runs, and answered by the exception handler."""
        raise exceptions.NotFound()
