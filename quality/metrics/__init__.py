"""The read side of the 1234 rates: one aggregate query per rate family (docs/kpis.md).

Each family counts SQL-side in a single query and returns the counts dataclasses of
:mod:`quality.rates`, for the whole slice or grouped by day and/or one dimension
(:mod:`.grouping`); :func:`rates_of` feeds counts to the pure rate functions (docs/architecture.md#house-rules).
The families, one module each: complaints and complaint closure (:mod:`.complaints`), omissions
(:mod:`.omissions`), dissatisfaction and the top-2 box (:mod:`.satisfaction`), callbacks
(:mod:`.callbacks`), first-time fix (:mod:`.first_time_fix`), timeliness (:mod:`.timeliness`);
every family at once in :mod:`.totals`, the tickets behind a figure in :mod:`.drilldown`. Every
family:

- puts a record on one day by its anchor event, in the business time zone
  (``settings.TIME_ZONE``, Asia/Shanghai by default; :mod:`.period`), so summing days never
  counts it twice;
- counts an obligation only once it is due (its deadline is before ``now``), so today's
  figures do not call a deadline missed before it has passed;
- leaves out test tickets, merged duplicates and tickets cancelled before dispatch;
- narrows to the optional :class:`Dimensions` (category, model, batch, station, region, agent,
  technician; :mod:`.dimensions`).

The anchors: service tickets completed → ``resolved_at``; complaints → ``created_at``; cases
(omissions) → when the customer first got in touch; ratings → when given; timeliness → the
deadline itself; first-time fix → ``resolved_at``, final 30 days after the day.

Every formula is written out in docs/kpis.md (and in short in the README's quality
section); the three say the same, and tests/quality/test_two_month_scenario.py checks the
figures of two months of ordinary work against counts made by hand from it.
"""

from quality.metrics.callbacks import callback_counts
from quality.metrics.complaints import COMPLAINT_CLOSURE_WINDOW, complaint_closure_counts, complaint_counts
from quality.metrics.dimensions import (
    DIMENSION_LABELS,
    DIMENSION_PATHS,
    EVERYWHERE,
    NO_VALUE,
    Dimensions,
    counted_tickets_q,
)
from quality.metrics.drilldown import DRILLDOWNS, drilldown
from quality.metrics.first_time_fix import first_time_fix_counts
from quality.metrics.omissions import omission_counts
from quality.metrics.period import Period, business_today, business_zone
from quality.metrics.satisfaction import satisfaction_counts
from quality.metrics.timeliness import CLOCKS, overdue_now_q, timeliness_counts
from quality.metrics.totals import TOTAL_FIELDS, Totals, rates_for, rates_of, totals, totals_by

__all__ = [
    "CLOCKS",
    "COMPLAINT_CLOSURE_WINDOW",
    "DIMENSION_LABELS",
    "DIMENSION_PATHS",
    "DRILLDOWNS",
    "EVERYWHERE",
    "NO_VALUE",
    "TOTAL_FIELDS",
    "Dimensions",
    "Period",
    "Totals",
    "business_today",
    "business_zone",
    "callback_counts",
    "complaint_closure_counts",
    "complaint_counts",
    "counted_tickets_q",
    "drilldown",
    "first_time_fix_counts",
    "omission_counts",
    "overdue_now_q",
    "rates_for",
    "rates_of",
    "satisfaction_counts",
    "timeliness_counts",
    "totals",
    "totals_by",
]
