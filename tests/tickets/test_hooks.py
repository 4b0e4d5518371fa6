"""tickets/hooks.py: the one registry through which tickets calls the work of the apps above it.

The registry itself (no database), the registrations follow-ups and warranty make once Django is
ready, and what the lifecycle does with them in the moving transaction.
"""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from fieldwork.booking import hooks as booking_hooks
from fieldwork.reports import hooks as reports_hooks
from followups import ticket_hooks as followups_hooks
from followups import timeline_texts as followups_texts
from followups.choices import CallbackKind, CallbackStatus
from followups.messages import survey_url_for
from followups.models import CallbackVisit, FeedbackItem
from notifications.models import OutboundMessage
from parts import hooks as parts_hooks
from parts import timeline_texts as parts_texts
from sales import finding as sales_finding
from tests.factories import CustomerFactory, FaultCodeFactory, TicketFactory
from tickets import hooks, timeline_texts
from tickets.choices import EventKind, Kind, Status
from tickets.models import TicketEvent
from tickets.services import state_of, ticket_transition
from warranty import ticket_hooks as warranty_hooks
from warranty import timeline_texts as warranty_texts

SHANGHAI = ZoneInfo("Asia/Shanghai")
RESOLVED_AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
NEEDS_CALLBACK = "Call the customer back first: the after-service callback is not done yet."


@pytest.fixture
def empty_registry(monkeypatch):
    """A registry of its own for the test; the one the apps filled stays as it is."""
    for name, value in (
        ("on_resolved", []),
        ("on_reopened", []),
        ("move_guards", {}),
        ("resolved_message_context", []),
        ("ticket_page_context", []),
    ):
        monkeypatch.setattr(hooks, name, value)
    monkeypatch.setattr(timeline_texts, "TEXTS", dict(timeline_texts.TEXTS))


# --- the registry -----------------------------------------------------------------------------------


def test_lifecycle_hooks_run_in_the_order_they_were_registered(empty_registry):
    calls = []
    hooks.register_on_resolved(lambda ticket, *, by, now: calls.append(("first", ticket, by, now)))
    hooks.register_on_resolved(lambda ticket, *, by, now: calls.append(("second", ticket, by, now)))
    hooks.register_on_reopened(lambda ticket, *, by, now: calls.append(("reopened", ticket, by, now)))

    hooks.run_on_resolved("ticket", by="agent", now=RESOLVED_AT)

    assert calls == [("first", "ticket", "agent", RESOLVED_AT), ("second", "ticket", "agent", RESOLVED_AT)]


def test_a_function_registered_twice_is_refused(empty_registry):
    def schedule(ticket, *, by, now):
        return None

    hooks.register_on_resolved(schedule)
    with pytest.raises(ValueError, match="registered already"):
        hooks.register_on_resolved(schedule)
    assert hooks.on_resolved == [schedule]


def test_a_guard_for_a_move_that_does_not_exist_is_refused(empty_registry):
    with pytest.raises(ValueError, match="No move is called 'teleport'"):
        hooks.register_move_guard("teleport", lambda ticket: None)
    assert hooks.move_guards == {}


def test_guards_are_asked_only_for_the_moves_open_from_the_tickets_status(empty_registry):
    asked = []

    def guard(ticket):
        asked.append(ticket.status)
        return "Not yet."

    hooks.register_move_guard("verify", guard)

    assert hooks.move_blockers(SimpleNamespace(status=Status.RESOLVED)) == (("verify", "Not yet."),)
    assert hooks.move_blockers(SimpleNamespace(status=Status.IN_PROGRESS)) == ()
    assert asked == [Status.RESOLVED]


def test_context_providers_add_their_values_in_the_order_they_were_registered(empty_registry):
    hooks.register_ticket_page_context(lambda ticket: {"claims": [1], "shared": "first"})
    hooks.register_ticket_page_context(lambda ticket: {"ratings": [2], "shared": "second"})

    assert hooks.extra_context(hooks.ticket_page_context, "ticket") == {
        "claims": [1],
        "ratings": [2],
        "shared": "second",
    }
    assert hooks.extra_context(hooks.resolved_message_context, "ticket") == {}


def test_timeline_texts_are_added_to_the_timelines_registry_and_a_code_taken_is_refused(empty_registry):
    text = timeline_texts.SystemText("Shipped.")
    hooks.register_timeline_texts({"parcel.shipped": text})
    assert timeline_texts.TEXTS["parcel.shipped"] is text
    assert timeline_texts.render("parcel.shipped", {}) == "Shipped."

    with pytest.raises(ValueError, match="registered already: parcel.shipped, ticket.duplicate"):
        hooks.register_timeline_texts({"parcel.shipped": text, "ticket.duplicate": text, "parcel.lost": text})
    assert "parcel.lost" not in timeline_texts.TEXTS


# --- what the apps registered once Django is ready ----------------------------------------------------


def test_followups_and_warranty_registered_their_hooks_at_start_up():
    assert hooks.on_resolved == [followups_hooks.on_resolved, sales_finding.on_resolved]
    assert hooks.on_reopened == [followups_hooks.on_reopened]
    assert hooks.move_guards == {"verify": [followups_hooks.callback_not_settled]}
    assert hooks.resolved_message_context == [followups_hooks.resolved_message_context]
    # In the order of INSTALLED_APPS: the page shows parts, claims, field visits, service reports, then ratings and callbacks.
    assert hooks.ticket_page_context == [
        parts_hooks.ticket_page_context,
        warranty_hooks.ticket_page_context,
        booking_hooks.ticket_page_context,
        reports_hooks.ticket_page_context,
        followups_hooks.ticket_page_context,
    ]


def test_followups_and_warranty_registered_their_timeline_texts_at_start_up():
    for texts in (parts_texts.TEXTS, warranty_texts.TEXTS, followups_texts.TEXTS, booking_hooks.TEXTS):
        assert {code: timeline_texts.TEXTS.get(code) for code in texts} == texts
    assert {code.split(".")[0] for code in parts_texts.TEXTS} == {"parts"}
    assert {code.split(".")[0] for code in warranty_texts.TEXTS} == {"claim"}
    assert {code.split(".")[0] for code in followups_texts.TEXTS} == {"callback", "feedback"}
    assert {code.split(".")[0] for code in booking_hooks.TEXTS} == {"visit"}


# --- what the lifecycle does with them ------------------------------------------------------------------


def _in_progress_repair(technician, **fields):
    customer = CustomerFactory(name="Li Na", email="li.na@example.com", preferred_language="en")
    return TicketFactory(
        customer=customer,
        kind=Kind.REPAIR,
        status=Status.IN_PROGRESS,
        assignee=technician,
        work_done="Replaced the control board.",
        fault_component="control board",
        root_cause="Solder joint cracked.",
        **fields,
    )


@pytest.mark.django_db
def test_a_resolution_runs_the_followups_hooks_in_its_transaction_before_the_customer_is_told(technician, monkeypatch):
    seen = []

    def look(ticket, *, by, now):
        seen.append(
            {
                "status": ticket.status,
                "by": by,
                "now": now,
                "events": list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", "message_code")),
                "callbacks": list(CallbackVisit.objects.filter(ticket=ticket).values_list("kind", flat=True)),
                "messages": OutboundMessage.objects.filter(ticket_reference=ticket.reference).count(),
            }
        )

    monkeypatch.setattr(hooks, "on_resolved", [*hooks.on_resolved, look])
    FaultCodeFactory(code="QF-101")
    ticket = _in_progress_repair(technician, fault_code="QF-101")

    ticket_transition(ticket=ticket, move="resolve", by=technician, now=RESOLVED_AT)

    # Follow-ups ran first: the callback is scheduled and the quality fault fed back, after the
    # status event; the customer is told after every hook.
    assert seen == [
        {
            "status": Status.RESOLVED,
            "by": technician,
            "now": RESOLVED_AT,
            "events": [(EventKind.STATUS, ""), (EventKind.NOTE, "feedback.opened")],
            "callbacks": [CallbackKind.AFTER_SERVICE],
            "messages": 0,
        }
    ]
    assert FeedbackItem.objects.filter(ticket=ticket, fault_code="QF-101").exists()
    [message] = OutboundMessage.objects.filter(ticket_reference=ticket.reference)
    assert message.template == "status_resolved"
    visit = CallbackVisit.objects.get(ticket=ticket, kind=CallbackKind.AFTER_SERVICE)
    assert message.context["survey_url"] == survey_url_for(visit)


@pytest.mark.django_db
def test_the_followups_guard_holds_verifying_until_the_after_service_callback_is_settled(technician):
    ticket = ticket_transition(
        ticket=_in_progress_repair(technician, fault_code="E21"), move="resolve", by=technician, now=RESOLVED_AT
    )

    assert state_of(ticket).blocked_by_hooks == (("verify", NEEDS_CALLBACK),)
    assert followups_hooks.callback_not_settled(ticket) == NEEDS_CALLBACK

    CallbackVisit.objects.filter(ticket=ticket).update(status=CallbackStatus.DONE)
    assert state_of(ticket).blocked_by_hooks == ()


@pytest.mark.django_db
def test_a_reopening_runs_the_followups_hook_that_cancels_the_due_callback(technician, agent):
    ticket = ticket_transition(
        ticket=_in_progress_repair(technician, fault_code="E21"), move="resolve", by=technician, now=RESOLVED_AT
    )

    ticket_transition(ticket=ticket, move="reopen", by=agent, note="Still leaking.", now=RESOLVED_AT)

    assert list(CallbackVisit.objects.filter(ticket=ticket).values_list("kind", "status")) == [
        (CallbackKind.AFTER_SERVICE, CallbackStatus.CANCELLED)
    ]
