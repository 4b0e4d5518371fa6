"""The email outbox moved to the notifications app (its rows were copied there)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0016_callback_indexes"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.DeleteModel(name="OutboundEmail")]
