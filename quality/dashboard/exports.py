"""Every dashboard table as CSV or XLSX: the rates summary, each breakdown, each drill-down list.

A table is built once (columns with a kind, rows of plain values) and written either way.
In XLSX, counts and percentages are numbers and times are dates, so a spreadsheet can sum and
chart them; text is always text, never a formula. CSV has no types, so a text cell that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) gets a leading apostrophe: CSV injection (OWASP) cannot happen.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from quality.dashboard.breakdowns import BreakdownRow
from quality.dashboard.figures import BREAKDOWN_KPIS, Overview
from quality.dashboard.slices import Slice
from quality.metrics import DIMENSION_LABELS, Period, business_zone
from quality.rates import KPIS, Direction

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Kind(StrEnum):
    TEXT = "text"
    COUNT = "count"
    PERCENT = "percent"
    DATETIME = "datetime"


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = Kind.TEXT


@dataclass(frozen=True)
class Table:
    """``name`` becomes the file name (with the period) and the sheet's title."""

    name: str
    period: Period
    columns: Sequence[Column]
    rows: Iterable[Sequence]

    @property
    def filename_stem(self) -> str:
        stem = re.sub(r"[^A-Za-z0-9_-]+", "-", self.name).strip("-") or "table"
        return f"{stem}_{self.period.start.isoformat()}_{self.period.end.isoformat()}"


def safe_text(value: str) -> str:
    """Text a spreadsheet shows as typed: a would-be formula gets a leading apostrophe."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _local(moment: dt.datetime) -> dt.datetime:
    """A time in the business time zone, without the zone (spreadsheets have no time zones)."""
    return timezone.localtime(moment, business_zone()).replace(tzinfo=None)


def _csv_value(value, kind: Kind) -> str:
    if value is None:
        return ""
    if kind == Kind.DATETIME:
        return _local(value).isoformat(sep=" ", timespec="minutes")
    if kind in (Kind.COUNT, Kind.PERCENT):
        return str(value)
    return safe_text(str(value))


def write_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    # A byte-order mark, so spreadsheets open Chinese text as UTF-8.
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([safe_text(column.header) for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(value, column.kind) for value, column in zip(row, table.columns, strict=True)])
    return buffer.getvalue().encode("utf-8")


def _sheet_title(name: str) -> str:
    return (re.sub(r"[\[\]:*?/\\]+", "-", name) or "table")[:31]


def write_xlsx(table: Table) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(table.name))
    bold = Font(bold=True)

    def text_cell(value: str, font: Font | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # never a formula, whatever it starts with
        if font is not None:
            cell.font = font
        return cell

    def cell(value, kind: Kind):
        if value is None:
            return None
        if kind == Kind.COUNT:
            return value
        if kind == Kind.PERCENT:
            number = WriteOnlyCell(sheet, value=value)
            number.number_format = "0.00"
            return number
        if kind == Kind.DATETIME:
            moment = WriteOnlyCell(sheet, value=_local(value))
            moment.number_format = "yyyy-mm-dd hh:mm"
            return moment
        return text_cell(str(value))

    sheet.append([text_cell(column.header, bold) for column in table.columns])
    for row in table.rows:
        sheet.append([cell(value, column.kind) for value, column in zip(row, table.columns, strict=True)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def response(table: Table, fmt: str) -> HttpResponse:
    if fmt == "csv":
        body, content_type = write_csv(table), CSV_CONTENT_TYPE
    elif fmt == "xlsx":
        body, content_type = write_xlsx(table), XLSX_CONTENT_TYPE
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    answer = HttpResponse(body, content_type=content_type)
    answer["Content-Disposition"] = f'attachment; filename="{table.filename_stem}.{fmt}"'
    return answer


# --- The dashboard's tables ------------------------------------------------------------------


def _rate_columns(label: str) -> list[Column]:
    return [
        Column(_("%(rate)s: numerator") % {"rate": label}, Kind.COUNT),
        Column(_("%(rate)s: denominator") % {"rate": label}, Kind.COUNT),
        Column(_("%(rate)s (%%)") % {"rate": label}, Kind.PERCENT),
    ]


def _direction(direction: Direction) -> str:
    return _("lower is better") if direction == Direction.LOWER_IS_BETTER else _("higher is better")


def _status(status: str) -> str:
    return {"ok": _("ok"), "alert": _("alert"), "no_data": _("no data"), "too_few": _("too few to judge")}.get(
        status, status
    )


def _threshold_percent(threshold: Decimal) -> Decimal:
    return (threshold * 100).quantize(Decimal("0.01"))


def rates_table(overview: Overview, scope: Slice, scope_label: str) -> Table:
    columns = [
        Column(_("Rate")),
        Column(_("Key")),
        Column(_("Scope")),
        Column(_("Numerator"), Kind.COUNT),
        Column(_("Denominator"), Kind.COUNT),
        Column(_("Value (%)"), Kind.PERCENT),
        Column(_("Threshold (%)"), Kind.PERCENT),
        Column(_("Direction")),
        Column(_("Status")),
    ]
    rows = [
        [
            str(figure.kpi.label),
            figure.key,
            scope_label,
            figure.rate.numerator,
            figure.rate.denominator,
            figure.rate.percent,
            _threshold_percent(figure.rate.threshold),
            _direction(figure.rate.direction),
            _status(figure.status),
        ]
        for figure in overview.figures.values()
    ]
    return Table(name="rates", period=scope.period, columns=columns, rows=rows)


def breakdown_table(rows: Sequence[BreakdownRow], dimension: str, period: Period) -> Table:
    columns = [
        Column(str(DIMENSION_LABELS[dimension])),
        Column(_("Key")),
        Column(_("Service tickets completed"), Kind.COUNT),
    ]
    for key in BREAKDOWN_KPIS:
        columns += _rate_columns(str(KPIS[key].label))
    body = []
    for row in rows:
        line = [row.label, row.value, row.totals.service_completed]
        for rate in row.of(BREAKDOWN_KPIS):
            line += [rate.numerator, rate.denominator, rate.percent]
        body.append(line)
    return Table(name=f"breakdown-{dimension}", period=period, columns=columns, rows=body)


def tickets_table(tickets: Iterable, kind: str, period: Period) -> Table:
    """A drill-down list; ``tickets`` come with customer and station joined."""
    columns = [
        Column(_("Reference")),
        Column(_("Kind")),
        Column(_("Status")),
        Column(_("Customer")),
        Column(_("Region")),
        Column(_("Created"), Kind.DATETIME),
        Column(_("Resolved"), Kind.DATETIME),
        Column(_("Station")),
    ]
    rows = (
        [
            ticket.reference,
            ticket.get_kind_display(),
            ticket.get_status_display(),
            ticket.customer.name,
            ticket.customer.region,
            ticket.created_at,
            ticket.resolved_at,
            ticket.station.display_name if ticket.station else "",
        ]
        for ticket in tickets
    )
    return Table(name=f"tickets-{kind}", period=period, columns=columns, rows=rows)
