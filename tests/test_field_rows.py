"""A form field's row written in Python (aftersales/templatetags/form_marks.field_row, what
templates/partials/field.html renders) is the HTML the row's template wrote, character for
character: for every kind of field, required or not, with help, errors, and the marks a page adds."""

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Engine, Template
from django.utils.safestring import mark_safe
from django.utils.translation import override

# The row as its template wrote it before it was written in Python (its comment left out).
TEMPLATE_ROW = (
    "{% load i18n form_marks %}\n"
    '<div class="field{% if field.errors %} has-error{% endif %}{% if field.field.required or mark_required %}'
    ' required{% endif %} field-{{ field.name }}">\n'
    '  {% if field.widget_type == "checkbox" %}\n'
    "  <label>{{ field }} {{ field.label }}{% if field.field.required or mark_required %}"
    '{% include "partials/required_mark.html" %}{% endif %}</label>\n'
    "  {% else %}\n"
    '  <label for="{{ field.id_for_label }}">{{ field.label }}{% if field.field.required or mark_required %}'
    '{% include "partials/required_mark.html" %}{% endif %}</label>\n'
    "  {{ field }}\n"
    "  {% endif %}\n"
    '  {% if field.help_text %}<small class="help">{{ field.help_text }}</small>{% elif extra_help %}'
    '<small class="help">{{ extra_help }}</small>{% endif %}\n'
    '  {% if field.widget_type == "clearablefile" or field.widget_type == "file" %}'
    '{% include "partials/file_again.html" %}{% endif %}\n'
    '  {% for error in field.errors %}<p class="error" id="{{ field.auto_id }}-error">{{ error }}</p>{% endfor %}\n'
    "</div>\n"
)


class Sample(forms.Form):
    name = forms.CharField(label="Name & <title>", help_text="As on the <invoice>", max_length=5)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea)
    agree = forms.BooleanField(label="I agree", required=True)
    optin = forms.BooleanField(label="News", required=False, help_text=mark_safe("<b>monthly</b>"))
    pick = forms.ChoiceField(label="Pick", choices=[("a", "A"), ("b", "B")], required=False)
    count = forms.IntegerField(label="Count", min_value=1, required=False)
    invoice = forms.FileField(label="Invoice", required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("The form as a whole is wrong.")


def _both(form, **extra):
    engine = Engine.get_default()
    old = Template(TEMPLATE_ROW, engine=engine)
    new = engine.get_template("partials/field.html")
    for field in form:
        context = {"field": field, **extra}
        yield field.name, new.render(Context(context)), old.render(Context(context))


CASES = [
    ("blank", lambda: Sample(), {}),
    ("bound with errors", lambda: Sample(data={"name": "<too long>", "count": "0"}), {}),
    (
        "bound with a file lost",
        lambda: Sample(data={"name": "ok", "agree": "on"}, files={"invoice": SimpleUploadedFile("a.pdf", b"%PDF")}),
        {},
    ),
    ("marked required, with extra help", lambda: Sample(), {"mark_required": True, "extra_help": "Only <cars>"}),
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(("case", "make", "extra"), CASES, ids=[case[0] for case in CASES])
def test_rows_are_what_the_template_wrote(language, case, make, extra):
    with override(language):
        for name, new, old in _both(make(), **extra):
            assert new == old, name


def test_the_cases_show_errors_marks_and_the_file_to_choose_again():
    rows = dict((name, new) for name, new, _old in _both(CASES[1][1]()))
    assert 'class="field has-error required field-name"' in rows["name"]
    assert "<label>" in rows["agree"] and 'id="id_agree-error"' in rows["agree"]
    assert "&lt;invoice&gt;" in rows["name"] and "Name &amp; &lt;title&gt;" in rows["name"]
    lost = dict((name, new) for name, new, _old in _both(CASES[2][1]()))
    assert "you had chosen “a.pdf”" in lost["invoice"]
    marked = dict((name, new) for name, new, _old in _both(CASES[3][1](), **CASES[3][2]))
    assert '<small class="help">Only &lt;cars&gt;</small>' in marked["note"]
    assert "required-mark" in marked["note"]
