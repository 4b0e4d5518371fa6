"""How ``manage.py seed`` writes: reserved ids, COPY against bulk INSERTs, index rebuilds and
the foreign-key check of bulk loads, and the rules the generated tickets follow."""

from contextlib import contextmanager
from io import StringIO
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from customers.calendars import calendar_spec_for
from customers.models import Customer, ProductUnit
from demo.seed import ticket_rows, tickets
from demo.seed.postgres_load import foreign_keys, foreign_keys_checked_once, rebuilt_indexes, secondary_indexes
from demo.seed.tables import Table, reserve_ids
from demo.seed.writers import CopyWriter
from followups.models import CallbackAttempt, CallbackVisit, FeedbackItem, SatisfactionRating
from tests import factories
from tickets.choices import EventKind, Status
from tickets.models import Ticket, TicketEvent, TicketSequence
from tickets.sla import clocks as sla

# What the seed writes, parents before children.
SEEDED = (Customer, ProductUnit, Ticket, TicketEvent, FeedbackItem, CallbackVisit, CallbackAttempt, SatisfactionRating)
SEEDED_TABLES = [model._meta.db_table for model in SEEDED]
VOLUME = {"customers": 30, "units": 45, "tickets": 400, "callbacks": 120, "batch": 50}


def run(command: str, **options) -> str:
    out = StringIO()
    call_command(command, stdout=out, **options)
    return out.getvalue()


@contextmanager
def frozen_now(now=None):
    """The seed's "now" held still (at ``now``), so two runs make the same rows."""
    now = now or timezone.now().replace(microsecond=0)
    with mock.patch("django.utils.timezone.now", return_value=now):
        yield now


def seeded_rows() -> dict[str, list[tuple]]:
    return {
        model.__name__: list(
            model.objects.order_by("pk").values_list(*[f.attname for f in model._meta.concrete_fields])
        )
        for model in SEEDED
    }


def index_definitions() -> dict[tuple[str, str], str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [SEEDED_TABLES]
        )
        return {(table, name): definition for table, name, definition in cursor.fetchall()}


def setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


def sequence_positions() -> dict[str, tuple[int, bool]]:
    positions = {}
    with connection.cursor() as cursor:
        for table in SEEDED_TABLES:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
            positions[sequence] = cursor.fetchone()
    return positions


def forget_the_seed(positions: dict[str, tuple[int, bool]], sequences: list[tuple[int, int]]) -> None:
    """Delete what a seed wrote and put the id and reference sequences back where they were."""
    with connection.cursor() as cursor:
        for table in reversed(SEEDED_TABLES):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
        for sequence, (value, called) in positions.items():
            cursor.execute("SELECT setval(%s, %s, %s)", [sequence, value, called])
    TicketSequence.objects.all().delete()
    TicketSequence.objects.bulk_create(TicketSequence(year=year, last_value=value) for year, value in sequences)


def locks_held() -> dict[str, set[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relation::regclass::text, mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation'"
        )
        held: dict[str, set[str]] = {}
        for relation, mode in cursor.fetchall():
            held.setdefault(relation, set()).add(mode)
        return held


# --- ids and tables (every database) --------------------------------------------------------------


def test_reserved_ids_are_new_ascending_and_never_given_again(db):
    first = reserve_ids(Customer, 5)
    customer = factories.CustomerFactory()
    second = reserve_ids(Customer, 3)

    assert list(first) == list(range(first[0], first[0] + 5))
    assert customer.pk == first[-1] + 1
    assert list(second) == [customer.pk + 1, customer.pk + 2, customer.pk + 3]
    assert list(reserve_ids(Customer, 0)) == []


def test_a_table_must_generate_what_has_no_default():
    with pytest.raises(ValueError, match=r"^Ticket.customer has no default: the seed must generate it$"):
        Table(Ticket, ("id", "reference"))
    with pytest.raises(ValueError, match=r"^Ticket has no column colour$"):
        Table(Ticket, ("id", "colour"))


def test_copy_needs_postgresql(db):
    if connection.vendor == "postgresql":
        pytest.skip("COPY is there on PostgreSQL")
    with pytest.raises(CommandError, match=r"^--writer copy needs PostgreSQL\.$"):
        run("seed", tickets=1, writer="copy")


def test_seeded_deadlines_duplicates_visits_and_ids_follow_the_rules(db, business_tz):
    with frozen_now():
        run("seed", customers=40, units=60, tickets=600, batch=100, days=60)

    tickets = {ticket.pk: ticket for ticket in Ticket.objects.all()}
    calendar = calendar_spec_for(None)
    merged = [ticket for ticket in tickets.values() if ticket.status == Status.MERGED]
    assert len(tickets) == 600 and merged
    for ticket in tickets.values():
        if ticket.status == Status.MERGED:
            original = tickets[ticket.merged_into_id]
            assert ticket.suspected_duplicate_of_id == original.pk
            assert original.created_at < ticket.created_at and original.status != Status.MERGED
            same = ("customer_id", "unit_id", "kind", "fault_category_id", "description", "priority")
            assert [getattr(ticket, name) for name in same] == [getattr(original, name) for name in same]
            assert ticket.deadlines == original.deadlines and ticket.next_due is None
        else:
            expected = sla.deadlines_for(sla.default_target(ticket.kind, ticket.priority), ticket.created_at, calendar)
            assert ticket.deadlines == expected
            assert ticket.next_due == sla.stage_deadline(ticket.status, expected)
        assert ticket.visits == (0 if ticket.started_at is None else 2 if ticket.pk % 10 == 0 else 1)
    # Ids follow the creation time, as references do.
    by_id = [tickets[pk] for pk in sorted(tickets)]
    assert [t.created_at for t in by_id] == sorted(t.created_at for t in by_id)
    assert [t.reference for t in by_id] == sorted(t.reference for t in by_id)


# --- COPY, index rebuilds and foreign keys (PostgreSQL) -------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("rebuild_indexes_at", [1, 10**9], ids=["bulk", "row-by-row"])
def test_copy_writes_the_same_rows_as_bulk_inserts(db, rebuild_indexes_at):
    run("seed")  # the minimal catalogue, stations and staff both runs share
    positions = sequence_positions()
    sequences = list(TicketSequence.objects.values_list("year", "last_value"))
    with frozen_now() as now:
        inserted_out = run("seed", writer="insert", rebuild_indexes_at=10**9, **VOLUME)
    inserted = seeded_rows()
    forget_the_seed(positions, sequences)

    with frozen_now(now):
        copied_out = run("seed", writer="copy", rebuild_indexes_at=rebuild_indexes_at, **VOLUME)

    assert seeded_rows() == inserted
    assert [len(inserted[model.__name__]) for model in SEEDED[:3]] == [30, 45, 400]
    assert len(inserted["TicketEvent"]) == 400 and len(inserted["CallbackVisit"]) == 120
    assert "bulk INSERT)." in inserted_out and "COPY)." in copied_out
    assert "analyze: 8 tables in" in copied_out
    assert ("built again" in copied_out) == (rebuild_indexes_at == 1)


@pytest.mark.postgres
def test_a_bulk_load_builds_every_secondary_index_again_as_it_was(db):
    before = index_definitions()
    ticket_tables = ["tickets_feedbackitem", "tickets_ticket", "tickets_ticketevent"]
    indexes, keys = len(secondary_indexes(ticket_tables)), len(foreign_keys(ticket_tables))

    out = run("seed", **VOLUME, rebuild_indexes_at=1)

    assert index_definitions() == before
    assert out.count("built again") == 4
    assert f"indexes: {indexes} built again on {', '.join(ticket_tables)} in" in out
    assert f"foreign keys: {keys} checked on {', '.join(ticket_tables)} in" in out
    assert setting("session_replication_role") == "origin"
    assert Ticket.objects.count() == 400


@pytest.mark.postgres
def test_secondary_indexes_leave_out_unique_ones_and_constraints(db):
    ratings = {index.name for index in secondary_indexes(["tickets_satisfactionrating"])}
    feedback = {index.name for index in secondary_indexes(["tickets_feedbackitem"])}

    # Neither the primary keys, nor one_portal_rating_per_ticket (a unique index), nor
    # feedback_once_per_ticket_code (a unique constraint).
    assert ratings == {"rating_created_at", "tickets_satisfactionrating_ticket_id_e4f4359a"}
    assert feedback == {
        "feedback_department_status",
        "feedback_model_batch",
        "tickets_feedbackitem_acknowledged_by_id_49cb250e",
        "tickets_feedbackitem_answered_by_id_0c42ea76",
        "tickets_feedbackitem_created_at_0a0da228",
        "tickets_feedbackitem_model_id_e243021e",
        "tickets_feedbackitem_ticket_id_98bf1f1c",
    }


@pytest.mark.postgres
def test_indexes_are_gone_during_the_load_and_back_after_it(db):
    before = index_definitions()
    secondary = secondary_indexes(["tickets_ticket"])

    with transaction.atomic(), rebuilt_indexes(["tickets_ticket"]) as dropped:
        during = index_definitions()

    # Every index but the unique ones (the primary key, the reference's).
    assert {index.name for index in dropped} == {
        name
        for (table, name), definition in before.items()
        if table == "tickets_ticket" and " UNIQUE " not in definition
    }
    assert dropped == secondary and len(dropped) > 20
    assert set(before) - set(during) == {("tickets_ticket", index.name) for index in dropped}
    assert index_definitions() == before


@pytest.mark.postgres
def test_a_load_failing_in_python_leaves_the_indexes_and_writes_no_ticket(db):
    before = index_definitions()

    with mock.patch.object(ticket_rows, "feedback_item", side_effect=RuntimeError("boom")):
        with pytest.raises(RuntimeError, match="^boom$"):
            run("seed", **VOLUME, rebuild_indexes_at=1)

    assert index_definitions() == before
    assert setting("session_replication_role") == "origin"
    # The customers and units steps had committed; the tickets step rolled back whole.
    assert (Customer.objects.count(), ProductUnit.objects.count()) == (30, 45)
    assert not Ticket.objects.exists() and not TicketEvent.objects.exists() and not FeedbackItem.objects.exists()


@pytest.mark.postgres
def test_a_load_failing_in_the_database_leaves_the_indexes_and_writes_no_ticket(db):
    existing = factories.TicketFactory()
    before = index_definitions()
    reserve = tickets.reserve_ids

    def colliding(model, count):
        # Tickets get ids already taken: the COPY fails on the primary key.
        return range(existing.pk, existing.pk + count) if model is Ticket else reserve(model, count)

    with mock.patch.object(tickets, "reserve_ids", colliding):
        with pytest.raises(IntegrityError, match="tickets_ticket_pkey"):
            run("seed", **VOLUME, rebuild_indexes_at=1)

    assert index_definitions() == before
    assert setting("session_replication_role") == "origin"
    assert list(Ticket.objects.values_list("pk", flat=True)) == [existing.pk]
    assert not TicketEvent.objects.exists()


@pytest.mark.postgres
def test_the_bulk_check_refuses_a_key_pointing_nowhere(db):
    events = Table(TicketEvent, ("ticket_id", "kind", "created_at"))

    with pytest.raises(IntegrityError) as failure:
        with transaction.atomic(), foreign_keys_checked_once(["tickets_ticketevent"]):
            with CopyWriter().session() as writer:
                writer.write(events, [(987654321, EventKind.CREATED, timezone.now())])

    assert str(failure.value) == (
        "tickets_ticketevent (ticket_id) refers to rows missing from tickets_ticket"
        " (1; foreign key tickets_ticketevent_ticket_id_b572d14b_fk_tickets_ticket_id)"
    )
    assert not TicketEvent.objects.exists()
    assert setting("session_replication_role") == "origin"


@pytest.mark.postgres
def test_the_bulk_check_locks_what_the_rows_refer_to(db):
    import psycopg2

    ticket = factories.TicketFactory()
    events = Table(TicketEvent, ("ticket_id", "kind", "actor_id", "created_at"))
    database = settings.DATABASES["default"]
    other = psycopg2.connect(
        dbname=connection.settings_dict["NAME"],
        user=database["USER"],
        password=database["PASSWORD"],
        host=database["HOST"],
        port=database["PORT"],
    )
    try:
        # Someone is writing to the users: their table cannot be locked, so the rows are.
        other.cursor().execute("LOCK TABLE auth_user IN ROW EXCLUSIVE MODE")
        with transaction.atomic():
            with foreign_keys_checked_once(["tickets_ticketevent"]) as keys:
                with CopyWriter().session() as writer:
                    writer.write(events, [(ticket.pk, EventKind.CREATED, None, timezone.now())])
            held = locks_held()
    finally:
        other.rollback()
        other.close()

    assert [key.target for key in keys] == ["auth_user", "tickets_ticket"]
    assert "ShareLock" in held["tickets_ticket"]
    assert "ShareLock" not in held.get("auth_user", set())
    assert list(TicketEvent.objects.values_list("ticket_id", flat=True)) == [ticket.pk]
