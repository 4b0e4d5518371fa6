"""Warranty periods of a registered unit. Pure: no ORM, no clock, no settings.

docs/three-guarantees.md#periods-and-day-counting: the period starts on the invoice date (flat-panel TVs: installation
complete; cars: delivery). Year and month periods end on the same calendar date; a date
that does not exist in the end month (29 February) falls back to that month's last day.
The full three-guarantees engine builds on these helpers.
"""

import calendar
import datetime as dt
import enum


class StartBasis(enum.StrEnum):
    INVOICE = "invoice"
    INSTALLATION = "installation"
    DELIVERY = "delivery"


def add_months(start: dt.date, months: int) -> dt.date:
    """The same calendar date ``months`` later; 29 Feb + 12 months is 28 Feb."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def warranty_start(
    basis: StartBasis | str,
    *,
    invoice_date: dt.date | None,
    delivery_date: dt.date | None = None,
    installation_date: dt.date | None = None,
) -> dt.date | None:
    """The day the period starts from, or None when the deciding date is not known yet.

    Where the basis date (installation, delivery) is not recorded, the invoice date stands in.
    """
    basis = StartBasis(basis)
    if basis is StartBasis.INSTALLATION and installation_date:
        return installation_date
    if basis is StartBasis.DELIVERY and delivery_date:
        return delivery_date
    return invoice_date
