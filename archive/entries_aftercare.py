"""The lines of a unit's history after the sale and around the service: contracts and their
plan visits, odometer readings, recalls, callbacks, ratings and surveys (archive/entries.py
says what the customer's version leaves out)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.money import format_money
from archive.entries import Entry, EntryKind, day_text, details_of, moment_text, staff_name, start_of, ticket_link


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
        details=details_of(*pairs),
        # Staff open the contract's page; the customer has no page of a contract but this one.
        link="" if for_customer else reverse("contracts:detail", args=[contract.pk]),
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
        details=details_of(*pairs),
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
        details=details_of(*pairs),
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
        details=details_of(*pairs),
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
        details=details_of(*pairs),
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
        details=details_of(*pairs),
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
        details=details_of(*pairs),
    )
