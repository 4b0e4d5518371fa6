"""The job API (fieldwork/api/job_views.py): the day, each step once per Idempotency-Key, own visits only."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from fieldwork.models import IdempotencyKey, JobPhoto, JobRecord, VisitStatus
from parts.models import PartUsage, StockLevel
from tests.fieldwork import jobs_helpers as h
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db

NINE = dt.datetime(2026, 3, 2, 9, 0, tzinfo=h.ZONE)


@pytest.fixture
def tech():
    return h.technician()


@pytest.fixture
def api(tech):
    client = APIClient()
    client.force_authenticate(tech)
    return client


@pytest.fixture
def visit(tech):
    return h.visit_for(tech, start=NINE)


def _step(api, visit, path, body=None, key=None, fmt="json"):
    return api.post(f"/api/field/jobs/{visit.pk}/{path}/", body or {}, format=fmt, HTTP_IDEMPOTENCY_KEY=key or h.key())


def test_the_day(api, tech, visit):
    h.visit_for(h.technician("tech-other"), start=NINE)
    response = api.get("/api/field/day/", {"date": "2026-03-02"})
    assert response.status_code == 200
    (card,) = response.json()
    assert card["visit"]["id"] == visit.pk
    assert card["visit"]["customer"]["address"] == "12 Hong Kong Road, Qingdao"
    assert card["visit"]["job_url"] == f"/desk/field/jobs/{visit.pk}/"
    assert card["guarantee"]["stage"] in {"return", "replace", "repair", "ended", "unknown"}
    assert api.get("/api/field/day/", {"date": "2026-03-03"}).json() == []
    bad = api.get("/api/field/day/", {"date": "March"})
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["date"]


def test_the_whole_job_through_the_api(api, visit):
    part = h.part_in_stock(visit.station, quantity=2)
    assert _step(api, visit, "check-in").json()["visit"]["status"] == VisitStatus.CHECKED_IN
    record = _step(
        api, visit, "record", {"diagnosis": "Belt", "charge_kind": "paid", "charge": "80.00", "charge_reason": "Misuse"}
    )
    assert record.json()["record"]["charge"] == "80.00"
    photo = _step(api, visit, "photos", {"stage": "before", "file": h.photo_upload()}, fmt="multipart")
    assert photo.status_code == 201 and photo.json()["photos"][0]["content_type"] == "image/jpeg"
    used = _step(api, visit, "parts", {"part": part.pk, "quantity": 1, "under_warranty": True})
    assert used.status_code == 201 and used.json()["parts"][0]["number"] == "BRD-100"
    signed = _step(api, visit, "signature", {"signature": h.data_url(h.png_bytes()), "signed_by": "Wang Fang"})
    assert signed.json()["record"]["has_signature"] is True
    done = _step(api, visit, "check-out")
    assert done.json()["visit"]["status"] == VisitStatus.DONE
    assert api.get(f"/api/field/jobs/{visit.pk}/").json()["visit"]["checked_out_at"] is not None


def test_a_repeated_step_answers_the_first_result_and_records_once(api, visit):
    h.part_in_stock(visit.station, quantity=5)
    _step(api, visit, "check-in")
    key = h.key()
    first = _step(api, visit, "parts", {"part_number": "BRD-100", "quantity": 2}, key=key)
    again = _step(api, visit, "parts", {"part_number": "BRD-100", "quantity": 2}, key=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert PartUsage.objects.count() == 1
    assert StockLevel.objects.get().on_hand == 3


def test_field_errors_never_a_500(api, visit):
    _step(api, visit, "check-in")
    response = _step(api, visit, "record", {"charge_kind": "paid", "charge": "12.345"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"charge", "charge_reason"}
    response = _step(api, visit, "parts", {"part_number": "NOPE", "quantity": 1})
    assert response.json()["errors"] == {"part_number": ["No part of that number is in stock at this station."]}
    response = _step(
        api,
        visit,
        "photos",
        {"stage": "before", "file": h.photo_upload(b"GIF89a" + b"0" * 40, "x.gif")},
        fmt="multipart",
    )
    assert list(response.json()["errors"]) == ["file"]
    missing = api.post(f"/api/field/jobs/{visit.pk}/record/", {"diagnosis": "x"}, format="json")
    assert missing.status_code == 400 and list(missing.json()["errors"]) == ["idempotency_key"]
    assert not JobRecord.objects.exists() and not JobPhoto.objects.exists()


def test_another_technicians_visit_is_not_found_and_nothing_changes(api):
    other = h.visit_for(h.technician("tech-other"), start=NINE)
    for path in ("check-in", "record", "check-out"):
        assert _step(api, other, path, {"diagnosis": "x"}).status_code == 404
    assert api.get(f"/api/field/jobs/{other.pk}/").status_code == 404
    other.refresh_from_db()
    assert other.status == VisitStatus.CONFIRMED
    assert not IdempotencyKey.objects.exists() and not TicketEvent.objects.exists()
