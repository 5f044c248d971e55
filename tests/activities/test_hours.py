import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from activities.models import HourEntry
from activities.services import hours
from tests.factories import (
    ActivityFactory,
    OrganisationFactory,
    ReportingPeriodFactory,
    member_of,
    taking_part,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def setting():
    organisation = OrganisationFactory()
    person = member_of(organisation)
    activity = taking_part(organisation).activity
    return organisation, person, activity


def log(setting, **overrides):
    organisation, person, activity = setting
    values = {
        "organisation": organisation,
        "person": person,
        "activity": activity,
        "date": YESTERDAY,
        "hours": "2.5",
    }
    return hours.hour_entry_create(**{**values, **overrides})


def errors_of(setting, **overrides):
    with pytest.raises(ValidationError) as error:
        log(setting, **overrides)
    assert not HourEntry.objects.exists()
    return error.value.message_dict


def test_valid_entry_is_saved_with_decimal_hours(setting):
    entry = log(setting, hours="7,75")
    assert entry.hours == Decimal("7.75")


@pytest.mark.parametrize("value", ["0", "-1", "-0.25"])
def test_hours_must_be_more_than_zero(setting, value):
    assert errors_of(setting, hours=value)["hours"] == ["Hours must be more than zero."]


def test_one_entry_holds_at_most_24_hours(setting):
    assert errors_of(setting, hours="24.25")["hours"] == ["One entry can hold at most 24 hours."]


@pytest.mark.parametrize("value", ["1.1", "0.3", "2.33"])
def test_hours_are_counted_in_quarter_hours(setting, value):
    assert errors_of(setting, hours=value)["hours"] == [
        "Hours are counted in quarter hours (0.25, 0.5, 0.75 …)."
    ]


@pytest.mark.parametrize("value", ["abc", "", "NaN", "inf"])
def test_hours_that_are_not_a_number_are_refused(setting, value):
    assert errors_of(setting, hours=value)["hours"] == ["Enter hours as a number, e.g. 1.5."]


def test_hours_cannot_be_logged_in_the_future(setting):
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert errors_of(setting, date=tomorrow)["date"] == [
        "Hours cannot be logged for a future date."
    ]


def test_date_must_lie_inside_the_activity(setting):
    organisation, _person, _activity = setting
    activity = ActivityFactory(
        start_date=datetime.date(2025, 3, 1), end_date=datetime.date(2025, 3, 31)
    )
    taking_part(organisation, activity)
    assert errors_of(setting, activity=activity, date=datetime.date(2025, 4, 1))["date"] == [
        "The date is outside the activity's dates (2025-03-01 – 2025-03-31)."
    ]


def test_one_person_has_at_most_24_hours_on_one_day_across_activities(setting):
    organisation, person, _activity = setting
    log(setting, hours="20")
    other_activity = taking_part(organisation).activity
    messages = errors_of_keep(setting, activity=other_activity, hours="4.25")
    assert messages["hours"] == [f"{person} would have more than 24 hours on {YESTERDAY}."]
    log(setting, activity=other_activity, hours="4")
    assert HourEntry.objects.count() == 2


def errors_of_keep(setting, **overrides):
    with pytest.raises(ValidationError) as error:
        log(setting, **overrides)
    return error.value.message_dict


def test_only_activities_the_organisation_takes_part_in(setting):
    assert errors_of(setting, activity=ActivityFactory())["activity"] == [
        "Your organisation does not take part in this activity."
    ]


def test_the_person_must_belong_to_the_organisation(setting):
    outsider = member_of(OrganisationFactory())
    assert errors_of(setting, person=outsider)["person"] == [
        "This person does not belong to the organisation."
    ]


def test_members_cannot_add_hours_in_a_locked_period(setting):
    period = ReportingPeriodFactory(name="2026 Q1", locked_at=timezone.now())
    assert errors_of(setting, date=period.start_date)["date"] == [
        "The reporting period 2026 Q1 is locked; its hours can no longer be changed."
    ]


def test_members_cannot_change_or_delete_hours_in_a_locked_period(setting):
    period = ReportingPeriodFactory(name="2026 Q1")
    entry = log(setting, date=period.start_date)
    period.locked_at = timezone.now()
    period.save()
    with pytest.raises(ValidationError, match="is locked"):
        hours.hour_entry_update(entry=entry, hours="1")
    with pytest.raises(ValidationError, match="is locked"):
        hours.hour_entry_delete(entry=entry)
    entry.refresh_from_db()
    assert entry.hours == Decimal("2.5")


def test_staff_can_correct_a_locked_period(setting):
    period = ReportingPeriodFactory(locked_at=timezone.now())
    entry = log(setting, date=period.start_date, as_staff=True)
    hours.hour_entry_update(entry=entry, hours="1", as_staff=True)
    entry.refresh_from_db()
    assert entry.hours == Decimal("1")


def test_update_keeps_the_daily_limit_without_counting_the_entry_twice(setting):
    entry = log(setting, hours="20")
    hours.hour_entry_update(entry=entry, hours="24")
    with pytest.raises(ValidationError, match="quarter hours"):
        hours.hour_entry_update(entry=entry, hours="23.1")
    entry.refresh_from_db()
    assert entry.hours == Decimal("24")


def test_the_database_refuses_impossible_hours(setting):
    organisation, person, activity = setting
    with pytest.raises(IntegrityError), transaction.atomic():
        HourEntry.objects.create(
            organisation=organisation, person=person, activity=activity, date=YESTERDAY, hours=25
        )
