"""The SLA sweep: flag the tickets whose current stage's deadline has passed, and escalate each
missed stage once (no-leak 2). Run by ``sla_sweep_task`` every five minutes."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tickets.choices import EventKind
from tickets.models import Ticket
from tickets.services.timeline import append_event
from tickets.sla import clocks as sla
from tickets.sla.escalation import escalate_missed_stage


def sla_sweep(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Flag tickets whose current deadline has passed, once per status (no-leak 2), and
    escalate the missed stage once (tickets/sla/escalation.py).

    Idempotent: the conditional update lets exactly one sweeper flag a ticket for a stage,
    so two workers running at once append one event, not two; the escalation is once per
    stage and deadline, whatever status the ticket was in when it was seen.
    """
    now = now or timezone.now()
    flagged = 0
    candidates = (
        Ticket.objects.filter(next_due__lt=now)
        .exclude(breached_stage=F("status"))
        .values_list("pk", "status", "next_due", "response_due", "dispatch_due", "arrival_due", "completion_due")[
            :limit
        ]
    )
    for pk, status, due, *deadlines in candidates:
        with transaction.atomic():
            won = (
                Ticket.objects.filter(pk=pk, status=status).exclude(breached_stage=status).update(breached_stage=status)
            )
            if won:
                ticket = Ticket(pk=pk)
                append_event(
                    ticket,
                    EventKind.SLA_BREACHED,
                    None,
                    message=("ticket.deadline_passed", {}),
                    data={"status": status, "due": due.isoformat()},
                )
                stage = sla.stage_of(status, sla.Deadlines(*deadlines))
                if stage is not None:
                    escalate_missed_stage(ticket_id=pk, stage=stage, due=due, now=now)
                flagged += 1
    return flagged
