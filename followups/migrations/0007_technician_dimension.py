"""Figures can be broken down by technician: the ticket's assignee, and for a complaint about a
ticket, that original ticket's assignee. Days already computed get their technician rows at
their next recompute."""

from django.db import migrations, models

DIMENSIONS = [
    ("all", "Whole organisation"),
    ("category", "Product category"),
    ("model", "Model"),
    ("batch", "Production batch"),
    ("station", "Service station"),
    ("region", "Region"),
    ("agent", "Agent"),
    ("technician", "Technician"),
]


class Migration(migrations.Migration):
    dependencies = [("followups", "0006_snapshot_unrated_complaints")]

    operations = [
        migrations.AlterField(
            model_name="qualityalert",
            name="dimension",
            field=models.CharField(choices=DIMENSIONS, default="all", max_length=20, verbose_name="dimension"),
        ),
        migrations.AlterField(
            model_name="ratesnapshot",
            name="dimension",
            field=models.CharField(choices=DIMENSIONS, max_length=20, verbose_name="dimension"),
        ),
    ]
