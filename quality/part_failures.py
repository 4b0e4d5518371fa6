"""Part failures by part number and batch: what the old-part returns tell quality about the parts
themselves (docs/parts-orders-returns.md#part-failures-feed-quality).

A **failure** is a part replaced under warranty whose old part the maker inspected and found
faulty (return finding "fault confirmed"). A replacement is counted when the part is used; it is
a failure only once its return is inspected with the fault confirmed: a part found without fault
or damaged by misuse is no failure of the part, and one not yet inspected is not known to be one.
Rows are the part number and the batch of the part taken out (``PartUsage.failed_batch``, empty
when the technician could not read it), over the replacements made in the window, like the batch
early warning of products (quality/batches.py) reads repairs per batch.

One grouped query, SQL-side.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from customers.models import Language
from parts.models import PartUsage, ReturnFinding, ReturnStatus


@dataclass(frozen=True)
class PartFailures:
    part_number: str
    part_name: str
    part_name_zh: str
    batch: str
    # Parts replaced under warranty (units), their returns inspected, and those with the fault confirmed.
    replaced: int
    inspected: int
    confirmed: int

    @property
    def part_display_name(self) -> str:
        """The part's name in the reader's language."""
        return self.part_name_zh if self.part_name_zh and Language.active() == Language.CHINESE else self.part_name


def part_failures(*, since: dt.datetime, until: dt.datetime) -> list[PartFailures]:
    """Warranty replacements made in ``[since, until)`` by part number and batch taken out, most
    confirmed failures first."""
    rows = (
        PartUsage.objects.filter(under_warranty=True, created_at__gte=since, created_at__lt=until)
        .values("part__number", "part__name", "part__name_zh", "failed_batch")
        .annotate(
            replaced=Sum("quantity"),
            inspected=Count("old_part_return", filter=Q(old_part_return__status=ReturnStatus.INSPECTED)),
            confirmed=Count("old_part_return", filter=Q(old_part_return__finding=ReturnFinding.CONFIRMED)),
        )
        .order_by("-confirmed", "-replaced", "part__number", "failed_batch")
    )
    return [
        PartFailures(
            part_number=row["part__number"],
            part_name=row["part__name"],
            part_name_zh=row["part__name_zh"],
            batch=row["failed_batch"],
            replaced=row["replaced"],
            inspected=row["inspected"],
            confirmed=row["confirmed"],
        )
        for row in rows
    ]
