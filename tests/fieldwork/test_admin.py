"""Field service in the admin: technicians' profiles and stations' slots are edited there; visits
are shown, not changed; job records, photos, reports and submission keys are records only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from fieldwork.models import (
    IdempotencyKey,
    JobPhoto,
    JobRecord,
    ServiceReport,
    StationSlots,
    TechnicianProfile,
    Visit,
    VisitStatus,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    user = factories.UserFactory(username="root")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def field_rows(technician, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    station = factories.ServiceStationFactory(name="Qingdao Laoshan")
    profile = TechnicianProfile.objects.create(user=technician, visits_per_slot=2)
    profile.stations.add(station)
    slots = StationSlots.objects.create(station=station, slot_minutes=240)
    ticket = factories.TicketFactory(station=station, assignee=technician)
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    visit = Visit.objects.create(
        ticket=ticket, technician=technician, station=station, start=start, end=start + dt.timedelta(hours=4)
    )
    job = JobRecord.objects.create(visit=visit, work_done="Replaced the drain pump.", charge=Decimal("80.00"))
    photo = JobPhoto.objects.create(
        visit=visit,
        stage="before",
        file=ContentFile(b"\x89PNG", name="p.png"),
        content_type="image/png",
        size=4,
        by=technician,
    )
    report = ServiceReport.objects.create(
        ticket=ticket, visit=visit, file=ContentFile(b"%PDF-1.4", name="r.pdf"), language="zh-hans"
    )
    key = IdempotencyKey.objects.create(key="k-1", user=technician, scope="check_in")
    return {
        "technicianprofile": profile,
        "stationslots": slots,
        "visit": visit,
        "jobrecord": job,
        "jobphoto": photo,
        "servicereport": report,
        "idempotencykey": key,
    }


def test_every_field_service_model_is_registered():
    registered = {model._meta.label for model in admin.site._registry}
    for name in (
        "TechnicianProfile",
        "StationSlots",
        "Visit",
        "JobRecord",
        "JobPhoto",
        "ServiceReport",
        "IdempotencyKey",
    ):
        assert f"fieldwork.{name}" in registered


def test_changelists_with_search_and_filters_and_change_pages_render(client, superuser, field_rows):
    client.force_login(superuser)
    station = field_rows["visit"].station
    for name, row in field_rows.items():
        changelist = reverse(f"admin:fieldwork_{name}_changelist")
        model_admin = admin.site._registry[type(row)]
        params = {"q": "x"} if model_admin.search_fields else {}
        assert client.get(changelist).status_code == 200, name
        assert client.get(changelist, params).status_code == 200, name
        assert client.get(reverse(f"admin:fieldwork_{name}_change", args=[row.pk])).status_code == 200, name
    visits = reverse("admin:fieldwork_visit_changelist")
    page = client.get(visits, {"q": field_rows["visit"].ticket.reference, "status__exact": "booked"})
    assert page.context["cl"].result_count == 1
    assert client.get(visits, {"q": "AS-1999-000001"}).context["cl"].result_count == 0
    assert client.get(visits, {"station__id__exact": station.pk}).context["cl"].result_count == 1
    profiles = reverse("admin:fieldwork_technicianprofile_changelist")
    assert client.get(profiles, {"stations__id__exact": station.pk}).context["cl"].result_count == 1
    assert client.get(profiles, {"q": field_rows["technicianprofile"].user.last_name}).context["cl"].result_count == 1
    assert client.get(profiles, {"q": "nobody-by-this-name"}).context["cl"].result_count == 0


def test_a_manager_edits_a_technicians_profile(client, superuser, field_rows, other_technician):
    profile = field_rows["technicianprofile"]
    second = factories.ServiceStationFactory(name="Qingdao Licang")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:fieldwork_technicianprofile_change", args=[profile.pk]),
        {
            "user": profile.user_id,
            "stations": [field_rows["visit"].station_id, second.pk],
            "brands": "[]",
            "visits_per_slot": "3",
            "calendar": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.visits_per_slot == 3
    assert set(profile.stations.values_list("pk", flat=True)) == {field_rows["visit"].station_id, second.pk}


@pytest.mark.parametrize("name", ["jobrecord", "jobphoto", "servicereport", "idempotencykey"])
def test_records_cannot_be_changed_added_or_deleted(client, superuser, field_rows, name):
    row = field_rows[name]
    client.force_login(superuser)
    before = type(row).objects.filter(pk=row.pk).values().get()
    assert client.post(reverse(f"admin:fieldwork_{name}_change", args=[row.pk]), {}).status_code == 403
    assert client.get(reverse(f"admin:fieldwork_{name}_add")).status_code == 403
    delete = reverse(f"admin:fieldwork_{name}_delete", args=[row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert type(row).objects.filter(pk=row.pk).values().get() == before


def test_a_visit_is_shown_not_changed_and_its_link_key_stays_hidden(client, superuser, field_rows):
    visit = field_rows["visit"]
    client.force_login(superuser)
    change = reverse("admin:fieldwork_visit_change", args=[visit.pk])
    page = client.get(change).content.decode()
    assert str(visit.token) not in page
    client.post(change, {"status": VisitStatus.CANCELLED, "late_reason": "typed in the admin"})
    visit.refresh_from_db()
    assert (visit.status, visit.late_reason) == (VisitStatus.BOOKED, "")
    assert client.get(reverse("admin:fieldwork_visit_add")).status_code == 403
    assert client.post(reverse("admin:fieldwork_visit_delete", args=[visit.pk]), {"post": "yes"}).status_code == 403
    assert Visit.objects.filter(pk=visit.pk).exists()


def test_the_report_link_key_stays_hidden(client, superuser, field_rows):
    report = field_rows["servicereport"]
    client.force_login(superuser)
    page = client.get(reverse("admin:fieldwork_servicereport_change", args=[report.pk])).content.decode()
    assert str(report.token) not in page


@pytest.fixture
def staff_manager(manager):
    manager.is_staff = True
    manager.save()
    return manager


def test_a_manager_edits_profiles_and_slots_and_looks_up_visits_and_jobs(client, staff_manager, field_rows):
    client.force_login(staff_manager)
    for name in ("technicianprofile", "stationslots", "visit", "jobrecord", "jobphoto", "servicereport"):
        row = field_rows[name]
        assert client.get(reverse(f"admin:fieldwork_{name}_changelist")).status_code == 200, name
        assert client.get(reverse(f"admin:fieldwork_{name}_change", args=[row.pk])).status_code == 200, name
    slots = field_rows["stationslots"]
    response = client.post(
        reverse("admin:fieldwork_stationslots_change", args=[slots.pk]),
        {"station": slots.station_id, "slot_minutes": "120", "change_cutoff_hours": "24", "days_ahead": "21"},
    )
    assert response.status_code == 302
    slots.refresh_from_db()
    assert (slots.slot_minutes, slots.change_cutoff_hours, slots.days_ahead) == (120, 24, 21)
    # The stations too (their permissions are created after those of the customers' app).
    assert client.get(reverse("admin:tickets_servicestation_changelist")).status_code == 200
    # Submission keys are the system's; a manager has no business with them.
    assert client.get(reverse("admin:fieldwork_idempotencykey_changelist")).status_code == 403


def test_bad_slot_settings_are_field_errors(client, staff_manager, field_rows):
    slots = field_rows["stationslots"]
    client.force_login(staff_manager)
    response = client.post(
        reverse("admin:fieldwork_stationslots_change", args=[slots.pk]),
        {"station": slots.station_id, "slot_minutes": "10", "change_cutoff_hours": "200", "days_ahead": "0"},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"slot_minutes", "change_cutoff_hours", "days_ahead"}
    slots.refresh_from_db()
    assert slots.slot_minutes == 240


def test_an_agent_or_technician_has_no_field_admin(client, agent, technician, field_rows):
    for user in (agent, technician):
        client.force_login(user)
        response = client.get(reverse("admin:fieldwork_technicianprofile_changelist"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
