"""The stock report of one station as an XLSX workbook (docs/parts.md#the-stock-report): a sheet
of the stock at standard cost, part by part with the total, and a sheet of the slow movers.

Amounts are written as numbers with two decimals (Decimal to the cent, formatted ``0.00``), so
the spreadsheet adds them up as the report does; headings are in the reader's language.
"""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from parts.stock_selectors import StockReport

MONEY_FORMAT = "0.00"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_filename(report: StockReport) -> str:
    return f"stock-{report.station.code}-{timezone.localdate(report.made_at).isoformat()}.xlsx"


def report_xlsx(report: StockReport) -> bytes:
    """The workbook's bytes."""
    book = Workbook()
    value = book.active
    value.title = _("Stock value")[:31]
    value.append([_("Stock of %(station)s at standard cost") % {"station": report.station.display_name}])
    value["A1"].font = Font(bold=True)
    value.append([_("Made on"), timezone.localtime(report.made_at).strftime("%Y-%m-%d %H:%M")])
    value.append([])
    value.append([_("Part number"), _("Name"), _("On hand"), _("Reserved"), _("Standard cost"), _("Value")])
    for cell in value[4]:
        cell.font = Font(bold=True)
    for row in report.rows:
        value.append([row.number, row.name, row.on_hand, row.reserved, row.standard_cost, row.value])
    value.append([_("Total"), None, None, None, None, report.total])
    value.cell(row=value.max_row, column=1).font = Font(bold=True)
    for column in ("E", "F"):
        for cell in value[column][4:]:
            cell.number_format = MONEY_FORMAT

    slow = book.create_sheet(_("Slow movers")[:31])
    slow.append([_("Parts on hand not used on a job in the last %(days)d days") % {"days": report.days}])
    slow["A1"].font = Font(bold=True)
    slow.append([])
    slow.append([_("Part number"), _("Name"), _("On hand"), _("Value"), _("Last used")])
    for cell in slow[3]:
        cell.font = Font(bold=True)
    for mover in report.slow_movers:
        last = timezone.localtime(mover.last_used).strftime("%Y-%m-%d") if mover.last_used else _("never")
        slow.append([mover.number, mover.name, mover.on_hand, mover.value, last])
    for cell in slow["D"][3:]:
        cell.number_format = MONEY_FORMAT

    for sheet in (value, slow):
        sheet.column_dimensions["A"].width = 18
        sheet.column_dimensions["B"].width = 32
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
