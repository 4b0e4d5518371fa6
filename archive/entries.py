"""The lines of a unit's history (docs/archive.md): one :class:`Entry` per thing that happened,
made from rows the selector already read, so building them queries nothing.

Each builder takes ``for_customer``: the customer's version leaves out internal notes (root
cause, a callback agent's comment, why a contract was cancelled), staff beyond their first
name, internal costs (the cost of a part to the network) and the decision's internal codes.

This module holds the entry, its kinds, the formatting and the unit's own lines (purchase,
replacements); entries_service.py and entries_aftercare.py build the others.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from aftersales.money import format_amount


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


def details_of(*pairs: tuple[str, object]) -> tuple[tuple[str, str], ...]:
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
                details=details_of(
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
            details=details_of((_("Warranty until"), day_text(unit.warranty_end) if unit.warranty_end else "")),
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
