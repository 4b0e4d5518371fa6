"""What follow-ups write on a ticket's timeline: the ``callback.*`` and ``feedback.*`` system texts,
added to the timeline's registry at start-up (tickets/hooks.py, ``FollowupsConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from followups.choices import CallbackResult, OfferOutcome
from tickets.models import Department
from tickets.timeline_texts import SystemText, label

TEXTS: dict[str, SystemText] = {
    "callback.result": SystemText(_("%(result)s."), {"result": label(CallbackResult, "result")}),
    "callback.result_noted": SystemText(_("%(result)s. %(note)s"), {"result": label(CallbackResult, "result")}),
    "callback.dissatisfied": SystemText(_("Customer dissatisfied on the callback (%(score)s/5): %(comment)s")),
    "callback.complaint_opened": SystemText(_("Complaint %(reference)s opened from the callback.")),
    "callback.offer_outcome": SystemText(
        _("Offer on the callback: %(outcome)s. %(detail)s"), {"outcome": label(OfferOutcome, "outcome")}
    ),
    "feedback.opened": SystemText(
        _("Quality fault %(code)s fed back to the %(department)s department."),
        {"department": label(Department, "department")},
    ),
    "feedback.acknowledged": SystemText(
        _("Quality feedback %(code)s to the %(department)s department: acknowledged."),
        {"department": label(Department, "department")},
    ),
    "feedback.answered": SystemText(
        _(
            "Quality feedback %(code)s to the %(department)s department: answered.\nCause: %(cause)s\nCorrective action: %(action)s"
        ),
        {"department": label(Department, "department")},
    ),
}
