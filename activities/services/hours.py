"""In-kind hour entries and the rules funders need them to follow.

The rules are invariant 4 of docs/architecture.md.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from activities.models import Activity, HourEntry, Participation, ReportingPeriod
from activities.selectors import locked_periods
from members.models import Organisation, OrganisationRole, User
from portal import parsing

MAX_HOURS_PER_DAY = Decimal(24)
QUARTER = Decimal("0.25")


@dataclass(frozen=True)
class EntryData:
    organisation: Organisation
    person: User
    activity: Activity
    date: datetime.date
    hours: Decimal
    description: str = ""


def parse_hours(value) -> Decimal:
    """Turn '1,5', '1.5' or 1.5 into Decimal('1.5'); a clear error otherwise.

    The grammar is ``portal.parsing``'s (ASCII digits, no exponent); the range is the rules'.
    """
    try:
        return parsing.parse_decimal(value, signed=True, comma=True)
    except ValidationError:
        raise ValidationError({"hours": _("Enter hours as a number, e.g. 1.5.")}) from None


def entry_errors(
    data: EntryData, *, other_hours_that_day: Decimal, as_staff: bool = False
) -> dict[str, list[str]]:
    """Every rule an entry breaks, by field. ``other_hours_that_day``: the person's other hours."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    hours = data.hours
    if hours <= 0:
        add("hours", _("Hours must be more than zero."))
    elif hours > MAX_HOURS_PER_DAY:
        add("hours", _("One entry can hold at most 24 hours."))
    elif hours % QUARTER != 0:
        add("hours", _("Hours are counted in quarter hours (0.25, 0.5, 0.75 …)."))
    if data.date > timezone.localdate():
        add("date", _("Hours cannot be logged for a future date."))
    if not data.activity.start_date <= data.date <= data.activity.end_date:
        add(
            "date",
            _("The date is outside the activity's dates (%(start)s – %(end)s).")
            % {"start": data.activity.start_date, "end": data.activity.end_date},
        )
    if not errors.get("hours") and other_hours_that_day + hours > MAX_HOURS_PER_DAY:
        add(
            "hours",
            _("%(person)s would have more than 24 hours on %(date)s.")
            % {"person": data.person, "date": data.date},
        )
    if not Participation.objects.filter(
        activity=data.activity, organisation=data.organisation
    ).exists():
        add("activity", _("Your organisation does not take part in this activity."))
    if not OrganisationRole.objects.filter(
        organisation=data.organisation, user=data.person
    ).exists():
        add("person", _("This person does not belong to the organisation."))
    if not as_staff:
        period = locked_period_on(data.date)
        if period is not None:
            add("date", locked_message(period))
    return errors


def locked_period_on(date: datetime.date) -> ReportingPeriod | None:
    return locked_periods().filter(start_date__lte=date, end_date__gte=date).first()


def locked_message(period: ReportingPeriod) -> str:
    return _("The reporting period %(period)s is locked; its hours can no longer be changed.") % {
        "period": period.name
    }


def person_hours_on(person: User, date: datetime.date, *, excluding: HourEntry | None = None):
    # A person's day counts across every organisation they log hours for, whichever
    # organisation's page asks: deliberately outside the organisation scope.
    with scopes_disabled():
        entries = HourEntry.objects.filter(person=person, date=date)
        if excluding is not None:
            entries = entries.exclude(pk=excluding.pk)
        return entries.aggregate(total=Sum("hours"))["total"] or Decimal(0)


def _lock_person(person: User) -> None:
    """Serialise writes of one person's hours so the 24-hour day holds under concurrency."""
    User.objects.select_for_update().filter(pk=person.pk).first()


def _raise_if_errors(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def hour_entry_create(
    *,
    organisation: Organisation,
    person: User,
    activity: Activity,
    date: datetime.date,
    hours,
    description: str = "",
    created_by: User | None = None,
    as_staff: bool = False,
) -> HourEntry:
    """Log hours for one person on one activity and day, under every rule of invariant 4."""
    data = EntryData(organisation, person, activity, date, parse_hours(hours), description)
    with transaction.atomic():
        _lock_person(person)
        _raise_if_errors(
            entry_errors(
                data, other_hours_that_day=person_hours_on(person, date), as_staff=as_staff
            )
        )
        return HourEntry.objects.create(
            organisation=organisation,
            person=person,
            activity=activity,
            date=date,
            hours=data.hours,
            description=description,
            created_by=created_by or person,
        )


def hour_entry_update(
    *,
    entry: HourEntry,
    activity: Activity | None = None,
    date: datetime.date | None = None,
    hours=None,
    description: str | None = None,
    person: User | None = None,
    as_staff: bool = False,
) -> HourEntry:
    """Change an entry while its period is open (staff may correct a locked one; audited)."""
    with transaction.atomic():
        entry = HourEntry.objects.select_for_update().get(pk=entry.pk)
        if not as_staff:
            period = locked_period_on(entry.date)
            if period is not None:
                raise ValidationError(locked_message(period))
        data = EntryData(
            entry.organisation,
            person or entry.person,
            activity or entry.activity,
            date or entry.date,
            parse_hours(hours) if hours is not None else entry.hours,
            entry.description if description is None else description,
        )
        _lock_person(data.person)
        other = person_hours_on(data.person, data.date, excluding=entry)
        _raise_if_errors(entry_errors(data, other_hours_that_day=other, as_staff=as_staff))
        entry.person, entry.activity, entry.date = data.person, data.activity, data.date
        entry.hours, entry.description = data.hours, data.description
        entry.save()
    return entry


def hour_entry_delete(*, entry: HourEntry, as_staff: bool = False) -> None:
    """Delete an entry while its period is open (staff may delete in a locked one; audited)."""
    with transaction.atomic():
        entry = HourEntry.objects.select_for_update().get(pk=entry.pk)
        if not as_staff:
            period = locked_period_on(entry.date)
            if period is not None:
                raise ValidationError(locked_message(period))
        entry.delete()


@dataclass(frozen=True)
class WeekCell:
    """One editable cell of the weekly grid as the person typed it.

    ``key`` names the cell for the errors returned; ``entry`` is the one entry saved in the cell
    (None when empty); ``value`` is the typed hours, blank or zero meaning "no hours".
    """

    key: str
    activity: Activity
    date: datetime.date
    entry: HourEntry | None
    value: str


def hours_week_save(
    *,
    organisation: Organisation,
    person: User,
    cells: Iterable[WeekCell],
    created_by: User,
) -> dict[str, list[str]]:
    """Save one person's week of hours, all or nothing; the errors by cell key ({} when saved).

    Each cell becomes a delete (blank or zero where an entry was), an update (other hours) or a
    create (hours in an empty cell) through the entry services, so every rule of invariant 4
    holds per cell. Removals and reductions run first, so a day's 24-hour check sees the room
    they make. Everything runs in one transaction: if any cell is refused, every cell's error
    is collected and the transaction is rolled back, so nothing is saved.
    """
    errors: dict[str, list[str]] = {}
    deletes: list[WeekCell] = []
    updates: list[tuple[WeekCell, Decimal]] = []
    creates: list[tuple[WeekCell, Decimal]] = []
    for cell in cells:
        try:
            hours = parse_hours(cell.value) if cell.value else Decimal(0)
        except ValidationError as error:
            errors.setdefault(cell.key, []).extend(error.messages)
            continue
        if hours == 0:
            if cell.entry is not None:
                deletes.append(cell)
        elif cell.entry is None:
            creates.append((cell, hours))
        elif hours != cell.entry.hours:
            updates.append((cell, hours))
    updates.sort(key=lambda change: change[1] - change[0].entry.hours)

    def apply(cell: WeekCell, service, **arguments) -> None:
        try:
            service(**arguments)
        except ValidationError as error:
            errors.setdefault(cell.key, []).extend(error.messages)

    with transaction.atomic():
        for cell in deletes:
            apply(cell, hour_entry_delete, entry=cell.entry)
        for cell, hours in updates:
            apply(cell, hour_entry_update, entry=cell.entry, hours=hours)
        for cell, hours in creates:
            apply(
                cell,
                hour_entry_create,
                organisation=organisation,
                person=person,
                activity=cell.activity,
                date=cell.date,
                hours=hours,
                created_by=created_by,
            )
        if errors:
            transaction.set_rollback(True)
    return errors
