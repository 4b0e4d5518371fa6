"""What the on-site job writes on a ticket's timeline: the ``job.*`` system texts, added to the
timeline's registry at start-up (fieldwork/jobs/hooks.py)."""

from django.utils.translation import gettext_lazy as _

from fieldwork.models import ChargeKind, PhotoStage
from tickets.timeline_texts import SystemText, amount, clock, day, label

TEXTS: dict[str, SystemText] = {
    "job.checked_in": SystemText(
        _("Technician checked in on site: %(day)s %(time)s."), {"day": day("at"), "time": clock("at")}
    ),
    "job.recorded": SystemText(
        _("Job record saved.\nDiagnosis: %(diagnosis)s\nWork done: %(work)s\nCharge: %(kind)s, %(charge)s"),
        {"kind": label(ChargeKind, "kind"), "charge": amount("charge")},
    ),
    "job.photo_added": SystemText(_("Photo added (%(stage)s)."), {"stage": label(PhotoStage, "stage")}),
    "job.part_used": SystemText(_("Part used: %(number)s %(name)s × %(quantity)s.")),
    "job.part_used_warranty": SystemText(_("Part replaced under warranty: %(number)s %(name)s × %(quantity)s.")),
    "job.signed": SystemText(_("The customer signed the job: %(name)s.")),
    "job.checked_out": SystemText(
        _("Technician checked out: %(day)s %(time)s. The visit is done."), {"day": day("at"), "time": clock("at")}
    ),
}
