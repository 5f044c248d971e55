"""Filters of the activity list and an organisation's hour list (django-filter)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, ActivityKind, ActivityStatus, HourEntry, ReportingPeriod
from members.models import User, ValueChainSegment
from portal.forms import PortalForm


def date_input() -> forms.DateInput:
    """A native date picker; it submits ISO dates, which every language's formats accept."""
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class ActivityFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        # The visible activities never include cancelled ones.
        choices=[c for c in ActivityStatus.choices if c[0] != ActivityStatus.CANCELLED],
        empty_label=_("All statuses"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=ActivityKind.choices, empty_label=_("All kinds")
    )
    segment = django_filters.ModelChoiceFilter(
        label=_("Value-chain segment"),
        queryset=ValueChainSegment.objects.all(),
        empty_label=_("All segments"),
        field_name="segments",
    )

    class Meta:
        model = Activity
        fields = []
        form = PortalForm  # strict numbers and dates, no control characters


class HourEntryFilter(django_filters.FilterSet):
    """Filters over one organisation's entries; choices come from that organisation only."""

    period = django_filters.ModelChoiceFilter(
        label=_("Reporting period"),
        queryset=ReportingPeriod.objects.all(),
        empty_label=_("All periods"),
        method="filter_period",
    )
    activity = django_filters.ModelChoiceFilter(
        label=_("Activity"), queryset=Activity.objects.none(), empty_label=_("All activities")
    )
    person = django_filters.ModelChoiceFilter(
        label=_("Person"), queryset=User.objects.none(), empty_label=_("Everyone")
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="date", lookup_expr="gte", widget=date_input()
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="date", lookup_expr="lte", widget=date_input()
    )

    class Meta:
        model = HourEntry
        fields = []
        form = PortalForm  # strict numbers and dates, no control characters

    def __init__(self, *args, activities, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["activity"].queryset = activities
        if people is None:  # a plain member sees only their own entries
            del self.filters["person"]
        else:
            self.filters["person"].queryset = people

    def filter_period(self, queryset, name, value):
        return queryset.filter(date__gte=value.start_date, date__lte=value.end_date)
