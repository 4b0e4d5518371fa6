"""What a service report says, in the customer's language: every label and value as text, ready
for the layout (fieldwork/reports/pdf.py), which knows nothing of models or languages.

docs/service-report.md#whats-on-it. Times are in the business time zone (``settings.TIME_ZONE``),
dates and times in the language's formats, amounts to the cent with the currency
(aftersales/money.py), names of products and parts in the customer's language.
"""

import datetime as dt
import io
import logging
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from PIL import Image

from aftersales.money import format_amount
from aftersales.organisation import organisation_name
from customers.models import ProductUnit
from fieldwork.models import ChargeKind, JobRecord, Visit
from fieldwork.reports import selectors
from fieldwork.reports.restarts import restarted_periods
from parts.models import PartUsage
from warranty import evaluation
from warranty import three_guarantees as tg
from warranty.models import WarrantyClaim

logger = logging.getLogger(__name__)

EMPTY = "—"
# The largest signature image kept: sharp when printed in the report's 60 × 24 mm box.
SIGNATURE_PIXELS = (1200, 480)

Rows = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Section:
    """A heading with label-value rows, or a table whose first row is its header, or a note."""

    heading: str
    rows: Rows = ()
    table: tuple[tuple[str, ...], ...] = ()
    note: str = ""


@dataclass(frozen=True)
class ReportContent:
    language: str
    reference: str
    organisation: str
    title: str
    subtitle: str
    sections: tuple[Section, ...]
    signature_heading: str
    signature_png: bytes | None
    signature_rows: Rows
    footer: str
    page_label: str  # "%(reference)s · page %(page)s", filled by the layout


def report_content(visit: Visit) -> ReportContent:
    """The report of ``visit`` in its customer's stored language."""
    visit = selectors.visit_for_report(visit.pk)
    language = visit.ticket.customer.preferred_language
    with translation.override(language):
        return _content(visit, language)


def _moment(value: dt.datetime | None) -> str:
    if value is None:
        return EMPTY
    return date_format(timezone.localtime(value, timezone.get_default_timezone()), "DATETIME_FORMAT")


def _day(value: dt.date | None) -> str:
    return date_format(value, "DATE_FORMAT") if value else EMPTY


def _text(value: str | None) -> str:
    value = (value or "").strip()
    return value or EMPTY


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _content(visit: Visit, language: str) -> ReportContent:
    ticket = visit.ticket
    job = selectors.job_of(visit) or JobRecord(visit=visit)
    parts = selectors.parts_used_on(visit)
    claims = selectors.claims_for_report(ticket)
    done_on = timezone.localdate(visit.checked_out_at) if visit.checked_out_at else None
    organisation = organisation_name(language)
    sections = [
        Section(
            _("Service"),
            (
                (_("Reference"), ticket.reference),
                (_("Service station"), visit.station.display_name),
                (_("Technician"), _person(visit.technician)),
                (_("Checked in"), _moment(visit.checked_in_at)),
                (_("Checked out"), _moment(visit.checked_out_at)),
            ),
        ),
        Section(
            _("Customer"),
            ((_("Name"), _text(ticket.customer.name)), (_("Address"), _text(ticket.customer.address))),
        ),
        Section(_("Product"), _product_rows(ticket.unit, claims, done_on)),
        Section(
            _("Fault and work"),
            (
                (_("Fault reported"), _text(ticket.description)),
                (_("Fault code"), _fault_code(ticket)),
                (_("Diagnosis"), _text(job.diagnosis)),
                (_("Work done"), _text(job.work_done)),
            ),
        ),
        _parts_section(parts),
        Section(_("Charge"), _charge_rows(job)),
    ]
    restarts = restarted_periods(claims, parts=parts, done_on=done_on)
    if restarts:
        sections.append(
            Section(
                _("Warranty periods restarted"),
                table=(
                    (_("Covers"), _("Starts again on"), _("New end date")),
                    *((r.what, _day(r.start), _day(r.end)) for r in restarts),
                ),
            )
        )
    return ReportContent(
        language=language,
        reference=ticket.reference,
        organisation=organisation,
        title=_("Service report"),
        subtitle=_("Repair record under the three guarantees"),
        sections=tuple(sections),
        signature_heading=_("Customer's signature"),
        signature_png=_signature_png(job),
        signature_rows=(
            (_("Signed by"), _text(job.signed_by)),
            (_("Signed at"), _moment(job.signed_at)),
        ),
        footer=_(
            "Made by %(organisation)s when the visit ended. Keep it with your warranty card: it is your repair "
            "record under the three guarantees."
        )
        % {"organisation": organisation},
        page_label=_("%(reference)s · page %(page)s"),
    )


def _product_rows(unit: ProductUnit | None, claims: list[WarrantyClaim], day: dt.date | None) -> Rows:
    if unit is None:
        return ((_("Model"), EMPTY),)
    rows = [
        (_("Model"), f"{unit.model.code} {unit.model.display_name}"),
        (_("Serial number"), unit.serial),
        (_("Purchase date"), _day(unit.invoice_date)),
        (_("Warranty"), _warranty_status(unit, day or timezone.localdate())),
    ]
    if claims:
        rows.extend(_decision_rows(claims[0]))
    return tuple(rows)


def _warranty_status(unit: ProductUnit, day: dt.date) -> str:
    if unit.warranty_end is None:
        return _("No purchase date on record")
    if unit.warranty_end >= day:
        return _("In warranty until %(date)s") % {"date": _day(unit.warranty_end)}
    return _("Out of warranty since %(date)s") % {"date": _day(unit.warranty_end)}


def _decision_rows(claim: WarrantyClaim) -> Rows:
    """The latest three-guarantees decision: free or paid, the remedy chosen (or those allowed), why."""
    free = _("Free of charge") if claim.free or claim.is_goodwill else _("Paid")
    if claim.chosen_remedy:
        remedy = _("The customer's choice: %(remedy)s") % {"remedy": tg.Remedy(claim.chosen_remedy).label}
    else:
        labels = ", ".join(str(tg.Remedy(code).label) for code in claim.remedies)
        remedy = _("Remedies allowed: %(remedies)s") % {"remedies": labels}
    reasons = " ".join(evaluation.reasons_from_codes(claim.reason_codes))
    rows = [(_("Three-guarantees decision"), _("%(free)s. %(remedy)s.") % {"free": free, "remedy": remedy})]
    if reasons:
        rows.append((_("Why"), reasons))
    return tuple(rows)


def _fault_code(ticket) -> str:
    parts = [ticket.fault_code] if ticket.fault_code else []
    if ticket.fault_category is not None:
        parts.append(ticket.fault_category.display_name)
    return " · ".join(parts) or EMPTY


def _parts_section(parts: list[PartUsage]) -> Section:
    heading = _("Parts used")
    if not parts:
        return Section(heading, note=_("No parts were used."))
    header = (_("Part number"), _("Part"), _("Quantity"), _("Batch"), _("Under warranty"))
    rows = tuple(
        (
            usage.part.number,
            usage.part.display_name,
            str(usage.quantity),
            usage.batch or EMPTY,
            _("Yes") if usage.under_warranty else _("No"),
        )
        for usage in parts
    )
    return Section(heading, table=(header, *rows))


def _charge_rows(job: JobRecord) -> Rows:
    if job.charge_kind == ChargeKind.PAID:
        charge = _("%(amount)s, paid by the customer") % {"amount": format_amount(job.charge)}
    else:
        charge = _("Covered: no charge")
    return ((_("Charge"), charge), (_("Reason"), _text(job.charge_reason)))


def _signature_png(job: JobRecord) -> bytes | None:
    """The signature drawn on the phone as a PNG the layout can draw, if it is a readable PNG:
    decoded and written again (nothing but its pixels reaches the PDF), no larger than needed."""
    if not job.signature:
        return None
    try:
        with job.signature.open("rb") as handle:
            data = handle.read()
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                return None
            image.load()
            image.thumbnail(SIGNATURE_PIXELS)
            clean = io.BytesIO()
            image.save(clean, format="PNG")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        logger.warning("The signature of visit %s could not be read", job.visit_id, exc_info=True)
        return None
    return clean.getvalue()
