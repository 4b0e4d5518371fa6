"""Two months of ordinary service work (September and October 2026, Asia/Shanghai), built through
the public API and the services with the clock controlled, for the scenario tests in
test_two_month_scenario.py.

The default business calendar is open Monday to Saturday 08:30–17:30. In 2026 the national
calendar (chinese-calendar's data) closes 25–27 September (Mid-Autumn) and 1–7 October (National
Day), and opens Sunday 20 September and Saturday 10 October as make-up working days.

Every ticket is named (``s1``… for September, ``o1``… for October, ``c…`` for complaints opened on a
callback); the test file works out every figure from these names by hand. A standard job
(:meth:`Scenario.handle`) opened at T is acknowledged at T+30 min, dispatched at T+1 h, started
at T+3 h and resolved at T+5 h: well inside every deadline of its kind.
"""

import datetime as dt
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import time_machine
from rest_framework.test import APIClient

from aftersales.api.token_store import token_issue
from aftersales.roles import Role
from followups.callbacks.services import record_attempt
from followups.choices import CallbackKind, CallbackResult, CallbackStatus
from followups.feedback.services import feedback_acknowledge
from followups.models import CallbackVisit, FeedbackItem
from tests import factories
from tickets.choices import FaultGroup, Kind
from tickets.models import Ticket
from tickets.services import ticket_assign, ticket_create, ticket_record_resolution, ticket_transition

SHANGHAI = ZoneInfo("Asia/Shanghai")
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
# When the figures are read: every deadline, callback, feedback and first-time-fix window of
# September and October has closed.
NOW = dt.datetime(2026, 12, 15, 10, 0, tzinfo=SHANGHAI)
SERVICE_CLASSES = ("attitude", "delay", "no_show", "overcharging", "workmanship")


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@contextmanager
def clock(moment: dt.datetime):
    with time_machine.travel(moment, tick=False):
        yield


class Scenario:
    """The people, stations, catalogue and tickets of the two months."""

    def __init__(self) -> None:
        self.agent = factories.UserFactory(roles=[Role.AGENT], username="scenario-agent")
        self.tech = factories.UserFactory(roles=[Role.TECHNICIAN], username="scenario-tech")
        self.dept = factories.UserFactory(roles=[Role.DEPARTMENT], username="scenario-dept")
        self.manager = factories.UserFactory(roles=[Role.MANAGER], username="scenario-manager")
        self.north = factories.ServiceStationFactory(code="scenario-north", name="North")
        self.south = factories.ServiceStationFactory(code="scenario-south", name="South")
        factories.FaultCodeFactory(code="QF12", department="production")
        self.classes = {
            code: factories.FaultCategoryFactory(code=code, group=FaultGroup.SERVICE) for code in SERVICE_CLASSES
        }
        self.leaking = factories.FaultCategoryFactory(code="scenario-leaking", group=FaultGroup.PRODUCT)
        self.api = APIClient()
        self.api.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=self.agent).key}")
        self.t: dict[str, Ticket] = {}

    # --- steps ---------------------------------------------------------------------------

    def open(self, name: str, kind: str, when: dt.datetime, *, customer=None, unit=None, **fields) -> Ticket:
        customer = customer or factories.CustomerFactory()
        if unit is None and kind != Kind.COMPLAINT:
            unit = factories.ProductUnitFactory(owner=customer)
        with clock(when):
            ticket = ticket_create(
                customer=customer,
                kind=kind,
                channel="phone",
                description=f"{name}: please help.",
                unit=unit,
                by=self.agent,
                **fields,
            )
        self.t[name] = ticket
        return ticket

    def open_by_api(self, name: str, when: dt.datetime, payload: dict) -> Ticket:
        with clock(when):
            response = self.api.post("/api/tickets/", {"channel": "phone", **payload}, format="json")
        assert response.status_code == 201, response.content
        ticket = Ticket.objects.get(reference=response.json()["reference"])
        self.t[name] = ticket
        return ticket

    def move(self, ticket: Ticket, move: str, when: dt.datetime, **kwargs) -> None:
        with clock(when):
            ticket_transition(ticket=self.fresh(ticket), move=move, by=self.agent, **kwargs)

    def dispatch(self, ticket: Ticket, when: dt.datetime, station) -> None:
        with clock(when):
            ticket_assign(ticket=self.fresh(ticket), station=station, assignee=self.tech, by=self.agent)
        self.move(ticket, "dispatch", when)

    def resolve(self, ticket: Ticket, when: dt.datetime, *, code: str = "WEAR 1") -> None:
        with clock(when):
            ticket_record_resolution(
                ticket=self.fresh(ticket),
                by=self.tech if ticket.kind != Kind.COMPLAINT else self.agent,
                work_done="Done.",
                fault_code=code if ticket.kind == Kind.REPAIR else "",
                fault_component="seal" if ticket.kind == Kind.REPAIR else "",
                root_cause="Worn seal." if ticket.kind == Kind.REPAIR else "",
            )
        self.move(ticket, "resolve", when)

    def handle(self, ticket: Ticket, station, start: dt.datetime | None = None, *, code: str = "WEAR 1") -> None:
        """The standard job: acknowledged +30 min, dispatched +1 h, started +3 h, resolved +5 h."""
        start = start or ticket.created_at
        self.move(ticket, "acknowledge", start + 30 * MINUTE)
        self.dispatch(ticket, start + HOUR, station)
        self.move(ticket, "start", start + 3 * HOUR)
        self.resolve(ticket, start + 5 * HOUR, code=code)

    def settle_complaint(self, ticket: Ticket, acknowledged: dt.datetime, resolved: dt.datetime) -> None:
        self.move(ticket, "acknowledge", acknowledged)
        self.resolve(ticket, resolved)

    def visit(self, ticket: Ticket) -> CallbackVisit:
        return CallbackVisit.objects.get(ticket=ticket, kind=CallbackKind.AFTER_SERVICE, status=CallbackStatus.DUE)

    def call(
        self,
        ticket: Ticket,
        when: dt.datetime,
        *,
        score: int | None = None,
        complaint: bool = False,
        result: str = CallbackResult.REACHED,
        complaint_class: str | None = None,
    ) -> CallbackVisit:
        with clock(when):
            return record_attempt(
                visit=self.visit(ticket),
                result=result,
                by=self.agent,
                scores={"score_overall": score},
                raised_complaint=complaint,
                at=when,
                complaint_class=self.classes[complaint_class] if complaint_class else None,
            )

    def complaint_of(self, name: str, original: str) -> Ticket:
        """The complaint a callback opened about ``original``, named ``name``."""
        ticket = Ticket.objects.filter(kind=Kind.COMPLAINT, complaint_about=self.t[original]).latest("created_at")
        self.t[name] = ticket
        return ticket

    @staticmethod
    def fresh(ticket: Ticket) -> Ticket:
        return Ticket.objects.get(pk=ticket.pk)


def build() -> Scenario:  # noqa: PLR0915 - one scenario, told in order
    s = Scenario()
    north, south = s.north, s.south
    t = s.t

    # --- September ----------------------------------------------------------------------------
    # s1: repair at North, fault code typed "qf 12" (stored QF12, a production fault): fed back
    # and acknowledged two days later.
    s.handle(s.open("s1", Kind.REPAIR, at(9, 1)), north, code="qf 12")
    with clock(at(9, 3, 10)):
        feedback_acknowledge(item=FeedbackItem.objects.get(ticket=t["s1"]), by=s.dept, now=at(9, 3, 10))
    s.call(t["s1"], at(9, 2, 10), score=5)
    # s2: repair at North with the quality code; the department never acknowledges.
    s.handle(s.open("s2", Kind.REPAIR, at(9, 2)), north, code="QF12")
    s.call(t["s2"], at(9, 3, 10), score=4)
    # s3: installation at South, called back at exactly 72 h.
    s.handle(s.open("s3", Kind.INSTALLATION, at(9, 3)), south)
    s.call(t["s3"], at(9, 3, 14) + 72 * HOUR, score=4)
    # s4: maintenance at South, called back one minute after the 72 h.
    s.handle(s.open("s4", Kind.MAINTENANCE, at(9, 4)), south)
    s.call(t["s4"], at(9, 4, 14) + 72 * HOUR + MINUTE, score=5)
    # s5: repair with no station (a technician only); three failed calls on two days.
    s.handle(s.open("s5", Kind.REPAIR, at(9, 7)), None)
    for when in (at(9, 8, 10), at(9, 8, 15), at(9, 9, 10)):
        s.call(t["s5"], when, result=CallbackResult.NO_ANSWER)
    # s6: repair at North, rated 3.
    s.handle(s.open("s6", Kind.REPAIR, at(9, 8)), north)
    s.call(t["s6"], at(9, 9, 10), score=3)
    # s7: repair at South, rated 2 with a workmanship complaint (c7): reopened, never redone.
    s.handle(s.open("s7", Kind.REPAIR, at(9, 9)), south)
    s.call(t["s7"], at(9, 10, 10), score=2, complaint_class="workmanship")
    s.settle_complaint(s.complaint_of("c7", "s7"), at(9, 10, 11), at(9, 11, 10))
    # s8 and s9: the same unit repaired twice within 30 days.
    s8 = s.open("s8", Kind.REPAIR, at(9, 10))
    s.handle(s8, north)
    s.call(s8, at(9, 11, 10), score=5)
    s.handle(s.open("s9", Kind.REPAIR, at(9, 17), customer=s8.customer, unit=s8.unit), north)
    s.call(t["s9"], at(9, 18, 10), score=5)
    # s10: repair logged through the API at 09:00 from a voicemail left at 06:00.
    customer = factories.CustomerFactory()
    unit = factories.ProductUnitFactory(owner=customer)
    s10 = s.open_by_api(
        "s10",
        at(9, 14),
        {
            "customer": customer.pk,
            "unit": unit.pk,
            "kind": Kind.REPAIR,
            "description": "Voicemail: no hot water.",
            "contacted_at": at(9, 14, 6).isoformat(),
        },
    )
    s.handle(s10, north)
    s.call(s10, at(9, 15, 10), score=5)
    # s11: a delay complaint about s6, at the desk through the API; s12, the same call logged
    # twice, merged into it.
    about_s6 = {
        "customer": t["s6"].customer_id,
        "kind": Kind.COMPLAINT,
        "description": "The technician came late.",
        "complaint_about": t["s6"].reference,
        "fault_category": "delay",
    }
    s.open_by_api("s11", at(9, 15, 10), about_s6)
    s.open_by_api("s12", at(9, 15, 10, 5), about_s6)
    s.move(t["s12"], "merge", at(9, 15, 10, 30), merge_into=s.fresh(t["s11"]))
    s.settle_complaint(t["s11"], at(9, 15, 11), at(9, 16, 10))
    # s13 and s14: the same customer complains twice about s1's attitude.
    for name, day in (("s13", 17), ("s14", 18)):
        complaint = s.open(
            name,
            Kind.COMPLAINT,
            at(9, day, 10),
            customer=t["s1"].customer,
            complaint_about=t["s1"],
            fault_category=s.classes["attitude"],
        )
        s.settle_complaint(complaint, at(9, day, 11), at(9, day, 15))
    # s15: a product-quality complaint about s3 (Saturday).
    s15 = s.open(
        "s15",
        Kind.COMPLAINT,
        at(9, 19, 10),
        customer=t["s3"].customer,
        complaint_about=t["s3"],
        fault_category=s.leaking,
    )
    s.settle_complaint(s15, at(9, 19, 11), at(9, 19, 15))
    # s16: cancelled before dispatch; s17: cancelled after dispatch.
    s.move(s.open("s16", Kind.REPAIR, at(9, 21)), "cancel", at(9, 21, 10), note="Fixed it himself.")
    s17 = s.open("s17", Kind.REPAIR, at(9, 21))
    s.move(s17, "acknowledge", at(9, 21, 9, 30))
    s.dispatch(s17, at(9, 21, 10), south)
    s.move(s17, "cancel", at(9, 21, 12), note="Customer sold the unit.")
    # s18: a test ticket, whose callback brings a complaint without a rating (test data too).
    s.handle(s.open("s18", Kind.REPAIR, at(9, 22), is_test=True), north)
    s.call(t["s18"], at(9, 23, 9), complaint=True, complaint_class="attitude")
    s.complaint_of("c18", "s18")
    # s19: repair logged Saturday 19 September at 16:00, worked on Sunday 20 (a make-up day).
    s19 = s.open("s19", Kind.REPAIR, at(9, 19, 16))
    s.move(s19, "acknowledge", at(9, 20, 8, 45))
    s.dispatch(s19, at(9, 20, 14), south)
    s.move(s19, "start", at(9, 21, 10))
    s.resolve(s19, at(9, 21, 12))
    s.call(s19, at(9, 22, 10), score=5)
    # s20: repair at South; on the callback (through the API) the customer complains about the
    # attitude without rating (c20): reopened, redone the same day, called back and rated 4.
    s.handle(s.open("s20", Kind.REPAIR, at(9, 22)), south)
    with clock(at(9, 23, 10)):
        response = s.api.post(
            f"/api/callbacks/{s.visit(t['s20']).pk}/attempts/",
            {"result": "reached", "raised_complaint": True, "complaint_class": "attitude"},
            format="json",
        )
    assert response.status_code == 201, response.content
    s.settle_complaint(s.complaint_of("c20", "s20"), at(9, 23, 11), at(9, 29, 10))
    s.dispatch(t["s20"], at(9, 23, 11), south)
    s.move(t["s20"], "start", at(9, 23, 13))
    s.resolve(t["s20"], at(9, 23, 16))
    s.call(t["s20"], at(9, 24, 10), score=4)
    # s_edge: repair at North resolved on 30 September at 23:30; called back only on 8 October.
    s_edge = s.open("s_edge", Kind.REPAIR, at(9, 30))
    s.move(s_edge, "acknowledge", at(9, 30, 9, 30))
    s.dispatch(s_edge, at(9, 30, 10), north)
    s.move(s_edge, "start", at(9, 30, 13))
    s.resolve(s_edge, at(9, 30, 23, 30))
    # s_eve: repair logged through the API on 30 September at 20:00, the eve of National Day.
    customer = factories.CustomerFactory()
    unit = factories.ProductUnitFactory(owner=customer)
    s.open_by_api(
        "s_eve",
        at(9, 30, 20),
        {"customer": customer.pk, "unit": unit.pk, "kind": Kind.REPAIR, "description": "Will not start."},
    )
    # c_edge: an overcharging complaint about s2, logged on 30 September at 23:30.
    c_edge = s.open(
        "c_edge",
        Kind.COMPLAINT,
        at(9, 30, 23, 30),
        customer=t["s2"].customer,
        complaint_about=t["s2"],
        fault_category=s.classes["overcharging"],
    )

    # --- October ------------------------------------------------------------------------------
    # o1: repair logged through the API on Saturday 3 October, a National Day holiday.
    customer = factories.CustomerFactory()
    unit = factories.ProductUnitFactory(owner=customer)
    s.open_by_api(
        "o1", at(10, 3, 10), {"customer": customer.pk, "unit": unit.pk, "kind": Kind.REPAIR, "description": "Noisy."}
    )
    s.call(s_edge, at(10, 8, 10), score=5)
    s.settle_complaint(c_edge, at(10, 8, 9), at(10, 8, 15))
    s_eve = t["s_eve"]
    s.move(s_eve, "acknowledge", at(10, 8, 9))
    s.dispatch(s_eve, at(10, 8, 10), north)
    s.move(s_eve, "start", at(10, 9, 10))
    s.resolve(s_eve, at(10, 9, 12))
    s.call(s_eve, at(10, 10, 10), score=5)
    o1 = t["o1"]
    s.move(o1, "acknowledge", at(10, 8, 9))
    s.dispatch(o1, at(10, 8, 10), south)
    s.move(o1, "start", at(10, 8, 14))
    s.resolve(o1, at(10, 8, 16))
    s.call(o1, at(10, 9, 10), score=5)
    # o2: repair at North; o3: installation at South.
    s.handle(s.open("o2", Kind.REPAIR, at(10, 12)), north)
    s.call(t["o2"], at(10, 13, 10), score=5)
    s.handle(s.open("o3", Kind.INSTALLATION, at(10, 13)), south)
    s.call(t["o3"], at(10, 14, 10), score=5)
    # o4: maintenance with no station, rated 1 (no class given): reopened, never redone; its
    # complaint (c_o4) is never acknowledged.
    s.handle(s.open("o4", Kind.MAINTENANCE, at(10, 14)), None)
    s.call(t["o4"], at(10, 15, 10), score=1)
    s.complaint_of("c_o4", "o4")
    # o6: a delay complaint about s_eve, at the desk through the API.
    o6 = s.open_by_api(
        "o6",
        at(10, 19, 10),
        {
            "customer": s_eve.customer_id,
            "kind": Kind.COMPLAINT,
            "description": "Took a week and a half.",
            "complaint_about": s_eve.reference,
            "fault_category": "delay",
        },
    )
    s.settle_complaint(o6, at(10, 19, 11), at(10, 20, 10))
    # o8: repair at South; o9, the same request logged again, merged into it.
    o8 = s.open("o8", Kind.REPAIR, at(10, 20))
    s.open("o9", Kind.REPAIR, at(10, 20, 9, 30), customer=o8.customer, unit=o8.unit)
    s.move(t["o9"], "merge", at(10, 20, 9, 45), merge_into=s.fresh(o8))
    s.handle(o8, south)
    s.call(o8, at(10, 21, 10), score=5)
    # o12: repair at South resolved on 31 October at 23:30, rated on 2 November.
    o12 = s.open("o12", Kind.REPAIR, at(10, 30))
    s.move(o12, "acknowledge", at(10, 30, 9, 30))
    s.dispatch(o12, at(10, 30, 10), south)
    s.move(o12, "start", at(10, 31, 9))
    s.resolve(o12, at(10, 31, 23, 30))
    s.call(o12, at(11, 2, 10), score=5)
    s.t = {name: s.fresh(ticket) for name, ticket in t.items()}
    return s
