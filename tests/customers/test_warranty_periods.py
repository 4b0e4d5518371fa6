"""customers/warranty_periods.py: period arithmetic. No database."""

import datetime as dt

import pytest

from customers.warranty_periods import StartBasis, add_months, warranty_start

D = dt.date


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2025, 5, 10), 0, D(2025, 5, 10)),
        (D(2025, 5, 10), 12, D(2026, 5, 10)),
        (D(2024, 1, 15), 36, D(2027, 1, 15)),
        # 29 February: a year later the month has no 29th, so its last day.
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 24, D(2026, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2024, 2, 28), 12, D(2025, 2, 28)),
        # Month ends fall back to the shorter month's last day.
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 3, 31), 1, D(2024, 4, 30)),
        (D(2024, 8, 31), 6, D(2025, 2, 28)),
        (D(2024, 5, 31), 1, D(2024, 6, 30)),
        (D(2024, 4, 30), 1, D(2024, 5, 30)),
        # Year ends.
        (D(2024, 12, 15), 1, D(2025, 1, 15)),
        (D(2024, 12, 31), 1, D(2025, 1, 31)),
        (D(2024, 12, 31), 2, D(2025, 2, 28)),
        (D(2024, 12, 31), 12, D(2025, 12, 31)),
        (D(2024, 11, 30), 3, D(2025, 2, 28)),
        (D(2025, 1, 31), 13, D(2026, 2, 28)),
        (D(2025, 6, 1), 6, D(2025, 12, 1)),
        (D(2025, 7, 1), 6, D(2026, 1, 1)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


INVOICE = D(2025, 3, 1)
DELIVERY = D(2025, 3, 5)
INSTALLATION = D(2025, 3, 9)


@pytest.mark.parametrize(
    ("basis", "invoice", "delivery", "installation", "expected"),
    [
        (StartBasis.INVOICE, INVOICE, DELIVERY, INSTALLATION, INVOICE),
        (StartBasis.INVOICE, None, DELIVERY, INSTALLATION, None),
        (StartBasis.INSTALLATION, INVOICE, DELIVERY, INSTALLATION, INSTALLATION),
        (StartBasis.INSTALLATION, INVOICE, DELIVERY, None, INVOICE),
        (StartBasis.INSTALLATION, None, None, INSTALLATION, INSTALLATION),
        (StartBasis.INSTALLATION, None, DELIVERY, None, None),
        (StartBasis.DELIVERY, INVOICE, DELIVERY, INSTALLATION, DELIVERY),
        (StartBasis.DELIVERY, INVOICE, None, INSTALLATION, INVOICE),
        (StartBasis.DELIVERY, None, DELIVERY, None, DELIVERY),
        (StartBasis.DELIVERY, None, None, INSTALLATION, None),
        # The basis as stored in the database: a plain string.
        ("installation", INVOICE, None, INSTALLATION, INSTALLATION),
        ("delivery", INVOICE, DELIVERY, None, DELIVERY),
        ("invoice", INVOICE, DELIVERY, INSTALLATION, INVOICE),
    ],
)
def test_warranty_start(basis, invoice, delivery, installation, expected):
    assert (
        warranty_start(basis, invoice_date=invoice, delivery_date=delivery, installation_date=installation) == expected
    )


def test_warranty_start_rejects_an_unknown_basis():
    with pytest.raises(ValueError):
        warranty_start("purchase", invoice_date=INVOICE)
