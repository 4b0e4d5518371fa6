"""fieldwork/booking: free slots, and booking, moving and cancelling visits at the desk."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fieldwork.booking.availability import free_slots
from fieldwork.booking.services import visit_book, visit_cancel, visit_move
from fieldwork.models import Visit, VisitStatus
from notifications.models import OutboundMessage
from notifications.sms.locmem import outbox as sms_outbox
from tests import factories
from tests.fieldwork.booking_helpers import MONDAY, NOW, SHANGHAI, at, field_station, repair_ticket, technician_at
from tickets.choices import EventKind, Status
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db
TUESDAY = MONDAY + dt.timedelta(days=1)


@pytest.fixture
def station():
    return field_station()


@pytest.fixture
def wang(station):
    return technician_at(station, user=factories.UserFactory(roles=["technician"], first_name="Wang", last_name="Lei"))


def book(ticket, profile, station, start, by, **kw):
    return visit_book(ticket=ticket, technician=profile.user, station=station, start=start, by=by, now=NOW, **kw)


def codes(ticket):
    return list(TicketEvent.objects.filter(ticket=ticket).order_by("id").values_list("kind", "message_code"))


# --- free slots ---------------------------------------------------------------------------------


def test_free_slots_are_the_half_days_of_each_technician_not_started_and_not_full(station, wang, agent):
    li = technician_at(station, user=factories.UserFactory(roles=["technician"], first_name="Li", last_name="Na"))
    book(repair_ticket(), li, station, at(TUESDAY, 9), agent)
    now = at(MONDAY, 10)  # Monday's morning has started

    found = free_slots(station, date_from=MONDAY, date_to=TUESDAY, now=now)

    assert [(slot.start, slot.technician.first_name, slot.free) for slot in found] == [
        (at(MONDAY, 13), "Li", 1),
        (at(MONDAY, 13), "Wang", 1),
        (at(TUESDAY, 9), "Wang", 1),
        (at(TUESDAY, 13), "Li", 1),
        (at(TUESDAY, 13), "Wang", 1),
    ]
    assert found[0].end == at(MONDAY, 17)
    full = free_slots(station, date_from=TUESDAY, date_to=TUESDAY, technician=li.user, now=now, include_full=True)
    assert [(slot.start, slot.free) for slot in full] == [(at(TUESDAY, 9), 0), (at(TUESDAY, 13), 1)]


def test_free_slots_follow_the_national_calendar_and_the_bookable_days(agent):
    station = field_station(days_ahead=90)
    technician_at(station)
    now = at(dt.date(2026, 9, 29), 18)

    found = free_slots(station, date_from=dt.date(2026, 9, 30), date_to=dt.date(2026, 10, 12), now=now)

    # 30 September, then the holiday week; Saturday 10 October is a make-up working day; the 11th a Sunday.
    assert sorted({slot.start.date() for slot in found}) == [
        dt.date(2026, 9, 30),
        dt.date(2026, 10, 8),
        dt.date(2026, 10, 9),
        dt.date(2026, 10, 10),
        dt.date(2026, 10, 12),
    ]
    short = field_station(days_ahead=1)
    technician_at(short)
    assert {
        slot.start.date() for slot in free_slots(short, date_from=MONDAY, date_to=MONDAY + dt.timedelta(7), now=NOW)
    } == {
        MONDAY,
        TUESDAY,
    }


def test_a_technicians_own_calendar_and_capacity_come_first(station):
    from tests.fieldwork.booking_helpers import field_calendar

    early = field_calendar(name="Early", **{f"{d}_opens": dt.time(7) for d in ("monday", "tuesday")})
    profile = technician_at(station, per_slot=3, calendar=early)
    found = free_slots(station, date_from=MONDAY, date_to=MONDAY, now=dt.datetime(2026, 3, 1, tzinfo=SHANGHAI))
    assert [(slot.start.hour, slot.end.hour, slot.free) for slot in found] == [(7, 11, 3), (11, 15, 3)]
    assert {slot.technician for slot in found} == {profile.user}


def test_inactive_technicians_and_other_stations_technicians_offer_nothing(station):
    technician_at(station, is_active=False)
    technician_at(field_station())
    assert free_slots(station, date_from=MONDAY, date_to=TUESDAY, now=NOW) == []


def test_the_free_slot_query_count_does_not_grow_with_the_visits(station, agent, django_assert_num_queries):
    profiles = [technician_at(station, per_slot=5) for _ in range(2)]
    # station settings, technicians with users and calendars, national days, holding visits
    with django_assert_num_queries(4):
        free_slots(station, date_from=MONDAY, date_to=MONDAY + dt.timedelta(days=6), now=NOW)
    for day in range(3):
        for profile in profiles:
            book(repair_ticket(), profile, station, at(TUESDAY + dt.timedelta(days=day), 9), agent)
    with django_assert_num_queries(4):
        found = free_slots(station, date_from=MONDAY, date_to=MONDAY + dt.timedelta(days=6), now=NOW)
    assert sum(slot.free for slot in found) == 2 * 10 * 5 - 6


# --- booking ------------------------------------------------------------------------------------


def test_booking_assigns_and_dispatches_the_ticket_logs_the_visit_and_tells_the_customer_with_the_link(
    station, wang, agent, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://service.example.com"
    ticket = repair_ticket()
    with django_capture_on_commit_callbacks(execute=True):
        visit = book(ticket, wang, station, at(TUESDAY, 13), agent)

    visit.refresh_from_db()
    assert (visit.start, visit.end, visit.status, visit.booked_by, visit.late_reason) == (
        at(TUESDAY, 13),
        at(TUESDAY, 17),
        VisitStatus.BOOKED,
        agent,
        "",
    )
    ticket.refresh_from_db()
    assert (ticket.station, ticket.assignee, ticket.appointment_start, ticket.appointment_end, ticket.status) == (
        station,
        wang.user,
        at(TUESDAY, 13),
        at(TUESDAY, 17),
        Status.DISPATCHED,
    )
    assert codes(ticket) == [
        (EventKind.ASSIGNED, ""),
        (EventKind.NOTE, "visit.agreed"),
        (EventKind.STATUS, ""),
        (EventKind.NOTE, "visit.booked"),
    ]
    booked = ticket.events.get(message_code="visit.booked")
    assert booked.note == f"Visit booked: 3 Mar 2026, 13:00–17:00, Wang Lei ({station.name})."
    # One message: the visit with its link, not the ticket's own appointment or dispatch message.
    [message] = OutboundMessage.objects.filter(ticket_reference=ticket.reference)
    link = f"https://service.example.com/v/{visit.token}/"
    assert (message.template, message.channel, message.context["visit_url"]) == ("visit_booked", "sms", link)
    [sms] = sms_outbox
    assert link in sms.text and ticket.reference in sms.text


def test_a_full_slot_is_refused_and_nothing_changes(station, wang, agent):
    first = book(repair_ticket(), wang, station, at(TUESDAY, 9), agent)
    ticket = repair_ticket()

    with pytest.raises(ValidationError) as error:
        book(ticket, wang, station, at(TUESDAY, 9), agent)

    assert error.value.message_dict == {"start": ["This slot is full. Choose another slot or technician."]}
    assert list(Visit.objects.all()) == [first]
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.appointment_start, ticket.version) == (None, None, 1)
    assert not ticket.events.exists()


def test_a_technician_taking_two_visits_per_slot_takes_a_second_but_not_a_third(station, agent):
    profile = technician_at(station, per_slot=2)
    book(repair_ticket(), profile, station, at(TUESDAY, 9), agent)
    book(repair_ticket(), profile, station, at(TUESDAY, 9), agent)
    with pytest.raises(ValidationError, match="This slot is full"):
        book(repair_ticket(), profile, station, at(TUESDAY, 9), agent)
    assert Visit.objects.count() == 2


def test_a_visit_at_another_station_holds_the_technicians_place(station, agent):
    other = field_station()
    profile = technician_at(station, other)
    book(repair_ticket(), profile, other, at(TUESDAY, 9), agent)
    with pytest.raises(ValidationError, match="This slot is full"):
        book(repair_ticket(), profile, station, at(TUESDAY, 9), agent)


def test_a_late_booking_needs_a_reason_which_is_logged(station, wang, agent):
    ticket = repair_ticket(arrival_due=at(TUESDAY, 12), station=station)

    with pytest.raises(ValidationError) as error:
        book(ticket, wang, station, at(TUESDAY, 13), agent, late_reason="  ")
    assert error.value.message_dict == {
        "late_reason": ["This visit starts after the arrival deadline: give the reason for booking it late."]
    }
    assert not Visit.objects.exists()

    # In time: no reason asked, none kept.
    in_time = book(ticket, wang, station, at(TUESDAY, 9), agent, late_reason="not needed")
    assert in_time.late_reason == ""
    visit_cancel(visit=in_time, by=agent, reason="Customer away")

    visit = book(ticket, wang, station, at(TUESDAY, 13), agent, late_reason="Customer at work until noon")
    assert visit.late_reason == "Customer at work until noon"
    late = ticket.events.get(message_code="visit.late")
    assert (
        late.note == "Visit booked after the arrival deadline (3 Mar 2026 12:00). Reason: Customer at work until noon"
    )


@pytest.mark.parametrize(
    ("start", "error"),
    [
        (at(TUESDAY, 10), "This is not the start of a slot in the technician's working hours."),
        (at(TUESDAY, 17), "This is not the start of a slot in the technician's working hours."),
        (at(dt.date(2026, 3, 7), 9), "This is not the start of a slot in the technician's working hours."),
        (at(dt.date(2026, 3, 1), 9), "This is not the start of a slot in the technician's working hours."),
        (at(MONDAY, 9), "This slot has already started."),
        (at(dt.date(2026, 3, 17), 9), "Visits can be booked up to 14 days ahead."),
    ],
)
def test_a_time_that_is_not_a_free_slot_is_refused_with_a_field_error(station, wang, agent, start, error):
    with pytest.raises(ValidationError) as refused:
        visit_book(
            ticket=repair_ticket(), technician=wang.user, station=station, start=start, by=agent, now=at(MONDAY, 9, 30)
        )
    assert refused.value.message_dict == {"start": [error]}
    assert not Visit.objects.exists()


def test_holidays_refuse_and_make_up_days_take_visits(agent):
    station = field_station(days_ahead=30)
    profile = technician_at(station)
    now = at(dt.date(2026, 9, 28), 8)
    with pytest.raises(ValidationError, match="not the start of a slot"):
        visit_book(
            ticket=repair_ticket(),
            technician=profile.user,
            station=station,
            start=at(dt.date(2026, 10, 2), 9),
            by=agent,
            now=now,
        )
    visit = visit_book(
        ticket=repair_ticket(),
        technician=profile.user,
        station=station,
        start=at(dt.date(2026, 10, 10), 13),
        by=agent,
        now=now,
    )
    assert visit.end == at(dt.date(2026, 10, 10), 17)


def test_only_the_desk_books_and_only_the_stations_technicians(station, wang, technician, agent):
    ticket = repair_ticket()
    with pytest.raises(PermissionDenied):
        book(ticket, wang, station, at(TUESDAY, 9), technician)
    stranger = technician_at(field_station())
    with pytest.raises(ValidationError) as error:
        book(ticket, stranger, station, at(TUESDAY, 9), agent)
    assert error.value.message_dict == {"technician": ["This technician takes no visits at this service station."]}
    assert not Visit.objects.exists() and not ticket.events.exists()


def test_a_ticket_with_a_visit_to_come_is_not_booked_twice(station, wang, agent):
    ticket = repair_ticket()
    book(ticket, wang, station, at(TUESDAY, 9), agent)
    with pytest.raises(ValidationError) as error:
        book(ticket, wang, station, at(TUESDAY, 13), agent)
    assert error.value.message_dict == {
        "ticket": ["This ticket already has a visit to come: move or cancel it instead."]
    }


# --- moving and cancelling at the desk -----------------------------------------------------------


def test_a_move_at_the_desk_gives_a_new_link_and_tells_the_customer(
    station, wang, agent, django_capture_on_commit_callbacks
):
    ticket = repair_ticket()
    visit = book(ticket, wang, station, at(TUESDAY, 9), agent)
    old_token = visit.token
    with django_capture_on_commit_callbacks(execute=True):
        moved = visit_move(visit=visit, start=at(TUESDAY, 13), by=agent, now=NOW)

    moved.refresh_from_db()
    assert (moved.start, moved.status) == (at(TUESDAY, 13), VisitStatus.BOOKED)
    assert moved.token != old_token
    ticket.refresh_from_db()
    assert (ticket.appointment_start, ticket.appointment_end) == (at(TUESDAY, 13), at(TUESDAY, 17))
    assert (
        ticket.events.get(message_code="visit.moved").note
        == "Visit moved from 3 Mar 2026 09:00 to 3 Mar 2026, 13:00–17:00."
    )
    [message] = OutboundMessage.objects.filter(template="visit_booked")
    assert str(moved.token) in message.context["visit_url"]
    # The old place is free again.
    assert [s.start for s in free_slots(station, date_from=TUESDAY, date_to=TUESDAY, now=NOW)] == [at(TUESDAY, 9)]


def test_a_move_into_a_full_slot_changes_nothing(station, wang, agent):
    book(repair_ticket(), wang, station, at(TUESDAY, 13), agent)
    visit = book(repair_ticket(), wang, station, at(TUESDAY, 9), agent)
    with pytest.raises(ValidationError, match="This slot is full"):
        visit_move(visit=visit, start=at(TUESDAY, 13), by=agent, now=NOW)
    with pytest.raises(ValidationError, match="already at this time"):
        visit_move(visit=visit, start=at(TUESDAY, 9), by=agent, now=NOW)
    assert Visit.objects.get(pk=visit.pk).token == visit.token


def test_cancelling_needs_a_reason_frees_the_place_and_clears_the_appointment(station, wang, agent):
    ticket = repair_ticket()
    visit = book(ticket, wang, station, at(TUESDAY, 9), agent)
    with pytest.raises(ValidationError) as error:
        visit_cancel(visit=visit, by=agent, reason=" ")
    assert error.value.message_dict == {"reason": ["Give the reason for cancelling the visit."]}

    cancelled = visit_cancel(visit=visit, by=agent, reason="Fixed by phone", now=NOW)

    assert (cancelled.status, cancelled.cancelled_at) == (VisitStatus.CANCELLED, NOW)
    assert cancelled.token != visit.token
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.appointment_start) == (wang.user, None)
    assert (
        ticket.events.get(message_code="visit.cancelled").note
        == "Visit of 3 Mar 2026 09:00 cancelled. Reason: Fixed by phone"
    )
    with pytest.raises(ValidationError, match="done or cancelled"):
        visit_cancel(visit=cancelled, by=agent, reason="again")
    assert book(repair_ticket(), wang, station, at(TUESDAY, 9), agent).start == at(TUESDAY, 9)


@pytest.mark.parametrize(
    "start",
    [
        dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC),
        dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC),
    ],
)
def test_moments_at_the_edges_of_the_calendar_are_field_errors(station, wang, agent, start):
    with pytest.raises(ValidationError) as refused:
        book(repair_ticket(), wang, station, start, agent)
    assert list(refused.value.message_dict) == ["start"]


def test_a_closed_ticket_gets_no_visit(station, wang, agent):
    ticket = repair_ticket(status=Status.CLOSED)
    with pytest.raises(ValidationError) as refused:
        book(ticket, wang, station, at(TUESDAY, 9), agent)
    assert refused.value.message_dict == {"ticket": ["A closed, cancelled or merged ticket gets no visit."]}
    assert not Visit.objects.exists()
