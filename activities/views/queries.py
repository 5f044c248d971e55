"""Reads only the hour pages need (the shared ones live in ``activities.selectors``)."""

import datetime

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery, Sum

from activities.models import HourEntry, PeriodConfirmation, ReportingPeriod
from members.models import Organisation

RECENT_PERIODS = 8


def locked_periods() -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.filter(locked_at__isnull=False)


def with_lock_state(entries: QuerySet[HourEntry]) -> QuerySet[HourEntry]:
    """Entries annotated ``in_locked_period``, so a list shows them read-only in one query."""
    covering = locked_periods().filter(
        start_date__lte=OuterRef("date"), end_date__gte=OuterRef("date")
    )
    return entries.annotate(in_locked_period=Exists(covering))


def hours_in_period(organisation: Organisation, period: ReportingPeriod):
    return HourEntry.objects.filter(
        organisation=organisation, date__gte=period.start_date, date__lte=period.end_date
    ).aggregate(total=Sum("hours"))["total"]


def periods_with_confirmations(
    organisation: Organisation, today: datetime.date
) -> list[ReportingPeriod]:
    """The latest periods that have begun, each with the organisation's hours in it
    (``organisation_hours``) and its confirmation, if any (``organisation_confirmations``)."""
    hours = (
        HourEntry.objects.filter(
            organisation=organisation,
            date__gte=OuterRef("start_date"),
            date__lte=OuterRef("end_date"),
        )
        .values("organisation")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    confirmations = PeriodConfirmation.objects.filter(organisation=organisation)
    return list(
        ReportingPeriod.objects.filter(start_date__lte=today)
        .annotate(organisation_hours=Subquery(hours))
        .prefetch_related(
            Prefetch("confirmations", queryset=confirmations, to_attr="organisation_confirmations")
        )
        .order_by("-start_date")[:RECENT_PERIODS]
    )


def organisations_with_hours(year: int) -> QuerySet[Organisation]:
    """Organisations with hours in ``year`` and their total (``year_hours``), for staff."""
    return (
        Organisation.objects.filter(hour_entries__date__year=year)
        .annotate(year_hours=Sum("hour_entries__hours"))
        .order_by("name")
    )
