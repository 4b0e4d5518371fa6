"""Daily snapshots (idempotent, per dimension, numerators and denominators), thresholds, and
rate alerts raised, refreshed and cleared."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from followups.choices import RatingSource
from followups.models import SatisfactionRating
from notifications.models import OutboundMessage
from quality import snapshots
from quality.metrics import Period, business_today
from quality.models import AlertKind, Dimension, KpiThreshold, QualityAlert, RateSnapshot
from quality.tasks import quality_snapshot_task
from tests import factories
from tickets.choices import Status as TicketStatus
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 31, 20, tzinfo=SHANGHAI)
TODAY = dt.date(2026, 3, 31)


def at(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=SHANGHAI)


def completed(day: int, **fields) -> Ticket:
    row = factories.TicketFactory(status=TicketStatus.RESOLVED, resolved_at=at(day), work_done="Fixed.", **fields)
    Ticket.objects.filter(pk=row.pk).update(created_at=at(day) - dt.timedelta(days=1))
    return row


def rated(on: Ticket, score: int, day: int) -> None:
    SatisfactionRating.objects.create(ticket=on, source=RatingSource.PORTAL, score=score)
    SatisfactionRating.objects.filter(ticket=on).update(created_at=at(day))


def snapshot(day: dt.date, dimension: str = Dimension.ALL, value: str = "", **counts) -> RateSnapshot:
    return RateSnapshot.objects.create(day=day, dimension=dimension, value=value, **counts)


# Snapshots ---------------------------------------------------------------------------------


def test_refresh_stores_counts_per_day_and_dimension_and_is_idempotent(django_assert_max_num_queries):
    station = factories.ServiceStationFactory()
    first = completed(10, station=station)
    completed(10, station=station)
    completed(11)
    rated(first, 1, 12)

    # Ten queries per breakdown (eight, and the whole organisation); the rest writes the rows
    # (two INSERTs where SQLite's limit on parameters splits the rows, now that every breakdown
    # has its "none" row).
    with django_assert_max_num_queries(90 + 5):
        written = snapshots.refresh(Period(dt.date(2026, 3, 1), TODAY), now=NOW)

    whole = {row.day: row for row in RateSnapshot.objects.filter(dimension=Dimension.ALL)}
    assert (whole[dt.date(2026, 3, 10)].service_completed, whole[dt.date(2026, 3, 11)].service_completed) == (2, 1)
    assert (whole[dt.date(2026, 3, 12)].ratings, whole[dt.date(2026, 3, 12)].low_ratings) == (1, 1)
    by_station = RateSnapshot.objects.get(dimension=Dimension.STATION, value=str(station.pk), day=dt.date(2026, 3, 10))
    assert (by_station.service_completed, by_station.repairs, by_station.fixed_first_time) == (2, 2, 2)
    rows = sorted(RateSnapshot.objects.values_list("day", "dimension", "value", "service_completed", "ratings"))

    assert snapshots.refresh(Period(dt.date(2026, 3, 1), TODAY), now=NOW) == written
    assert sorted(RateSnapshot.objects.values_list("day", "dimension", "value", "service_completed", "ratings")) == rows


def test_refresh_replaces_only_its_days_and_drops_what_no_longer_counts():
    kept = snapshot(dt.date(2026, 2, 1), service_completed=7)
    marked = completed(10)
    snapshots.refresh(Period.day(dt.date(2026, 3, 10)), now=NOW)
    assert snapshots.totals(Period.day(dt.date(2026, 3, 10))).service_completed == 1

    Ticket.objects.filter(pk=marked.pk).update(is_test=True)
    snapshots.refresh(Period.day(dt.date(2026, 3, 10)), now=NOW)

    assert not RateSnapshot.objects.filter(day=dt.date(2026, 3, 10)).exists()
    assert RateSnapshot.objects.get(pk=kept.pk).service_completed == 7


def test_reading_sums_numerators_and_denominators_never_ratios():
    snapshot(dt.date(2026, 3, 1), ratings=10, low_ratings=0)
    snapshot(dt.date(2026, 3, 2), ratings=100, low_ratings=15)
    snapshot(dt.date(2026, 3, 2), Dimension.STATION, "4", ratings=100, low_ratings=15)
    period = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 3))

    rate = snapshots.rates(period)["dissatisfaction_rate"]
    daily = snapshots.daily(period)

    assert (rate.numerator, rate.denominator, rate.percent) == (15, 110, Decimal("13.64"))
    assert [totals.ratings for totals in daily.values()] == [10, 100, 0]
    assert snapshots.totals_by_value(period, Dimension.STATION)["4"].low_ratings == 15


def test_the_task_refreshes_checks_alerts_and_renders_the_dashboard():
    factories.TicketFactory(status=TicketStatus.RESOLVED, resolved_at=timezone.now(), work_done="Fixed.")

    result = quality_snapshot_task.delay(2).get()

    # The whole organisation and the ticket's category, model, batch and region; no station,
    # agent, technician or provider, so their "none" rows. The dashboard as it opens and its
    # eight tabs over 30 and 90 days, in two languages.
    assert result == {"rows": 9, "alerts_raised": 0, "alerts_cleared": 0, "views_rendered": 34}
    assert set(RateSnapshot.objects.values_list("dimension", flat=True)) == {
        Dimension.ALL,
        Dimension.CATEGORY,
        Dimension.MODEL,
        Dimension.BATCH,
        Dimension.REGION,
        Dimension.STATION,
        Dimension.AGENT,
        Dimension.TECHNICIAN,
        Dimension.PROVIDER,
    }
    assert set(
        RateSnapshot.objects.filter(
            dimension__in=[Dimension.STATION, Dimension.AGENT, Dimension.TECHNICIAN, Dimension.PROVIDER]
        ).values_list("value", flat=True)
    ) == {"none"}
    assert snapshots.totals(Period.day(business_today())).service_completed == 1


# Thresholds --------------------------------------------------------------------------------


def test_thresholds_default_to_10_percent_and_managers_change_them(manager):
    assert snapshots.thresholds()["dissatisfaction_rate"] == Decimal("0.10")

    snapshots.set_threshold("dissatisfaction_rate", Decimal("0.125"), by=manager)

    assert snapshots.thresholds()["dissatisfaction_rate"] == Decimal("0.1250")
    assert snapshots.thresholds()["complaint_rate"] == Decimal("0.10")
    with pytest.raises(ValidationError) as error:
        snapshots.set_threshold("dissatisfaction_rate", Decimal("1.5"), by=manager)
    assert "threshold" in error.value.message_dict
    with pytest.raises(ValidationError):
        snapshots.set_threshold("made_up", Decimal("0.1"), by=manager)
    assert KpiThreshold.objects.get().threshold == Decimal("0.1250")


# Alerts ------------------------------------------------------------------------------------


def test_a_crossing_raises_one_alert_emails_managers_once_and_clears_when_back(
    manager, django_capture_on_commit_callbacks
):
    other_manager = factories.UserFactory(email="second@example.com")
    other_manager.groups.add(*manager.groups.all())
    row = snapshot(TODAY, ratings=100, low_ratings=12)

    with django_capture_on_commit_callbacks(execute=True):
        assert snapshots.check_rate_alerts(now=NOW) == (1, 0)
    alert = QualityAlert.objects.get()
    assert (alert.kind, alert.kpi, alert.dimension, alert.value) == (
        AlertKind.RATE,
        "dissatisfaction_rate",
        Dimension.ALL,
        "",
    )
    assert (alert.numerator, alert.denominator, alert.rate, alert.threshold) == (
        12,
        100,
        Decimal("0.120000"),
        Decimal("0.100000"),
    )
    assert (alert.window_start, alert.window_end) == (dt.date(2026, 3, 2), TODAY)
    emails = OutboundMessage.objects.filter(template="alert_raised", channel="email")
    assert sorted(emails.values_list("recipient", flat=True)) == sorted([manager.email, "second@example.com"])

    RateSnapshot.objects.filter(pk=row.pk).update(low_ratings=15)
    assert snapshots.check_rate_alerts(now=NOW) == (0, 0)
    alert.refresh_from_db()
    assert (alert.numerator, alert.cleared_at) == (15, None)
    assert emails.count() == 2

    RateSnapshot.objects.filter(pk=row.pk).update(low_ratings=10)  # 10 % is within the threshold
    assert snapshots.check_rate_alerts(now=NOW) == (0, 1)
    alert.refresh_from_db()
    assert alert.cleared_at == NOW
    assert not QualityAlert.objects.filter(cleared_at__isnull=True).exists()

    RateSnapshot.objects.filter(pk=row.pk).update(low_ratings=30)
    assert snapshots.check_rate_alerts(now=NOW) == (1, 0)  # a new crossing is a new alert
    assert QualityAlert.objects.count() == 2


def test_a_raised_threshold_clears_the_alert(manager):
    snapshot(TODAY, ratings=100, low_ratings=12)
    snapshots.check_rate_alerts(now=NOW)
    snapshots.set_threshold("dissatisfaction_rate", Decimal("0.15"), by=manager)

    assert snapshots.check_rate_alerts(now=NOW) == (0, 1)


def test_breakdown_alerts_need_enough_records_and_old_days_do_not_count():
    snapshot(TODAY, Dimension.STATION, "1", ratings=19, low_ratings=19)  # too few to judge
    snapshot(TODAY, Dimension.STATION, "2", ratings=20, low_ratings=3)
    snapshot(TODAY - dt.timedelta(days=30), Dimension.STATION, "3", ratings=50, low_ratings=50)  # outside 30 days
    station = factories.ServiceStationFactory(pk=2, name="Pudong")

    assert snapshots.check_rate_alerts(now=NOW) == (1, 0)
    alert = QualityAlert.objects.get()
    assert (alert.dimension, alert.value, alert.label, alert.numerator) == (Dimension.STATION, "2", station.name, 3)
