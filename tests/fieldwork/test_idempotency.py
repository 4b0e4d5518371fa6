"""fieldwork/jobs/idempotency.py: a job submission sent twice with the same key records once."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fieldwork.jobs.idempotency import run_once
from fieldwork.models import IdempotencyKey, JobPhoto, JobRecord
from parts.models import PartUsage, StockLevel, StockMovement
from tests.fieldwork import jobs_helpers as h
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db

NINE = dt.datetime(2026, 3, 2, 9, 0, tzinfo=h.ZONE)


@pytest.fixture
def tech(client):
    user = h.technician()
    client.force_login(user)
    return user


@pytest.fixture
def visit(tech, client):
    visit = h.visit_for(tech, start=NINE)
    client.post(reverse("fieldwork:job_action", args=[visit.pk, "check_in"]), {"idempotency_key": h.key()})
    return visit


def _post(client, visit, action, data):
    return client.post(reverse("fieldwork:job_action", args=[visit.pk, action]), data)


def test_a_repeated_part_use_is_recorded_once(client, visit):
    part = h.part_in_stock(visit.station, quantity=5)
    data = {"idempotency_key": h.key(), "part_number": "BRD-100", "quantity": "2"}
    events = TicketEvent.objects.count()

    first = _post(client, visit, "part", data)
    again = _post(client, visit, "part", data)

    assert first.status_code == again.status_code == 302
    assert PartUsage.objects.count() == 1
    assert StockMovement.objects.filter(kind="consume").count() == 1
    assert StockLevel.objects.get(station=visit.station, part=part).on_hand == 3
    assert TicketEvent.objects.count() == events + 1
    assert IdempotencyKey.objects.filter(key=data["idempotency_key"], scope="form.part").count() == 1
    followed = client.get(again.url)
    assert "This was sent already; it is recorded once." in followed.content.decode()


def test_a_repeated_photo_and_record_are_stored_once(client, visit):
    key = h.key()
    for _attempt in range(2):
        _post(client, visit, "photo", {"idempotency_key": key, "stage": "before", "file": h.photo_upload()})
    record_key = h.key()
    for _attempt in range(3):
        _post(client, visit, "record", {"idempotency_key": record_key, "diagnosis": "Belt", "charge_kind": "covered"})
    assert JobPhoto.objects.count() == 1
    assert JobRecord.objects.count() == 1
    assert TicketEvent.objects.filter(message_code="job.recorded").count() == 1
    assert TicketEvent.objects.filter(message_code="job.photo_added").count() == 1


def test_a_refused_submission_keeps_no_key_and_can_be_sent_again(client, visit):
    key = h.key()
    refused = _post(client, visit, "record", {"idempotency_key": key, "charge_kind": "paid", "charge": "10"})
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.filter(key=key).exists()
    fixed = _post(
        client,
        visit,
        "record",
        {"idempotency_key": key, "charge_kind": "paid", "charge": "10", "charge_reason": "Misuse"},
    )
    assert fixed.status_code == 302
    assert JobRecord.objects.get().charge_reason == "Misuse"


def test_keys_are_per_user_and_per_action(visit, tech):
    other = h.technician("tech-other")
    calls = []
    key = h.key()
    mine = run_once(user=tech, key=key, scope="form.record", action=lambda: calls.append(1) or {"n": 1})
    theirs = run_once(user=other, key=key, scope="form.record", action=lambda: calls.append(2) or {"n": 2})
    repeat = run_once(user=tech, key=key, scope="form.record", action=lambda: calls.append(3) or {"n": 3})
    assert (mine.result, mine.replayed, theirs.result, repeat.result, repeat.replayed) == (
        {"n": 1},
        False,
        {"n": 2},
        {"n": 1},
        True,
    )
    assert calls == [1, 2]
    with pytest.raises(ValidationError) as caught:
        run_once(user=tech, key=key, scope="form.part", action=lambda: {})
    assert list(caught.value.message_dict) == ["idempotency_key"]


@pytest.mark.parametrize("key", ["", "not-a-uuid", "1" * 80])
def test_a_submission_without_a_valid_key_is_refused(client, visit, key):
    response = _post(client, visit, "record", {"idempotency_key": key, "diagnosis": "Belt"})
    assert response.status_code == 400
    assert "no valid idempotency key" in response.content.decode()
    assert not JobRecord.objects.exists()
