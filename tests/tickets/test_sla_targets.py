"""SLA targets as data (tickets/sla/targets.py) and the deadlines tickets get from them, in the
business calendar loaded by the migrations (China's statutory holidays and make-up working days)
and in a station's own calendar. Every expected moment is worked out by hand in the comments."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from customers.models import BusinessCalendar
from tests.api.conftest import client_for
from tests.factories import CustomerFactory, ServiceStationFactory, UserFactory
from tickets.choices import Channel, Kind, Priority
from tickets.models import Ticket
from tickets.services import ticket_assign, ticket_create
from tickets.sla.models import SlaTarget
from tickets.sla.targets import target_in_force, target_publish

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def sh(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


# Monday 2 March 2026, 09:00: no holiday that month.
T0 = sh(2026, 3, 2, 9)


def create(customer, *, now, kind=Kind.REPAIR, priority=Priority.NORMAL, by=None) -> Ticket:
    return ticket_create(
        customer=customer, kind=kind, channel=Channel.PHONE, description="Leaks.", priority=priority, by=by, now=now
    )


def stored(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def org_target(kind=Kind.REPAIR, priority=Priority.NORMAL) -> SlaTarget:
    return SlaTarget.objects.get(kind=kind, priority=priority, region="", station=None, version=1)


def publish(now: dt.datetime, **values) -> SlaTarget:
    fields = {
        "kind": Kind.REPAIR,
        "priority": Priority.NORMAL,
        "response_hours": Decimal("2"),
        "dispatch_hours": Decimal("8"),
        "arrival_hours": Decimal("24"),
        "completion_hours": Decimal("72"),
        "effective_from": now,
        **values,
    }
    return target_publish(target=SlaTarget(**fields), by=None, now=now)


# --- the targets table ----------------------------------------------------------------------------


def test_the_first_targets_are_the_hours_the_code_held():
    assert SlaTarget.objects.count() == 20  # five kinds, four priorities, one version each
    urgent = org_target(Kind.REPAIR, Priority.URGENT)
    assert (urgent.response_hours, urgent.dispatch_hours, urgent.arrival_hours, urgent.completion_hours) == (
        Decimal("0.50"),
        Decimal("2.00"),
        Decimal("6.00"),
        Decimal("18.00"),
    )
    low = org_target(Kind.MAINTENANCE, Priority.LOW)
    assert (low.response_hours, low.dispatch_hours, low.arrival_hours, low.completion_hours) == (
        Decimal("16.00"),
        Decimal("96.00"),
        Decimal("192.00"),
        Decimal("240.00"),
    )
    complaint = org_target(Kind.COMPLAINT, Priority.NORMAL)
    assert (complaint.response_same_day, complaint.response_hours, complaint.dispatch_hours) == (True, None, None)
    assert complaint.completion_hours == Decimal("168.00")
    assert org_target(Kind.COMPLAINT, Priority.HIGH).response_hours == Decimal("4.00")
    consultation = org_target(Kind.CONSULTATION, Priority.NORMAL)
    assert (consultation.dispatch_hours, consultation.arrival_hours) == (None, None)


def test_a_new_version_is_numbered_per_scope_and_never_back_dated():
    first = publish(T0)
    assert (first.version, first.region, first.station_id) == (2, "", None)
    rural = publish(T0, region="Laoshan countryside", arrival_hours=Decimal("48"))
    assert rural.version == 1
    with pytest.raises(ValidationError) as caught:
        publish(T0, effective_from=T0 - dt.timedelta(hours=1))
    assert caught.value.message_dict == {
        "effective_from": ["A new version applies from now or later, not from the past."]
    }
    station = ServiceStationFactory()
    with pytest.raises(ValidationError) as caught:
        publish(T0, region="Qingdao", station=station)
    assert caught.value.message_dict == {"region": ["A target is for one station or one region, not both."]}
    assert SlaTarget.objects.count() == 22


def test_the_most_specific_target_in_force_applies():
    station = ServiceStationFactory()
    region = publish(T0, region="Laoshan countryside", arrival_hours=Decimal("48"))
    own = publish(T0, station=station, arrival_hours=Decimal("36"))
    later = publish(T0, effective_from=T0 + dt.timedelta(days=1), dispatch_hours=Decimal("6"))

    def pick(**where):
        return target_in_force(kind=Kind.REPAIR, priority=Priority.NORMAL, **where)

    assert pick(station=station, region="Laoshan countryside", at=T0) == own
    assert pick(station=None, region="Laoshan countryside", at=T0) == region
    assert pick(station=None, region="Qingdao", at=T0) == org_target()
    assert pick(station=None, region="", at=T0 + dt.timedelta(days=1)) == later
    # Before any of them took effect: the first targets.
    assert pick(station=station, region="Laoshan countryside", at=T0 - dt.timedelta(seconds=1)) == org_target()


# --- deadlines in business time, through the services ------------------------------------------


def test_a_repair_logged_on_national_day_evening_is_due_on_the_first_working_day():
    # Wednesday 1 October 2025, 20:00; 1-8 October are holidays: the clocks start on Thursday
    # 9 October at 08:30. Response 2 h: 10:30; dispatch 8 h: 16:30; arrival 24 h: 9 (Thu) + 9 (Fri)
    # + 6 (Saturday 11th, also a make-up working day): 14:30.
    ticket = stored(create(CustomerFactory(), now=sh(2025, 10, 1, 20)))
    assert (ticket.response_due, ticket.dispatch_due, ticket.arrival_due) == (
        sh(2025, 10, 9, 10, 30),
        sh(2025, 10, 9, 16, 30),
        sh(2025, 10, 11, 14, 30),
    )
    assert ticket.next_due == sh(2025, 10, 9, 10, 30)
    assert ticket.sla_target == org_target()


def test_a_complaint_at_17_45_on_the_friday_before_a_holiday_is_answered_after_it():
    # Friday 3 April 2026, 17:45: closed. Saturday 4 to Monday 6 April are Qingming holidays (the
    # Saturday too), Sunday is closed anyway: the response is due at Tuesday 7 April's closing.
    ticket = stored(create(CustomerFactory(), kind=Kind.COMPLAINT, now=sh(2026, 4, 3, 17, 45)))
    assert (ticket.response_due, ticket.next_due) == (sh(2026, 4, 7, 17, 30), sh(2026, 4, 7, 17, 30))
    # The same complaint at 17:00 is answered by that Friday's closing.
    same_day = stored(create(CustomerFactory(), kind=Kind.COMPLAINT, now=sh(2026, 4, 3, 17)))
    assert same_day.response_due == sh(2026, 4, 3, 17, 30)


def test_a_make_up_sunday_is_a_working_day():
    # Saturday 27 September 2025, 16:00: 1.5 h that day; Sunday 28 September is worked for
    # National Day (Monday's hours): response (2 h) Sunday 09:00, dispatch (8 h) Sunday 15:00.
    ticket = stored(create(CustomerFactory(), now=sh(2025, 9, 27, 16)))
    assert (ticket.response_due, ticket.dispatch_due) == (sh(2025, 9, 28, 9), sh(2025, 9, 28, 15))


def test_a_24x7_default_calendar_counts_every_hour():
    BusinessCalendar.objects.filter(is_default=True).update(always_open=True)
    # A consultation at 20:00 on National Day: 4 and 24 hours later on the clock.
    ticket = stored(create(CustomerFactory(), kind=Kind.CONSULTATION, now=sh(2025, 10, 1, 20)))
    assert (ticket.response_due, ticket.completion_due) == (sh(2025, 10, 2, 0), sh(2025, 10, 2, 20))


def test_a_region_specific_target_gives_rural_customers_longer(agent):
    region = publish(T0 - dt.timedelta(days=1), region="Laoshan countryside", arrival_hours=Decimal("48"))
    rural = stored(create(CustomerFactory(region="Laoshan countryside"), now=T0))
    town = stored(create(CustomerFactory(region="Qingdao"), now=T0))
    assert (rural.sla_target, town.sla_target) == (region, org_target())
    # 24 h from Monday 09:00: 8.5 + 9 + 6.5, Wednesday 15:00. 48 h: 8.5 + 9 × 4 (to Friday) + 3.5
    # on Saturday: 12:00.
    assert (town.arrival_due, rural.arrival_due) == (sh(2026, 3, 4, 15), sh(2026, 3, 7, 12))
    assert rural.dispatch_due == town.dispatch_due == sh(2026, 3, 2, 17)


def test_a_target_edited_after_the_ticket_was_created_moves_nothing(agent):
    ticket = create(CustomerFactory(), now=T0)
    before = stored(ticket)
    v2 = publish(T0 + dt.timedelta(hours=1), dispatch_hours=Decimal("4"))

    # Assigning later (to a station without targets of its own) keeps the version it was created under.
    ticket_assign(
        ticket=before, station=ServiceStationFactory(), assignee=None, by=agent, now=T0 + 2 * dt.timedelta(hours=1)
    )
    after = stored(ticket)
    assert after.sla_target == org_target()
    assert (
        (after.dispatch_due, after.arrival_due, after.completion_due)
        == (
            before.dispatch_due,
            before.arrival_due,
            before.completion_due,
        )
        == (sh(2026, 3, 2, 17), sh(2026, 3, 4, 15), sh(2026, 3, 11, 9))
    )
    # A ticket created after the edit gets the new version: dispatch 4 h after 12:00.
    newer = stored(create(CustomerFactory(), now=T0 + 3 * dt.timedelta(hours=1)))
    assert (newer.sla_target, newer.dispatch_due) == (v2, sh(2026, 3, 2, 16))


def test_assigning_a_station_with_its_own_calendar_and_target_recounts_the_deadlines_ahead(agent):
    rural_hours = BusinessCalendar.objects.create(
        name="Rural weekdays",
        **{f"{day}_opens": dt.time(9) for day in ("monday", "tuesday", "wednesday", "thursday", "friday")},
        **{f"{day}_closes": dt.time(17) for day in ("monday", "tuesday", "wednesday", "thursday", "friday")},
        saturday_opens=None,
        saturday_closes=None,
    )
    station = ServiceStationFactory(calendar=rural_hours, region="Laoshan countryside")
    own = publish(T0 - dt.timedelta(days=1), station=station, arrival_hours=Decimal("48"))
    ticket = create(CustomerFactory(), now=T0)
    ticket_assign(ticket=stored(ticket), station=station, assignee=None, by=agent, now=sh(2026, 3, 2, 16))
    moved = stored(ticket)
    # The rule: a deadline passed stays (response, 11:00). One ahead keeps the business time it
    # had left, changed by the station target's difference, counted from the assignment in the
    # station's hours (09:00-17:00 Monday to Friday). Dispatch: 1 h left, Monday 17:00. Arrival:
    # 1.5 + 9 + 6.5 = 17 h left, + 24 h more = 41 h: 1 + 8 × 5 (Tuesday to Monday 9 March),
    # Monday 9 March 17:00.
    assert moved.sla_target == own
    assert (moved.response_due, moved.dispatch_due, moved.arrival_due) == (
        sh(2026, 3, 2, 11),
        sh(2026, 3, 2, 17),
        sh(2026, 3, 9, 17),
    )
    # Completion was Wednesday 11 March 09:00 (the same 72 h in both targets): left from Monday
    # 16:00 in the default calendar, 1.5 (Mon) + 9 × 5 (Tue 3 to Sat 7) + 9 × 2 (Mon 9, Tue 10) +
    # 0.5 = 65 h. In the station's hours from Monday 16:00: 1 + 8 × 4 (Tue 3 to Fri 6) + 8 × 4
    # (Mon 9 to Thu 12) = 65: Thursday 12 March at its closing, 17:00.
    assert moved.completion_due == sh(2026, 3, 12, 17)


# --- what the desk, the API and the KPIs read --------------------------------------------------


def test_the_api_and_the_desk_show_the_same_stored_deadline_in_business_time(client, agent):
    ticket = create(CustomerFactory(), now=sh(2025, 10, 1, 20))
    response = client_for(agent).get(reverse("api:ticket-detail", args=[ticket.reference]))
    assert response.status_code == 200
    body = response.json()
    assert (body["response_due"], body["dispatch_due"], body["next_due"]) == (
        "2025-10-09T10:30:00+08:00",
        "2025-10-09T16:30:00+08:00",
        "2025-10-09T10:30:00+08:00",
    )
    assert body["overdue"] is True  # long past by now

    client.force_login(agent)
    page = client.get(reverse("desk:ticket", args=[ticket.reference])).content.decode()
    assert "<dt>Dispatch</dt><dd>9 Oct 2025 16:30</dd>" in page
    assert "Overdue: the deadline for this stage was 9 Oct 2025 10:30." in page
    queue = client.get(reverse("desk:queue")).content.decode()
    assert "9 Oct 2025 10:30" in queue


def test_the_kpis_read_the_fields_the_deadlines_are_written_to():
    from quality.metrics import CLOCKS

    ticket = stored(create(CustomerFactory(), now=T0))
    assert {CLOCKS[clock][0] for clock in CLOCKS} == {"response_due", "dispatch_due", "arrival_due", "completion_due"}
    for field, _step in CLOCKS.values():
        assert getattr(ticket, field) is not None


# --- the admin --------------------------------------------------------------------------------


def test_the_admin_publishes_a_new_version_and_never_edits_one(client):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    source = org_target(Kind.REPAIR, Priority.NORMAL)
    add = reverse("admin:tickets_slatarget_add")
    form = client.get(add + f"?from={source.pk}")
    assert form.status_code == 200 and 'name="arrival_hours" value="24.00"' in form.content.decode()
    data = {
        "kind": "repair",
        "priority": "normal",
        "region": "",
        "station": "",
        "response_hours": "2",
        "dispatch_hours": "6",
        "arrival_hours": "24",
        "completion_hours": "72",
        "effective_from_0": "2099-01-01",
        "effective_from_1": "08:00:00",
        "note": "Faster dispatch",
    }
    assert client.post(add, data).status_code == 302
    new = SlaTarget.objects.get(note="Faster dispatch")
    assert (new.version, new.dispatch_hours, new.created_by) == (2, Decimal("6.00"), admin_user)
    # Back-dated: a field error, nothing saved.
    response = client.post(add, {**data, "effective_from_0": "2000-01-01", "note": "Back-dated"})
    assert response.status_code == 200
    assert "A new version applies from now or later, not from the past." in response.content.decode()
    assert not SlaTarget.objects.filter(note="Back-dated").exists()
    # A saved version cannot be changed or deleted.
    change = reverse("admin:tickets_slatarget_change", args=[source.pk])
    client.post(change, {**data, "dispatch_hours": "1"})
    source.refresh_from_db()
    assert source.dispatch_hours == Decimal("8.00")
    assert client.post(reverse("admin:tickets_slatarget_delete", args=[source.pk]), {"post": "yes"}).status_code == 403
