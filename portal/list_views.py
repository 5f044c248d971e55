"""The list pages' shared filter: one mixin for every list that a django-filter ``FilterSet``
narrows from the query string (as pretalx's ``Filterable`` in ``common/views/mixins.py``)."""

from django.db.models import QuerySet
from django_filters import FilterSet


class FilteredListMixin:
    """Rows from ``get_base_queryset()``, narrowed by ``filterset_class`` from ``?…``.

    On a ``ListView`` the filtered rows are the list (paginated as usual) and the filter is in
    the context as ``filter``. Another view (an export of the same list) calls
    ``get_filterset()`` itself. An empty query string is an unbound filter: every row.
    """

    filterset_class: type[FilterSet]

    def get_base_queryset(self) -> QuerySet:
        """The rows before filtering; a ``ListView``'s own queryset unless overridden."""
        return super().get_queryset()

    def get_filterset_kwargs(self) -> dict:
        """Extra keyword arguments for the filter (the choices a filter may offer)."""
        return {}

    def get_filter_data(self):
        """What the filter is bound to: the query string, or None (unbound) when it is empty."""
        return self.request.GET or None

    def get_filterset(self) -> FilterSet:
        return self.filterset_class(
            self.get_filter_data(),
            queryset=self.get_base_queryset(),
            **self.get_filterset_kwargs(),
        )

    def get_queryset(self) -> QuerySet:
        self.filterset = self.get_filterset()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)
