"""The staff invoice list's filter (django-filter), on the fee-year form of the run pages."""

import django_filters
from django.utils.translation import gettext_lazy as _

from billing.forms import RunYearForm
from billing.models import Invoice


class InvoiceFilter(django_filters.FilterSet):
    # The field is RunYearForm's: the years with a fee schedule, submitted as ``?year=2026``.
    year = django_filters.TypedChoiceFilter(
        field_name="fee_year",
        coerce=int,
        label=_("Fee year"),
        error_messages={"invalid_choice": _("There is no fee schedule for that year.")},
    )

    class Meta:
        model = Invoice
        fields = []
        form = RunYearForm
