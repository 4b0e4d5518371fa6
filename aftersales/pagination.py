"""Pagination for lists that grow to millions of rows."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most ``cap`` + 1 rows, so a page of a huge list never counts the whole table.

    Past the cap the list says "10,000+" and offers the first ``cap`` rows' pages; filters and
    search narrow it down from there.
    """

    def __init__(self, object_list, per_page, *, cap: int = 10_000, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _bounded_count(self) -> int:
        # Which rows are counted does not matter, only how many: without the ORDER BY the
        # database stops at the first cap + 1 matches in whatever order is cheapest (often an
        # index-only scan) instead of sorting every match first.
        return _unordered(self.object_list)[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, self.cap)

    @cached_property
    def is_capped(self) -> bool:
        return self._bounded_count > self.cap

    def page(self, number):
        """The page's ids first, then only those rows with their joins.

        A deep OFFSET over the joined query would build every skipped row's joins; over the
        bare ids it walks an index. The second query is not sorted again: its rows are put in
        the first one's order.
        """
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in _unordered(self.object_list.filter(pk__in=ids))}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


def _unordered(rows):
    """The queryset without its ORDER BY, when that leaves the same rows.

    A DISTINCT query keeps it: the columns it orders by are part of what is distinct.
    """
    if hasattr(rows, "order_by") and not rows.query.distinct:
        return rows.order_by()
    return rows


# The page sizes a list offers; anything else in the query string falls back to the default.
PAGE_SIZES = (25, 50, 100)


def page_size_from(request, default: int) -> int:
    try:
        size = int(request.GET.get("page_size", default))
    except ValueError:
        return default
    return size if size in PAGE_SIZES else default
