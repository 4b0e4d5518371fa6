"""The widgets the product writes in Python (aftersales/widget_rendering.py) come out exactly as
Django's widget templates write them, and whatever it cannot write is left to the templates."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from aftersales.widget_rendering import FastWidgetRenderer

CHOICES = [
    ("", "---------"),
    ("a", "Alpha & <Omega>"),
    ('Group "one"', [("1", "One"), ("2", mark_safe("<b>Two</b>"))]),
    (3, gettext_lazy("Open")),
    ("x y", "Space'd"),
]


class Everything(forms.Form):
    text = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"placeholder": 'Say "hi" <now>'}))
    optional = forms.CharField(required=False, disabled=True)
    number = forms.DecimalField(max_digits=8, decimal_places=2, required=False)
    count = forms.IntegerField(min_value=0, widget=forms.NumberInput(attrs={"step": 1, "data-flag": True}))
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    password = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    hidden = forms.CharField(widget=forms.HiddenInput)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    moment = forms.DateTimeField(required=False)
    at = forms.TimeField(required=False)
    flag = forms.BooleanField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    pick = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    grouped = forms.TypedChoiceField(choices=[(1, 1000), (2, 2)], coerce=int, required=False)
    radio = forms.ChoiceField(choices=CHOICES[1:2], widget=forms.RadioSelect, required=False)
    split = forms.SplitDateTimeField(required=False)


VALUES = [
    {},
    {
        "text": "<script>&amp;",
        "optional": "x",
        "number": "12.50",
        "count": "3",
        "email": "a@b.cn",
        "url": "https://x.cn/?a=1&b=2",
        "password": 'p"w',
        "hidden": mark_safe("<kept>"),
        "day": "2026-10-01",
        "moment": "2026-10-01 08:30",
        "at": "08:30",
        "flag": "on",
        "note": "line one\n<b>two</b> & three",
        "pick": "2",
        "many": ["a", "1", "3"],
        "grouped": "1",
        "radio": "a",
    },
    {"text": "", "count": "x", "note": "", "pick": "3", "many": ["nope"]},
]
INITIAL = {
    "number": Decimal("1234.5"),
    "count": 0,
    "day": dt.date(2026, 12, 31),
    "moment": dt.datetime(2026, 12, 31, 23, 59),
    "note": 7,
    "flag": True,
    "pick": 3,
    "text": mark_safe("<i>safe</i>"),
}


def _both(form: forms.Form) -> list[tuple[str, str, str]]:
    fast, plain = FastWidgetRenderer(), DjangoTemplates()
    rendered = []
    for field in form:
        widget = field.field.widget
        attrs = field.build_widget_attrs({})
        value = field.value()
        rendered.append(
            (
                field.name,
                widget.render(field.html_name, value, attrs=attrs, renderer=fast),
                widget.render(field.html_name, value, attrs=attrs, renderer=plain),
            )
        )
    return rendered


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("data", VALUES)
def test_bound_widgets_are_written_as_the_templates_write_them(language, data):
    with override(language):
        for name, fast, plain in _both(Everything(data=data)):
            assert fast == plain, name


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_initial_values_of_every_type_are_written_as_the_templates_write_them(language):
    with override(language):
        for name, fast, plain in _both(Everything(initial=INITIAL)):
            assert fast == plain, name


def test_the_product_renders_forms_with_it():
    assert isinstance(get_default_renderer(), FastWidgetRenderer)


def test_what_it_cannot_write_is_left_to_the_templates(monkeypatch):
    """A label that is a number (``{{ }}`` localises it), the radio buttons and the multi-part
    widgets go through the template renderer; a textarea's number is text by then, and written."""
    calls = []
    original = DjangoTemplates.render

    def spy(self, template_name, context, request=None):
        calls.append(template_name)
        return original(self, template_name, context, request)

    monkeypatch.setattr(DjangoTemplates, "render", spy)
    renderer = FastWidgetRenderer()
    forms.Textarea().render("n", 1234, renderer=renderer)
    forms.TextInput().render("t", "x", renderer=renderer)
    forms.RadioSelect(choices=[("a", "A")]).render("r", "a", renderer=renderer)
    forms.SplitDateTimeWidget().render("s", None, renderer=renderer)
    forms.Select(choices=[(1, 1000)]).render("c", 1, renderer=renderer)
    assert calls == [
        "django/forms/widgets/radio.html",
        "django/forms/widgets/splitdatetime.html",
        "django/forms/widgets/select.html",
    ]
