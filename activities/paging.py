"""Paging an organisation's hour list without reading the pages before the one shown.

The count comes with the list's totals (one query for both). ``?page=N`` always works: pages in
the first half are read from the front, those in the second half from the back in reverse
order, so the last page is as cheap as the first. The previous and next links also carry the
id of the row at the page's edge (``before``/``after``); the page is then read by keyset
(the rows after that row, in order), which costs the same at any depth. A cursor that is not a
row of the list (deleted, filtered out, typed by hand) falls back to the page number.
"""

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property

from portal.parsing import INTEGER_MAX, parse_integer

# A total order (the id breaks ties), so that reading from the back is the exact reverse.
ORDER = ("-date", "person__email", "pk")


def _cursor(value: str | None) -> int | None:
    try:
        return parse_integer(value, min_value=1, max_value=INTEGER_MAX)
    except ValidationError:
        return None  # absent or not an id: no cursor


def _beyond(date, email, pk) -> Q:
    """Rows after (date, email, pk) in ``ORDER``; ``date <= d`` lets the date index bound it."""
    return Q(date__lte=date) & (
        Q(date__lt=date) | Q(person__email__gt=email) | Q(person__email=email, pk__gt=pk)
    )


def _before(date, email, pk) -> Q:
    """Rows before (date, email, pk) in ``ORDER``."""
    return Q(date__gte=date) & (
        Q(date__gt=date) | Q(person__email__lt=email) | Q(person__email=email, pk__lt=pk)
    )


class HourPaginator(Paginator):
    """A paginator over ``entries`` (ordered here) that is told the count instead of asking."""

    def __init__(self, entries: QuerySet, per_page: int, *, count: int):
        self.entries = entries.order_by(*ORDER)
        super().__init__(self.entries, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count

    def page_at(self, number, *, after: str | None = None, before: str | None = None) -> Page:
        """Page ``number`` ("last" for the last), read by keyset when a cursor is given.

        Raises ``InvalidPage`` for a number that is not a page of the list."""
        number = self.num_pages if number == "last" else self.validate_number(number)
        rows = self._rows_by_keyset(_cursor(after), _cursor(before))
        if rows is None:
            rows = self._rows_by_number(number)
        return Page(rows, number, self)

    def _rows_by_number(self, number: int) -> list:
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if bottom <= self.count - top:
            return list(self.entries[bottom:top])
        from_end = self.entries.reverse()[self.count - top : self.count - bottom]
        return list(from_end)[::-1]

    def _rows_by_keyset(self, after: int | None, before: int | None) -> list | None:
        cursor = after or before
        if cursor is None:
            return None
        edge = self.entries.filter(pk=cursor).values_list("date", "person__email").first()
        if edge is None:
            return None
        date, email = edge
        if after is not None:
            return list(self.entries.filter(_beyond(date, email, cursor))[: self.per_page])
        rows = self.entries.filter(_before(date, email, cursor)).reverse()[: self.per_page]
        return list(rows)[::-1]
