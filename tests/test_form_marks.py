"""Forms mark what must be filled in, sum up what to correct, and ask again for a file the
browser dropped (templates/partials/field.html, form_errors.html, aftersales/templatetags/form_marks.py)."""

import datetime as dt
import io
import re

import pytest
from django import forms
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from customers.models import ProductCategory
from tests import factories
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

MARK = '<span class="required-mark" aria-hidden="true">*</span><span class="visually-hidden"> (required)</span>'
NOTE = '<p class="required-note"><span class="required-mark" aria-hidden="true">*</span> required</p>'
AGAIN = "Choose the file again: files are not kept after an error (you had chosen “invoice.jpg”)."


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def washer_model():
    return factories.ProductModelFactory(code="XQG80-P1", category=ProductCategory.objects.get(code="washing_machine"))


def jpeg(name: str = "invoice.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _data(model, **overrides) -> dict:
    return {
        "kind": "repair",
        "description": "The drum does not turn.",
        "model": model.code,
        "serial": "P1-000777",
        "purchase_date": (timezone.localdate() - dt.timedelta(days=20)).isoformat(),
        "name": "Zhou Min",
        "phone": "139 8888 7777",
        "email": "",
        "address": "1 Haier Road",
        "region": "Qingdao",
        "website": "",
        **overrides,
    }


def _label(html: str, field: str) -> str:
    return re.search(rf'<label for="id_{field}">(.*?)</label>', html, re.S).group(1)


def test_the_request_form_marks_every_required_field_and_explains_the_mark_once(client, washer_model):
    html = client.get(reverse("portal:submit")).content.decode()
    for field in ("kind", "description", "name", "phone", "address"):
        assert _label(html, field).endswith(MARK), field
    for field in ("serial", "email", "region", "proof", "preferred_visit_date"):
        assert MARK not in _label(html, field), field
    assert html.count(NOTE) == 1
    assert html.index(NOTE) < html.index('id="id_kind"')
    # The address is checked by the form only for a visit, which the page says.
    assert "Needed for a repair, an installation or a maintenance visit; not for a complaint." in html


def test_after_an_error_the_page_sums_up_what_to_correct_with_links_to_the_fields(client, washer_model):
    response = client.post(reverse("portal:submit"), _data(washer_model, description="", address=""))
    assert response.status_code == 400
    html = response.content.decode()
    summary = re.search(
        r'<div class="alert alert-error error-summary" role="alert" id="form-error-summary">(.*?)</div>', html, re.S
    )
    assert summary is not None
    assert "Please correct the following:" in summary.group(1)
    links = re.findall(r'<li><a href="#(id_\w+)">(.*?)</a></li>', summary.group(1))
    assert links == [
        ("id_address", "Address for the visit — Enter the address where the technician should come."),
        ("id_description", "What is wrong? — Describe the problem or what you need."),
    ]
    assert html.index("error-summary") < html.index('id="id_kind"')
    for anchor, _ in links:
        assert f'id="{anchor}"' in html
    assert not Ticket.objects.exists()


def test_a_chosen_file_is_asked_for_again_at_its_field_after_an_error_elsewhere(client, washer_model):
    response = client.post(reverse("portal:submit"), {**_data(washer_model, description=""), "proof": jpeg()})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<p class="file-again" id="id_proof-again">{AGAIN}</p>' in html
    # Right under the file input, before the next section.
    assert html.index('id="id_proof"') < html.index("file-again") < html.index('id="id_name"')
    assert not Ticket.objects.exists()


def test_no_file_no_request_to_choose_it_again(client, washer_model):
    html = client.post(reverse("portal:submit"), _data(washer_model, description="")).content.decode()
    assert "file-again" not in html
    assert "file-again" not in client.get(reverse("portal:submit")).content.decode()


def test_a_rejected_file_gets_its_own_error_not_the_request_to_choose_it_again(client, washer_model):
    bad = SimpleUploadedFile("invoice.jpg", b"not an image at all", content_type="image/jpeg")
    html = client.post(reverse("portal:submit"), {**_data(washer_model), "proof": bad}).content.decode()
    assert 'id="id_proof-error"' in html
    assert "file-again" not in html
    assert '<a href="#id_proof">' in html


def test_other_forms_mark_their_required_fields_too(client, agent):
    register = client.get(reverse("portal:register")).content.decode()
    assert _label(register, "model").endswith(MARK)
    assert _label(register, "serial").endswith(MARK)
    assert MARK not in _label(register, "dealer")
    assert register.count(NOTE) == 1
    login = client.get(reverse("desk:login")).content.decode()
    assert _label(login, "username").endswith(MARK) and login.count(NOTE) == 1
    client.force_login(agent)
    intake = client.get(reverse("desk:ticket_new")).content.decode()
    assert _label(intake, "phone").endswith(MARK)


class _Form(forms.Form):
    name = forms.CharField()
    note = forms.CharField(required=False)
    photo = forms.FileField(required=False)
    agree = forms.BooleanField(label="I agree")


def test_the_partials_on_a_plain_form():
    template = Template(
        '{% include "partials/form_errors.html" %}{% for field in form %}{% include "partials/field.html" %}{% endfor %}'
    )
    blank = template.render(Context({"form": _Form()}))
    assert blank.count(NOTE) == 1 and "error-summary" not in blank
    assert "<label>" in blank and f"I agree{MARK}</label>" in blank
    bound = _Form({"note": "x"}, {"photo": SimpleUploadedFile("scan.pdf", b"%PDF-1.4")})
    html = template.render(Context({"form": bound}))
    assert re.findall(r'<li><a href="#(id_\w+)">', html) == ["id_name", "id_agree"]
    assert "you had chosen “scan.pdf”" in html
    optional_only = Template('{% include "partials/form_errors.html" %}').render(Context({"form": forms.Form()}))
    assert NOTE not in optional_only
