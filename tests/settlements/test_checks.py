"""settlements/checks.py: each flag raised, and not raised, on lines made by settlements/lines.py."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from followups.choices import CallbackKind, CallbackStatus
from followups.models import CallbackVisit
from settlements import lines
from settlements.checks import refresh_flags
from settlements.choices import FlagCode, JobType, StatementStatus
from settlements.models import SettlementLine
from tests import factories
from tests.settlements import helpers as h
from tickets.choices import Kind, Status
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

JAN_1 = dt.date(2026, 1, 1)
MARCH_2 = dt.date(2026, 3, 2)


@pytest.fixture
def provider():
    provider = factories.ServiceProviderFactory(code="qd-north")
    for job_type in (JobType.REPAIR_STANDARD, JobType.INSTALLATION):
        h.card(None, job_type, "150.00", JAN_1)
    return provider


def _done_callback(ticket, status=CallbackStatus.DONE):
    return CallbackVisit.objects.create(
        kind=CallbackKind.AFTER_SERVICE,
        customer=ticket.customer,
        ticket=ticket,
        due_at=ticket.resolved_at,
        status=status,
        dedupe_key=f"after:{ticket.pk}:{status}",
    )


def _line(ticket, callback=CallbackStatus.DONE):
    if callback:
        _done_callback(ticket, callback)
    return lines.line_create(ticket=ticket)


def codes(line):
    return [flag["code"] for flag in line.flags]


def test_a_clean_line_is_not_flagged(provider):
    line = _line(h.verified_ticket(provider, resolved=h.at(MARCH_2)))
    assert (line.flags, line.flagged) == ([], False)


@pytest.mark.parametrize(("days", "flagged"), [(30, True), (31, False)])
def test_the_same_unit_and_fault_claimed_again_within_30_days(provider, days, flagged):
    first = _line(h.verified_ticket(provider, resolved=h.at(MARCH_2)))
    unit = first.ticket.unit
    other = factories.ServiceProviderFactory(code="qd-south")
    again = _line(h.verified_ticket(other, unit=unit, resolved=h.at(MARCH_2 + dt.timedelta(days=days))))
    different_fault = _line(
        h.verified_ticket(other, unit=unit, resolved=h.at(MARCH_2 + dt.timedelta(days=days)), fault_code="E99")
    )
    assert codes(again) == ([FlagCode.REPEAT_CLAIM] if flagged else [])
    if flagged:
        assert again.flags[0]["params"] == {"ticket": first.ticket.reference, "date": "2026-03-02", "days": 30}
    assert codes(different_fault) == []
    assert codes(SettlementLine.objects.get(pk=first.pk)) == []


@pytest.mark.parametrize(
    ("status", "flagged"),
    [(CallbackStatus.DONE, False), (CallbackStatus.UNREACHABLE, True), (CallbackStatus.CANCELLED, True), (None, True)],
)
def test_a_job_without_a_verified_callback(provider, status, flagged):
    line = _line(h.verified_ticket(provider, resolved=h.at(MARCH_2)), callback=status)
    assert codes(line) == ([FlagCode.NO_VERIFIED_CALLBACK] if flagged else [])
    if flagged:
        assert line.flags[0]["params"] == {"status": status or "none"}


@pytest.mark.parametrize(
    ("invoice", "flagged"),
    [
        # The unit's warranty (its category's policy, from the invoice) has ended by the job on
        # 2 March 2026 when invoiced on 1 March 2025, not when invoiced on 3 March 2025.
        (dt.date(2025, 3, 1), True),
        (dt.date(2025, 3, 3), False),
    ],
)
def test_a_unit_outside_its_warranty(provider, invoice, flagged):
    unit = factories.ProductUnitFactory(invoice_date=invoice)
    line = _line(h.verified_ticket(provider, unit=unit, resolved=h.at(MARCH_2)))
    assert unit.warranty_end is not None
    assert (FlagCode.OUT_OF_WARRANTY in codes(line)) == (unit.warranty_end < MARCH_2) == flagged


def test_no_rate_card_in_force(provider):
    line = _line(h.verified_ticket(provider, resolved=h.at(MARCH_2), kind=Kind.MAINTENANCE))
    assert (line.job_type, line.rate_card_id, str(line.labour), codes(line)) == (
        JobType.MAINTENANCE,
        None,
        "0.00",
        [FlagCode.NO_RATE_CARD],
    )


def test_a_provider_far_above_the_networks_repeat_rate(provider):
    """The window is the 90 days up to 31 March, the statement month's last day. Provider A: 20
    repairs resolved in February, 10 repaired again within 30 days, and the March job itself: 10 / 21
    = 47.6 %. Provider B: 40 repairs, none again. Network when A's line is made: 10 / 61 = 16.4 %;
    twice is 32.8 %: A is flagged, B is not."""
    high = factories.ServiceProviderFactory(code="qd-high")
    for index in range(20):
        ticket = h.verified_ticket(high, resolved=h.at(dt.date(2026, 2, 2)))
        if index < 10:
            factories.TicketFactory(customer=ticket.customer, unit=ticket.unit, kind=Kind.REPAIR, status=Status.NEW)
    for _index in range(40):
        h.verified_ticket(provider, resolved=h.at(dt.date(2026, 2, 2)))
    # Tickets' created_at is now; put the repeats within 30 days of the February resolutions.
    Ticket.objects.filter(status=Status.NEW).update(created_at=h.at(dt.date(2026, 2, 20)))

    flagged = _line(h.verified_ticket(high, resolved=h.at(MARCH_2)))
    clean = _line(h.verified_ticket(provider, resolved=h.at(MARCH_2)))
    assert codes(flagged) == [FlagCode.HIGH_REPEAT_RATE]
    assert flagged.flags[0]["params"] == {"rate": "47.6", "network": "16.4", "repairs": 21}
    assert codes(clean) == []


def test_an_approved_statement_is_not_checked_again(provider):
    line = _line(h.verified_ticket(provider, resolved=h.at(MARCH_2)))
    line.statement.status = StatementStatus.APPROVED
    line.statement.save()
    with pytest.raises(ValidationError):
        refresh_flags(line.statement)
