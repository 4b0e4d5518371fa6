"""``Ticket.reopened_at``: when the current round of a reopened ticket began.

Filled for tickets reopened before it existed from their latest "reopened" timeline event.
Complaints about a test ticket become test tickets too, as they are from now on when opened.
"""

from django.db import migrations, models
from django.db.models import Max


def backfill(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    latest = (
        TicketEvent.objects.filter(to_status="reopened", ticket__reopened_count__gt=0)
        .values("ticket_id")
        .annotate(at=Max("created_at"))
        .values_list("ticket_id", "at")
    )
    for ticket_id, at in latest.iterator():
        Ticket.objects.filter(pk=ticket_id).update(reopened_at=at)
    Ticket.objects.filter(complaint_about__is_test=True, is_test=False).update(is_test=True)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0022_normalise_fault_codes")]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="reopened_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last reopened"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
