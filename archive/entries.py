"""The lines of a unit's history (docs/archive.md): one :class:`Entry` per thing that happened,
made from rows the selector already read, so building them queries nothing.

Each builder takes ``for_customer``: the customer's version leaves out internal notes (root
cause, a callback agent's comment, why a contract was cancelled), staff beyond their first
name, internal costs (the cost of a part to the network) and the decision's internal codes.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from aftersales.money import format_amount, format_money
from warranty.three_guarantees.facts import Remedy

REMEDY_LABELS = dict(Remedy.choices)


class EntryKind(models.TextChoices):
    """What a timeline line is about; the order here breaks ties between lines of one moment."""

    PURCHASE = "purchase", gettext_lazy("Purchase")
    DELIVERY = "delivery", gettext_lazy("Delivery")
    INSTALLATION = "installation", pgettext_lazy("history", "Installation")
    REGISTRATION = "registration", gettext_lazy("Registration")
    TICKET = "ticket", gettext_lazy("Service request")
    VISIT = "visit", gettext_lazy("Technician visit")
    PART = "part", gettext_lazy("Part replaced")
    CLAIM = "claim", gettext_lazy("Three-guarantees claim")
    REMEDY = "remedy", gettext_lazy("Remedy carried out")
    REPLACEMENT = "replacement", gettext_lazy("Replacement")
    CONTRACT = "contract", gettext_lazy("Service contract")
    PLAN_VISIT = "plan_visit", gettext_lazy("Plan maintenance visit")
    ODOMETER = "odometer", gettext_lazy("Odometer reading")
    RECALL = "recall", gettext_lazy("Recall")
    CALLBACK = "callback", gettext_lazy("Callback")
    RATING = "rating", gettext_lazy("Rating")
    SURVEY = "survey", gettext_lazy("Survey")


KIND_ORDER = {kind: position for position, kind in enumerate(EntryKind.values)}


@dataclass(frozen=True)
class Entry:
    """One line of the timeline: when, what, a title, label–value details (already formatted
    for the reader's language) and a link to the page it comes from ("" when none)."""

    when: dt.datetime
    kind: str
    title: str
    details: tuple[tuple[str, str], ...] = ()
    link: str = ""
    # A day with no time of day (an invoice date, a plan visit): the page shows the date only.
    day_only: bool = False
    sequence: int = field(default=0, compare=False)

    @property
    def kind_label(self) -> str:
        return EntryKind(self.kind).label

    @property
    def sort_key(self) -> tuple:
        return (self.when, KIND_ORDER[self.kind], self.sequence)


# --- formatting ---------------------------------------------------------------------------------


def start_of(day: dt.date) -> dt.datetime:
    """A day as the moment it starts in the business time zone, to sort among timestamps."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def day_text(day: dt.date | None) -> str:
    return date_format(day, "SHORT_DATE_FORMAT") if day else "—"


def moment_text(moment: dt.datetime | None) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else "—"


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def staff_name(user, *, for_customer: bool) -> str:
    """Staff as the reader may see them: the full name at the desk, the first name only for
    the customer (never a login name, which may be a phone number)."""
    if user is None:
        return ""
    if for_customer:
        return user.first_name
    return user.get_full_name() or user.get_username()


def _details(*pairs: tuple[str, object]) -> tuple[tuple[str, str], ...]:
    """The pairs whose value is not empty, as text."""
    return tuple((label, str(value)) for label, value in pairs if value not in (None, ""))


def ticket_link(ticket, *, for_customer: bool) -> str:
    if for_customer:
        return reverse("portal:track_detail", args=[ticket.reference])
    return reverse("desk:ticket", args=[ticket.reference])


# --- purchase -----------------------------------------------------------------------------------


def purchase_entries(unit) -> list[Entry]:
    """The unit's own dates: invoice, delivery, installation and registration (the same for
    the customer: it is their purchase)."""
    entries = []
    if unit.invoice_date:
        entries.append(
            Entry(
                when=start_of(unit.invoice_date),
                kind=EntryKind.PURCHASE,
                title=_("Bought"),
                details=_details(
                    (_("Dealer"), unit.dealer),
                    (_("Price"), format_amount(unit.price)),
                    (_("Invoice"), yes_no(unit.has_invoice)),
                ),
                day_only=True,
            )
        )
    if unit.delivery_date:
        entries.append(
            Entry(when=start_of(unit.delivery_date), kind=EntryKind.DELIVERY, title=_("Delivered"), day_only=True)
        )
    if unit.installation_date:
        entries.append(
            Entry(
                when=start_of(unit.installation_date),
                kind=EntryKind.INSTALLATION,
                title=_("Installed"),
                day_only=True,
            )
        )
    entries.append(
        Entry(
            when=unit.registered_at,
            kind=EntryKind.REGISTRATION,
            title=_("Registered"),
            details=_details((_("Warranty until"), day_text(unit.warranty_end) if unit.warranty_end else "")),
        )
    )
    return entries


# --- service --------------------------------------------------------------------------------------


def ticket_entry(ticket, *, for_customer: bool) -> Entry:
    """A service request: reference, kind, status, its dates and the fault. The root cause
    and the technician's fault code are the network's own findings: desk only."""
    fault = ticket.fault_category.display_name if ticket.fault_category_id else ""
    pairs = [
        (_("Kind"), ticket.get_kind_display()),
        (_("Status"), ticket.get_status_display()),
        (_("Fault"), fault),
        (_("Description"), ticket.description),
        (_("Resolved"), moment_text(ticket.resolved_at) if ticket.resolved_at else ""),
        (_("Closed"), moment_text(ticket.closed_at) if ticket.closed_at else ""),
        (_("Cancelled"), moment_text(ticket.cancelled_at) if ticket.cancelled_at else ""),
        (_("Service station"), ticket.station.display_name if ticket.station_id else ""),
        (_("Technician"), staff_name(ticket.assignee, for_customer=for_customer)),
        (_("Work done"), ticket.work_done),
    ]
    if not for_customer:
        pairs += [
            (_("Fault code"), ticket.fault_code),
            (_("Component"), ticket.fault_component),
            (_("Root cause"), ticket.root_cause),
        ]
    return Entry(
        when=ticket.created_at,
        kind=EntryKind.TICKET,
        title=ticket.reference,
        details=_details(*pairs),
        link=ticket_link(ticket, for_customer=for_customer),
    )


def visit_entry(visit, *, for_customer: bool) -> Entry:
    """A technician's visit for one of the unit's tickets, with what was recorded on site."""
    job = getattr(visit, "job", None)
    pairs = [
        (_("Request"), visit.ticket.reference),
        (_("Status"), visit.get_status_display()),
        (_("Technician"), staff_name(visit.technician, for_customer=for_customer)),
    ]
    if job is not None:
        pairs += [(_("Work done"), job.work_done), (_("Charge"), format_amount(job.charge) if job.charge else "")]
        if not for_customer:
            pairs.append((_("Diagnosis"), job.diagnosis))
    return Entry(
        when=visit.start,
        kind=EntryKind.VISIT,
        title=_("Visit for %(reference)s") % {"reference": visit.ticket.reference},
        details=_details(*pairs),
        link=ticket_link(visit.ticket, for_customer=for_customer),
    )


def part_entry(usage, *, for_customer: bool) -> Entry:
    """A part fitted: its part number and name, how many, whether under warranty. What the
    part costs the network (its cost and standard cost) is internal: desk only."""
    pairs = [
        (_("Part number"), usage.part.number),
        (_("Part"), usage.part.display_name),
        (_("Quantity"), usage.quantity),
        (_("Under warranty"), yes_no(usage.under_warranty)),
        (_("Request"), usage.ticket.reference),
    ]
    if not usage.under_warranty:
        pairs.append((_("Price"), format_amount(usage.unit_price)))
    if not for_customer:
        pairs += [
            (_("Unit cost"), format_amount(usage.unit_cost)),
            (_("Standard cost"), format_amount(usage.part.standard_cost)),
            (_("Batch fitted"), usage.batch),
            (_("Batch taken out"), usage.failed_batch),
        ]
    return Entry(
        when=usage.created_at,
        kind=EntryKind.PART,
        title=f"{usage.part.number} {usage.part.display_name}",
        details=_details(*pairs),
        link=ticket_link(usage.ticket, for_customer=for_customer),
    )


def claim_entries(claim, *, for_customer: bool) -> list[Entry]:
    """A three-guarantees claim when it was decided, and its remedy when carried out."""
    if for_customer:
        link = ticket_link(claim.ticket, for_customer=True)
    else:
        link = reverse("warranty:claim", args=[claim.ticket.reference, claim.pk])
    remedies = ", ".join(str(REMEDY_LABELS.get(code, code)) for code in claim.remedies)
    pairs = [
        (_("Request"), claim.ticket.reference),
        (_("Free of charge"), yes_no(claim.free)),
        (_("Remedies allowed"), remedies),
        (_("Remedy chosen"), REMEDY_LABELS.get(claim.chosen_remedy, claim.chosen_remedy)),
        (_("Status"), claim.get_status_display()),
    ]
    if not for_customer:
        pairs = [(_("Rule"), claim.rule), *pairs, (_("Evaluated by"), staff_name(claim.decided_by, for_customer=False))]
    entries = [
        Entry(
            when=claim.decided_at,
            kind=EntryKind.CLAIM,
            title=_("Claim on %(reference)s") % {"reference": claim.ticket.reference},
            details=_details(*pairs),
            link=link,
        )
    ]
    if claim.executed_at:
        replacement = claim.replacement_unit
        done = [
            (_("Remedy"), REMEDY_LABELS.get(claim.chosen_remedy, claim.chosen_remedy)),
            (_("Replacement serial number"), replacement.serial if replacement else ""),
            (_("Refund paid"), format_amount(claim.refund_paid) if claim.refund_paid is not None else ""),
            (_("Repair charge"), format_amount(claim.charge) if claim.charge else ""),
        ]
        if not for_customer:
            done.append((_("Carried out by"), staff_name(claim.executed_by, for_customer=False)))
        entries.append(
            Entry(
                when=claim.executed_at,
                kind=EntryKind.REMEDY,
                title=str(REMEDY_LABELS.get(claim.chosen_remedy, claim.chosen_remedy) or _("Remedy carried out")),
                details=_details(*done),
                link=link,
            )
        )
    return entries


def replacement_entries(unit, *, history_url) -> list[Entry]:
    """The unit's place in a chain of replacements: the unit it replaced, the one replacing it.
    ``history_url(other)`` is the history page of the other unit, or "" when not to link it."""
    entries = []
    earlier_claim = getattr(unit, "replacement_claim", None)
    if earlier_claim is not None:
        earlier = earlier_claim.unit
        when = unit.replacement_date and start_of(unit.replacement_date) or earlier_claim.executed_at
        entries.append(
            Entry(
                when=when or unit.registered_at,
                kind=EntryKind.REPLACEMENT,
                title=_("Handed over as the replacement of serial number %(serial)s") % {"serial": earlier.serial},
                link=history_url(earlier),
                day_only=bool(unit.replacement_date),
            )
        )
    later = unit.replaced_by
    if later is not None:
        when = later.replacement_date and start_of(later.replacement_date) or later.registered_at
        entries.append(
            Entry(
                when=when,
                kind=EntryKind.REPLACEMENT,
                title=_("Replaced by serial number %(serial)s") % {"serial": later.serial},
                link=history_url(later),
                day_only=bool(later.replacement_date),
            )
        )
    return entries


# --- contracts ----------------------------------------------------------------------------------


def contract_entry(contract, *, for_customer: bool) -> Entry:
    """A contract sold on the unit: number, kind, dates and what it covers."""
    pairs = [
        (_("Kind"), contract.get_kind_display()),
        (_("Status"), contract.get_status_display()),
        (_("Starts"), day_text(contract.starts_on)),
        (_("Ends"), day_text(contract.ends_on)),
        (_("Ends at (km)"), contract.end_km),
        (_("Covers"), contract.get_coverage_display()),
        (_("Included maintenance visits"), contract.included_visits or ""),
        (_("Price"), format_money(contract.price, currency=contract.currency)),
        (_("Cancelled"), moment_text(contract.cancelled_at) if contract.cancelled_at else ""),
    ]
    if not for_customer:
        pairs += [
            (_("Sold on"), contract.get_channel_display()),
            (_("Payment reference"), contract.payment_reference),
            (_("Sold by"), staff_name(contract.sold_by, for_customer=False)),
            (_("Reason for cancelling"), contract.cancel_reason),
        ]
    return Entry(
        when=contract.created_at,
        kind=EntryKind.CONTRACT,
        title=contract.number,
        details=_details(*pairs),
    )


def plan_visit_entry(visit, *, for_customer: bool) -> Entry:
    pairs = [
        (_("Contract"), visit.contract.number),
        (_("Visit number"), visit.number),
        (_("Odometer (km)"), visit.odometer_km),
        (_("Request"), visit.ticket.reference if visit.ticket_id else ""),
    ]
    return Entry(
        when=start_of(visit.done_on),
        kind=EntryKind.PLAN_VISIT,
        title=_("Visit %(number)s of %(included)s")
        % {"number": visit.number, "included": visit.contract.included_visits},
        details=_details(*pairs),
        link=ticket_link(visit.ticket, for_customer=for_customer) if visit.ticket_id else "",
        day_only=True,
    )


def odometer_entry(reading, *, for_customer: bool) -> Entry:
    pairs = [(_("Request"), reading.ticket.reference if reading.ticket_id else "")]
    if not for_customer:
        pairs.append((_("Recorded by"), staff_name(reading.recorded_by, for_customer=False)))
    return Entry(
        when=start_of(reading.read_on),
        kind=EntryKind.ODOMETER,
        title=_("%(km)s km") % {"km": f"{reading.km:,}"},
        details=_details(*pairs),
        day_only=True,
    )


# --- recalls and follow-ups -----------------------------------------------------------------------


def recall_entry(recalled, *, for_customer: bool, ticket_visible: bool) -> Entry:
    """A recall campaign covering the unit, with the ticket opened for it."""
    campaign = recalled.campaign
    pairs = [(_("Reason and remedy"), campaign.reason)]
    # The recall's ticket belongs to whoever owned the unit, served by one provider: shown only
    # to those who may read that ticket.
    if ticket_visible:
        pairs += [(_("Request"), recalled.ticket.reference), (_("Status"), recalled.ticket.get_status_display())]
    return Entry(
        when=campaign.started_at,
        kind=EntryKind.RECALL,
        title=campaign.title,
        details=_details(*pairs),
        link=ticket_link(recalled.ticket, for_customer=for_customer) if ticket_visible else "",
    )


def callback_entry(callback, *, for_customer: bool) -> Entry:
    """A follow-up call; for the customer only calls made, with their scores. The agent's
    comment and the offer's outcome are internal."""
    scores = [
        (_("Attitude"), callback.score_attitude),
        (_("Punctuality"), callback.score_punctuality),
        (_("Quality of work"), callback.score_quality),
        (_("Overall"), callback.score_overall),
    ]
    pairs = [
        (_("Status"), callback.get_status_display()),
        (_("Request"), callback.ticket.reference if callback.ticket_id else ""),
        *scores,
    ]
    if not for_customer:
        pairs += [
            (_("Due"), moment_text(callback.due_at)),
            (_("Agent"), staff_name(callback.assigned_to, for_customer=False)),
            (_("Offer outcome"), callback.get_offer_outcome_display() if callback.offer_outcome else ""),
            (_("Why the offer was declined"), callback.offer_decline_reason),
            (_("Comment"), callback.comment),
        ]
    return Entry(
        when=callback.completed_at or callback.due_at,
        kind=EntryKind.CALLBACK,
        title=callback.get_kind_display(),
        details=_details(*pairs),
        link="" if for_customer else reverse("followups:callback", args=[callback.pk]),
    )


def rating_entry(rating, *, for_customer: bool) -> Entry:
    pairs = [
        (_("Request"), rating.ticket.reference),
        (_("Given on"), rating.get_source_display()),
        (_("Comment"), rating.comment),
    ]
    return Entry(
        when=rating.created_at,
        kind=EntryKind.RATING,
        title=_("%(score)s out of 5") % {"score": rating.score},
        details=_details(*pairs),
        link=ticket_link(rating.ticket, for_customer=for_customer),
    )


def survey_entry(response, *, for_customer: bool) -> Entry:
    pairs = [(_("Request"), response.ticket.reference if response.ticket_id else "")]
    if not for_customer:
        pairs += [(_("Answered by"), response.get_channel_display()), (_("CSI"), response.csi)]
    return Entry(
        when=response.created_at,
        kind=EntryKind.SURVEY,
        title=response.program.display_name,
        details=_details(*pairs),
    )
