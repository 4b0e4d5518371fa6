"""fieldwork/jobs/services.py: check-in as the arrival, the job record, photos, parts, signature, check-out."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fieldwork.jobs import services
from fieldwork.models import ChargeKind, JobPhoto, JobRecord, PhotoStage, VisitStatus
from parts import usage as parts_usage
from parts.models import PartUsage, StockLevel, StockMovement
from quality.metrics import Period
from quality.metrics.timeliness import timeliness_counts
from tests.fieldwork import jobs_helpers as h
from tickets.choices import Status
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

NINE = dt.datetime(2026, 3, 2, 9, 0, tzinfo=h.ZONE)


@pytest.fixture
def tech():
    return h.technician()


@pytest.fixture
def visit(tech):
    return h.visit_for(tech, start=NINE, arrival_due=NINE + dt.timedelta(hours=1))


def _checked_in(visit, tech, at=NINE):
    return services.visit_check_in(visit, tech, now=at)


def test_check_in_is_the_arrival_and_timeliness_uses_it():
    tech = h.technician()
    due = NINE + dt.timedelta(hours=1)
    on_time = h.visit_for(tech, start=NINE, arrival_due=due)
    late = h.visit_for(tech, start=NINE, arrival_due=due)

    services.visit_check_in(on_time, tech, now=due - dt.timedelta(minutes=10))
    services.visit_check_in(late, tech, now=due + dt.timedelta(minutes=5))

    on_time.refresh_from_db()
    first = Ticket.objects.get(pk=on_time.ticket_id)
    assert (on_time.status, on_time.checked_in_at) == (VisitStatus.CHECKED_IN, due - dt.timedelta(minutes=10))
    assert (first.status, first.started_at, first.visits) == (Status.IN_PROGRESS, due - dt.timedelta(minutes=10), 1)
    # By hand: two arrival deadlines on 2 March, one met (09:50 ≤ 10:00), one not (10:05): 1 of 2.
    counts = timeliness_counts(
        "arrival", Period(dt.date(2026, 3, 2), dt.date(2026, 3, 2)), now=due + dt.timedelta(days=1)
    )
    assert (counts.due, counts.on_time) == (2, 1)


def test_check_in_on_a_ticket_already_started_records_the_real_arrival(tech):
    visit = h.visit_for(tech, start=NINE)
    Ticket.objects.filter(pk=visit.ticket_id).update(status=Status.IN_PROGRESS, started_at=NINE - dt.timedelta(hours=3))

    services.visit_check_in(visit, tech, now=NINE + dt.timedelta(minutes=7))

    ticket = Ticket.objects.get(pk=visit.ticket_id)
    assert (ticket.status, ticket.started_at) == (Status.IN_PROGRESS, NINE + dt.timedelta(minutes=7))
    codes = list(ticket.events.values_list("message_code", flat=True))
    assert codes == ["ticket.arrival_recorded", "job.checked_in"]


def test_only_the_visits_technician_may_act_and_nothing_changes(visit):
    other = h.technician("tech-other")
    with pytest.raises(PermissionDenied):
        services.visit_check_in(visit, other, now=NINE)
    visit.refresh_from_db()
    assert (visit.status, visit.checked_in_at) == (VisitStatus.CONFIRMED, None)
    assert TicketEvent.objects.count() == 0


def test_job_changes_need_the_check_in(visit, tech):
    with pytest.raises(ValidationError) as caught:
        services.job_save(visit, tech, {"diagnosis": "Worn belt"})
    assert caught.value.message_dict == {"visit": ["Check in on site first."]}
    assert not JobRecord.objects.exists()


def test_a_done_or_cancelled_visit_takes_no_changes(visit, tech):
    visit.status = VisitStatus.CANCELLED
    visit.save()
    with pytest.raises(ValidationError) as caught:
        services.visit_check_in(visit, tech, now=NINE)
    assert caught.value.message_dict == {"visit": ["This visit is done or cancelled: it takes no more changes."]}


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"charge_kind": "paid", "charge": "120.5"}, {"charge_reason": ["Say why the customer pays."]}),
        (
            {"charge_kind": "paid", "charge": "0", "charge_reason": "Out of warranty"},
            {"charge": ["Enter the amount the customer pays."]},
        ),
        (
            {"charge_kind": "paid", "charge": "abc", "charge_reason": "Out of warranty"},
            {"charge": ["Enter an amount such as 120.00."]},
        ),
        (
            {"charge_kind": "paid", "charge": "120.505", "charge_reason": "Out of warranty"},
            {"charge": ["Enter the amount to the cent, such as 120.50."]},
        ),
        ({"charge_kind": "free"}, {"charge_kind": ["Choose covered or paid."]}),
        ({"diagnosis": "x" * 4001}, {"diagnosis": ["Keep this under 4000 characters."]}),
    ],
)
def test_job_record_field_errors(visit, tech, data, errors):
    _checked_in(visit, tech)
    with pytest.raises(ValidationError) as caught:
        services.job_save(visit, tech, data)
    assert caught.value.message_dict == errors
    assert not JobRecord.objects.exists()


def test_job_record_paid_to_the_cent(visit, tech):
    _checked_in(visit, tech)
    record = services.job_save(
        visit,
        tech,
        {
            "diagnosis": " Drive belt worn ",
            "work_done": "Replaced the belt",
            "charge_kind": "paid",
            "charge": "120.5",
            "charge_reason": "Damage by misuse",
        },
    )
    record.refresh_from_db()
    assert (record.diagnosis, record.work_done, record.charge_kind, record.charge, record.charge_reason) == (
        "Drive belt worn",
        "Replaced the belt",
        ChargeKind.PAID,
        Decimal("120.50"),
        "Damage by misuse",
    )
    # Covered again: no amount, no reason.
    record = services.job_save(visit, tech, {"charge_kind": "covered", "charge": "50", "charge_reason": "x"})
    assert (record.charge, record.charge_reason) == (Decimal("0.00"), "")


def test_photo_checked_by_content(visit, tech):
    _checked_in(visit, tech)
    photo = services.job_add_photo(visit, tech, PhotoStage.BEFORE, h.photo_upload())
    assert (photo.content_type, photo.stage, photo.size) == ("image/jpeg", "before", len(h.jpeg_bytes()))

    fake_png = b"\x89PNX\r\n\x1a\n" + h.png_bytes()[8:]
    for content, name in ((fake_png, "fake.png"), (b"%PDF-1.4 hello", "doc.jpg"), (h.png_bytes()[:60], "cut.png")):
        with pytest.raises(ValidationError) as caught:
            services.job_add_photo(visit, tech, PhotoStage.AFTER, h.photo_upload(content, name))
        assert list(caught.value.message_dict) == ["file"]
    with pytest.raises(ValidationError) as caught:
        services.job_add_photo(visit, tech, "during", h.photo_upload())
    assert caught.value.message_dict == {"stage": ["Choose before or after the work."]}
    assert JobPhoto.objects.count() == 1


def test_part_used_comes_off_the_visits_station_stock(visit, tech):
    part = h.part_in_stock(visit.station, quantity=3)
    _checked_in(visit, tech)

    usage = services.job_use_part(visit, tech, part, 2, True, "FB-7")

    level = StockLevel.objects.get(station=visit.station, part=part)
    assert (level.on_hand, level.reserved) == (1, 0)
    assert (usage.quantity, usage.under_warranty, usage.failed_batch, usage.unit_price) == (
        2,
        True,
        "FB-7",
        Decimal("120.00"),
    )
    assert StockMovement.objects.filter(kind="consume", ticket=visit.ticket, quantity=-2).count() == 1
    with pytest.raises(ValidationError) as caught:
        services.job_use_part(visit, tech, part, 2, False)
    assert list(caught.value.message_dict) == ["part"]


def test_a_failure_after_the_part_is_taken_rolls_everything_back(visit, tech, monkeypatch):
    part = h.part_in_stock(visit.station, quantity=3)
    _checked_in(visit, tech)
    events_before = TicketEvent.objects.count()

    def broken(usage, *, by):
        raise RuntimeError("return service down")

    monkeypatch.setattr(parts_usage, "after_use", [broken])
    with pytest.raises(RuntimeError):
        services.job_use_part(visit, tech, part, 1, True)

    assert StockLevel.objects.get(station=visit.station, part=part).on_hand == 3
    assert not PartUsage.objects.exists()
    assert StockMovement.objects.filter(kind="consume").count() == 0
    assert TicketEvent.objects.count() == events_before


def test_signature_must_be_a_drawn_png_of_sane_size(visit, tech):
    _checked_in(visit, tech)
    bad = [
        ("", "Ask the customer to sign in the box."),
        (h.data_url(h.png_bytes(drawn=False)), "Ask the customer to sign in the box."),
        ("data:image/png;base64,not base64!", "The signature could not be read: ask the customer to sign again."),
        (h.data_url(h.jpeg_bytes()), "The signature could not be read: ask the customer to sign again."),
        (h.data_url(h.png_bytes(20, 20)), "The signature could not be read: ask the customer to sign again."),
        ("data:image/svg+xml;base64,PHN2Zz4=", "The signature could not be read: ask the customer to sign again."),
    ]
    for value, message in bad:
        with pytest.raises(ValidationError) as caught:
            services.job_sign(visit, tech, value, "Wang Fang")
        assert caught.value.message_dict == {"signature": [message]}
    with pytest.raises(ValidationError) as caught:
        services.job_sign(visit, tech, h.data_url(h.png_bytes()), " ")
    assert caught.value.message_dict == {"signed_by": ["Write the name of the person who signs."]}

    record = services.job_sign(visit, tech, h.data_url(h.png_bytes()), "Wang Fang")
    assert record.signed_by == "Wang Fang"
    assert record.signature.read().startswith(b"\x89PNG")


def test_check_out_needs_the_signature_and_makes_the_report_after_commit(
    visit, tech, monkeypatch, django_capture_on_commit_callbacks
):
    made = []
    monkeypatch.setattr("fieldwork.reports.services.report_make", lambda v: made.append(v.pk))
    with pytest.raises(ValidationError) as caught:
        services.visit_check_out(visit, tech)
    assert caught.value.message_dict == {"visit": ["Check in on site first."]}
    _checked_in(visit, tech)
    with pytest.raises(ValidationError) as caught:
        services.visit_check_out(visit, tech)
    assert caught.value.message_dict == {"signature": ["Get the customer's signature before checking out."]}
    services.job_sign(visit, tech, h.data_url(h.png_bytes()), "Wang Fang")

    leaving = NINE + dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_check_out(visit, tech, now=leaving)

    visit.refresh_from_db()
    assert (visit.status, visit.checked_out_at) == (VisitStatus.DONE, leaving)
    assert made == [visit.pk]
    with pytest.raises(ValidationError):
        services.job_save(visit, tech, {"diagnosis": "late edit"})
    codes = list(visit.ticket.events.exclude(message_code="").values_list("message_code", flat=True))
    assert codes == ["job.checked_in", "job.signed", "job.checked_out"]
    assert timezone.is_aware(visit.checked_in_at)


@pytest.mark.parametrize(
    ("status", "held_from", "started", "expected_status"),
    [
        (Status.DISPATCHED, "", False, Status.IN_PROGRESS),
        (Status.ON_HOLD, Status.DISPATCHED, False, Status.IN_PROGRESS),
        (Status.ON_HOLD, Status.IN_PROGRESS, True, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, "", True, Status.IN_PROGRESS),
    ],
)
def test_check_in_moves_the_ticket_to_work_from_where_it_stands(tech, status, held_from, started, expected_status):
    visit = h.visit_for(tech, start=NINE)
    Ticket.objects.filter(pk=visit.ticket_id).update(
        status=status,
        held_from=held_from,
        on_hold_since=NINE - dt.timedelta(days=1) if held_from else None,
        started_at=NINE - dt.timedelta(days=2) if started else None,
    )
    services.visit_check_in(visit, tech, now=NINE)
    ticket = Ticket.objects.get(pk=visit.ticket_id)
    assert (ticket.status, ticket.started_at) == (expected_status, NINE)


def test_a_second_visit_of_the_same_round_is_not_the_arrival(tech):
    first = h.visit_for(tech, start=NINE)
    services.visit_check_in(first, tech, now=NINE)
    second = h.visit_for(tech, start=NINE + dt.timedelta(days=3), ticket=first.ticket)
    services.visit_check_in(second, tech, now=NINE + dt.timedelta(days=3))
    assert Ticket.objects.get(pk=first.ticket_id).started_at == NINE


def test_a_visit_whose_ticket_has_another_assignee_checks_in_without_moving_the_ticket(tech):
    visit = h.visit_for(tech, start=NINE)
    Ticket.objects.filter(pk=visit.ticket_id).update(assignee=h.technician("tech-lead"))
    services.visit_check_in(visit, tech, now=NINE)
    visit.refresh_from_db()
    ticket = Ticket.objects.get(pk=visit.ticket_id)
    assert (visit.status, ticket.status, ticket.started_at) == (VisitStatus.CHECKED_IN, Status.DISPATCHED, None)
