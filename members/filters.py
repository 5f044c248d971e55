"""Filters of the members-only directory and competence pages (django-filter)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members import selectors
from members.models import (
    Competence,
    CompetenceArea,
    CompetenceKind,
    Organisation,
    ParticipantType,
    ValueChainSegment,
)
from portal.forms import PortalForm


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search by name"), field_name="name", lookup_expr="icontains"
    )
    participant_type = django_filters.ChoiceFilter(
        label=_("Participant type"),
        choices=ParticipantType.choices,
        empty_label=_("All types"),
        method="filter_participant_type",
    )
    segment = django_filters.ModelChoiceFilter(
        label=_("Value-chain segment"),
        queryset=ValueChainSegment.objects.all(),
        empty_label=_("All segments"),
        field_name="segments",
    )

    class Meta:
        model = Organisation
        fields = []
        form = PortalForm  # strict numbers and dates, no control characters

    def filter_participant_type(self, queryset, name, value):
        of_type = selectors.organisations_active_on(participant_type=value)
        return queryset.filter(pk__in=of_type.values("pk"))


class CompetenceFilter(django_filters.FilterSet):
    area = django_filters.ModelChoiceFilter(
        label=_("Competence area"),
        queryset=CompetenceArea.objects.all(),
        empty_label=_("All areas"),
    )
    segment = django_filters.ModelChoiceFilter(
        label=_("Value-chain segment"),
        queryset=ValueChainSegment.objects.all(),
        empty_label=_("All segments"),
        method="filter_segment",
    )
    kind = django_filters.ChoiceFilter(
        label=_("Offers or needs"),
        choices=CompetenceKind.choices,
        empty_label=_("Offers and needs"),
    )

    class Meta:
        model = Competence
        fields = []
        form = PortalForm  # strict numbers and dates, no control characters

    def filter_segment(self, queryset, name, value):
        """An entry about a segment matches it; an entry about no segment in particular
        matches the segments its organisation works in."""
        in_segment = Organisation.objects.filter(segments=value).values("pk")
        return queryset.filter(
            Q(segment=value) | Q(segment__isnull=True, organisation__in=in_segment)
        )
