"""What service reports write on a ticket's timeline: the ``report.*`` system texts, added to the
timeline's registry at start-up (fieldwork/reports/hooks.py)."""

from django.utils.translation import gettext_lazy as _

from tickets.timeline_texts import SystemText, clock, day

TEXTS: dict[str, SystemText] = {
    "report.made": SystemText(
        _(
            "Service report of the visit that ended %(day)s %(time)s made by %(technician)s; its link is sent to the customer."
        ),
        {"day": day("checked_out_at"), "time": clock("checked_out_at")},
    ),
}
