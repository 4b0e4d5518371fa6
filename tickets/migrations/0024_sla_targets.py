"""SLA targets become data: the versioned targets, the ticket's target, escalations. The first
targets are seeded by the next migration, on their own: on PostgreSQL rows written and a table
altered in one transaction cannot be undone together."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0023_ticket_reopened_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="servicestation",
            name="lead",
            field=models.ForeignKey(
                blank=True,
                help_text="Told when a ticket of this station misses a deadline; the managers are told when empty.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="lead",
            ),
        ),
        migrations.AddField(
            model_name="ticket",
            name="escalated_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="escalated"),
        ),
        migrations.CreateModel(
            name="SlaTarget",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("repair", "Repair"),
                            ("installation", "Installation"),
                            ("maintenance", "Maintenance"),
                            ("consultation", "Consultation"),
                            ("complaint", "Complaint"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "priority",
                    models.CharField(
                        choices=[("low", "Low"), ("normal", "Normal"), ("high", "High"), ("urgent", "Urgent")],
                        max_length=10,
                        verbose_name="priority",
                    ),
                ),
                (
                    "region",
                    models.CharField(
                        blank=True,
                        help_text="The customers' region this target is for; leave empty for every region.",
                        max_length=80,
                        verbose_name="region",
                    ),
                ),
                (
                    "response_hours",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="Business hours from the start of the clock; leave empty when the stage does not apply.",
                        max_digits=7,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                        verbose_name="response (hours)",
                    ),
                ),
                (
                    "response_same_day",
                    models.BooleanField(
                        default=False,
                        help_text="Due by closing time of the business day it came in on (the next one after closing or on a holiday).",
                        verbose_name="respond the same business day",
                    ),
                ),
                (
                    "dispatch_hours",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="Business hours from the start of the clock; leave empty when the stage does not apply.",
                        max_digits=7,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                        verbose_name="dispatch (hours)",
                    ),
                ),
                (
                    "arrival_hours",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="Business hours from the start of the clock; leave empty when the stage does not apply.",
                        max_digits=7,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                        verbose_name="arrival (hours)",
                    ),
                ),
                (
                    "completion_hours",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="Business hours from the start of the clock; leave empty when the stage does not apply.",
                        max_digits=7,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                        verbose_name="completion (hours)",
                    ),
                ),
                ("effective_from", models.DateTimeField(verbose_name="effective from")),
                ("version", models.PositiveIntegerField(verbose_name="version")),
                ("note", models.CharField(blank=True, max_length=255, verbose_name="what changed")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "station",
                    models.ForeignKey(
                        blank=True,
                        help_text="The station this target is for; leave empty for every station.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="sla_targets",
                        to="tickets.servicestation",
                        verbose_name="service station",
                    ),
                ),
            ],
            options={
                "verbose_name": "SLA target",
                "verbose_name_plural": "SLA targets",
                "ordering": ["kind", "priority", "region", "station", "-version"],
            },
        ),
        migrations.AddField(
            model_name="ticket",
            name="sla_target",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tickets",
                to="tickets.slatarget",
                verbose_name="SLA target",
            ),
        ),
        migrations.CreateModel(
            name="SlaEscalation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "stage",
                    models.CharField(
                        choices=[
                            ("response", "Response"),
                            ("dispatch", "Dispatch"),
                            ("arrival", "Arrival"),
                            ("completion", "Completion"),
                        ],
                        max_length=20,
                        verbose_name="stage",
                    ),
                ),
                ("due", models.DateTimeField(verbose_name="deadline")),
                ("created_at", models.DateTimeField(verbose_name="escalated")),
                (
                    "recipients",
                    models.ManyToManyField(
                        blank=True, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="told"
                    ),
                ),
                (
                    "ticket",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="escalations",
                        to="tickets.ticket",
                        verbose_name="ticket",
                    ),
                ),
            ],
            options={
                "verbose_name": "escalation",
                "verbose_name_plural": "escalations",
                "ordering": ["-created_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(fields=("ticket", "stage", "due"), name="escalation_once_per_stage")
                ],
            },
        ),
        migrations.AddIndex(
            model_name="slatarget",
            index=models.Index(fields=["kind", "priority", "effective_from"], name="sla_target_lookup"),
        ),
        migrations.AddConstraint(
            model_name="slatarget",
            constraint=models.CheckConstraint(
                condition=models.Q(("station__isnull", True), ("region", ""), _connector="OR"),
                name="sla_target_station_or_region",
            ),
        ),
        migrations.AddConstraint(
            model_name="slatarget",
            constraint=models.UniqueConstraint(
                condition=models.Q(("station__isnull", True)),
                fields=("kind", "priority", "region", "version"),
                name="sla_target_version_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="slatarget",
            constraint=models.UniqueConstraint(
                condition=models.Q(("station__isnull", False)),
                fields=("kind", "priority", "station", "version"),
                name="sla_target_station_version_unique",
            ),
        ),
        migrations.AlterField(
            model_name="ticketevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("status", "Status changed"),
                    ("assigned", "Assigned"),
                    ("note", "Note"),
                    ("resolution", "Resolution recorded"),
                    ("sla_breached", "Deadline missed"),
                    ("escalated", "Escalated"),
                    ("duplicate", "Possible duplicate"),
                    ("claim", "Warranty claim"),
                    ("attachment", "File added"),
                    ("rating", "Rated"),
                    ("callback", "Callback"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
    ]
