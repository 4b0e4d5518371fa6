"""What a form page says about its fields: each field's row, whether any must be filled in,
which the customer must choose again after an error."""

from django import forms, template
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.filter
def has_required_fields(form: forms.BaseForm | None) -> bool:
    """True when ``form`` shows at least one field that must be filled in: the page then
    explains the asterisk once ("* required")."""
    if not isinstance(form, forms.BaseForm):
        return False
    return any(field.field.required for field in form.visible_fields())


@register.filter
def chosen_file_lost(field: forms.BoundField) -> str:
    """The name of the file the user chose in ``field`` when the form came back with errors on
    other fields: browsers cannot refill a file input, so the page asks for it again."""
    form = field.form
    if not form.is_bound or not form.errors or field.errors:
        return ""
    uploaded = form.files.get(field.html_name)
    return getattr(uploaded, "name", "") or ""


@register.filter
def fields_in_error(form: forms.BaseForm | None) -> list[forms.BoundField]:
    """The fields of ``form`` the user must correct, in the form's order."""
    if not isinstance(form, forms.BaseForm) or not form.is_bound or not form.errors:
        return []
    return [field for field in form.visible_fields() if field.errors]


@register.simple_tag(takes_context=True)
def field_row(context, field: forms.BoundField, mark_required=False, extra_help="") -> str:
    """One form field with its label, help text and errors (templates/partials/field.html).

    Written in Python: a form page includes the row once per field, and twenty rows through the
    template engine cost a ticket page more than its timeline. A file field's note about a file
    to choose again is still its template's (partials/file_again.html)."""
    required = field.field.required or mark_required
    errors = field.errors
    mark = _required_mark() if required else ""
    widget_type = field.widget_type
    label = conditional_escape(field.label)
    if widget_type == "checkbox":
        labelled = f"\n  <label>{field} {label}{mark}</label>\n  "
    else:
        labelled = f'\n  <label for="{conditional_escape(field.id_for_label)}">{label}{mark}</label>\n  {field}\n  '
    if field.help_text:
        help_text = f'<small class="help">{conditional_escape(field.help_text)}</small>'
    elif extra_help:
        help_text = f'<small class="help">{conditional_escape(extra_help)}</small>'
    else:
        help_text = ""
    file_again = (
        render_to_string("partials/file_again.html", {"field": field})
        if widget_type in ("clearablefile", "file")
        else ""
    )
    error_id = conditional_escape(field.auto_id)
    shown_errors = "".join(
        f'<p class="error" id="{error_id}-error">{conditional_escape(error)}</p>' for error in errors
    )
    classes = (
        f"field{' has-error' if errors else ''}{' required' if required else ''} field-{conditional_escape(field.name)}"
    )
    return mark_safe(
        f'\n<div class="{classes}">\n  {labelled}\n  {help_text}\n  {file_again}\n  {shown_errors}\n</div>'
    )


def _required_mark() -> str:
    """templates/partials/required_mark.html, in the active language."""
    return (
        '<span class="required-mark" aria-hidden="true">*</span>'
        f'<span class="visually-hidden"> ({conditional_escape(gettext("required"))})</span>'
    )
