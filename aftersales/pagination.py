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


class UncountedPage:
    """A page of a list that is never counted: whether there is a next page is known from one
    row more than the page shows. For lists whose total is shown elsewhere (the dashboard's
    figure above its drill-down list) or costs more to count than the page to read."""

    def __init__(self, object_list, per_page: int, number) -> None:
        try:
            self.number = max(1, int(number))
        except (TypeError, ValueError):
            self.number = 1
        self.number = min(self.number, MAX_UNCOUNTED_PAGE)
        self.per_page = per_page
        bottom = (self.number - 1) * per_page
        # The page's ids, one more to know whether a next page exists; then only those rows.
        ids = list(object_list.values_list("pk", flat=True)[bottom : bottom + per_page + 1])
        self._has_next = len(ids) > per_page
        ids = ids[:per_page]
        rows = {row.pk: row for row in _unordered(object_list.filter(pk__in=ids))}
        self.object_list = [rows[pk] for pk in ids if pk in rows]
        self.start_index = bottom + 1 if self.object_list else 0
        self.end_index = bottom + len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


# Deeper pages of an uncounted list are not offered: narrow the filters instead.
MAX_UNCOUNTED_PAGE = 10_000


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
