"""The first SLA targets: one versioned target per kind and priority, seeded with the hours the
code held until now (business hours from here on), in force since always. A complaint is still
answered within the business day it came in on; urgent and high ones sooner.

The values are written out here, not read from tickets/sla/clocks.py, so this migration seeds the same
rows whatever that module says later.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

# Business hours per stage for a normal-priority ticket (None: the stage does not apply).
BASE_HOURS = {
    "repair": {"response": 2, "dispatch": 8, "arrival": 24, "completion": 72},
    "installation": {"response": 4, "dispatch": 24, "arrival": 48, "completion": 72},
    "maintenance": {"response": 8, "dispatch": 48, "arrival": 96, "completion": 120},
    "consultation": {"response": 4, "dispatch": None, "arrival": None, "completion": 24},
    "complaint": {"response": None, "dispatch": None, "arrival": None, "completion": 168},
}
PRIORITY_FACTOR = {"urgent": Decimal("0.25"), "high": Decimal("0.5"), "normal": Decimal("1"), "low": Decimal("2")}
# An urgent or high complaint is answered within 8 hours × its factor, or by closing time.
COMPLAINT_PROMPT_RESPONSE_HOURS = 8
SINCE_ALWAYS = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def seed_targets(apps, schema_editor):
    SlaTarget = apps.get_model("tickets", "SlaTarget")
    if SlaTarget.objects.using(schema_editor.connection.alias).exists():
        return  # targets are there already: the first ones are only for an empty table
    rows = []
    for kind, base in BASE_HOURS.items():
        for priority, factor in PRIORITY_FACTOR.items():
            hours = {stage: None if value is None else value * factor for stage, value in base.items()}
            if kind == "complaint" and factor < 1:
                hours["response"] = COMPLAINT_PROMPT_RESPONSE_HOURS * factor
            rows.append(
                SlaTarget(
                    kind=kind,
                    priority=priority,
                    region="",
                    station=None,
                    response_hours=hours["response"],
                    response_same_day=kind == "complaint",
                    dispatch_hours=hours["dispatch"],
                    arrival_hours=hours["arrival"],
                    completion_hours=hours["completion"],
                    effective_from=SINCE_ALWAYS,
                    version=1,
                    note="First targets",
                )
            )
    SlaTarget.objects.using(schema_editor.connection.alias).bulk_create(rows)


def unseed_targets(apps, schema_editor):
    SlaTarget = apps.get_model("tickets", "SlaTarget")
    SlaTarget.objects.using(schema_editor.connection.alias).filter(version=1, note="First targets").delete()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0024_sla_targets")]

    operations = [migrations.RunPython(seed_targets, unseed_targets)]
