import datetime
from decimal import Decimal

import pytest

from activities.models import HourEntry, HourlyRate, PersonRate
from activities.selectors import organisation_year_summary, people_over_yearly_limit
from tests.factories import ActivityFactory, OrganisationFactory, member_of

pytestmark = pytest.mark.django_db


def entry(organisation, person, activity, hours, day=datetime.date(2025, 5, 2)):
    HourEntry.objects.create(
        organisation=organisation, person=person, activity=activity, date=day, hours=hours
    )


def test_value_uses_the_person_rate_else_the_standard_rate():
    organisation = OrganisationFactory()
    anne = member_of(organisation, full_name="Anne A")
    bjorn = member_of(organisation, full_name="Bjørn B")
    workshop, sprint = ActivityFactory(title="Workshop"), ActivityFactory(title="Sprint")
    HourlyRate.objects.create(year=2025, rate=700)
    PersonRate.objects.create(person=bjorn, year=2025, rate=1000)
    entry(organisation, anne, workshop, 10)
    entry(organisation, bjorn, workshop, 2)
    entry(organisation, bjorn, sprint, 3)
    entry(organisation, anne, sprint, 5, day=datetime.date(2024, 12, 31))  # another year

    summary = organisation_year_summary(organisation, 2025)
    assert summary.total_hours == Decimal(15)
    assert summary.total_value == Decimal(10 * 700 + 5 * 1000)
    assert [(line.label, line.hours, line.value) for line in summary.by_activity] == [
        ("Sprint", 3, 3000),
        ("Workshop", 12, 9000),
    ]
    assert [(line.label, line.hours) for line in summary.by_person] == [
        ("Anne A", 10),
        ("Bjørn B", 5),
    ]


def test_summary_query_count_does_not_grow_with_entries(django_assert_num_queries):
    organisation = OrganisationFactory()
    activity = ActivityFactory()
    for n in range(5):
        entry(organisation, member_of(organisation), activity, n + 1)
    with django_assert_num_queries(4):
        organisation_year_summary(organisation, 2025)


def test_people_past_1850_hours_in_a_year_are_flagged():
    organisation = OrganisationFactory()
    busy, calm = member_of(organisation), member_of(organisation)
    activity = ActivityFactory(
        start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2025, 12, 31)
    )
    start = datetime.date(2025, 1, 1)
    HourEntry.objects.bulk_create(
        HourEntry(
            organisation=organisation,
            person=busy,
            activity=activity,
            date=start + datetime.timedelta(days=n),
            hours=Decimal("7.75"),
        )
        for n in range(240)
    )
    entry(organisation, calm, activity, 8)
    flagged = list(people_over_yearly_limit(2025))
    assert [(row["person_id"], row["total"]) for row in flagged] == [(busy.pk, Decimal("1860"))]
    assert organisation_year_summary(organisation, 2025).people_over_limit == [str(busy)]
