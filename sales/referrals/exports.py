"""The referral report as CSV or XLSX (docs/referrals.md#the-report): one row per referrer,
station and month, counts as numbers, text never a formula (in CSV a would-be formula gets a
leading apostrophe, in XLSX text cells are typed as text)."""

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from sales.referrals.selectors import ReferralRow

FORMATS = ("csv", "xlsx")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a spreadsheet would run as a formula (CSV injection, OWASP); quality's exports, which sit
# above sales, guard the same way.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text a spreadsheet shows as typed: a would-be formula gets a leading apostrophe."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def headers() -> list[str]:
    return [
        _("Month"),
        _("Referrer's code"),
        _("Referrer"),
        _("Station code"),
        _("Station"),
        _("Referrals"),
        _("Converted by contract"),
        _("Converted by registration"),
        _("Conversions"),
    ]


def row_values(row: ReferralRow) -> list:
    return [
        row.month.strftime("%Y-%m"),
        row.referrer_code,
        row.referrer_name,
        row.station_code,
        row.station_name,
        row.referrals,
        row.by_contract,
        row.by_registration,
        row.conversions,
    ]


def write_csv(rows: list[ReferralRow]) -> str:
    """With a byte-order mark, so spreadsheets read Chinese as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_text(header) for header in headers()])
    for row in rows:
        writer.writerow([safe_text(value) if isinstance(value, str) else value for value in row_values(row)])
    return "\ufeff" + buffer.getvalue()


def write_xlsx(rows: list[ReferralRow]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Referrals")[:31])
    bold = Font(bold=True)

    def cell(value, font: Font | None = None) -> WriteOnlyCell:
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            written.data_type = "s"  # never a formula, whatever it starts with
        if font is not None:
            written.font = font
        return written

    sheet.append([cell(header, bold) for header in headers()])
    for row in rows:
        sheet.append([cell(value) for value in row_values(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def response(rows: list[ReferralRow], fmt: str, stem: str) -> HttpResponse:
    """The report as a download in ``fmt`` ("csv" or "xlsx")."""
    if fmt == "csv":
        answer = HttpResponse(write_csv(rows), content_type=CSV_CONTENT_TYPE)
    elif fmt == "xlsx":
        answer = HttpResponse(write_xlsx(rows), content_type=XLSX_CONTENT_TYPE)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    answer["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return answer
