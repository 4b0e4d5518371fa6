"""What the desk's pages share to render fast: choice labels translated once per page, dates
and phone numbers formatted once, and selects written without a template per option
(tickets/partials/select.html)."""

from functools import lru_cache

from django.forms import BoundField
from django.utils import dateformat, formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from aftersales import table_memo
from aftersales.scoping import scope_key
from aftersales.widget_rendering import attrs_html
from customers.phones import display_phone

# What the pickers of the desk's forms list, by the tables their options come from.
STATIONS = ("tickets.servicestation",)
PROVIDERS = ("network.serviceprovider",)
TECHNICIANS = ("auth.user", "network.providermember")
TECHNICIANS_BY_STATION = (*TECHNICIANS, "fieldwork.technicianprofile", "tickets.servicestation")


def choice_labels(choices) -> dict[str, str]:
    """Each choice's label in the active language, translated once for a whole page.

    ``get_FOO_display()`` translates every label of the field at each call, which adds up over
    a page of rows or a long timeline.
    """
    return {value: str(label) for value, label in choices}


# Formatting a number takes phonenumbers' parser; a queue shows the same callers again and again.
phone_display = lru_cache(maxsize=4096)(display_phone)


def datetime_formatter(format_name: str = "SHORT_DATETIME_FORMAT"):
    """A function showing a moment as ``{{ value|date:format_name }}`` does, in the current time
    zone, with the format and the zone looked up once for a whole page."""
    fmt, zone = formats.get_format(format_name), timezone.get_current_timezone()
    return lambda value: dateformat.format(value.astimezone(zone), fmt) if value else ""


def html_attrs(attrs: dict) -> str:
    """Tag attributes as Django's widget templates write them (aftersales/widget_rendering.py)."""
    return mark_safe(attrs_html(attrs))


def select_tag(field: BoundField) -> dict:
    """A select field's ``name``, ``attrs`` and ``body`` (its options written as the widget's
    template writes them) for tickets/partials/select.html; for a select not kept by
    :func:`memo_options`, also its ``groups`` (each a ``label``, empty outside an option group,
    and its ``options``: ``value``, ``label``, ``selected``) and all its ``options``.

    The widget itself renders a template per option, which made the queue's filters take longer
    than its rows; a picker of a few hundred technicians, longer than the rest of the page.
    Options kept by :func:`memo_options` are marked selected here, as the widget would (the first
    option whose value is the field's), without the widget's work per option or a dict per option.
    """
    widget = field.field.widget
    attrs = field.build_widget_attrs({})
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    kept = getattr(widget, "kept_body", None)
    if kept is not None and not widget.allow_multiple_selected:
        values = widget.format_value(field.value())
        chosen = next((value for value, _label in _flat(widget.choices) if value in values), None)
        return {
            "name": field.html_name,
            "attrs": html_attrs(widget.build_attrs(widget.attrs, attrs)),
            # The options written once for the memo; the chosen one marked here.
            "body": kept if chosen is None else _with_selected(kept, chosen),
        }
    else:
        context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
        groups = [
            {
                "label": group or "",
                "options": [
                    {"value": str(option["value"]), "label": option["label"], "selected": option["selected"]}
                    for option in options
                ],
            }
            for group, options, _index in context["optgroups"]
        ]
    return {
        "name": context["name"],
        "attrs": html_attrs(context["attrs"]),
        "groups": groups,
        "options": [option for group in groups for option in group["options"]],
        "body": _body(groups),
    }


def _marked(choices, values: list[str]) -> list[dict]:
    """Plain choices (:func:`_plain`) as select_tag's groups, the first option whose value is
    among ``values`` selected (Django's ``Select.optgroups`` for one value)."""
    groups, found = [], False
    for value, label in choices:
        grouped = isinstance(label, list)
        options = []
        for option_value, option_label in label if grouped else [(value, label)]:
            selected = not found and option_value in values
            found |= selected
            options.append({"value": option_value, "label": option_label, "selected": selected})
        groups.append({"label": value if grouped else "", "options": options})
    return groups


def _flat(choices):
    """Plain choices' options, groups opened: ``(value, label)`` pairs in order."""
    for value, label in choices:
        if isinstance(label, list):
            yield from label
        else:
            yield value, label


def _with_selected(body: str, value: str) -> str:
    """``body`` (options none of which is selected) with the first option of ``value`` selected."""
    option = format_html('<option value="{}">', value)
    return mark_safe(body.replace(option, option[:-1] + " selected>", 1))


def _body(groups: list[dict]) -> str:
    """The options of a select, written as tickets/partials/select.html used to write them."""
    parts = []
    for group in groups:
        if group["label"]:
            parts.append(format_html('\n  <optgroup label="{}">', group["label"]))
        selected = mark_safe(" selected")
        parts.extend(
            format_html(
                '\n  <option value="{}"{}>{}</option>\n',
                option["value"],
                selected if option["selected"] else "",
                option["label"],
            )
            for option in group["options"]
        )
        if group["label"]:
            parts.append("\n  </optgroup>")
    return mark_safe("".join(parts))


def memo_options(field, tables: tuple[str, ...], *key, options=None) -> None:
    """Give ``field``'s select the options it would list, from the process's memo while the
    ``tables`` they come from are unchanged (aftersales/table_memo.py), in the request's language
    and scope: a picker of stations or technicians no longer reads and labels them on every page.

    ``options``, when given, works them out (grouped like a widget's choices); else the field's
    own choices do. ``key`` names what else they depend on (the field, a ticket's station). The
    field's queryset stays: what is sent back is still checked against the database."""
    scope = scope_key()
    if scope is None:
        return

    def listed():
        plain = _plain(options() if options is not None else field.choices)
        return plain, _body(_marked(plain, []))

    plain, body = table_memo.derived(tables, (*key, get_language(), scope), listed)
    # Already plain values and labels: set as they are, without the widget normalising them again.
    field.widget._choices = plain
    # The options written once, none selected (select_tag marks the chosen one).
    field.widget.kept_body = body


def _plain(choices) -> list:
    """Choices as values and labels in plain strings (model choices carry their instances, and
    labels may be lazy translations), groups kept as ``(label, [options])``."""
    plain = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            plain.append((str(value), [(str(v), str(text)) for v, text in label]))
        else:
            plain.append(("" if value is None else str(value), str(label)))
    return plain
