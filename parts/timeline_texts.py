"""What a ticket's parts write on its timeline: the ``parts.*`` system texts, added to the
timeline's registry at start-up (tickets/hooks.py, through parts/hooks.py ``register``).

Parts are stored by part number, vocabulary (where an order went, an inspection's finding) by
its code and rendered through its label in the reader's language.
"""

from django.utils.translation import gettext_lazy as _

from parts.models import OrderSource, ReturnFinding
from tickets.timeline_texts import SystemText, day, label

TEXTS: dict[str, SystemText] = {
    "parts.reserved": SystemText(_("%(quantity)s × %(part)s reserved at %(station)s.")),
    "parts.released": SystemText(_("Reservation of %(quantity)s × %(part)s released at %(station)s.")),
    # The reason of the hold (a status event): the ticket waits for the part ordered.
    "parts.waiting": SystemText(
        _("Waiting for parts: %(quantity)s × %(part)s ordered from %(source)s."),
        {"source": label(OrderSource, "source")},
    ),
    "parts.ordered": SystemText(
        _("%(quantity)s × %(part)s ordered from %(source)s."), {"source": label(OrderSource, "source")}
    ),
    "parts.received": SystemText(_("%(quantity)s × %(part)s received at %(station)s and reserved for this ticket.")),
    "parts.order_cancelled": SystemText(_("Order of %(quantity)s × %(part)s cancelled.")),
    # The reason of the resume (a status event): nothing ordered is still awaited.
    "parts.arrived": SystemText(_("The parts ordered are here: the repair goes on.")),
    "parts.return_opened": SystemText(
        _("Old part %(part)s to be returned to the maker under %(rma)s by %(date)s."), {"date": day("due_by")}
    ),
    "parts.return_shipped": SystemText(_("Old part returned under %(rma)s, tracking %(tracking)s.")),
    "parts.return_received": SystemText(_("The maker received the old part of %(rma)s.")),
    "parts.return_inspected": SystemText(
        _("Old part of %(rma)s inspected: %(finding)s."), {"finding": label(ReturnFinding, "finding")}
    ),
    "parts.return_overdue": SystemText(
        _("The old part of %(rma)s was due back by %(date)s and is not shipped."), {"date": day("due_by")}
    ),
}
