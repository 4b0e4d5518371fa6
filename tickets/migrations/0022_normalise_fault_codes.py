"""Every stored fault code in its one spelling (tickets/fault_codes.py: upper case, no spaces).

Before, the feedback item matched a technician's code to the catalogue without regard to case
while the no-feedback omission compared it exactly, so ``q-12`` opened a feedback item and yet
was no quality fault for the omission. Codes that become equal merge: the catalogue keeps one
row per code (an active one routed to a department first, else the oldest); a feedback item
keeps its spelling only where the new one would repeat another item of its ticket.
"""

import re

from django.db import migrations

_WHITESPACE = re.compile(r"\s+")


def _normal(text):
    # A copy of tickets.fault_codes.normalise_fault_code: a migration does not import app code.
    return _WHITESPACE.sub("", text or "").upper()


def normalise(apps, schema_editor):
    FaultCode = apps.get_model("tickets", "FaultCode")
    FeedbackItem = apps.get_model("tickets", "FeedbackItem")
    Ticket = apps.get_model("tickets", "Ticket")

    rows = sorted(FaultCode.objects.all(), key=lambda row: (not (row.is_active and row.department), row.pk))
    kept = {}
    for row in rows:
        code = _normal(row.code)
        if code in kept:
            row.delete()
            continue
        kept[code] = row
    for code, row in kept.items():
        if row.code != code:
            row.code = code
            row.save(update_fields=["code"])

    for pk, code in Ticket.objects.exclude(fault_code="").values_list("pk", "fault_code").iterator():
        if _normal(code) != code:
            Ticket.objects.filter(pk=pk).update(fault_code=_normal(code))

    for item in FeedbackItem.objects.all().iterator():
        code = _normal(item.fault_code)
        if code == item.fault_code:
            continue
        if FeedbackItem.objects.filter(ticket_id=item.ticket_id, fault_code=code).exists():
            continue
        FeedbackItem.objects.filter(pk=item.pk).update(fault_code=code)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0021_station_calendar")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop, elidable=True)]
