"""Form widgets written in Python, exactly as Django's own widget templates write them.

Django renders every widget through a template (``django/forms/widgets/input.html`` and the
``attrs.html`` it includes, a template per select option…): a ticket page's twenty fields cost
more than its timeline. :class:`FastWidgetRenderer` (``FORM_RENDERER``) writes the plain inputs,
the textarea and the select (its options and groups) directly, and hands every other template,
and any value it cannot write the way the template would, to the template renderer it extends.
tests/test_widget_rendering.py renders each widget both ways and compares the HTML.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
# The templates that are only ``{% include "django/forms/widgets/input.html" %}``.
INPUTS = frozenset(
    WIDGETS + name + ".html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "tel",
        "search",
        "color",
        "checkbox",
    )
)
OPTION = WIDGETS + "select_option.html"


class Unwritten(Exception):
    """A value the template would localise or format: the template writes the widget."""


def _shown(value) -> str:
    """``{{ value }}`` for the strings widgets carry (a lazy translation included)."""
    if isinstance(value, SafeData):
        return str(value)
    if isinstance(value, str | Promise):
        return escape(value)
    raise Unwritten


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: any value as ``%s`` formats it, escaped unless safe."""
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: `` name="value"``, the bare name for True, nothing for
    False."""
    return "".join(
        f" {_shown(name)}" if value is True else f' {_shown(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{value}{attrs_html(widget["attrs"])}>'
    )


def _textarea(widget: dict) -> str:
    value = widget["value"]
    body = _shown(value) if value else ""
    return f'<textarea name="{_shown(widget["name"])}"{attrs_html(widget["attrs"])}>\n{body}</textarea>'


def _select(widget: dict) -> str:
    parts = [f'<select name="{_shown(widget["name"])}"{attrs_html(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION:
                raise Unwritten
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{attrs_html(option["attrs"])}>'
                f"{_shown(option['label'])}</option>\n"  # select_option.html's own line end
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


WRITERS = {
    **dict.fromkeys(INPUTS, _input),
    WIDGETS + "textarea.html": _textarea,
    WIDGETS + "select.html": _select,
}


class FastWidgetRenderer(DjangoTemplates):
    """Django's default form renderer, with the common widgets written without templates."""

    def render(self, template_name, context, request=None):
        writer = WRITERS.get(template_name)
        if writer is not None and "widget" in context:
            try:
                return mark_safe(writer(context["widget"]).strip())
            except (Unwritten, KeyError):
                pass
        return super().render(template_name, context, request=request)
