"""Bulk follow-ups for ``manage.py seed``: after-service callbacks with their attempts and the
ratings given on them, and the visit counts of the tickets, for the volume benchmarks.

Realistic shares (docs/kpis.md#a-worked-month and the worked example): about 96 % of completed
service tickets get a first call within 72 hours, 9 in 10 of those reach the customer, most
reached customers rate the service (mostly 4–5, a few 1–2) and about one in a hundred
complains on the call; one repair in ten needs a second visit. Rows are built as tuples and
handed to the seed's writer (demo/seed/writers.py), bypassing the services, like the rest of the seed.
"""

import datetime as dt
import random
from collections.abc import Callable, Sequence
from itertools import accumulate

from django.db.models import F, Q

from demo.seed.tables import Table
from demo.seed.writers import CopyWriter, InsertWriter
from followups.choices import CallbackKind, CallbackResult, CallbackStatus, RatingSource
from followups.models import CallbackAttempt, CallbackVisit, SatisfactionRating
from tickets.choices import SERVICE_KINDS, Status
from tickets.models import Ticket

AFTER_SERVICE_DUE = dt.timedelta(hours=24)
SCORES = (1, 2, 3, 4, 5)
SCORE_WEIGHTS = (2, 2, 6, 30, 60)
SCORE_CUMULATIVE = tuple(accumulate(SCORE_WEIGHTS))
COMPLETED = (Status.RESOLVED, Status.VERIFIED, Status.CLOSED)

VISITS = Table(
    CallbackVisit,
    (
        "id",
        "kind",
        "customer_id",
        "ticket_id",
        "unit_id",
        "due_at",
        "status",
        "dedupe_key",
        "score_overall",
        "raised_complaint",
        "completed_at",
        "created_at",
    ),
)
ATTEMPTS = Table(CallbackAttempt, ("visit_id", "result", "at"))
RATINGS = Table(SatisfactionRating, ("ticket_id", "source", "score", "raised_complaint", "created_at"))


def seed_visits(*, share_second_visit: int = 10) -> int:
    """Every ticket a technician started has one visit; every ``share_second_visit``-th has two.

    The seed's own tickets are written with their visits; this catches up on older ones.
    """
    started = Ticket.objects.filter(started_at__isnull=False, visits=0)
    second = started.alias(bucket=F("id") % share_second_visit).filter(bucket=0).update(visits=2)
    return second + started.update(visits=1)


def callback_candidates(count: int) -> list[tuple]:
    """Up to ``count`` completed service tickets without an after-service callback, the newest
    resolutions first, as (pk, customer_id, unit_id, resolved_at, reopened_count)."""
    if count <= 0:
        return []
    tickets = (
        Ticket.objects.filter(kind__in=SERVICE_KINDS, resolved_at__isnull=False, status__in=COMPLETED)
        .exclude(Q(is_test=True) | Q(callbacks__kind=CallbackKind.AFTER_SERVICE))
        .order_by("-resolved_at", "-pk")
        .values_list("pk", "customer_id", "unit_id", "resolved_at", "reopened_count")[:count]
    )
    return list(tickets)


def seed_callbacks(
    candidates: Sequence[tuple],
    ids: Sequence[int],
    *,
    rng: random.Random,
    writer: CopyWriter | InsertWriter,
    batch: int,
    now: dt.datetime,
    log: Callable[[str], None],
) -> tuple[int, int, int]:
    """An after-service callback for each of ``candidates`` (callback_candidates), with the ids
    ``ids``, its attempts and its rating. Returns (visits, attempts, ratings)."""
    written = [0, 0, 0]
    for start in range(0, len(candidates), batch):
        visits, attempts, ratings = [], [], []
        chunk = zip(ids[start : start + batch], candidates[start : start + batch], strict=True)
        for visit_id, (pk, customer_id, unit_id, resolved_at, reopened) in chunk:
            plan = _plan(rng, resolved_at, now)
            visits.append(
                (
                    visit_id,
                    CallbackKind.AFTER_SERVICE,
                    customer_id,
                    pk,
                    unit_id,
                    resolved_at + AFTER_SERVICE_DUE,
                    plan["status"],
                    f"after_service:{pk}:{reopened}",
                    plan["score"],
                    plan["complained"],
                    plan["completed_at"],
                    resolved_at,
                )
            )
            attempts += [(visit_id, result, at) for result, at in plan["attempts"]]
            if plan["score"] is not None:
                ratings.append((pk, RatingSource.CALLBACK, plan["score"], plan["complained"], plan["completed_at"]))
        writer.write(VISITS, visits)
        writer.write(ATTEMPTS, attempts)
        writer.write(RATINGS, ratings)
        written[0] += len(visits)
        written[1] += len(attempts)
        written[2] += len(ratings)
        if written[0] % (batch * 20) == 0:
            log(f"{written[0]} callbacks")
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
        plan["score"] = rng.choices(SCORES, cum_weights=SCORE_CUMULATIVE)[0]
        plan["complained"] = plan["score"] >= 3 and rng.random() < 0.01
    return plan
