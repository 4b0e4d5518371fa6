"""What a form page says about its fields: whether any must be filled in, which the customer
must choose again after an error."""

from django import forms, template

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
