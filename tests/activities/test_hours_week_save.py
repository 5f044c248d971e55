"""hours_week_save: one person's week of hours, all or nothing, errors by cell."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from activities.models import HourEntry
from activities.services import hours
from activities.services.hours import WeekCell, hours_week_save
from tests.factories import ActivityFactory, OrganisationFactory, member_of, taking_part

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = TODAY - datetime.timedelta(days=3)


@pytest.fixture
def setting():
    organisation = OrganisationFactory()
    person = member_of(organisation, full_name="Kari Medlem")
    workshop = taking_part(organisation, ActivityFactory(title="Verksted")).activity
    project = taking_part(organisation, ActivityFactory(title="Prosjekt")).activity
    return organisation, person, workshop, project


def log(setting, activity, value):
    organisation, person, _workshop, _project = setting
    return hours.hour_entry_create(
        organisation=organisation, person=person, activity=activity, date=DAY, hours=value
    )


def save(setting, *cells):
    organisation, person, _workshop, _project = setting
    return hours_week_save(organisation=organisation, person=person, cells=cells, created_by=person)


def saved(setting):
    _organisation, person, _workshop, _project = setting
    return sorted(
        (entry.activity.title, entry.hours) for entry in HourEntry.objects.filter(person=person)
    )


def test_a_week_creates_updates_and_deletes_each_cell_through_the_services(setting):
    _organisation, _person, workshop, project = setting
    kept = log(setting, workshop, "2")
    gone = log(setting, project, "1")
    other_day = DAY - datetime.timedelta(days=1)

    errors = save(
        setting,
        WeekCell("a", workshop, DAY, kept, "3,5"),
        WeekCell("b", project, DAY, gone, ""),
        WeekCell("c", project, other_day, None, "1.25"),
        WeekCell("d", workshop, other_day, None, "0"),
    )

    assert errors == {}
    assert saved(setting) == [("Prosjekt", Decimal("1.25")), ("Verksted", Decimal("3.5"))]
    assert not HourEntry.objects.filter(pk=gone.pk).exists()


def test_reductions_are_applied_first_so_the_day_has_room_for_the_increases(setting):
    _organisation, _person, workshop, project = setting
    small = log(setting, project, "2")
    big = log(setting, workshop, "20")

    # Applied in the order given, 2 → 8 would meet the 20 still saved and pass 24.
    errors = save(
        setting,
        WeekCell("more", project, DAY, small, "8"),
        WeekCell("less", workshop, DAY, big, "14"),
        WeekCell("new", project, DAY - datetime.timedelta(days=1), None, "1"),
    )

    assert errors == {}
    assert saved(setting) == [
        ("Prosjekt", Decimal("1")),
        ("Prosjekt", Decimal("8")),
        ("Verksted", Decimal("14")),
    ]


def test_one_refused_cell_saves_nothing_and_every_error_is_returned_by_cell(setting):
    _organisation, _person, workshop, project = setting
    entry = log(setting, workshop, "2")
    future = TODAY + datetime.timedelta(days=1)

    errors = save(
        setting,
        WeekCell("changed", workshop, DAY, entry, "4"),
        WeekCell("typo", project, DAY, None, "two"),
        WeekCell("future", project, future, None, "1"),
    )

    assert errors == {
        "typo": ["Enter hours as a number, e.g. 1.5."],
        "future": ["Hours cannot be logged for a future date."],
    }
    assert saved(setting) == [("Verksted", Decimal("2"))]


def test_an_unchanged_week_saves_without_touching_the_entries(setting):
    _organisation, _person, workshop, _project = setting
    entry = log(setting, workshop, "2")

    assert save(setting, WeekCell("same", workshop, DAY, entry, "2.00")) == {}
    entry.refresh_from_db()
    assert entry.hours == Decimal("2")
