"""/api/recalls/… and /api/alerts/: start a recall (its tickets open in the background), read
campaigns with their progress and their units, list quality alerts — managers and administrators
only, as on the recall pages."""

import datetime as dt

import pytest
from rest_framework import serializers

from aftersales.roles import Role
from followups.choices import CallbackKind
from quality.models import RecallCampaign, RecallUnit
from quality.recalls import services as recalls
from tests import factories
from tests.api.conftest import client_for, error, field_errors
from tickets.choices import Status
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

RECALLS = "/api/recalls/"
ALERTS = "/api/alerts/"
REASON = "The drain pump may leak; we replace it free of charge."


def iso(value: dt.datetime | None) -> str | None:
    return None if value is None else serializers.DateTimeField().to_representation(value)


def progress(*, units: int, opened: int = 0, pending: int | None = 0, open_tickets: int = 0) -> dict:
    return {
        "units": units,
        "units_opened": opened,
        "pending": pending,
        "tickets_open": open_tickets,
        "tickets_resolved": 0,
        "tickets_closed": 0,
        "tickets_cancelled": 0,
        "callbacks_due": opened,
        "callbacks_done": 0,
        "callbacks_unreachable": 0,
        "done": 0,
        "percent_done": 0,
    }


def body(campaign: RecallCampaign, progress_body: dict) -> dict:
    campaign = RecallCampaign.objects.get(pk=campaign.pk)
    by = campaign.started_by
    return {
        "id": campaign.pk,
        "title": campaign.title,
        "model": {"id": campaign.model_id, "code": campaign.model.code},
        "batch": campaign.batch,
        "serial_from": campaign.serial_from,
        "serial_to": campaign.serial_to,
        "reason": campaign.reason,
        "alert": campaign.alert_id,
        "started_by": {"id": by.pk, "username": by.username, "name": by.get_full_name()},
        "started_at": iso(campaign.started_at),
        "opened_at": iso(campaign.opened_at),
        "progress": progress_body,
    }


@pytest.fixture
def washer():
    return factories.ProductModelFactory(code="XQG100")


@pytest.fixture
def units(washer):
    """Three units of batch B2026-01 and one of another batch, each with its own owner."""
    batch = [factories.ProductUnitFactory(model=washer, serial=f"SN000{n}") for n in range(1, 4)]
    return [*batch, factories.ProductUnitFactory(model=washer, serial="SN0009", batch="B2026-02")]


@pytest.fixture
def as_manager(manager):
    return client_for(manager)


@pytest.fixture
def as_department(department_user):
    return client_for(department_user)


def start(manager, washer, **kwargs) -> RecallCampaign:
    fields = {"batch": "B2026-01", "title": "Drain pump recall", "reason": REASON, **kwargs}
    return recalls.start_recall(model=washer, by=manager, **fields)


# --- starting a recall ------------------------------------------------------------------------------


def test_a_manager_starts_a_recall_and_its_tickets_open_after_the_answer(
    as_manager, washer, units, django_capture_on_commit_callbacks
):
    data = {"model": washer.pk, "batch": "B2026-01", "title": "Drain pump recall", "reason": REASON}

    with django_capture_on_commit_callbacks() as callbacks:
        response = as_manager.post(RECALLS, data, format="json")

    assert response.status_code == 201, response.content
    campaign = RecallCampaign.objects.get()
    assert response.json() == body(campaign, progress(units=3, pending=3))
    assert not Ticket.objects.exists()  # opened by the task queued after the commit
    assert len(callbacks) == 1

    callbacks[0]()  # the task (eager in the tests)

    answer = as_manager.get(f"{RECALLS}{campaign.pk}/").json()
    assert answer == body(campaign, progress(units=3, opened=3, pending=0, open_tickets=3))
    assert answer["opened_at"] is not None
    assert Ticket.objects.count() == 3


def test_the_same_request_key_starts_one_recall(as_manager, washer, units):
    data = {"model": washer.pk, "title": "Drain pump recall", "reason": REASON, "request_key": "k-1"}

    first = as_manager.post(RECALLS, data, format="json")
    again = as_manager.post(RECALLS, data, format="json")

    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]
    assert RecallCampaign.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {},
            {
                "model": ["Choose the model to recall."],
                "title": ["Give the recall a title."],
                "reason": ["Say why the units are recalled and what will be done."],
            },
        ),
        ({"model": 999999}, {"model": ["Choose the model to recall."]}),
        ({"model": "XQG100"}, {"model": ["Choose the model to recall."]}),
        ({"serial_from": "SN0001"}, {"serial_to": ["Give the last serial of the range too."]}),
        (
            {"serial_from": "SN0003", "serial_to": "SN0001"},
            {"serial_to": ["The last serial must not come before the first."]},
        ),
        ({"batch": "B1999-99"}, {"batch": ["No unit in use of this model is from this batch."]}),
        ({"title": "x" * 201}, {"title": ["Ensure this field has no more than 200 characters."]}),
        ({"alert": 999999}, {"alert": ['Invalid pk "999999" - object does not exist.']}),
    ],
)
def test_bad_input_is_a_400_and_nothing_starts(as_manager, washer, units, data, errors):
    given = {"model": washer.pk, "title": "Drain pump recall", "reason": REASON, **data} if data else {}

    assert field_errors(as_manager.post(RECALLS, given, format="json")) == errors
    assert not RecallCampaign.objects.exists()


def test_a_recall_from_a_batch_alert_must_recall_its_model(as_manager, washer, units):
    alert = factories.QualityAlertFactory(kind="batch", kpi="", model=factories.ProductModelFactory(), batch="B2026-01")
    data = {"model": washer.pk, "title": "Recall", "reason": REASON, "alert": alert.pk}

    assert field_errors(as_manager.post(RECALLS, data, format="json")) == {
        "alert": ["This alert is about another model."]
    }
    assert not RecallCampaign.objects.exists()


# --- reading campaigns --------------------------------------------------------------------------------


def test_the_list_shows_progress_and_leaves_uncounted_what_is_still_opening(as_manager, manager, washer, units):
    opened = start(manager, washer)
    recalls.open_recall_tickets(campaign=opened)
    opening = start(manager, washer, batch="B2026-02", title="Second recall")

    response = as_manager.get(RECALLS)

    assert response.status_code == 200
    assert response.json() == {
        "next": None,
        "previous": None,
        "results": [
            body(opening, progress(units=0, pending=None)),
            body(opened, progress(units=3, opened=3, pending=0, open_tickets=3)),
        ],
    }


def test_a_recalls_units_page_by_cursor(as_manager, manager, washer, units, django_assert_num_queries):
    campaign = start(manager, washer)
    recalls.open_recall_tickets(campaign=campaign)
    rows = list(RecallUnit.objects.filter(campaign=campaign).select_related("unit__owner", "ticket", "callback"))

    with django_assert_num_queries(3):  # the token, the user's roles, the campaign, the page
        first = as_manager.get(f"{RECALLS}{campaign.pk}/units/", {"page_size": 2}).json()
    with django_assert_num_queries(3):
        second = as_manager.get(first["next"]).json()

    def row(recalled: RecallUnit) -> dict:
        owner = recalled.unit.owner
        return {
            "id": recalled.pk,
            "unit": {"id": recalled.unit_id, "serial": recalled.unit.serial, "batch": "B2026-01"},
            "owner": {"id": owner.pk, "name": owner.name, "phone": owner.phone},
            "ticket": {"id": recalled.ticket_id, "reference": recalled.ticket.reference, "status": Status.NEW},
            "callback": {"id": recalled.callback_id, "status": "due"},
        }

    assert first["results"] == [row(rows[0]), row(rows[1])]
    assert second["results"] == [row(rows[2])]
    assert second["next"] is None
    assert rows[0].callback.kind == CallbackKind.RECALL


def test_an_unknown_recall_is_not_found(as_manager):
    error(as_manager.get(f"{RECALLS}999999/"), 404, "not_found")
    error(as_manager.get(f"{RECALLS}999999/units/"), 404, "not_found")


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("as_agent", 403, "permission_denied"),
        ("as_technician", 403, "permission_denied"),
        ("as_department", 403, "permission_denied"),
        ("as_customer", 403, "permission_denied"),
    ],
)
def test_only_managers_and_admins_see_recalls_and_alerts(request, manager, washer, units, who, status, code):
    campaign = start(manager, washer)
    client = request.getfixturevalue(who)
    data = {"model": washer.pk, "batch": "B2026-02", "title": "Another", "reason": REASON}

    for response in (
        client.get(RECALLS),
        client.get(f"{RECALLS}{campaign.pk}/"),
        client.get(f"{RECALLS}{campaign.pk}/units/"),
        client.post(RECALLS, data, format="json"),
        client.get(ALERTS),
    ):
        error(response, status, code)
    assert RecallCampaign.objects.count() == 1


def test_an_admin_starts_recalls_too(washer, units):
    admin = factories.UserFactory(roles=[Role.ADMIN], username="admin1")
    data = {"model": washer.pk, "title": "Drain pump recall", "reason": REASON}

    assert client_for(admin).post(RECALLS, data, format="json").status_code == 201


# --- alerts ---------------------------------------------------------------------------------------------


def alert_body(alert) -> dict:
    alert.refresh_from_db()
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "kpi": alert.kpi,
        "dimension": alert.dimension,
        "value": alert.value,
        "label": alert.label,
        "numerator": alert.numerator,
        "denominator": alert.denominator,
        "rate": str(alert.rate),
        "threshold": str(alert.threshold),
        "window_start": alert.window_start.isoformat(),
        "window_end": alert.window_end.isoformat(),
        "model": None if alert.model is None else {"id": alert.model_id, "code": alert.model.code},
        "batch": alert.batch,
        "raised_at": iso(alert.raised_at),
        "checked_at": iso(alert.checked_at),
        "cleared_at": iso(alert.cleared_at),
        "is_open": alert.cleared_at is None,
    }


def test_alerts_newest_first_with_the_open_or_cleared_filter(as_manager, washer, django_assert_num_queries):
    cleared = factories.QualityAlertFactory(cleared_at=dt.datetime(2026, 4, 2, tzinfo=dt.UTC))
    batch = factories.QualityAlertFactory(
        kind="batch", kpi="", dimension="batch", model=washer, batch="B2026-01", label="XQG100 B2026-01"
    )

    with django_assert_num_queries(3):  # the token, the user's roles, the page
        response = as_manager.get(ALERTS)

    assert response.status_code == 200
    assert response.json()["results"] == [alert_body(batch), alert_body(cleared)]
    assert [row["id"] for row in as_manager.get(ALERTS, {"state": "open"}).json()["results"]] == [batch.pk]
    assert [row["id"] for row in as_manager.get(ALERTS, {"state": "cleared"}).json()["results"]] == [cleared.pk]
    assert [row["id"] for row in as_manager.get(ALERTS, {"kind": "rate"}).json()["results"]] == [cleared.pk]
    assert field_errors(as_manager.get(ALERTS, {"state": "closed"})) == {
        "state": ["Select a valid choice. closed is not one of the available choices."]
    }
