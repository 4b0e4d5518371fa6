"""The one aggregate query of a rate family: counts for a slice, grouped by day and/or one dimension."""

import datetime as dt
from collections.abc import Callable, Iterable

from django.db.models import Count, Expression, F, Q, QuerySet
from django.db.models.functions import TruncDate

from quality.metrics.dimensions import DIMENSION_PATHS, NO_VALUE, Dimensions, batch_key, counted_tickets_q
from quality.metrics.period import business_zone
from tickets.models import Ticket


def count_where(condition: Q) -> Count:
    return Count("pk", filter=condition)


def _grouped(
    queryset: QuerySet,
    day_field,
    group_by: Iterable[str],
    prefix: str = "",
    columns: Callable[[str], Expression] | None = None,
) -> tuple[QuerySet, list[str]]:
    """Annotate the grouping columns (``day`` and at most one dimension) and group by them.

    ``columns(name)``, when given, is the value a row is grouped under for a dimension instead
    of its own (a complaint is counted under its original ticket's); it is None for no value."""
    names: list[str] = []
    for name in group_by:
        if name == "day":
            queryset = queryset.annotate(day=TruncDate(day_field, tzinfo=business_zone()))
            names.append("day")
        elif name in DIMENSION_PATHS and columns is not None:
            queryset = queryset.annotate(**{f"group_{name}": columns(name)})
            names.append(f"group_{name}")
        elif name in DIMENSION_PATHS:
            path = DIMENSION_PATHS[name]
            column = batch_key(prefix) if name == "batch" else F(f"{prefix}{path}")
            queryset = queryset.annotate(**{f"group_{name}": column})
            names.append(f"group_{name}")
        else:
            raise ValueError(f"cannot group by {name!r}")
    if names:
        queryset = queryset.values(*names)
    return queryset, names


def _key_part(part, name: str):
    if name == "day":
        return part
    return NO_VALUE if part is None or part == "" else str(part)


def grouped_counts(
    queryset: QuerySet,
    day_field,
    group_by: Iterable[str],
    aggregates: dict,
    prefix: str = "",
    columns: Callable[[str], Expression] | None = None,
) -> dict:
    """``{(group values…): {aggregate: count}}``; the key is ``()`` when nothing is grouped.
    Records whose dimension is empty (a ticket with no unit, no station, a customer with no
    region) are the :data:`NO_VALUE` row, so every breakdown's rows sum to the whole."""
    queryset, names = _grouped(queryset.order_by(), day_field, group_by, prefix, columns)
    if not names:
        return {(): queryset.aggregate(**aggregates)}
    result: dict[tuple, dict] = {}
    for row in queryset.annotate(**aggregates):
        key = tuple(_key_part(row[name], name) for name in names)
        counts = result.setdefault(key, dict.fromkeys(aggregates, 0))
        for name in aggregates:
            counts[name] += row[name]
    return result


def counted_tickets(dimensions: Dimensions) -> QuerySet:
    return Ticket.objects.filter(counted_tickets_q(), dimensions.q())


def passed_by(field: str, now: dt.datetime) -> Q:
    return Q(**{f"{field}__isnull": False, f"{field}__lte": now})


def shaped(rows: dict, group_by: Iterable[str], build):
    if not tuple(group_by):
        return build(rows[()])
    return {key: build(row) for key, row in rows.items()}
