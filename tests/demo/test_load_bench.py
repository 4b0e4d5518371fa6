"""The load benchmark's own rules (bench/load_*.py, bench/field_bench.py): the throughput shares
and in-process verdicts it writes, the host it refuses, the clients and phones of the portal
submissions, and the data it adds for its scenarios (callbacks due, today's visits)."""

import argparse
import datetime as dt
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from fieldwork.models import Visit, VisitStatus
from followups.choices import CallbackKind, CallbackStatus
from followups.models import CallbackVisit
from tests import factories
from tickets.choices import Status

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import field_bench  # noqa: E402  (bench/)
import load_inprocess  # noqa: E402
import load_portal  # noqa: E402
import load_report  # noqa: E402
import load_scenarios  # noqa: E402
import load_setup  # noqa: E402
from bench_measure import Result, Scenario  # noqa: E402
from load_scenarios import HELLO, PORTAL_POST, Row, ScenarioResult  # noqa: E402


def _scenario(name: str, row: str, rps: float, *, failures: int = 0, p50: float = 20.0) -> ScenarioResult:
    return ScenarioResult(
        name, 3, 50, rows=[Row(row, requests=int(rps * 50), failures=failures, rps=rps, server=(p50, 2 * p50, 3 * p50))]
    )


def test_each_page_alone_is_judged_as_a_share_of_the_same_runs_hello_world():
    results = {
        "hello": _scenario("hello", HELLO, 1000.0, p50=1.2),
        "ticket": _scenario("ticket", "desk: ticket page", 100.0, p50=25.0),  # exactly 10 %
        "queue": _scenario("queue", "desk: queue, default", 99.9),  # just under
        "apilist": _scenario("apilist", "api: tickets, default", 150.0, failures=1),  # enough, but failed
        "portal": _scenario("portal", PORTAL_POST, 120.0, p50=40.0),  # exactly 12 %
    }

    table, verdicts = load_report.shares(results, 1000.0)

    assert table[2:] == [
        "| desk: ticket page | ticket | 100.0 | 10.0 % | ≥ 10 % | met | 25.0 | 50 |",
        "| desk: queue, default | queue | 99.9 | 9.9 % | ≥ 10 % | **MISSED** | 20.0 | 40 |",
        "| api: tickets, default | apilist | 150.0 | 15.0 % | ≥ 10 % | **MISSED** | 20.0 | 40 |",
        "| portal: submit (POST) | portal | 120.0 | 12.0 % | ≥ 12 % | met | 40.0 | 80 |",
    ]
    assert verdicts == [
        "- Each page alone, share of hello-world: desk: ticket page 100.0/s = 10.0 % (≥ 10 %: met; server p50 25.0 ms);"
        " desk: queue, default 99.9/s = 9.9 % (≥ 10 %: **MISSED**; server p50 20.0 ms);"
        " api: tickets, default 150.0/s = 15.0 % (≥ 10 %: **MISSED**; server p50 20.0 ms);"
        " portal: submit (POST) 120.0/s = 12.0 % (≥ 12 %: met; server p50 40.0 ms)."
    ]


def test_shares_need_the_hello_world_of_the_same_run():
    table, verdicts = load_report.shares({"ticket": _scenario("ticket", "desk: ticket page", 100.0)}, None)

    assert table == []
    assert verdicts == [
        "- Throughput shares: need the hello scenario and at least one of ticket, queue, apilist, portal."
    ]


def _result(name: str, p50: float, *, status: int = 200, expect: int = 200, queries: int = 5) -> Result:
    return Result(Scenario(name, "/", expect=expect), status, [p50] * 30, queries, None, "SELECT 1", 1.0)


def test_in_process_verdicts_are_strictly_under_each_pages_target():
    lines, verdicts = load_inprocess.inprocess_lines(
        [
            _result("desk: ticket page, typical (1 event)", 14.9, queries=12),
            _result("desk: queue, default", 12.0, queries=9),
            _result("api: tickets, default", 9.0, queries=3),
            _result(PORTAL_POST, 40.0, status=302, expect=302, queries=19),
            _result("desk: ticket page, longest of the sample (9 events)", 0.0, status=500),
        ]
    )

    assert lines[4:] == [
        "| desk: ticket page, typical (1 event) | 14.9 | 14.9 | 14.9 | 12 | 1.0 | < 15 | met |",
        "| desk: queue, default | 12.0 | 12.0 | 12.0 | 9 | 1.0 | < 12 | **MISSED** |",
        "| api: tickets, default | 9.0 | 9.0 | 9.0 | 3 | 1.0 | < 10 | met |",
        "| portal: submit (POST) | 40.0 | 40.0 | 40.0 | 19 | 1.0 |  |  |",
        "| desk: ticket page, longest of the sample (9 events) | HTTP 500 | | | | | < 15 | **MISSED** |",
    ]
    assert verdicts == [
        "- In-process p50: desk: ticket page, typical (1 event) 14.9 ms (12 queries, target < 15: met);"
        " desk: queue, default 12.0 ms (9 queries, target < 12: **MISSED**);"
        " api: tickets, default 9.0 ms (3 queries, target < 10: met); portal: submit (POST) 40.0 ms (19 queries);"
        " desk: ticket page, longest of the sample (9 events): HTTP 500."
    ]


@pytest.mark.parametrize("host", ["http://10.0.0.5:8000", "http://localhost:8000", "https://example.com"])
def test_the_load_only_ever_targets_127_0_0_1(host, tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(load_scenarios.subprocess, "run", lambda *a, **k: started.append(a))
    args = argparse.Namespace(users=3, duration=10, warmup=2)

    with pytest.raises(ValueError, match="only loads 127.0.0.1"):
        load_scenarios.run_locust("hello", args, host, tmp_path / "config.json", tmp_path, 1)

    assert started == []


def test_portal_submissions_come_from_new_addresses_and_phones_nobody_has():
    portal = {
        "phone_prefix": load_portal.PHONE_PREFIX,
        "models": ["M1"],
        "descriptions": ["Broken."],
        "purchase_date": "2026-01-02",
    }

    first, second = load_portal.submission(portal, 41), load_portal.submission(portal, 42)

    assert (first["phone"], second["phone"]) == ("+8619800000041", "+8619800000042")
    assert (first["name"], first["serial"], first["website"]) == ("Load Bench 41", "LB0000000041", "")
    # Locust counts from 198.18.0.1; the in-process submissions use 198.19.0.0/16.
    assert [load_portal.address(n) for n in (1, 256, 65535)] == ["198.18.0.1", "198.18.1.0", "198.18.255.255"]
    base = load_inprocess.ADDRESS_BASE
    assert load_portal.address(base + 42 % base) == "198.19.0.42"


@pytest.mark.django_db
def test_callbacks_due_are_topped_up_with_the_after_service_calls_owed():
    now = timezone.now()
    factories.CallbackVisitFactory()  # already due
    older, newer = (
        factories.TicketFactory(status=Status.CLOSED, resolved_at=now - dt.timedelta(days=days)) for days in (9, 2)
    )
    factories.TicketFactory(status=Status.CLOSED, resolved_at=now - dt.timedelta(days=30), is_test=True)

    assert load_setup.ensure_due_callbacks(minimum=3) == 2

    added = CallbackVisit.objects.filter(ticket__in=[older, newer]).order_by("ticket_id")
    assert [(v.ticket_id, v.kind, v.status, v.dedupe_key, v.due_at, v.customer_id) for v in added] == [
        (
            t.pk,
            CallbackKind.AFTER_SERVICE,
            CallbackStatus.DUE,
            f"after_service:{t.pk}:0",
            t.resolved_at + dt.timedelta(hours=24),
            t.customer_id,
        )
        for t in sorted([older, newer], key=lambda t: t.pk)
    ]
    assert CallbackVisit.objects.filter(status=CallbackStatus.DUE).count() == 3
    assert load_setup.ensure_due_callbacks(minimum=3) == 0
    assert CallbackVisit.objects.count() == 3


@pytest.mark.django_db
def test_the_bench_technicians_booked_visits_move_to_today_and_nothing_else():
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    seeded = today - dt.timedelta(days=3)
    bench_tech = factories.UserFactory(username=field_bench.BUSY_TECHNICIAN)
    other_tech = factories.UserFactory(username="someone-else")
    station = factories.ServiceStationFactory()
    ticket = factories.TicketFactory(status=Status.DISPATCHED)

    def visit(technician, day, hour, status=VisitStatus.BOOKED):
        start = dt.datetime.combine(day, dt.time(hour), tz)
        return Visit.objects.create(
            ticket=ticket,
            technician=technician,
            station=station,
            start=start,
            end=start + dt.timedelta(hours=4),
            status=status,
        )

    morning, afternoon = visit(bench_tech, seeded, 9), visit(bench_tech, seeded, 13)
    done = visit(bench_tech, seeded - dt.timedelta(days=1), 9, VisitStatus.DONE)
    someone_elses = visit(other_tech, seeded, 9)

    assert field_bench.bring_visits_to_today() == 2

    for moved, hour in ((morning, 9), (afternoon, 13)):
        moved.refresh_from_db()
        assert timezone.localtime(moved.start) == dt.datetime.combine(today, dt.time(hour), tz)
        assert moved.end - moved.start == dt.timedelta(hours=4)
    for kept in (done, someone_elses):
        start = kept.start
        kept.refresh_from_db()
        assert kept.start == start
    assert field_bench.bring_visits_to_today() == 0
