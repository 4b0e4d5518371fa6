"""Bulk follow-ups for ``manage.py seed``: after-service callbacks with their attempts and the
ratings given on them, and the visit counts of the tickets, for the volume benchmarks.

Realistic shares (DESIGN.md section 6 and the worked example): about 96 % of completed
service tickets get a first call within 72 hours, 9 in 10 of those reach the customer, most
reached customers rate the service (mostly 4–5, a few 1–2) and about one in a hundred
complains on the call; one repair in ten needs a second visit. Rows are written with
``bulk_create`` in batches, bypassing the services, like the rest of the seed.
"""

import datetime as dt
import random
from collections.abc import Callable

from django.db.models import F, Q

from tickets.choices import SERVICE_KINDS, CallbackKind, CallbackResult, CallbackStatus, RatingSource, Status
from tickets.models import CallbackAttempt, CallbackVisit, SatisfactionRating, Ticket

AFTER_SERVICE_DUE = dt.timedelta(hours=24)
SCORES = (1, 2, 3, 4, 5)
SCORE_WEIGHTS = (2, 2, 6, 30, 60)
COMPLETED = (Status.RESOLVED, Status.VERIFIED, Status.CLOSED)


def seed_visits(*, share_second_visit: int = 10) -> int:
    """Every ticket a technician started has one visit; every ``share_second_visit``-th has two."""
    started = Ticket.objects.filter(started_at__isnull=False, visits=0)
    second = started.alias(bucket=F("id") % share_second_visit).filter(bucket=0).update(visits=2)
    return second + started.update(visits=1)


def seed_callbacks(
    count: int, *, rng: random.Random, batch: int, now: dt.datetime, log: Callable[[str], None]
) -> tuple[int, int, int]:
    """Up to ``count`` after-service callbacks for completed service tickets that have none,
    newest first, with their attempts and ratings. Returns (visits, attempts, ratings)."""
    tickets = (
        Ticket.objects.filter(kind__in=SERVICE_KINDS, resolved_at__isnull=False, status__in=COMPLETED)
        .exclude(Q(is_test=True) | Q(callbacks__kind=CallbackKind.AFTER_SERVICE))
        .order_by("-resolved_at")
        .values_list("pk", "customer_id", "unit_id", "resolved_at", "reopened_count")[:count]
    )
    written = [0, 0, 0]
    chunk: list[tuple] = []

    def flush() -> None:
        visits, plans = [], []
        for pk, customer_id, unit_id, resolved_at, reopened in chunk:
            plan = _plan(rng, resolved_at, now)
            plans.append(plan)
            visits.append(
                CallbackVisit(
                    kind=CallbackKind.AFTER_SERVICE,
                    customer_id=customer_id,
                    ticket_id=pk,
                    unit_id=unit_id,
                    due_at=resolved_at + AFTER_SERVICE_DUE,
                    status=plan["status"],
                    dedupe_key=f"after_service:{pk}:{reopened}",
                    score_overall=plan["score"],
                    raised_complaint=plan["complained"],
                    completed_at=plan["completed_at"],
                    created_at=resolved_at,
                )
            )
        CallbackVisit.objects.bulk_create(visits, batch_size=batch)
        attempts, ratings = [], []
        for visit, plan, row in zip(visits, plans, chunk, strict=True):
            attempts += [CallbackAttempt(visit=visit, result=result, at=at) for result, at in plan["attempts"]]
            if plan["score"] is not None:
                ratings.append(
                    SatisfactionRating(
                        ticket_id=row[0],
                        source=RatingSource.CALLBACK,
                        score=plan["score"],
                        raised_complaint=plan["complained"],
                        created_at=plan["completed_at"],
                    )
                )
        CallbackAttempt.objects.bulk_create(attempts, batch_size=batch)
        SatisfactionRating.objects.bulk_create(ratings, batch_size=batch)
        written[0] += len(visits)
        written[1] += len(attempts)
        written[2] += len(ratings)
        chunk.clear()

    for row in tickets.iterator(chunk_size=batch):
        chunk.append(row)
        if len(chunk) >= batch:
            flush()
            if written[0] % (batch * 20) == 0:
                log(f"    {written[0]} callbacks")
    if chunk:
        flush()
    return written[0], written[1], written[2]


def _plan(rng: random.Random, resolved_at: dt.datetime, now: dt.datetime) -> dict:
    """What happened on one callback: the attempts, whether the customer was reached and rated."""
    plan = {"status": CallbackStatus.DUE, "attempts": [], "score": None, "complained": False, "completed_at": None}
    if resolved_at + AFTER_SERVICE_DUE > now:
        return plan  # not called yet
    first = resolved_at + dt.timedelta(hours=rng.uniform(2, 70) if rng.random() < 0.96 else rng.uniform(73, 120))
    if first > now:
        return plan
    if rng.random() < 0.9:
        plan["attempts"] = [(CallbackResult.REACHED, first)]
    else:
        # No answer three times on different days: unreachable.
        plan["attempts"] = [(CallbackResult.NO_ANSWER, first + dt.timedelta(days=day)) for day in range(3)]
        plan["attempts"] = [(result, at) for result, at in plan["attempts"] if at <= now]
        if len(plan["attempts"]) == 3:
            plan["status"], plan["completed_at"] = CallbackStatus.UNREACHABLE, plan["attempts"][-1][1]
        return plan
    plan["status"], plan["completed_at"] = CallbackStatus.DONE, first
    if rng.random() < 0.94:
        plan["score"] = rng.choices(SCORES, SCORE_WEIGHTS)[0]
        plan["complained"] = plan["score"] >= 3 and rng.random() < 0.01
    return plan
