"""Batch early warning (quality/batches.py): the pure assessment, the counting query, the
alerts it raises, refreshes and clears, the task and its schedule."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from aftersales.env import env_decimal
from notifications.models import OutboundMessage
from quality.batches import (
    BatchCounts,
    BatchPolicy,
    alert_value,
    assess,
    batch_counts,
    batch_rates,
    check_batch_alerts,
    policy_from_settings,
)
from quality.models import AlertKind, Dimension, QualityAlert, RecallCampaign, RecallUnit
from quality.tasks import batch_warning_task
from tests import factories
from tickets.choices import Kind, Status

POLICY = BatchPolicy(factor=Decimal("2.0"), min_margin=Decimal("0.02"), min_repairs=5, min_units=20)


def _rows(*rows: tuple[str, int, int], model_id: int = 1) -> list[BatchCounts]:
    return [BatchCounts(model_id=model_id, batch=batch, units=units, repairs=repairs) for batch, units, repairs in rows]


def _by_batch(rates) -> dict:
    return {rate.batch: rate for rate in rates}


# --- pure: no database --------------------------------------------------------------------------


def test_rates_are_exact_and_the_batch_is_compared_with_the_rest_of_its_model():
    rates = _by_batch(assess(_rows(("B1", 20, 10), ("B2", 30, 3), ("", 10, 1)), POLICY))
    b1 = rates["B1"]
    assert (b1.units, b1.repairs, b1.model_units, b1.model_repairs) == (20, 10, 60, 14)
    assert b1.rate == Fraction(1, 2)
    assert b1.model_rate == Fraction(14, 60)
    # The rest of the model: B2 and the units without a batch, 4 repairs for 40 units.
    assert (b1.rest_units, b1.rest_repairs, b1.rest_rate) == (40, 4, Fraction(1, 10))
    assert b1.limit == Fraction(1, 5)  # max(2 × 10 %, 10 % + 2 points)
    assert b1.flagged
    b2 = rates["B2"]
    assert (b2.rate, b2.rest_rate) == (Fraction(1, 10), Fraction(11, 30))
    assert not b2.flagged
    assert "" not in rates  # units without a batch are no batch


def test_a_big_bad_batch_would_hide_itself_in_a_model_rate_that_includes_it():
    bad = _by_batch(assess(_rows(("BIG", 100, 30), ("OK", 20, 2)), POLICY))["BIG"]
    # 30 % is less than twice the model's rate with the batch in it (32/120 = 26.7 %)...
    assert bad.rate < 2 * bad.model_rate
    # ...but three times the rest of the model's (2/20 = 10 %): flagged.
    assert bad.rest_rate == Fraction(1, 10)
    assert bad.flagged


@pytest.mark.parametrize(
    ("batch", "rest", "flagged"),
    [
        # 10/30 against 5/30: exactly twice the rest, with no rounding error: flagged.
        (("B", 30, 10), ("R", 30, 5), True),
        # One repair fewer: just under the limit.
        (("B", 30, 9), ("R", 30, 5), False),
        # The margin decides when the model almost never fails: rest 1 %, twice is 2 %, but the
        # limit is 1 % + 2 points = 3 %. 6/200 = 3 % is flagged, 5/200 = 2.5 % is not.
        (("B", 200, 6), ("R", 100, 1), True),
        (("B", 200, 5), ("R", 100, 1), False),
        # Far above, but one repair short of the minimum.
        (("B", 20, 4), ("R", 100, 1), False),
        (("B", 20, 5), ("R", 100, 1), True),
        # No repair at all in the rest of the model: the margin alone is the limit.
        (("B", 20, 5), ("R", 100, 0), True),
    ],
)
def test_flagged_at_the_limit_and_not_below_it(batch, rest, flagged):
    assert _by_batch(assess(_rows(batch, rest), POLICY))["B"].flagged is flagged


def test_batches_under_the_minimum_size_are_not_assessed_but_count_in_their_model():
    rates = _by_batch(assess(_rows(("SMALL", 19, 19), ("BIG", 20, 1)), POLICY))
    assert list(rates) == ["BIG"]
    assert rates["BIG"].rest_rate == Fraction(1)


def test_a_batch_that_is_the_whole_model_has_nothing_to_compare_with():
    (rate,) = assess(_rows(("ONLY", 50, 40)), POLICY)
    assert rate.rest_rate is None and rate.limit is None and not rate.flagged


def test_models_are_assessed_apart():
    rows = _rows(("B", 20, 10), ("R", 20, 0), model_id=1) + _rows(("B", 20, 10), ("R", 20, 10), model_id=2)
    assert [(rate.model_id, rate.batch, rate.flagged) for rate in assess(rows, POLICY)] == [
        (1, "B", True),
        (1, "R", False),
        (2, "B", False),
        (2, "R", False),
    ]


def test_policy_comes_from_the_settings(settings):
    settings.BATCH_WARNING_FACTOR = Decimal("3.5")
    settings.BATCH_WARNING_MIN_MARGIN = Decimal("0.05")
    settings.BATCH_WARNING_MIN_REPAIRS = 7
    settings.BATCH_WARNING_MIN_UNITS = 50
    assert policy_from_settings() == BatchPolicy(
        factor=Decimal("3.5"), min_margin=Decimal("0.05"), min_repairs=7, min_units=50
    )


def test_env_decimal_reads_a_number_and_rejects_anything_else(monkeypatch):
    monkeypatch.setenv("SOME_FACTOR", "2.5")
    assert env_decimal("SOME_FACTOR", "2.0") == Decimal("2.5")
    monkeypatch.setenv("SOME_FACTOR", "")
    assert env_decimal("SOME_FACTOR", "2.0") == Decimal("2.0")
    for bad in ("two", "NaN", "Infinity"):
        monkeypatch.setenv("SOME_FACTOR", bad)
        with pytest.raises(ImproperlyConfigured):
            env_decimal("SOME_FACTOR", "2.0")


# --- the counting query --------------------------------------------------------------------------


def _units(model, batch: str, count: int) -> list:
    return factories.ProductUnitFactory.create_batch(count, model=model, batch=batch)


def _repair(unit, **fields):
    return factories.TicketFactory(customer=unit.owner, unit=unit, kind=Kind.REPAIR, **fields)


@pytest.fixture
def model(db):
    return factories.ProductModelFactory(code="XQG-W1")


@pytest.mark.django_db
def test_batch_counts_count_repairs_with_the_kpi_exclusions_in_the_window(model, manager):
    now = timezone.now()
    units = _units(model, "B1", 3)
    other_model_unit = factories.ProductUnitFactory(batch="B1")
    counted = [
        _repair(units[0]),
        _repair(units[0]),  # a unit repaired twice counts twice
        _repair(units[1], status=Status.CANCELLED, cancelled_at=now, dispatched_at=now),  # after dispatch
    ]
    _repair(units[1], is_test=True)
    _repair(units[1], status=Status.MERGED)
    _repair(units[1], status=Status.CANCELLED, cancelled_at=now)  # before dispatch
    factories.TicketFactory(customer=units[2].owner, unit=units[2], kind=Kind.COMPLAINT)
    factories.TicketFactory(customer=units[2].owner, unit=units[2], kind=Kind.MAINTENANCE)
    old = _repair(units[2])
    type(old).objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(days=400))
    recall_ticket = _repair(units[2])
    campaign = RecallCampaign.objects.create(title="R", model=model, reason="r", started_by=manager)
    RecallUnit.objects.create(campaign=campaign, unit=units[2], ticket=recall_ticket)
    _repair(other_model_unit)

    counts = {
        (row.model_id, row.batch): (row.units, row.repairs)
        for row in batch_counts(since=now - dt.timedelta(days=365), until=now + dt.timedelta(minutes=1))
    }
    assert counts == {(model.pk, "B1"): (3, len(counted)), (other_model_unit.model_id, "B1"): (1, 1)}


# --- alerts ------------------------------------------------------------------------------------------


@pytest.fixture
def failing_batch(model):
    """Batch BAD: 10 repairs for 20 units (50 %); batch OK: 2 for 20 (10 %)."""
    bad, ok = _units(model, "BAD", 20), _units(model, "OK", 20)
    for unit in bad[:10]:
        _repair(unit)
    for unit in ok[:2]:
        _repair(unit)
    return bad, ok


@pytest.mark.django_db
def test_batch_rates_report_every_batch_large_enough(model, failing_batch):
    rates = _by_batch(batch_rates(now=timezone.now()))
    assert (rates["BAD"].rate, rates["BAD"].rest_rate, rates["BAD"].flagged) == (
        Fraction(1, 2),
        Fraction(1, 10),
        True,
    )
    assert (rates["OK"].rate, rates["OK"].flagged) == (Fraction(1, 10), False)


@pytest.mark.django_db
def test_a_failing_batch_raises_one_alert_and_emails_the_managers_once(model, failing_batch, manager):
    now = timezone.now()
    check = check_batch_alerts(now=now)
    assert (check.flagged, check.raised, check.cleared) == (1, 1, 0)
    alert = QualityAlert.objects.get()
    assert (alert.kind, alert.kpi, alert.dimension, alert.value) == (
        AlertKind.BATCH,
        "",
        Dimension.BATCH,
        alert_value(model.pk, "BAD"),
    )
    assert (alert.model, alert.batch, alert.label) == (model, "BAD", "XQG-W1")
    assert (alert.numerator, alert.denominator) == (10, 20)
    assert (alert.rate, alert.threshold) == (Decimal("0.5"), Decimal("0.1"))
    assert alert.window_end == timezone.localdate(now)
    assert alert.window_start == timezone.localdate(now - dt.timedelta(days=365))
    assert alert.is_open
    assert list(OutboundMessage.objects.values_list("template", "channel", "recipient")) == [
        ("alert_raised", "email", manager.email)
    ]

    # The next night: the same batch is still failing, with one more repair.
    _repair(failing_batch[0][10])
    later = now + dt.timedelta(days=1)
    check = check_batch_alerts(now=later)
    assert (check.flagged, check.raised, check.cleared) == (1, 0, 0)
    refreshed = QualityAlert.objects.get()
    assert refreshed.pk == alert.pk
    assert (refreshed.numerator, refreshed.rate, refreshed.checked_at) == (11, Decimal("0.55"), later)
    assert refreshed.raised_at == now
    assert OutboundMessage.objects.count() == 1


@pytest.mark.django_db
def test_the_alert_is_cleared_when_the_batch_is_back_and_raised_anew_if_it_fails_again(model, failing_batch):
    now = timezone.now()
    check_batch_alerts(now=now)
    # A year and a day later the repairs have left the window: nothing is failing.
    later = now + dt.timedelta(days=366)
    check = check_batch_alerts(now=later)
    assert (check.flagged, check.raised, check.cleared) == (0, 0, 1)
    cleared = QualityAlert.objects.get()
    assert cleared.cleared_at == later and not cleared.is_open
    # It fails again: a new alert, the old one stays cleared.
    bad = failing_batch[0]
    for unit in bad[:6]:
        ticket = _repair(unit)
        type(ticket).objects.filter(pk=ticket.pk).update(created_at=later)
    check = check_batch_alerts(now=later + dt.timedelta(minutes=1))
    assert (check.flagged, check.raised) == (1, 1)
    assert QualityAlert.objects.filter(cleared_at__isnull=True).exclude(pk=cleared.pk).count() == 1


@pytest.mark.django_db
def test_recall_tickets_do_not_keep_a_recalled_batch_failing(model, failing_batch, manager):
    bad, ok = failing_batch
    campaign = RecallCampaign.objects.create(title="R", model=model, batch="OK", reason="r", started_by=manager)
    for unit in ok:
        RecallUnit.objects.create(campaign=campaign, unit=unit, ticket=_repair(unit))
    rates = _by_batch(batch_rates(now=timezone.now()))
    assert rates["OK"].repairs == 2 and not rates["OK"].flagged


@pytest.mark.django_db
def test_rate_alerts_are_left_alone(model, failing_batch):
    now = timezone.now()
    rate_alert = QualityAlert.objects.create(
        kind=AlertKind.RATE,
        kpi="complaint_rate",
        numerator=5,
        denominator=10,
        rate=Decimal("0.5"),
        threshold=Decimal("0.1"),
        window_start=now.date(),
        window_end=now.date(),
    )
    check_batch_alerts(now=now + dt.timedelta(days=366))
    rate_alert.refresh_from_db()
    assert rate_alert.is_open


@pytest.mark.django_db
def test_the_task_checks_the_batches(model, failing_batch):
    assert batch_warning_task.delay().get() == {"flagged": 1, "alerts_raised": 1, "alerts_cleared": 0}
    assert batch_warning_task.name == "followups.batch_warning_task"


@pytest.mark.django_db
def test_migrate_schedules_the_batch_check_nightly_and_the_recall_sweep_every_ten_minutes():
    nightly = PeriodicTask.objects.select_related("crontab").get(task="followups.batch_warning_task")
    assert nightly.enabled
    assert (nightly.crontab.hour, nightly.crontab.minute, nightly.crontab.day_of_week) == ("2", "45", "*")
    assert str(nightly.crontab.timezone) == "Asia/Shanghai"
    sweep = PeriodicTask.objects.select_related("interval").get(task="followups.recall_sweep_task")
    assert sweep.enabled
    assert (sweep.interval.every, sweep.interval.period) == (10, "minutes")


@pytest.mark.django_db
def test_the_demo_shows_a_batch_alert_and_a_recall_started_from_it():
    from django.core.management import call_command

    from demo.scenario.recall import RECALL_STORY_BATCHES

    call_command("demo", stdout=StringIO())
    alert = QualityAlert.objects.get(kind=AlertKind.BATCH, cleared_at__isnull=True)
    size, failed = RECALL_STORY_BATCHES[0]
    assert (alert.model.code, alert.numerator, alert.denominator) == ("XQG80-BD1206", failed, size)
    campaign = RecallCampaign.objects.get()
    assert (campaign.alert, campaign.model, campaign.batch) == (alert, alert.model, alert.batch)
    assert campaign.opened_at is not None and campaign.units.count() == size
