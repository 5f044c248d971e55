"""Reads on activities and hours shared by views, statements, reminders and dashboards."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)

from activities.models import (
    Activity,
    ActivityStatus,
    HourEntry,
    HourlyRate,
    PeriodConfirmation,
    PersonRate,
    ReportingPeriod,
)
from members.models import Organisation, User
from members.selectors import organisations_active_on

YEARLY_HOURS_LIMIT = Decimal(1850)


def activities_visible() -> QuerySet[Activity]:
    return Activity.objects.exclude(status=ActivityStatus.CANCELLED).annotate(
        organisations_count=Count("participations", distinct=True)
    )


def activities_open_for_hours(organisation: Organisation) -> QuerySet[Activity]:
    """Activities the organisation takes part in, for hour forms and the weekly grid."""
    return Activity.objects.filter(participations__organisation=organisation).order_by("title")


def hour_entries_for(organisation: Organisation) -> QuerySet[HourEntry]:
    return HourEntry.objects.filter(organisation=organisation).select_related("person", "activity")


def period_on(date: datetime.date) -> ReportingPeriod | None:
    return ReportingPeriod.objects.filter(start_date__lte=date, end_date__gte=date).first()


def rates_for_year(year: int) -> tuple[Decimal, dict[int, Decimal]]:
    """The standard rate of ``year`` (0 when none is set) and each person's own rate."""
    standard = HourlyRate.objects.filter(year=year).values_list("rate", flat=True).first()
    personal = dict(PersonRate.objects.filter(year=year).values_list("person_id", "rate"))
    return standard or Decimal(0), personal


@dataclass
class Line:
    label: str
    hours: Decimal = Decimal(0)
    value: Decimal = Decimal(0)


@dataclass
class YearSummary:
    organisation: Organisation
    year: int
    standard_rate: Decimal
    by_activity: list[Line] = field(default_factory=list)
    by_person: list[Line] = field(default_factory=list)
    total_hours: Decimal = Decimal(0)
    total_value: Decimal = Decimal(0)
    confirmations: list[PeriodConfirmation] = field(default_factory=list)
    people_over_limit: list[str] = field(default_factory=list)


def organisation_year_summary(organisation: Organisation, year: int) -> YearSummary:
    """Hours and in-kind value of one organisation in one year, per activity and per person.

    Value is hours times the person's own rate for the year, else the year's standard rate.
    A fixed number of queries whatever the number of entries.
    """
    standard, personal = rates_for_year(year)
    rows = (
        HourEntry.objects.filter(organisation=organisation, date__year=year)
        .values("activity__title", "person_id", "person__full_name", "person__email")
        .annotate(hours=Sum("hours"))
        .order_by("activity__title", "person__full_name")
    )
    summary = YearSummary(organisation=organisation, year=year, standard_rate=standard)
    activities: dict[str, Line] = {}
    people: dict[int, Line] = {}
    for row in rows:
        value = row["hours"] * personal.get(row["person_id"], standard)
        person_label = row["person__full_name"] or row["person__email"]
        for index, key, label in (
            (activities, row["activity__title"], row["activity__title"]),
            (people, row["person_id"], person_label),
        ):
            line = index.setdefault(key, Line(label))
            line.hours += row["hours"]
            line.value += value
        summary.total_hours += row["hours"]
        summary.total_value += value
    summary.by_activity = list(activities.values())
    summary.by_person = sorted(people.values(), key=lambda line: line.label)
    summary.people_over_limit = [
        line.label for line in summary.by_person if line.hours > YEARLY_HOURS_LIMIT
    ]
    summary.confirmations = list(
        PeriodConfirmation.objects.filter(organisation=organisation, period__start_date__year=year)
        .select_related("period")
        .order_by("period__start_date")
    )
    return summary


def yearly_hours_by_person(year: int, organisation: Organisation | None = None) -> QuerySet:
    """Each person's hours in ``year`` (all organisations, or one): ``person_id`` and ``total``.

    Grouped by the person's id alone, so PostgreSQL sums from the index on (date, person)
    that includes the hours (an index-only scan, no sort) and joins no user row."""
    entries = HourEntry.objects.filter(date__year=year)
    if organisation is not None:
        entries = entries.filter(organisation=organisation)
    return entries.order_by().values("person_id").annotate(total=Sum("hours"))


def people_over_yearly_limit(year: int, organisation: Organisation | None = None) -> list[dict]:
    """People with more than 1,850 hours in ``year`` (all organisations, or one), most first:
    ``person_id``, ``person__email``, ``person__full_name`` and ``total``. Two queries."""
    totals = {
        row["person_id"]: row["total"]
        for row in yearly_hours_by_person(year, organisation).filter(total__gt=YEARLY_HOURS_LIMIT)
    }
    people = User.objects.filter(pk__in=totals).values_list("pk", "email", "full_name")
    rows = [
        {"person_id": pk, "person__email": email, "person__full_name": name, "total": totals[pk]}
        for pk, email, name in people
    ]
    return sorted(rows, key=lambda row: (-row["total"], row["person__email"]))


def years_with_entries(entries: QuerySet[HourEntry]) -> list[int]:
    """The years from the last entry's back to the first's (newest first), for the statements.

    Two index look-ups (the first and the last date) instead of a scan of every entry."""
    span = entries.aggregate(first=Min("date"), last=Max("date"))
    if span["first"] is None:
        return []
    return list(range(span["last"].year, span["first"].year - 1, -1))


def organisations_to_remind(period: ReportingPeriod) -> QuerySet[Organisation]:
    """Active organisations taking part in activities that logged nothing or have not confirmed."""
    logged = Q(hour_entries__date__gte=period.start_date, hour_entries__date__lte=period.end_date)
    return (
        organisations_active_on(period.end_date)
        .annotate(period_hours=Count("hour_entries", filter=logged))
        .exclude(hour_confirmations__period=period)
        .order_by("name")
    )


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
