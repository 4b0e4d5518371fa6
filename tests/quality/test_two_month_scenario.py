"""Two months of mixed work (tests/quality/two_month_scenario.py) and every KPI of September and
October 2026 worked out by hand from the written formulas (docs/kpis.md, the README's
quality section), compared with GET /api/metrics/ (whole organisation and by station) and with
the dashboard, after the snapshot job has run. No expectation is computed by the code under test.

The business calendar (default: Monday–Saturday 08:30–17:30, 9 open hours a day) in 2026:
September's open days are 1–5, 7–12, 14–19, 20 (a Sunday made a working day), 21–24, 28–30
(25–27 are Mid-Autumn); October's are 8–10, 12–17, 19–24, 26–31 (1–7 are National Day).

Deadlines used below, for a job opened on an open day D at 09:00 (8.5 open hours left that day):
repair response 2 h → D 11:00, arrival 24 h → 2nd open day after D at 15:00, completion 72 h →
8th open day after D at 09:00; installation arrival 48 h → 5th open day after D at 12:00,
completion 72 h as a repair; maintenance arrival 96 h → 10th open day after D at 15:00,
completion 120 h → 13th open day after D at 12:00. A complaint opened at 10:00 on D: response
by closing time that day, completion (168 h) → 18th open day after D at 16:00.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client

from quality import metrics as kpis
from quality.metrics import NO_VALUE, Period
from quality.tasks import quality_snapshot_task
from tests.quality.two_month_scenario import NOW, Scenario, at, build, clock

pytestmark = pytest.mark.django_db

SEPTEMBER = {"start": "2026-09-01", "end": "2026-09-30"}
OCTOBER = {"start": "2026-10-01", "end": "2026-10-31"}

# (numerator, denominator) of every KPI, by hand. Ticket names are those of two_month_scenario.
#
# Left out everywhere: s12 and o9 (merged), s16 (cancelled before dispatch), s18 and its callback
# complaint c18 (test data). s17 was cancelled after dispatch: it counts.
SEPTEMBER_RATES = {
    # Service tickets resolved in September: s1 s2 s3 s4 s5 s6 s7 (resolved 9 Sep, then reopened)
    # s8 s9 s10 s19 s20 (resolved again 23 Sep) s_edge (30 Sep 23:30 CST) = 13. Not s_eve (9 Oct).
    # Service complaints first made in September, once per (original, class): c7 (s7 workmanship),
    # s11 (s6 delay; its duplicate s12 merged), s13 (s1 attitude; s14 is the same again), c20 (s20
    # attitude), c_edge (s2 overcharging, 30 Sep 23:30) = 5. s15 is product quality (beside it).
    "complaint_rate": (5, 13),
    # Cases by first contact: s1–s11, s13–s15, s17, s19, s20, s_edge, s_eve (30 Sep 20:00),
    # c7, c20, c_edge = 22 cases (every one long due). With an omission: s10 (logged 3 h after the
    # voicemail), s7 (reopened and never done again: late), s4 and s_edge (no callback attempt in
    # 72 h), s2 (quality fault never acknowledged) = 5.
    "omission_rate": (5, 22),
    "omission_unrecorded": (1, 22),  # s10
    "omission_late": (1, 22),  # s7: its restarted dispatch deadline (11 Sep 09:00) passed
    "omission_no_callback": (2, 22),  # s4 (72 h + 1 min), s_edge (8 Oct); s3 at exactly 72 h is in time
    "omission_no_feedback": (1, 22),  # s2; s1 ("qf 12" = QF12) was acknowledged in 2 days
    # Responses: ratings s1 5, s2 4, s3 4, s4 5, s6 3, s7 2, s8 5, s9 5, s10 5, s19 5, s20 4 = 11,
    # and s20's complaint without a rating (23 Sep) = 12. Dissatisfied: s7's 2 and that complaint.
    # s5 was unreachable; s_edge's rating was given on 8 October.
    "dissatisfaction_rate": (2, 12),
    "satisfaction_top2": (9, 11),  # all ratings but s6's 3 and s7's 2
    # Of the 13 completed: no attempt within 72 h for s4 and s_edge; s5 attempted but never
    # reached; s20 reached on its new round's callback (24 Sep).
    "callback_coverage": (11, 13),
    "callback_reach": (10, 13),
    # Repairs resolved in September: s1 s2 s5 s6 s7 s8 s9 s10 s19 s20 s_edge = 11. Not first time:
    # s7 (reopened), s8 (s9 repaired the same unit 7 days later), s20 (reopened, second visit).
    "first_time_fix_rate": (8, 11),
    # Response deadlines in September: s1–s10 (not s_eve's, 8 Oct), s11, s13, s14, s15, c7, c20,
    # s17 (acknowledged before it cancelled), s19 (due Sunday 20 Sep 09:00, the make-up day),
    # s_edge = 20, all met. c_edge's is 8 Oct (logged after closing on the eve of the holiday).
    "contact_timeliness": (20, 20),
    # Arrival deadlines in September: s1–s10, s19 (22 Sep 13:00), s20 (restarted: 28 Sep 16:00)
    # = 12; s7's restarted deadline (12 Sep 16:00) was missed. s17's was released by cancelling.
    "arrival_timeliness": (11, 12),
    # Completion deadlines in September: s1–s10, s19 (30 Sep 16:00) = 11; s7's restarted one
    # (19 Sep 10:00) missed. s20's restarted one is 12 Oct; every complaint's 168 h ends in October.
    "completion_timeliness": (10, 11),
    # Complaints opened in September: c7 s11 s13 s14 s15 c20 c_edge = 7; c_edge (30 Sep 23:30)
    # was resolved on 8 Oct 15:00, more than 7 × 24 h later (the holiday does not stop this one).
    "complaints_closed_within_7_days": (6, 7),
}
OCTOBER_RATES = {
    # Resolved in October: s_eve (9 Oct), o1, o2, o3, o4 (then reopened), o8, o12 (31 Oct 23:30)
    # = 7. Service complaints first made in October: o6 (s_eve delay) = 1; c_o4 has no class.
    "complaint_rate": (1, 7),
    # Cases: o1 o2 o3 o4 c_o4 o6 o8 o12 = 8. Late: o4 (reopened, never done again) and c_o4
    # (never handled: its completion deadline, 5 Nov, passed).
    "omission_rate": (2, 8),
    "omission_unrecorded": (0, 8),
    "omission_late": (2, 8),
    "omission_no_callback": (0, 8),  # o12 resolved 31 Oct 23:30, called 2 Nov 10:00: in time
    "omission_no_feedback": (0, 8),
    # Ratings given in October: s_edge 5, s_eve 5, o1 5, o2 5, o3 5, o4 1, o8 5 = 7 (o12's is in
    # November). Dissatisfied: o4's 1.
    "dissatisfaction_rate": (1, 7),
    "satisfaction_top2": (6, 7),
    "callback_coverage": (7, 7),
    "callback_reach": (7, 7),
    # Repairs resolved in October: s_eve, o1, o2, o8, o12 = 5, all first time (o4 is maintenance).
    "first_time_fix_rate": (5, 5),
    # Response deadlines in October: s_eve (8 Oct 10:30), c_edge (8 Oct 17:30), o1 (logged on the
    # holiday: 8 Oct 10:30), o2, o3, o4, c_o4 (never acknowledged: missed), o6, o8, o12 = 10.
    "contact_timeliness": (9, 10),
    # Arrival deadlines in October: s_edge (9 Oct 15:00), s_eve (10 Oct 14:30), o1 (10 Oct 14:30),
    # o2, o3, o4 (restarted: 27 Oct 16:00, missed), o8 = 7. o12's is 2 Nov.
    "arrival_timeliness": (6, 7),
    # Completion deadlines in October: s_edge (16 Oct 09:00), s_eve and o1 (16 Oct 17:30), s20
    # (12 Oct 10:00), c7 (9 Oct 16:00), s11 (14 Oct), s13 (16 Oct), s14 (17 Oct), s15 (19 Oct),
    # c20 (23 Oct), c_edge (29 Oct 14:30), o2 (21 Oct), o3 (22 Oct), o4 (restarted: 30 Oct 13:00,
    # missed), o8 (29 Oct) = 15. c_o4's and o6's are in November, o12's too.
    "completion_timeliness": (14, 15),
    # Complaints opened in October: c_o4 (never closed), o6 (closed the next day).
    "complaints_closed_within_7_days": (1, 2),
}
# September by station; a complaint counts in the complaint rate under the station of the ticket it
# is about, and everywhere else under its own (none). Rows: North, South, none.
#   North: s1 s2 s6 s8 s9 s10 s_edge s_eve;  South: s3 s4 s7 s17 s19 s20;
#   none: s5 (a technician only) and the complaints c7 s11 s13 s14 s15 c20 c_edge.
SEPTEMBER_BY_STATION = {
    "north": {
        "complaint_rate": (3, 7),  # s11 (s6), s13 (s1), c_edge (s2) ÷ s1 s2 s6 s8 s9 s10 s_edge
        "omission_rate": (3, 8),  # s2, s10, s_edge ÷ s1 s2 s6 s8 s9 s10 s_edge s_eve
        "omission_unrecorded": (1, 8),
        "omission_late": (0, 8),
        "omission_no_callback": (1, 8),
        "omission_no_feedback": (1, 8),
        "dissatisfaction_rate": (0, 6),  # s1 s2 s6 s8 s9 s10
        "satisfaction_top2": (5, 6),
        "callback_coverage": (6, 7),
        "callback_reach": (6, 7),
        "first_time_fix_rate": (6, 7),  # all but s8
        "contact_timeliness": (7, 7),
        "arrival_timeliness": (6, 6),
        "completion_timeliness": (6, 6),
        "complaints_closed_within_7_days": (0, 0),
    },
    "south": {
        "complaint_rate": (2, 5),  # c7 (s7), c20 (s20) ÷ s3 s4 s7 s19 s20
        "omission_rate": (2, 6),  # s4, s7 ÷ s3 s4 s7 s17 s19 s20
        "omission_unrecorded": (0, 6),
        "omission_late": (1, 6),
        "omission_no_callback": (1, 6),
        "omission_no_feedback": (0, 6),
        "dissatisfaction_rate": (2, 6),  # s7's 2, s20's unrated complaint ÷ 5 ratings + 1
        "satisfaction_top2": (4, 5),  # s3 4, s4 5, s19 5, s20 4; not s7's 2
        "callback_coverage": (4, 5),  # not s4
        "callback_reach": (4, 5),
        "first_time_fix_rate": (1, 3),  # s7, s19, s20: only s19
        "contact_timeliness": (6, 6),  # s3 s4 s7 s17 s19 s20
        "arrival_timeliness": (4, 5),  # s3 s4 s7 (missed) s19 s20
        "completion_timeliness": (3, 4),  # s3 s4 s7 (missed) s19
        "complaints_closed_within_7_days": (0, 0),
    },
    NO_VALUE: {
        "complaint_rate": (0, 1),  # s5; every complaint is about a ticket at a station
        "omission_rate": (0, 8),  # s5 c7 s11 s13 s14 s15 c20 c_edge
        "omission_unrecorded": (0, 8),
        "omission_late": (0, 8),
        "omission_no_callback": (0, 8),
        "omission_no_feedback": (0, 8),
        "dissatisfaction_rate": (0, 0),
        "satisfaction_top2": (0, 0),
        "callback_coverage": (1, 1),  # s5: three failed calls, the first within 72 h
        "callback_reach": (0, 1),
        "first_time_fix_rate": (1, 1),
        "contact_timeliness": (7, 7),  # s5 s11 s13 s14 s15 c7 c20
        "arrival_timeliness": (1, 1),
        "completion_timeliness": (1, 1),
        "complaints_closed_within_7_days": (6, 7),
    },
}
PRODUCT_QUALITY_COMPLAINTS = {"september": 1, "october": 0}  # s15 (leaking, about s3)


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker):
    """The two months, built once, and the snapshot job run at NOW over every day since 1 September;
    all rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build()
        with clock(NOW):
            quality_snapshot_task(days=(NOW.date() - dt.date(2026, 9, 1)).days + 1)
        yield built
        transaction.set_rollback(True)


def metrics(scenario: Scenario, params: dict) -> list[dict]:
    client = Client()
    client.force_login(scenario.manager)
    with clock(NOW):
        response = client.get("/api/metrics/", {**params, "page_size": 100})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def figures(rates: dict) -> dict[str, tuple[int, int]]:
    return {key: (rate["numerator"], rate["denominator"]) for key, rate in rates.items()}


# --- The SLA clocks in business time ----------------------------------------------------------


def test_a_repair_logged_on_the_eve_of_national_day_is_due_after_the_holiday(scenario):
    s_eve = scenario.t["s_eve"]
    # Logged Wednesday 30 September 20:00, after closing; 1–7 October are closed. The clocks start
    # at the first opening after the holiday, Thursday 8 October 08:30: response 2 h → 10:30;
    # dispatch 8 h → 16:30; arrival 24 h = 9 h (8 Oct) + 9 h (9 Oct) + 6 h (Sat 10 Oct, a make-up
    # day and a Saturday) → 14:30; completion 72 h = 8 full days (8, 9, 10, 12–16 Oct) → 16 Oct 17:30.
    assert (s_eve.response_due, s_eve.dispatch_due) == (at(10, 8, 10, 30), at(10, 8, 16, 30))
    assert (s_eve.arrival_due, s_eve.completion_due) == (at(10, 10, 14, 30), at(10, 16, 17, 30))


def test_a_repair_logged_before_a_make_up_sunday_is_due_on_it(scenario):
    s19 = scenario.t["s19"]
    # Logged Saturday 19 September 16:00: 1.5 h left that day, then Sunday 20 September (a make-up
    # working day) opens at 08:30 → response (2 h) 09:00, dispatch (8 h) 15:00; arrival (24 h):
    # 1.5 + 9 (20th) + 9 (21st) + 4.5 → 22 Sep 13:00; completion (72 h): 1.5 + 7 open days (20–24,
    # 28, 29) + 7.5 → 30 Sep 16:00.
    assert (s19.response_due, s19.dispatch_due) == (at(9, 20, 9), at(9, 20, 15))
    assert (s19.arrival_due, s19.completion_due) == (at(9, 22, 13), at(9, 30, 16))


def test_a_ticket_logged_on_a_holiday_is_due_after_it(scenario):
    o1 = scenario.t["o1"]
    assert (o1.response_due, o1.dispatch_due) == (at(10, 8, 10, 30), at(10, 8, 16, 30))


def test_reopened_deadlines_restart_in_business_time(scenario):
    s7 = scenario.t["s7"]
    # Reopened Thursday 10 September 10:00 by the callback: 7.5 h left that day.
    assert s7.reopened_at == at(9, 10, 10)
    assert (s7.dispatch_due, s7.arrival_due, s7.completion_due) == (at(9, 11, 9), at(9, 12, 16), at(9, 19, 10))


def test_the_scenario_is_what_it_says(scenario):
    t = scenario.t
    assert t["s1"].fault_code == "QF12" and t["s1"].fault_code == t["s2"].fault_code
    assert t["c18"].is_test and t["s18"].is_test
    assert t["s12"].merged_into_id == t["s11"].pk and t["o9"].merged_into_id == t["o8"].pk
    assert t["s16"].dispatched_at is None and t["s17"].dispatched_at is not None
    assert t["s10"].contacted_at == at(9, 14, 6)
    assert (t["c7"].fault_category.code, t["c20"].fault_category.code, t["c_o4"].fault_category) == (
        "workmanship",
        "attitude",
        None,
    )
    assert t["s7"].status == "reopened" and t["o4"].status == "reopened"
    assert t["s20"].visits == 2 and t["s20"].resolved_at == at(9, 23, 16)


# --- The API, from the snapshots ----------------------------------------------------------------


@pytest.mark.parametrize(("params", "expected"), [(SEPTEMBER, SEPTEMBER_RATES), (OCTOBER, OCTOBER_RATES)])
def test_every_kpi_of_the_month_through_the_api(scenario, params, expected):
    (whole,) = metrics(scenario, params)
    assert figures(whole["rates"]) == expected


def test_septembers_station_breakdown_row_by_row_and_summing_to_the_whole(scenario):
    rows = {row["value"]: figures(row["rates"]) for row in metrics(scenario, {**SEPTEMBER, "group_by": "station"})}
    names = {str(scenario.north.pk): "north", str(scenario.south.pk): "south", NO_VALUE: NO_VALUE}
    assert set(rows) == set(names)
    assert {names[value]: row for value, row in rows.items()} == SEPTEMBER_BY_STATION
    for key, (numerator, denominator) in SEPTEMBER_RATES.items():
        assert sum(row[key][0] for row in rows.values()) == numerator, key
        assert sum(row[key][1] for row in rows.values()) == denominator, key


# --- The dashboard ------------------------------------------------------------------------------


def dashboard_figures(html: str) -> dict[str, tuple[int, int]]:
    """Every figure's numerator and denominator as the dashboard prints them."""
    found: dict[str, tuple[int, int]] = {}
    for key, numerator, denominator in re.findall(
        r'id="figure-(\w+)".*?<p class="fraction">(\d+) of (\d+)', html, flags=re.S
    ):
        found[key] = (int(numerator), int(denominator))
    for key, numerator, denominator in re.findall(
        r'id="counter-(\w+)".*?class="counter-count">(\d+)</span>.*?of (\d+) cases due', html, flags=re.S
    ):
        found[key] = (int(numerator), int(denominator))
    for key, numerator, denominator in re.findall(
        r'<tr id="kpi-(\w+)".*?<td class="num wide-only">(\d+)</td>\s*<td class="num wide-only">(\d+)</td>',
        html,
        flags=re.S,
    ):
        found[key] = (int(numerator), int(denominator))
    return found


@pytest.mark.parametrize(
    ("params", "expected", "product"),
    [(SEPTEMBER, SEPTEMBER_RATES, "september"), (OCTOBER, OCTOBER_RATES, "october")],
)
def test_the_dashboard_shows_the_same_figures(scenario, params, expected, product):
    client = Client()
    client.force_login(scenario.manager)
    with clock(NOW):
        response = client.get("/dashboard/", {**params, "lang": "en"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert dashboard_figures(html) == expected
    count = PRODUCT_QUALITY_COMPLAINTS[product]
    assert re.search(rf"{count} product-quality complaints?, reported beside it", html)


# --- The records behind the figures -------------------------------------------------------------

SEPTEMBER_DRILLDOWNS = {
    "omission": {"s2", "s4", "s7", "s10", "s_edge"},
    "unrecorded": {"s10"},
    "late": {"s7"},
    "no_callback_attempt": {"s4", "s_edge"},
    "no_feedback": {"s2"},
    # The rated tickets behind the dissatisfied responses: s7's 2, s20's complaint without a rating.
    "dissatisfied": {"s7", "s20"},
    "service_complaints": {"c7", "s11", "s13", "c20", "c_edge"},
    "not_first_time": {"s7", "s8", "s20"},
}


@pytest.mark.parametrize("kind", sorted(SEPTEMBER_DRILLDOWNS))
def test_each_septembers_drilldown_lists_the_tickets_counted_by_hand(scenario, kind):
    names = {ticket.pk: name for name, ticket in scenario.t.items()}
    listed = kpis.drilldown(kind, Period.month(2026, 9), now=NOW).values_list("pk", flat=True)
    assert {names[pk] for pk in listed} == SEPTEMBER_DRILLDOWNS[kind]


def test_the_readme_and_the_written_definitions_say_the_same():
    root = Path(__file__).resolve().parents[2]
    quality = (root / "README.md").read_text(encoding="utf-8").split("## Quality control")[1].split("\n## ")[0]
    written = (root / "docs" / "kpis.md").read_text(encoding="utf-8")
    assert "(docs/kpis.md)" in quality
    for phrase in ("fed back and acknowledged within 7 days", "make-up working days", "7 × 24"):
        assert phrase in quality.replace("\n  ", " ") and phrase in written.replace("\n", " "), phrase
