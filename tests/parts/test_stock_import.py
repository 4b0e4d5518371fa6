"""Importing the parts catalogue from CSV and XLSX through the admin's resource, bad rows
included, and the parts admin pages (stock read-only there)."""

import io
from decimal import Decimal

import pytest
import tablib
from django.contrib import admin
from django.urls import reverse
from openpyxl import Workbook

from parts.models import Part, StockLevel, StockMovement
from parts.resources import PartResource
from tests import factories
from tests.parts.stock_helpers import PartFactory, station, stocked

pytestmark = pytest.mark.django_db

HEADERS = ["number", "name", "name_zh", "fits", "is_main_component", "standard_cost", "price", "warranty_days"]


@pytest.fixture
def models():
    return [factories.ProductModelFactory(code=code) for code in ("XQG100", "XQG200", "BCD300")]


def csv_of(rows) -> str:
    data = tablib.Dataset(headers=HEADERS)
    for row in rows:
        data.append(row)
    return data.export("csv")


def xlsx_of(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_csv_adds_and_updates_parts_by_number(models):
    PartFactory(number="PUMP-1", name="Old name", price=Decimal("10.00"))
    text = csv_of(
        [
            ["PUMP-1", "Drain pump", "排水泵", "XQG100; XQG200", "no", "12.35", "30.00", "90"],
            [" MOTOR-3 ", "Motor", "电机", "XQG100,BCD300", "yes", "310.10", "520.00", "365"],
        ]
    )
    result = PartResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    pump, motor = Part.objects.get(number="PUMP-1"), Part.objects.get(number="MOTOR-3")
    assert (pump.name, pump.name_zh, pump.price, pump.is_main_component) == (
        "Drain pump",
        "排水泵",
        Decimal("30.00"),
        False,
    )
    assert sorted(pump.fits.values_list("code", flat=True)) == ["XQG100", "XQG200"]
    assert (motor.standard_cost, motor.is_main_component, motor.warranty_days) == (Decimal("310.10"), True, 365)
    assert sorted(motor.fits.values_list("code", flat=True)) == ["BCD300", "XQG100"]
    assert Part.objects.count() == 2


def test_an_xlsx_imports_the_same_way(models):
    content = xlsx_of([["BELT-7", "Drive belt", "皮带", "XQG200", 1, 0.99, 5, 180]])
    result = PartResource().import_data(tablib.Dataset().load(content, format="xlsx"), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    belt = Part.objects.get(number="BELT-7")
    assert (belt.standard_cost, belt.price, belt.is_main_component, belt.warranty_days) == (
        Decimal("0.99"),
        Decimal("5.00"),
        True,
        180,
    )
    assert list(belt.fits.values_list("code", flat=True)) == ["XQG200"]


def test_bad_rows_give_row_errors_by_field(models):
    text = csv_of(
        [
            ["GOOD-1", "Fine", "", "XQG100", "no", "1.00", "2.00", "90"],
            ["BAD-1", "Unknown model", "", "XQG100;NOPE", "no", "1.00", "2.00", "90"],
            ["BAD-2", "Negative cost", "", "", "maybe", "-5", "2.00", "90"],
            ["BAD-3", "", "", "", "no", "abc", "2.00", "90"],
        ]
    )
    result = PartResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=True)
    assert result.has_validation_errors()
    by_row = {
        row.number: {field: [str(m) for m in msgs] for field, msgs in row.error_dict.items()}
        for row in result.invalid_rows
    }
    assert by_row[2] == {"fits": ["Unknown model code: NOPE."]}
    assert set(by_row[3]) == {"is_main_component", "standard_cost"}
    assert by_row[3]["is_main_component"] == ["Enter yes or no."]
    assert set(by_row[4]) == {"name", "standard_cost"}
    assert 1 not in by_row
    assert not Part.objects.exists()


@pytest.fixture
def superuser():
    user = factories.UserFactory(username="root")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_the_admin_imports_a_csv_after_showing_it(client, superuser, models):
    client.force_login(superuser)
    upload = io.BytesIO(csv_of([["PUMP-1", "Drain pump", "", "XQG100", "no", "12.35", "30.00", "90"]]).encode())
    upload.name = "parts.csv"
    response = client.post(
        reverse("admin:parts_part_import"),
        {"resource": "0", "format": "0", "import_file": upload},
    )
    assert response.status_code == 200, response.content[:500]
    assert not Part.objects.exists()  # a preview first
    confirm = response.context["confirm_form"]
    response = client.post(reverse("admin:parts_part_process_import"), {**confirm.initial, "resource": "0"})
    assert response.status_code == 302
    assert Part.objects.get(number="PUMP-1").standard_cost == Decimal("12.35")


def test_the_admin_exports_the_catalogue_as_csv(client, superuser, models):
    PartFactory(number="PUMP-1", name="Drain pump").fits.add(models[0])
    client.force_login(superuser)
    response = client.post(
        reverse("admin:parts_part_export"),
        {"format": "0", "resource": "0", **{f"partresource_{name}": "on" for name in HEADERS + ["is_active"]}},
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[1].startswith("PUMP-1,Drain pump,排水泵,XQG100,no,12.50,30.00,90")


def test_the_parts_admin_pages_render_and_stock_is_read_only(client, superuser):
    here, part = station("qd"), PartFactory()
    stocked(here, part, 3, superuser)
    client.force_login(superuser)
    for model in [m for m in admin.site._registry if m._meta.app_label == "parts"]:
        url = reverse(f"admin:parts_{model._meta.model_name}_changelist")
        assert client.get(url, {"q": "x"}).status_code == 200, url
    level = StockLevel.objects.get()
    change = reverse("admin:parts_stocklevel_change", args=[level.pk])
    assert client.get(change).status_code == 200
    response = client.post(change, {"reorder_point": "2", "reorder_quantity": "10", "on_hand": "99"})
    assert response.status_code == 302
    level.refresh_from_db()
    assert (level.on_hand, level.reorder_point, level.reorder_quantity) == (3, 2, 10)
    row = StockMovement.objects.get()
    assert client.get(reverse("admin:parts_stockmovement_change", args=[row.pk])).status_code == 200
    assert client.post(reverse("admin:parts_stockmovement_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:parts_stockmovement_add")).status_code == 403
    assert StockMovement.objects.count() == 1
