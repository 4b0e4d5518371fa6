"""One way to turn a service's ValidationError into field errors on a form."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


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


__all__ = ["NON_FIELD_ERRORS", "add_errors_to_form", "field_error"]
