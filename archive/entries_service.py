"""The lines of a unit's history about its service: requests, technicians' visits, parts
fitted and three-guarantees claims (archive/entries.py says what the customer's version leaves
out)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.money import format_amount
from archive.entries import Entry, EntryKind, details_of, moment_text, staff_name, ticket_link, yes_no
from warranty.three_guarantees.facts import Remedy

REMEDY_LABELS = dict(Remedy.choices)


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
        details=details_of(*pairs),
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
        details=details_of(*pairs),
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
        details=details_of(*pairs),
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
            details=details_of(*pairs),
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
                details=details_of(*done),
                link=link,
            )
        )
    return entries
