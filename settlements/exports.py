"""A statement as CSV or XLSX: every line with its ticket, job, amounts, decision, reasons and
flags, and a totals row whose "Pays" cell is the statement's approved total
(docs/settlement-statements.md#exports).

Amounts are numbers with two decimals (in XLSX, number cells formatted ``0.00``), so a
spreadsheet can sum them. Lines are read with an iterator, so a statement of 10,000 lines is
never held in memory at once; CSV is streamed as it is written. Text is never a formula: in
CSV a would-be formula gets a leading apostrophe (quality/dashboard/exports.py ``safe_text``),
in XLSX text cells are typed as text.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from quality.dashboard.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, safe_text
from settlements import checks, workflow
from settlements.choices import FlagCode, JobType, LineDecision
from settlements.models import SettlementLine, Statement
from settlements.selectors import StatementTotals, statement_totals

FORMATS = ("csv", "xlsx")
# Which columns hold amounts (numbers with two decimals).
AMOUNT_COLUMNS = frozenset({4, 5, 6, 7, 8, 10})
CHUNK = 2000


def headers() -> list[str]:
    return [
        _("Ticket"),
        _("Job date"),
        _("Job type"),
        _("Product category"),
        _("Labour"),
        _("Parts"),
        _("Travel"),
        _("Extras"),
        _("Claimed"),
        _("Decision"),
        _("Pays"),
        _("Reasons"),
        _("Flags"),
    ]


def _flags_text(flags: list) -> str:
    labels = dict(FlagCode.choices)
    parts = []
    for flag in flags or []:
        label = str(labels.get(flag.get("code"), flag.get("code", "")))
        detail = checks.describe(flag)
        parts.append(f"{label}: {detail}" if detail else label)
    return "; ".join(parts)


def _reasons(line: SettlementLine) -> str:
    parts = []
    if line.extras_reason:
        parts.append(_("Extras: %(reason)s") % {"reason": line.extras_reason})
    if line.decision_reason:
        parts.append(_("Decision: %(reason)s") % {"reason": line.decision_reason})
    return "; ".join(parts)


def line_row(line: SettlementLine) -> list:
    """One line as the export writes it: text, a date and Decimal amounts."""
    return [
        line.ticket.reference,
        line.job_date,
        str(JobType(line.job_type).label),
        line.category.display_name if line.category else "",
        line.labour,
        line.parts,
        line.travel,
        line.extras,
        line.claimed,
        str(LineDecision(line.decision).label),
        workflow.line_payable(decision=line.decision, claimed=line.claimed, approved_amount=line.approved_amount),
        _reasons(line),
        _flags_text(line.flags),
    ]


def totals_row(totals: StatementTotals) -> list:
    return [_("Total"), None, None, None, None, None, None, None, totals.claimed, None, totals.approved, None, None]


def _lines(statement: Statement) -> Iterator[SettlementLine]:
    return (
        SettlementLine._base_manager.filter(statement=statement)
        .select_related("ticket", "category")
        .order_by("job_date", "id")
        .iterator(chunk_size=CHUNK)
    )


def _csv_cell(value, index: int) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_text(str(value))


def csv_rows(statement: Statement) -> Iterator[str]:
    """The CSV, a row at a time: a byte-order mark first, so spreadsheets read Chinese as UTF-8.
    The rows are written while the response streams, after the view returned: in the request's
    language, read now."""
    language = translation.get_language()
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def written(row: list) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_cell(value, index) for index, value in enumerate(row)])
        return buffer.getvalue()

    def rows() -> Iterator[str]:
        with translation.override(language):
            yield "\ufeff" + written([safe_text(header) for header in headers()])
            for line in _lines(statement):
                yield written(line_row(line))
            yield written(totals_row(statement_totals(statement)))

    return rows()


def write_xlsx(statement: Statement) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"{statement.provider.code} {statement.month:%Y-%m}"[:31])
    bold = Font(bold=True)

    def cell(value, index: int, font: Font | None = None):
        if value is None:
            return None
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, Decimal):
            written.value = float(value)
            written.number_format = "0.00"
        elif isinstance(value, dt.date):
            written.number_format = "yyyy-mm-dd"
        else:
            written.value = str(value)
            written.data_type = "s"  # never a formula, whatever it starts with
        if font is not None:
            written.font = font
        return written

    sheet.append([cell(header, 0, bold) for header in headers()])
    for line in _lines(statement):
        sheet.append([cell(value, index) for index, value in enumerate(line_row(line))])
    sheet.append([cell(value, index, bold) for index, value in enumerate(totals_row(statement_totals(statement)))])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(statement: Statement, fmt: str) -> str:
    return f"statement_{statement.provider.code}_{statement.month:%Y-%m}.{fmt}"


def response(statement: Statement, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The statement as a download in ``fmt`` ("csv" or "xlsx")."""
    if fmt == "csv":
        answer = StreamingHttpResponse(csv_rows(statement), content_type=CSV_CONTENT_TYPE)
    elif fmt == "xlsx":
        answer = HttpResponse(write_xlsx(statement), content_type=XLSX_CONTENT_TYPE)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    answer["Content-Disposition"] = f'attachment; filename="{filename(statement, fmt)}"'
    return answer
