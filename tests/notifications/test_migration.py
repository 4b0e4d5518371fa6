"""The upgrade copies the old email outbox into the messages outbox, and moves the sweep."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("tickets", "0016_callback_indexes"), ("notifications", None)]
AFTER = [("tickets", "0017_delete_outboundemail"), ("notifications", "0001_initial")]
CREATED = dt.datetime(2026, 3, 5, 6, 30, tzinfo=dt.UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    # The models as the applied migrations leave them.
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


# The rows the migrations loaded are put back afterwards, as for every test that commits: a plain
# flush would run post_migrate and leave the role groups behind for the next such test to trip on.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_email_of_the_old_outbox_becomes_an_email_message():
    apps = migrate(BEFORE)
    try:
        customer = apps.get_model("customers", "Customer").objects.create(name="Li Na", phone="+8613812345678")
        ticket = apps.get_model("tickets", "Ticket").objects.create(
            reference="AS-2026-000042", customer=customer, kind="repair", channel="phone", description="x"
        )
        OutboundEmail = apps.get_model("tickets", "OutboundEmail")
        waiting = OutboundEmail.objects.create(
            template="tickets/request_received",
            to_email="li.na@example.com",
            language="zh-hans",
            context={"reference": "AS-2026-000042"},
            ticket=ticket,
            dedupe_key=f"ticket:{ticket.pk}:received",
            attempts=2,
            last_error="OSError: down",
        )
        OutboundEmail.objects.filter(pk=waiting.pk).update(created_at=CREATED)
        OutboundEmail.objects.create(
            template="tickets/status_resolved",
            to_email="li.na@example.com",
            language="en",
            context={"reference": "AS-2026-000042", "survey_url": "https://s/survey/abc:sig/"},
            ticket=ticket,
            status="sent",
            sent_at=CREATED,
        )
        OutboundEmail.objects.create(
            template="tickets/reminder_warranty", to_email="wang@example.com", language="en", context={}
        )

        apps = migrate(AFTER)

        rows = list(
            apps.get_model("notifications", "OutboundMessage")
            .objects.order_by("id")
            .values_list(
                "channel",
                "recipient",
                "template",
                "language",
                "customer_id",
                "ticket_reference",
                "essential",
                "status",
                "attempts",
                "last_error",
                "context",
                "redacted_keys",
            )
        )
        assert rows == [
            ("email", "li.na@example.com", "request_received", "zh-hans", customer.pk, "AS-2026-000042", True,
             "pending", 2, "OSError: down", {"reference": "AS-2026-000042"}, []),
            ("email", "li.na@example.com", "status_resolved", "en", customer.pk, "AS-2026-000042", True,
             "sent", 0, "", {"reference": "AS-2026-000042", "survey_url": ""}, ["survey_url"]),
            ("email", "wang@example.com", "reminder_warranty", "en", None, "", False, "pending", 0, "", {}, []),
        ]  # fmt: skip
        copied = apps.get_model("notifications", "OutboundMessage").objects.order_by("id").first()
        assert (copied.created_at, copied.dedupe_key) == (CREATED, f"ticket:{ticket.pk}:received")
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        sweeps = PeriodicTask.objects.filter(task__endswith=".outbox_sweep_task")
        assert list(sweeps.values_list("name", "task")) == [
            ("Send waiting messages", "notifications.outbox_sweep_task")
        ]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
