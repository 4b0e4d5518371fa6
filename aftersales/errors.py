"""How errors reach people: a service's ValidationError as field errors on a form, and the error
pages Django answers itself (a path that names nothing, a refused or unreadable request, an
unexpected exception), which under ``/api/`` are JSON in the API's one error shape, never HTML."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions

from aftersales.api.errors import SERVER_ERROR, error_response, is_api_request


def add_errors_to_form(form: forms.BaseForm, exc: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Attach each message of ``exc`` to its form field (or to the form as a whole).

    ``field_map`` renames service fields to form fields where the two differ.
    """
    field_map = field_map or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            name = field_map.get(field, field)
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def field_error(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: a request Django refused (a body over the upload limit, a bad Host header…)."""
    if is_api_request(request):
        return error_response(400, "bad_request", _("The request could not be read."))
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403."""
    if is_api_request(request):
        return error_response(403, "permission_denied", exceptions.PermissionDenied.default_detail)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404."""
    if is_api_request(request):
        return error_response(404, "not_found", exceptions.NotFound.default_detail)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django has logged the exception already."""
    if is_api_request(request):
        return error_response(500, SERVER_ERROR, exceptions.APIException.default_detail)
    return defaults.server_error(request)


__all__ = [
    "NON_FIELD_ERRORS",
    "add_errors_to_form",
    "bad_request",
    "field_error",
    "page_not_found",
    "permission_denied",
    "server_error",
]
