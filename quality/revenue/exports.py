"""The revenue figures as CSV or XLSX: one row per station, provider or month, then the whole
period's, with the same columns the page shows (written by quality.dashboard.exports: numbers
as numbers in XLSX, text never a formula)."""

from django.utils.translation import gettext as _

from quality.dashboard.exports import Column, Kind, Table
from quality.metrics import Period
from quality.revenue.arithmetic import Figures
from quality.revenue.selectors import MONTH, PROVIDER, Report

# Amounts are numbers with two places, as the percentages are.
AMOUNT = Kind.PERCENT


def columns(group_by: str) -> list[Column]:
    first = {MONTH: _("Month"), PROVIDER: _("Service provider")}.get(group_by, _("Station"))
    return [
        Column(first),
        Column(_("Code")),
        Column(_("Extended warranties sold"), Kind.COUNT),
        Column(_("Extended warranties sold: amount"), AMOUNT),
        Column(_("Maintenance plans sold"), Kind.COUNT),
        Column(_("Maintenance plans sold: amount"), AMOUNT),
        Column(_("Extended warranties renewed"), Kind.COUNT),
        Column(_("Extended warranties renewed: amount"), AMOUNT),
        Column(_("Maintenance plans renewed"), Kind.COUNT),
        Column(_("Maintenance plans renewed: amount"), AMOUNT),
        Column(_("Units in use"), Kind.COUNT),
        Column(_("Units with a contract in force"), Kind.COUNT),
        Column(_("Contract coverage (%)"), Kind.PERCENT),
        Column(_("Leads found: new"), Kind.COUNT),
        Column(_("Leads found: contacted"), Kind.COUNT),
        Column(_("Leads found: won"), Kind.COUNT),
        Column(_("Leads found: lost"), Kind.COUNT),
        Column(_("Leads closed won"), Kind.COUNT),
        Column(_("Leads closed lost"), Kind.COUNT),
        Column(_("Lead conversion (%)"), Kind.PERCENT),
        Column(_("Referrals made"), Kind.COUNT),
        Column(_("Referrals converted"), Kind.COUNT),
        Column(_("Referral conversion (%)"), Kind.PERCENT),
        Column(_("Contract revenue"), AMOUNT),
        Column(_("Paid repairs"), Kind.COUNT),
        Column(_("Paid repair charges"), AMOUNT),
        Column(_("Won leads' value"), AMOUNT),
        Column(_("Service revenue"), AMOUNT),
    ]


def cells(label: str, code: str, figures: Figures) -> list:
    counts = figures.counts
    return [
        label,
        code,
        counts.ew_sold,
        counts.ew_sold_amount,
        counts.mp_sold,
        counts.mp_sold_amount,
        counts.ew_renewed,
        counts.ew_renewed_amount,
        counts.mp_renewed,
        counts.mp_renewed_amount,
        counts.units_in_use,
        counts.units_covered,
        figures.coverage_percent,
        counts.leads_new,
        counts.leads_contacted,
        counts.leads_won,
        counts.leads_lost,
        counts.leads_closed_won,
        counts.leads_closed_lost,
        figures.conversion_percent,
        counts.referrals_made,
        counts.referrals_converted,
        figures.referral_conversion_percent,
        figures.contract_revenue,
        counts.paid_repairs,
        counts.repair_charges,
        counts.leads_won_value,
        figures.service_revenue,
    ]


def revenue_table(report: Report) -> Table:
    rows = [cells(row.label, row.code, row.figures) for row in report.rows]
    rows.append(cells(_("Whole period"), "", report.total))
    period: Period = report.scope.period
    return Table(name=f"revenue-{report.group_by}", period=period, columns=columns(report.group_by), rows=rows)
