"""followups/feedback/services.py: quality feedback to the departments (no-leak 4).

docs/lifecycle.md#no-leak-4-every-result-is-fed-back: a repair resolved with a quality fault code opens a feedback item for the
department that owns the fault, grouped by model, component and batch; the department
acknowledges it within 7 days (later is an omission) and answers with the cause and the
corrective action.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from aftersales.roles import Role
from followups.feedback.services import (
    departments_of,
    feedback_acknowledge,
    feedback_answer,
    feedback_groups,
    feedback_inbox,
    feedback_visible_to,
    open_feedback_for_resolution,
)
from followups.models import FeedbackItem, FeedbackStatus
from tests.factories import (
    DepartmentMembershipFactory,
    FaultCodeFactory,
    FeedbackItemFactory,
    ProductModelFactory,
    ProductUnitFactory,
    TicketFactory,
    UserFactory,
)
from tickets.choices import EventKind, Kind, Status
from tickets.models import TicketEvent
from tickets.services import ticket_record_resolution, ticket_transition

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
H = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
RESOLVED_AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
NOW = RESOLVED_AT + 2 * DAY

ALREADY_ACKNOWLEDGED = "This feedback has already been acknowledged."
ALREADY_ANSWERED = "This feedback has already been answered."
OTHER_DEPARTMENT = "This feedback is for another department."
NO_CAUSE = "Give the cause the department found."
NO_ACTION = "Say what the department does to correct it."


@pytest.fixture
def power_board():
    return FaultCodeFactory(code="PWR-01", component="power board", department="production")


@pytest.fixture
def production_user():
    user = UserFactory(roles=[Role.DEPARTMENT], username="production1")
    DepartmentMembershipFactory(user=user, department="production")
    return user


@pytest.fixture
def design_user():
    user = UserFactory(roles=[Role.DEPARTMENT], username="design1")
    DepartmentMembershipFactory(user=user, department="design")
    return user


def in_progress(technician, *, kind=Kind.REPAIR, code="PWR-01", component="capacitor bank", unit=True):
    """A ticket whose work has started, with the fault analysis resolving a repair needs."""
    extra = {} if unit else {"unit": None}
    return TicketFactory(
        kind=kind,
        status=Status.IN_PROGRESS,
        assignee=technician,
        work_done="Replaced the power board.",
        fault_code=code,
        fault_component=component,
        root_cause="Capacitor failed after a surge.",
        **extra,
    )


def resolve(ticket, technician, at=RESOLVED_AT):
    return ticket_transition(ticket=ticket, move="resolve", by=technician, now=at)


def item_row(item) -> dict:
    row = FeedbackItem.objects.filter(pk=item.pk).values().get()
    row.pop("id")
    return row


def notes(ticket) -> list[tuple]:
    return list(
        TicketEvent.objects.filter(ticket=ticket, kind=EventKind.NOTE)
        .order_by("id")
        .values_list("actor_id", "note", "data")
    )


def everything() -> dict:
    """Every row a feedback act can write, to show a refused act wrote none."""
    return {
        "items": list(FeedbackItem.objects.order_by("pk").values()),
        "events": list(TicketEvent.objects.order_by("pk").values_list("pk", flat=True)),
    }


def assert_refused(call, exc_type, *, errors: dict | None = None, message: str | None = None):
    before = everything()
    with pytest.raises(exc_type) as excinfo:
        call()
    if errors is not None:
        assert excinfo.value.message_dict == errors
    if message is not None and exc_type is PermissionDenied:
        assert str(excinfo.value) == message
    elif message is not None:
        assert excinfo.value.messages == [message]
    assert everything() == before


# --- opening on resolution --------------------------------------------------------------------------


def test_resolving_a_repair_with_a_quality_code_opens_feedback_for_its_department(technician, power_board):
    ticket = resolve(in_progress(technician), technician)

    item = FeedbackItem.objects.get(ticket=ticket)
    assert item_row(item) == {
        "ticket_id": ticket.pk,
        "department": "production",
        "fault_code": "PWR-01",
        "component": "capacitor bank",
        "root_cause": "Capacitor failed after a surge.",
        "model_id": ticket.unit.model_id,
        "batch": "B2026-01",
        "status": FeedbackStatus.OPEN,
        "created_at": RESOLVED_AT,
        "acknowledge_due": RESOLVED_AT + 7 * DAY,
        "acknowledged_at": None,
        "acknowledged_by_id": None,
        "cause": "",
        "corrective_action": "",
        "answered_at": None,
        "answered_by_id": None,
    }
    # The timeline says so, after the resolution itself, as the system's act.
    last = TicketEvent.objects.filter(ticket=ticket).order_by("-id").values_list("kind", "actor_id", "note", "data")[0]
    assert last == (
        EventKind.NOTE,
        None,
        "Quality fault PWR-01 fed back to the Production department.",
        {"feedback": item.pk, "fault_code": "PWR-01", "department": "production"},
    )


def test_the_code_matches_without_regard_to_case_and_the_item_keeps_the_catalogue_spelling(technician, power_board):
    ticket = resolve(in_progress(technician, code="pwr-01"), technician)

    assert list(FeedbackItem.objects.filter(ticket=ticket).values_list("fault_code", flat=True)) == ["PWR-01"]


def test_without_a_component_or_unit_the_item_takes_the_codes_component_and_no_model(technician, power_board):
    ticket = in_progress(technician, component="", unit=False)

    item = open_feedback_for_resolution(ticket, now=RESOLVED_AT)

    assert (item.component, item.model_id, item.batch) == ("power board", None, "")


@pytest.mark.parametrize(
    "code, department, active",
    [
        ("PWR-02", "", True),  # a rodent: says nothing about the product
        ("PWR-01", "production", False),  # retired from the catalogue
        ("XYZ-99", None, True),  # not in the catalogue at all
    ],
)
def test_no_feedback_for_a_fault_that_is_not_an_active_quality_fault(technician, code, department, active):
    if department is not None:
        FaultCodeFactory(code=code, department=department, is_active=active)

    ticket = resolve(in_progress(technician, code=code), technician)

    assert not FeedbackItem.objects.exists()
    assert not notes(ticket)


@pytest.mark.parametrize("kind", [Kind.INSTALLATION, Kind.MAINTENANCE])
def test_no_feedback_for_work_that_is_not_a_repair(technician, power_board, kind):
    resolve(in_progress(technician, kind=kind), technician)

    assert not FeedbackItem.objects.exists()


def test_no_feedback_for_a_complaint_even_with_a_quality_code(power_board):
    ticket = TicketFactory(kind=Kind.COMPLAINT, fault_code="PWR-01", fault_component="power board")

    assert open_feedback_for_resolution(ticket, now=RESOLVED_AT) is None
    assert not FeedbackItem.objects.exists()


def test_resolving_again_with_the_same_code_opens_nothing_new(technician, agent, power_board):
    ticket = resolve(in_progress(technician), technician)
    first = FeedbackItem.objects.get()

    ticket = ticket_transition(ticket=ticket, move="reopen", by=agent, note="Fault came back.", now=RESOLVED_AT + DAY)
    ticket = ticket_transition(ticket=ticket, move="dispatch", by=agent, now=RESOLVED_AT + DAY + H)
    ticket = ticket_transition(ticket=ticket, move="start", by=technician, now=RESOLVED_AT + DAY + 2 * H)
    ticket = resolve(ticket, technician, at=RESOLVED_AT + DAY + 3 * H)

    assert list(FeedbackItem.objects.values_list("pk", "created_at")) == [(first.pk, RESOLVED_AT)]
    assert len(notes(ticket)) == 1


def test_resolving_again_with_another_quality_code_opens_a_second_item(technician, agent, power_board):
    FaultCodeFactory(code="CMP-03", component="compressor", department="design")
    ticket = resolve(in_progress(technician), technician)
    ticket = ticket_transition(ticket=ticket, move="reopen", by=agent, note="Fault came back.", now=RESOLVED_AT + DAY)
    ticket = ticket_transition(ticket=ticket, move="dispatch", by=agent, now=RESOLVED_AT + DAY + H)
    ticket = ticket_transition(ticket=ticket, move="start", by=technician, now=RESOLVED_AT + DAY + 2 * H)
    ticket = ticket_record_resolution(
        ticket=ticket,
        by=technician,
        work_done="Replaced the compressor.",
        fault_code="CMP-03",
        fault_component="compressor",
        root_cause="Compressor seized.",
    )
    resolve(ticket, technician, at=RESOLVED_AT + DAY + 3 * H)

    assert list(FeedbackItem.objects.order_by("pk").values_list("fault_code", "department", "component")) == [
        ("PWR-01", "production", "capacitor bank"),
        ("CMP-03", "design", "compressor"),
    ]


# --- acknowledging ------------------------------------------------------------------------------------


def test_a_department_member_acknowledges_and_the_timeline_says_so(production_user):
    item = FeedbackItemFactory(fault_code="PWR-01", created_at=RESOLVED_AT, acknowledge_due=RESOLVED_AT + 7 * DAY)

    feedback_acknowledge(item=item, by=production_user, now=NOW)

    row = item_row(item)
    assert (row["status"], row["acknowledged_at"], row["acknowledged_by_id"]) == (
        FeedbackStatus.ACKNOWLEDGED,
        NOW,
        production_user.pk,
    )
    assert (row["answered_at"], row["cause"]) == (None, "")
    assert notes(item.ticket) == [
        (
            production_user.pk,
            "Quality feedback PWR-01 to the Production department: acknowledged.",
            {"feedback": item.pk, "status": "acknowledged"},
        )
    ]


def test_a_member_of_another_department_cannot_acknowledge_and_nothing_changes(design_user):
    item = FeedbackItemFactory()

    assert_refused(
        lambda: feedback_acknowledge(item=item, by=design_user, now=NOW), PermissionDenied, message=OTHER_DEPARTMENT
    )


def test_desk_staff_cannot_acknowledge(agent, technician):
    item = FeedbackItemFactory()

    for user in (agent, technician):
        assert_refused(lambda u=user: feedback_acknowledge(item=item, by=u, now=NOW), PermissionDenied)


@pytest.mark.parametrize("who", ["central office", "manager"])
def test_a_department_user_without_membership_and_a_manager_act_for_every_department(who, department_user, manager):
    item = FeedbackItemFactory(department="operations")
    by = department_user if who == "central office" else manager

    feedback_acknowledge(item=item, by=by, now=NOW)

    assert item_row(item)["acknowledged_by_id"] == by.pk


def test_acknowledging_twice_is_a_conflict_and_changes_nothing(production_user, department_user):
    item = FeedbackItemFactory()
    feedback_acknowledge(item=item, by=production_user, now=NOW)

    assert_refused(
        lambda: feedback_acknowledge(item=item, by=department_user, now=NOW + H),
        ValidationError,
        message=ALREADY_ACKNOWLEDGED,
    )


# --- answering ------------------------------------------------------------------------------------------


def test_an_answer_needs_the_cause_and_the_corrective_action(production_user):
    item = FeedbackItemFactory()

    assert_refused(
        lambda: feedback_answer(item=item, by=production_user, cause=" ", corrective_action="", now=NOW),
        ValidationError,
        errors={"cause": [NO_CAUSE], "corrective_action": [NO_ACTION]},
    )
    assert_refused(
        lambda: feedback_answer(item=item, by=production_user, cause="Weak lot.", corrective_action="\n", now=NOW),
        ValidationError,
        errors={"corrective_action": [NO_ACTION]},
    )


def test_answering_an_open_item_acknowledges_it_too_with_one_timeline_note(production_user):
    item = FeedbackItemFactory(fault_code="PWR-01")

    feedback_answer(
        item=item, by=production_user, cause=" Weak capacitor lot. ", corrective_action="Lot quarantined.", now=NOW
    )

    row = item_row(item)
    assert {key: row[key] for key in ("status", "acknowledged_at", "acknowledged_by_id", "answered_at")} == {
        "status": FeedbackStatus.ANSWERED,
        "acknowledged_at": NOW,
        "acknowledged_by_id": production_user.pk,
        "answered_at": NOW,
    }
    assert (row["cause"], row["corrective_action"], row["answered_by_id"]) == (
        "Weak capacitor lot.",
        "Lot quarantined.",
        production_user.pk,
    )
    assert notes(item.ticket) == [
        (
            production_user.pk,
            "Quality feedback PWR-01 to the Production department: answered.\n"
            "Cause: Weak capacitor lot.\nCorrective action: Lot quarantined.",
            {"feedback": item.pk, "status": "answered"},
        )
    ]


def test_answering_an_acknowledged_item_keeps_who_acknowledged_it(production_user, manager):
    item = FeedbackItemFactory()
    feedback_acknowledge(item=item, by=production_user, now=NOW)

    feedback_answer(item=item, by=manager, cause="Weak lot.", corrective_action="Quarantined.", now=NOW + DAY)

    row = item_row(item)
    assert (row["acknowledged_by_id"], row["acknowledged_at"], row["answered_by_id"], row["answered_at"]) == (
        production_user.pk,
        NOW,
        manager.pk,
        NOW + DAY,
    )


def test_an_answered_item_is_final(production_user):
    item = FeedbackItemFactory()
    feedback_answer(item=item, by=production_user, cause="Weak lot.", corrective_action="Quarantined.", now=NOW)

    assert_refused(
        lambda: feedback_answer(item=item, by=production_user, cause="Other.", corrective_action="Other.", now=NOW),
        ValidationError,
        message=ALREADY_ANSWERED,
    )
    assert_refused(lambda: feedback_acknowledge(item=item, by=production_user, now=NOW), ValidationError)


def test_a_member_of_another_department_cannot_answer_and_nothing_changes(design_user):
    item = FeedbackItemFactory()

    assert_refused(
        lambda: feedback_answer(item=item, by=design_user, cause="x", corrective_action="y", now=NOW),
        PermissionDenied,
        message=OTHER_DEPARTMENT,
    )


# --- the inbox --------------------------------------------------------------------------------------------


def test_departments_of_by_role_and_membership(production_user, department_user, manager, agent):
    DepartmentMembershipFactory(user=production_user, department="design")

    assert departments_of(production_user) == frozenset({"production", "design"})
    assert departments_of(department_user) is None  # no membership: the central quality office
    assert departments_of(manager) is None
    assert departments_of(agent) == frozenset()


def test_the_inbox_shows_only_the_users_departments(production_user, department_user, manager, agent):
    production = FeedbackItemFactory(department="production")
    design = FeedbackItemFactory(department="design")
    operations = FeedbackItemFactory(department="operations")

    assert set(feedback_visible_to(production_user)) == {production}
    assert set(feedback_visible_to(department_user)) == {production, design, operations}
    assert set(feedback_visible_to(manager)) == {production, design, operations}
    assert not feedback_visible_to(agent).exists()


def test_inbox_filters(manager):
    washer, fridge = ProductModelFactory(code="XQG100"), ProductModelFactory(code="BCD200")
    due = NOW - H
    late = FeedbackItemFactory(
        department="production", component="Motor", ticket__unit=ProductUnitFactory(model=washer, batch="2401A")
    )
    FeedbackItem.objects.filter(pk=late.pk).update(acknowledge_due=due)
    on_time = FeedbackItemFactory(
        department="design", component="motor", ticket__unit=ProductUnitFactory(model=washer, batch="2402B")
    )
    answered = FeedbackItemFactory(
        department="production",
        component="door seal",
        status=FeedbackStatus.ANSWERED,
        acknowledge_due=due,
        ticket__unit=ProductUnitFactory(model=fridge, batch="2401A"),
    )

    def found(**filters) -> set:
        return set(feedback_inbox(manager, now=NOW, **filters))

    assert found() == {late, on_time, answered}
    assert found(status=FeedbackStatus.OPEN) == {late, on_time}
    assert found(department="design") == {on_time}
    assert found(model_id=washer.pk) == {late, on_time}
    assert found(batch="2401A") == {late, answered}
    assert found(component="MOTOR") == {late, on_time}
    # Overdue: still open past the 7 days; an answered item is never overdue.
    assert found(overdue=True) == {late}
    assert {item.pk: item.is_overdue for item in feedback_inbox(manager, now=NOW)} == {
        late.pk: True,
        on_time.pk: False,
        answered.pk: False,
    }


def test_overdue_starts_after_the_acknowledge_by_moment(manager):
    item = FeedbackItemFactory(created_at=RESOLVED_AT, acknowledge_due=RESOLVED_AT + 7 * DAY)

    assert not feedback_inbox(manager, now=RESOLVED_AT + 7 * DAY, overdue=True).exists()
    assert list(feedback_inbox(manager, now=RESOLVED_AT + 7 * DAY + dt.timedelta(seconds=1), overdue=True)) == [item]


def test_grouping_by_model_component_and_batch_counts_in_sql(manager, django_assert_num_queries):
    washer, fridge = ProductModelFactory(code="XQG100"), ProductModelFactory(code="BCD200")
    late = NOW - H

    def item(model, component, batch, **fields):
        return FeedbackItemFactory(
            component=component, ticket__unit=ProductUnitFactory(model=model, batch=batch), **fields
        )

    item(washer, "motor", "2401A", acknowledge_due=late)  # open, overdue
    item(washer, "motor", "2401A")  # open
    item(washer, "motor", "2401A", status=FeedbackStatus.ACKNOWLEDGED)
    item(washer, "motor", "2401A", status=FeedbackStatus.ANSWERED, acknowledge_due=late)
    item(washer, "motor", "2402B")
    item(fridge, "compressor", "2401A", status=FeedbackStatus.ANSWERED)
    item(fridge, "compressor", "2401A", status=FeedbackStatus.ANSWERED)

    groups = feedback_groups(feedback_inbox(manager, now=NOW), now=NOW)
    with django_assert_num_queries(1):
        rows = [
            (
                r["model__code"],
                r["component"],
                r["batch"],
                r["items"],
                r["open_items"],
                r["overdue_items"],
                r["unanswered"],
            )
            for r in groups
        ]

    assert rows == [
        ("XQG100", "motor", "2401A", 4, 2, 1, 3),
        ("XQG100", "motor", "2402B", 1, 1, 0, 1),
        ("BCD200", "compressor", "2401A", 2, 0, 0, 0),
    ]


# --- demo and seed data -------------------------------------------------------------------------------------


def test_the_demo_catalogue_has_every_resolution_code_with_its_component():
    from demo.data.catalogue import FAULT_CODES
    from demo.data.texts import RESOLUTIONS

    resolution_codes = {option[0]: option[1] for options in RESOLUTIONS.values() for option in options}
    catalogue = {code: component for code, component, _department, _name, _name_zh in FAULT_CODES}
    assert catalogue == resolution_codes
    assert all(name and name_zh for *_rest, name, name_zh in FAULT_CODES)


def test_the_demo_feeds_quality_faults_back_and_the_departments_answer():
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from tickets.models import FaultCode, Ticket

    call_command("demo", stdout=StringIO())
    now = timezone.now()

    quality = dict(FaultCode.objects.exclude(department="").values_list("code", "department"))
    assert {"PWR-01": "production", "CMP-03": "design", "BOT-01": "design"}.items() <= quality.items()
    assert not {"PWR-02", "THM-01", "DSP-02"} & set(quality)
    # Every repair resolved with a quality code has its item, for the code's department.
    expected = {
        (ticket_id, code, quality[code])
        for ticket_id, code in Ticket.objects.filter(
            kind=Kind.REPAIR, resolved_at__isnull=False, fault_code__in=list(quality)
        ).values_list("pk", "fault_code")
    }
    items = set(FeedbackItem.objects.values_list("ticket", "fault_code", "department"))
    # A case reopened and resolved again with another code keeps the first diagnosis's item.
    assert expected and expected <= items
    assert {"production", "design"} <= {department for _ticket, _code, department in items}
    assert all(quality[code] == department for _ticket, code, department in items)
    statuses = set(FeedbackItem.objects.values_list("status", flat=True))
    assert statuses == {FeedbackStatus.OPEN, FeedbackStatus.ACKNOWLEDGED, FeedbackStatus.ANSWERED}
    assert FeedbackItem.objects.filter(status=FeedbackStatus.OPEN, acknowledge_due__lt=now).exists()
    assert not FeedbackItem.objects.filter(answered_at__gt=now).exists()
    quality_user = UserFactory._meta.model.objects.get(username="quality")
    assert departments_of(quality_user) == frozenset({"production", "design"})


def test_seed_writes_the_feedback_items_of_its_resolved_quality_repairs():
    from io import StringIO

    from django.core.management import call_command
    from django.db.models import F, Q
    from django.utils import timezone

    from tickets.models import FaultCode, Ticket

    call_command("seed", customers=30, units=45, tickets=300, batch=50, stdout=StringIO())
    now = timezone.now()

    quality = dict(FaultCode.objects.exclude(department="").values_list("code", "department"))
    resolved = Ticket.objects.filter(kind=Kind.REPAIR, resolved_at__isnull=False, fault_code__in=list(quality))
    expected = {
        (pk, code, quality[code], model, batch, resolved_at)
        for pk, code, model, batch, resolved_at in resolved.values_list(
            "pk", "fault_code", "unit__model", "unit__batch", "resolved_at"
        )
    }
    rows = FeedbackItem.objects.values_list("ticket", "fault_code", "department", "model", "batch", "created_at")
    assert expected and set(rows) == expected
    items = FeedbackItem.objects.all()
    assert not items.exclude(acknowledge_due=F("created_at") + 7 * DAY).exists()
    assert not items.filter(
        Q(acknowledged_at__lt=F("created_at"))
        | Q(answered_at__lt=F("acknowledged_at"))
        | Q(answered_at__gt=now)
        | Q(status=FeedbackStatus.ANSWERED, cause="")
        | Q(status=FeedbackStatus.OPEN, acknowledged_at__isnull=False)
    ).exists()
