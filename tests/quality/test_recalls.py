"""Recall campaigns (quality/recalls/services.py, recall_selectors.py, recall_views.py): which units a
recall reaches, the tickets and calls it opens, idempotence, bad input, progress, the pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from customers.models import UnitStatus
from followups.choices import CallbackKind, CallbackStatus
from followups.models import CallbackVisit
from notifications.models import OutboundMessage
from quality.models import AlertKind, Dimension, QualityAlert, RecallCampaign, RecallUnit
from quality.recalls import services as recalls
from quality.recalls.selectors import campaigns_with_progress, pending_count, progress_of
from quality.tasks import recall_open_tickets_task, recall_sweep_task
from tests import factories
from tickets.choices import Channel, EventKind, Kind, Status
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

REASON = "The drain pump of this batch can crack. We replace it free of charge."


@pytest.fixture
def model():
    return factories.ProductModelFactory(code="XQG-R1")


@pytest.fixture
def units(model):
    """Five units of batch B1 in use, each with its own owner, serials SN0001–SN0005."""
    return [factories.ProductUnitFactory(model=model, batch="B1", serial=f"SN{n:04d}") for n in range(1, 6)]


@pytest.fixture
def others(model):
    """Units a batch-B1 recall of the model must not reach."""
    return {
        "replaced": factories.ProductUnitFactory(model=model, batch="B1", serial="SN0006", status=UnitStatus.REPLACED),
        "returned": factories.ProductUnitFactory(model=model, batch="B1", serial="SN0007", status=UnitStatus.RETURNED),
        "other_batch": factories.ProductUnitFactory(model=model, batch="B2", serial="SN0008"),
        "other_model": factories.ProductUnitFactory(batch="B1", serial="SN0009"),
    }


def _start(by, **overrides) -> RecallCampaign:
    fields = {"model": None, "batch": "B1", "title": "Drain pump recall", "reason": REASON, "by": by}
    return recalls.start_recall(**(fields | overrides))


def _start_and_open(manager, model, django_capture_on_commit_callbacks, **overrides) -> RecallCampaign:
    """Start a recall and run what the commit queues: the (eager) task that opens the tickets."""
    with django_capture_on_commit_callbacks(execute=True):
        campaign = _start(manager, model=model, **overrides)
    campaign.refresh_from_db()
    return campaign


# --- which units -----------------------------------------------------------------------------------


def test_a_batch_recall_reaches_the_batchs_units_in_use_and_no_other(model, units, others):
    assert set(recalls.recall_units(model=model, batch="B1")) == set(units)
    assert recalls.recall_preview(model=model, batch="B1", title="t", reason="r") == recalls.RecallPreview(5, 5)


def test_a_serial_range_is_inclusive_and_ignores_case(model, units, others):
    reached = recalls.recall_units(model=model, serial_from="sn0002", serial_to="SN0004")
    assert sorted(unit.serial for unit in reached) == ["SN0002", "SN0003", "SN0004"]
    # With a batch too, both narrow it: SN0008 is of batch B2.
    reached = recalls.recall_units(model=model, batch="B2", serial_from="SN0001", serial_to="SN0009")
    assert [unit.serial for unit in reached] == ["SN0008"]


# --- starting it and opening the tickets ----------------------------------------------------------


def test_a_recall_opens_one_ticket_and_one_call_per_unit_for_its_owner(
    model, units, others, manager, django_capture_on_commit_callbacks
):
    before = timezone.now()
    campaign = _start_and_open(manager, model, django_capture_on_commit_callbacks)

    assert campaign.opened_at is not None and campaign.started_by == manager
    rows = list(RecallUnit.objects.select_related("ticket", "callback", "unit").order_by("unit__serial"))
    assert [row.unit for row in rows] == units
    for row in rows:
        ticket, call = row.ticket, row.callback
        assert (ticket.kind, ticket.channel, ticket.status) == (Kind.REPAIR, Channel.PHONE, Status.NEW)
        assert (ticket.customer_id, ticket.unit_id, ticket.created_by) == (row.unit.owner_id, row.unit.pk, manager)
        assert ticket.reference.startswith("AS-") and ticket.response_due is not None
        assert "Drain pump recall" in ticket.description and REASON in ticket.description
        assert list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True)) == [EventKind.CREATED]
        assert (call.kind, call.status, call.customer_id, call.unit_id, call.ticket_id) == (
            CallbackKind.RECALL,
            CallbackStatus.DUE,
            row.unit.owner_id,
            row.unit.pk,
            ticket.pk,
        )
        assert call.dedupe_key == f"recall:{campaign.pk}:{row.unit.pk}"
        assert before + dt.timedelta(days=2) <= call.due_at <= timezone.now() + dt.timedelta(days=2)
    # Nothing for the replaced and returned units, the other batch or the other model.
    assert Ticket.objects.count() == CallbackVisit.objects.count() == 5
    assert not Ticket.objects.filter(unit__in=others.values()).exists()
    # Each owner is told on their channel, once.
    assert OutboundMessage.objects.filter(template="recall_notice").count() == 5


def test_a_serial_range_recall_reaches_only_its_range(
    model, units, others, manager, django_capture_on_commit_callbacks
):
    campaign = _start_and_open(
        manager, model, django_capture_on_commit_callbacks, batch="", serial_from="SN0004", serial_to="SN0008"
    )
    # SN0006 and SN0007 are replaced and returned; SN0008 is batch B2 and in the range.
    assert sorted(campaign.units.values_list("unit__serial", flat=True)) == ["SN0004", "SN0005", "SN0008"]
    assert Ticket.objects.count() == 3


def test_opening_twice_opens_nothing_more(model, units, manager, django_capture_on_commit_callbacks):
    campaign = _start_and_open(manager, model, django_capture_on_commit_callbacks)
    assert recalls.open_recall_tickets(campaign=campaign) == recalls.RecallOpening(opened=0, remaining=0)
    assert recall_open_tickets_task.delay(campaign.pk).get() == 0
    # Even with the campaign not yet marked opened, every unit is opened once.
    RecallCampaign.objects.filter(pk=campaign.pk).update(opened_at=None)
    campaign.refresh_from_db()
    assert recalls.open_recall_tickets(campaign=campaign) == recalls.RecallOpening(opened=0, remaining=0)
    assert (Ticket.objects.count(), CallbackVisit.objects.count(), RecallUnit.objects.count()) == (5, 5, 5)


def test_the_same_confirmation_twice_starts_one_recall(model, units, manager, django_capture_on_commit_callbacks):
    first = _start_and_open(manager, model, django_capture_on_commit_callbacks, request_key="k1")
    second = _start_and_open(manager, model, django_capture_on_commit_callbacks, request_key="k1")
    assert first == second
    assert RecallCampaign.objects.count() == 1 and Ticket.objects.count() == 5


def test_tickets_open_in_chunks_and_the_task_queues_the_next_chunk(
    model, units, manager, monkeypatch, django_capture_on_commit_callbacks
):
    campaign = _start(manager, model=model)  # the commit's task is not run
    assert recalls.open_recall_tickets(campaign=campaign, limit=2) == recalls.RecallOpening(opened=2, remaining=3)
    assert campaign.opened_at is None and pending_count(campaign) == 3
    monkeypatch.setattr(recalls, "OPEN_CHUNK", 2)
    assert recall_open_tickets_task.delay(campaign.pk).get() == 2  # then 1 more in the queued run
    campaign.refresh_from_db()
    assert campaign.opened_at is not None and campaign.units.count() == 5


def test_a_unit_opened_elsewhere_meanwhile_leaves_no_ticket_behind(model, units, manager):
    campaign = _start(manager, model=model)
    taken = units[2]
    # Another worker's call for this unit is there already (its ticket is about to commit).
    CallbackVisit.objects.create(
        kind=CallbackKind.RECALL,
        customer=taken.owner,
        due_at=timezone.now(),
        dedupe_key=f"recall:{campaign.pk}:{taken.pk}",
    )
    result = recalls.open_recall_tickets(campaign=campaign)
    assert result == recalls.RecallOpening(opened=4, remaining=1)
    assert not Ticket.objects.filter(unit=taken).exists()
    assert campaign.opened_at is None


def test_the_sweep_picks_up_a_recall_whose_task_never_ran(model, units, manager):
    stalled = _start(manager, model=model, now=timezone.now() - dt.timedelta(minutes=11))
    _start(manager, model=model, batch="B1", title="Fresh")  # its task is on its way
    assert recalls.stalled_campaign_ids(now=timezone.now()) == [stalled.pk]
    assert recall_sweep_task.delay().get() == 1
    stalled.refresh_from_db()
    assert stalled.opened_at is not None and stalled.units.count() == 5
    assert recalls.stalled_campaign_ids(now=timezone.now()) == []


def test_a_recall_is_saved_even_when_the_broker_is_down(
    model, units, manager, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(recall_open_tickets_task, "delay", broker_down)
    campaign = _start_and_open(manager, model, django_capture_on_commit_callbacks)
    assert campaign.opened_at is None and Ticket.objects.count() == 0


# --- bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"model": None}, "model"),
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"reason": ""}, "reason"),
        ({"serial_from": "SN0001"}, "serial_to"),
        ({"serial_to": "SN0001"}, "serial_from"),
        ({"serial_from": "SN0005", "serial_to": "SN0001"}, "serial_to"),
        ({"batch": "ZZZ"}, "batch"),
        ({"batch": "B1", "serial_from": "SN0100", "serial_to": "SN0200"}, "serial_from"),
        ({"batch": "b" * 41}, "batch"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_created(model, units, manager, overrides, field):
    fields = {"model": model} | overrides
    with pytest.raises(ValidationError) as caught:
        _start(manager, **fields)
    assert field in caught.value.message_dict
    assert RecallCampaign.objects.count() == Ticket.objects.count() == CallbackVisit.objects.count() == 0


def test_a_model_with_no_unit_in_use_is_an_error(manager):
    empty = factories.ProductModelFactory(code="EMPTY")
    with pytest.raises(ValidationError) as caught:
        _start(manager, model=empty, batch="")
    assert "model" in caught.value.message_dict


def test_an_alert_about_another_model_is_refused(model, units, manager):
    alert = _batch_alert(factories.ProductModelFactory(code="OTHER"), "B1")
    with pytest.raises(ValidationError) as caught:
        _start(manager, model=model, alert=alert)
    assert "alert" in caught.value.message_dict
    assert not RecallCampaign.objects.exists()


def test_only_managers_start_recalls(model, units, agent):
    with pytest.raises(PermissionDenied):
        _start(agent, model=model)
    assert not RecallCampaign.objects.exists()


# --- progress ------------------------------------------------------------------------------------------


def test_progress_counts_tickets_by_group_and_calls_by_outcome(
    model, units, manager, django_capture_on_commit_callbacks
):
    campaign = _start_and_open(manager, model, django_capture_on_commit_callbacks)
    rows = list(campaign.units.order_by("pk"))
    for row, status in zip(rows, [Status.CLOSED, Status.VERIFIED, Status.CANCELLED, Status.IN_PROGRESS], strict=False):
        Ticket.objects.filter(pk=row.ticket_id).update(status=status)
    for row, status in zip(rows, [CallbackStatus.DONE, CallbackStatus.DONE, CallbackStatus.UNREACHABLE], strict=False):
        CallbackVisit.objects.filter(pk=row.callback_id).update(status=status)

    progress = progress_of(campaigns_with_progress().get(pk=campaign.pk))
    assert (progress.units, progress.pending) == (5, 0)
    assert (progress.tickets_open, progress.tickets_resolved, progress.tickets_closed, progress.tickets_cancelled) == (
        2,
        1,
        1,
        1,
    )
    assert (progress.callbacks_due, progress.callbacks_done, progress.callbacks_unreachable) == (2, 2, 1)
    assert (progress.done, progress.percent_done) == (3, 60)
    assert [(s.name, s.count, s.percent) for s in progress.bar] == [
        ("closed", 1, 20.0),
        ("resolved", 1, 20.0),
        ("cancelled", 1, 20.0),
        ("open", 2, 40.0),
    ]


def test_progress_counts_the_units_still_to_open(model, units, manager):
    campaign = _start(manager, model=model)
    recalls.open_recall_tickets(campaign=campaign, limit=2)
    progress = progress_of(campaigns_with_progress().get(pk=campaign.pk), pending=pending_count(campaign))
    assert (progress.units, progress.units_opened, progress.pending, progress.tickets_open) == (5, 2, 3, 2)
    assert progress.percent_done == 0
    assert [(s.name, s.percent) for s in progress.bar] == [("open", 40.0), ("pending", 60.0)]


# --- the pages ------------------------------------------------------------------------------------------


def _batch_alert(model, batch: str) -> QualityAlert:
    today = timezone.localdate()
    return QualityAlert.objects.create(
        kind=AlertKind.BATCH,
        dimension=Dimension.BATCH,
        value=f"{model.pk}:{batch}",
        label=model.code,
        numerator=10,
        denominator=20,
        rate=Decimal("0.5"),
        threshold=Decimal("0.1"),
        window_start=today - dt.timedelta(days=365),
        window_end=today,
        model=model,
        batch=batch,
    )


PAGES = [("recalls:list", False), ("recalls:new", False), ("recalls:detail", True)]


@pytest.fixture
def campaign(model, units, manager, django_capture_on_commit_callbacks):
    return _start_and_open(manager, model, django_capture_on_commit_callbacks)


def _url(name: str, needs_pk: bool, campaign: RecallCampaign) -> str:
    return reverse(name, args=[campaign.pk] if needs_pk else [])


@pytest.mark.parametrize(("name", "needs_pk"), PAGES)
def test_managers_see_the_recall_pages(client, manager, campaign, name, needs_pk):
    client.force_login(manager)
    assert client.get(_url(name, needs_pk, campaign)).status_code == 200


@pytest.mark.parametrize(("name", "needs_pk"), PAGES)
@pytest.mark.parametrize("role", ["agent", "technician", "department_user"])
def test_other_staff_are_refused(client, request, campaign, name, needs_pk, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(_url(name, needs_pk, campaign)).status_code == 403


@pytest.mark.parametrize(("name", "needs_pk"), PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, campaign, name, needs_pk):
    url = _url(name, needs_pk, campaign)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("desk:login"))


def test_an_agent_cannot_start_a_recall_through_the_form(client, agent, model, units):
    client.force_login(agent)
    data = {"model": model.pk, "batch": "B1", "title": "t", "reason": "r", "action": "confirm"}
    assert client.post(reverse("recalls:new"), data).status_code == 403
    assert not RecallCampaign.objects.exists()


def test_the_list_shows_campaigns_with_progress_and_open_batch_alerts(client, manager, model, campaign):
    alert = _batch_alert(model, "B1")
    client.force_login(manager)
    response = client.get(reverse("recalls:list"))
    html = response.content.decode()
    assert "Drain pump recall" in html and reverse("recalls:detail", args=[campaign.pk]) in html
    assert "50.0 %" in html and "10.0 %" in html
    assert f"{reverse('recalls:new')}?alert={alert.pk}" in html


def test_start_a_recall_from_an_alert_preview_then_confirm(
    client, manager, model, units, django_capture_on_commit_callbacks
):
    alert = _batch_alert(model, "B1")
    client.force_login(manager)
    form = client.get(reverse("recalls:new"), {"alert": alert.pk}).context["form"]
    assert (form.initial["model"], form.initial["batch"], form.initial["alert"]) == (model.pk, "B1", alert.pk)

    data = {"model": model.pk, "batch": "B1", "title": "Pump recall", "reason": REASON, "alert": alert.pk}
    preview = client.post(reverse("recalls:new"), data | {"action": "preview"})
    assert preview.status_code == 200
    assert "5 units in use match, owned by 5 customers." in preview.content.decode()
    assert not RecallCampaign.objects.exists()
    key = preview.context["request_key"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("recalls:new"), data | {"action": "confirm", "request_key": key})
    campaign = RecallCampaign.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("recalls:detail", args=[campaign.pk])
    assert (campaign.alert, campaign.started_by, campaign.request_key) == (alert, manager, key)
    assert Ticket.objects.count() == 5
    # The same confirmation again (a double click): still one recall.
    again = client.post(reverse("recalls:new"), data | {"action": "confirm", "request_key": key})
    assert again.status_code == 302 and RecallCampaign.objects.count() == 1


def test_bad_form_input_answers_400_with_the_field_error(client, manager, model, units):
    client.force_login(manager)
    data = {"model": model.pk, "serial_from": "SN0005", "serial_to": "SN0001", "title": "t", "reason": "r"}
    response = client.post(reverse("recalls:new"), data | {"action": "confirm", "request_key": "x"})
    assert response.status_code == 400
    assert response.context["form"].errors["serial_to"] == ["The last serial must not come before the first."]
    missing = client.post(reverse("recalls:new"), {"model": "", "action": "preview"})
    assert missing.status_code == 400 and {"model", "title", "reason"} <= set(missing.context["form"].errors)
    assert not RecallCampaign.objects.exists()


def test_the_campaign_page_shows_what_why_who_progress_and_units(client, manager, campaign, units):
    client.force_login(manager)
    html = client.get(reverse("recalls:detail", args=[campaign.pk])).content.decode()
    assert "Drain pump recall" in html and "The drain pump of this batch can crack." in html
    assert manager.get_full_name() in html
    assert "0 % done" in html
    for row in campaign.units.select_related("ticket", "unit"):
        assert row.unit.serial in html and reverse("desk:ticket", args=[row.ticket.reference]) in html


@pytest.mark.parametrize("page_size", [25, 50])
def test_the_campaign_page_query_count_does_not_grow_with_the_page(
    client, manager, model, page_size, django_capture_on_commit_callbacks, django_assert_num_queries
):
    for n in range(60):
        factories.ProductUnitFactory(model=model, batch="BIG", serial=f"BIG{n:04d}")
    campaign = _start_and_open(manager, model, django_capture_on_commit_callbacks, batch="BIG")
    client.force_login(manager)
    url = reverse("recalls:detail", args=[campaign.pk])
    # User, roles; campaign with its counts; page count, page ids, page rows.
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(6):
        response = client.get(url, {"page_size": page_size})
    assert len(response.context["page"].object_list) == page_size


def test_the_list_query_count_does_not_grow_with_the_campaigns(
    client, manager, model, units, django_capture_on_commit_callbacks, django_assert_num_queries
):
    for n in range(3):
        _start_and_open(manager, model, django_capture_on_commit_callbacks, title=f"Recall {n}")
    _batch_alert(model, "B1")
    client.force_login(manager)
    # User, roles; campaigns count, page ids, page rows; open batch alerts.
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(6):
        client.get(reverse("recalls:list"))


# --- admin ------------------------------------------------------------------------------------------


def test_the_quality_tables_are_read_only_in_the_admin(client, campaign, model):
    from django.contrib import admin

    root = factories.UserFactory(username="root")
    root.is_staff = root.is_superuser = True
    root.save()
    _batch_alert(model, "B1")
    client.force_login(root)
    for name in ("qualityalert", "recallcampaign", "ratesnapshot", "kpithreshold"):
        assert client.get(reverse(f"admin:quality_{name}_changelist"), {"q": "x"}).status_code == 200, name
    page = client.get(reverse("admin:quality_recallcampaign_change", args=[campaign.pk]))
    assert page.status_code == 200 and campaign.units.first().ticket.reference in page.content.decode()
    for model_class in (QualityAlert, RecallCampaign):
        model_admin = admin.site._registry[model_class]
        assert not model_admin.has_add_permission(None) and not model_admin.has_delete_permission(None)
    assert (
        client.post(reverse("admin:quality_recallcampaign_delete", args=[campaign.pk]), {"post": "yes"}).status_code
        == 403
    )


# --- PostgreSQL: several workers at once ------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("blind_read", [False, True], ids=["as-is", "read-sees-nothing"])
def test_workers_opening_one_recall_at_once_open_each_unit_once(model, manager, blind_read):
    from unittest import mock

    from tests.concurrency import run_at_once

    for n in range(12):
        factories.ProductUnitFactory(model=model, batch="B1", serial=f"C{n:04d}")
    with mock.patch.object(recalls, "queue_recall_opening"):  # the workers below open it
        campaign = _start(manager, model=model)

    def open_all():
        return recalls.open_recall_tickets(campaign=RecallCampaign.objects.get(pk=campaign.pk)).opened

    # Blind: every worker believes every unit is still to open; only the constraints stop them.
    patch = mock.patch.object(recalls, "pending_units", recalls.campaign_units) if blind_read else mock.MagicMock()
    with patch:
        results = run_at_once(open_all, open_all, open_all)

    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 12
    assert RecallUnit.objects.count() == Ticket.objects.count() == CallbackVisit.objects.count() == 12
    assert Ticket.objects.values("unit").distinct().count() == 12
