"""An organisation admin confirms the company's hours in a reporting period."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import HourEntry, PeriodConfirmation
from activities.services import periods
from members.models import Role
from tests.factories import (
    ReportingPeriodFactory,
    UserFactory,
    active_organisation,
    member_of,
    taking_part,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return active_organisation(name="Fjordcelle AS")


@pytest.fixture
def admin(client, organisation):
    user = member_of(organisation, Role.ADMIN, full_name="Ola Admin")
    client.force_login(user)
    return user


@pytest.fixture
def period():
    return ReportingPeriodFactory(name="2025 Q3")


@pytest.fixture
def logged(organisation, admin, period):
    activity = taking_part(organisation).activity
    for offset, hours in ((0, "7.5"), (1, "2")):
        HourEntry.objects.create(
            organisation=organisation,
            person=admin,
            activity=activity,
            date=period.start_date + datetime.timedelta(days=offset),
            hours=hours,
        )
    # Outside the period, and another organisation's hours in it: not counted.
    HourEntry.objects.create(
        organisation=organisation,
        person=admin,
        activity=activity,
        date=period.end_date + datetime.timedelta(days=1),
        hours=5,
    )
    other = active_organisation()
    HourEntry.objects.create(
        organisation=other,
        person=member_of(other),
        activity=taking_part(other).activity,
        date=period.start_date,
        hours=8,
    )
    return activity


def _url(organisation, period):
    return reverse(
        "activities:period_confirm", kwargs={"pk": organisation.pk, "period_pk": period.pk}
    )


def test_the_hours_page_lists_periods_with_their_totals_and_a_confirm_button(
    client, organisation, period, logged
):
    response = client.get(reverse("activities:hour_list", kwargs={"pk": organisation.pk}))
    content = response.content.decode()
    [shown] = [p for p in response.context["periods"] if p.pk == period.pk]
    assert shown.organisation_hours == Decimal("9.5")
    assert "Not confirmed" in content
    assert _url(organisation, period) in content


def test_the_confirm_page_shows_the_total_before_confirming(client, organisation, period, logged):
    response = client.get(_url(organisation, period))
    content = response.content.decode()
    assert response.status_code == 200
    assert "We confirm these 9.50 hours" in content
    assert not PeriodConfirmation.objects.exists()


def test_admin_confirms_the_period_and_the_list_shows_who_and_when(
    client, organisation, admin, period, logged
):
    page = client.get(_url(organisation, period)).content.decode()
    assert '<input type="hidden" name="hours" value="9.50">' in page
    response = client.post(_url(organisation, period), {"hours": "9.50"}, follow=True)
    content = response.content.decode()
    assert "You confirmed 9.5 hours in 2025 Q3." in content
    confirmation = PeriodConfirmation.objects.get()
    assert (confirmation.hours, confirmation.confirmed_by, confirmation.confirmed_by_name) == (
        Decimal("9.5"),
        admin,
        "Ola Admin",
    )
    when = timezone.localtime(confirmation.confirmed_at).strftime("%m/%d/%Y")
    assert "9.50 hours by Ola Admin" in content
    assert when in content
    assert "Confirm again" in content


def test_confirming_a_period_without_hours_is_refused_with_the_reason(
    client, organisation, admin, period
):
    response = client.post(_url(organisation, period), {"hours": "0"})
    assert response.status_code == 200
    assert "There are no hours to confirm in 2025 Q3." in response.content.decode()
    assert not PeriodConfirmation.objects.exists()


def test_hours_that_changed_after_the_page_was_shown_are_not_confirmed(
    client, organisation, admin, period, logged
):
    HourEntry.objects.create(
        organisation=organisation, person=admin, activity=logged, date=period.end_date, hours=1
    )
    response = client.post(_url(organisation, period), {"hours": "9.50"})
    assert (
        "The hours changed while you looked: 2025 Q3 now has 10.50 hours."
        in response.content.decode()
    )
    assert not PeriodConfirmation.objects.exists()


def test_a_confirmation_without_the_total_shown_is_refused(client, organisation, period, logged):
    response = client.post(_url(organisation, period), {"hours": "ti"})
    assert "The confirmation form is incomplete; reload the page." in response.content.decode()
    assert not PeriodConfirmation.objects.exists()


def test_a_locked_period_cannot_be_confirmed(client, organisation, period, logged):
    periods.hours_lock_period(period=period, locked_by=UserFactory(is_staff=True))
    content = client.get(_url(organisation, period)).content.decode()
    assert "The period is locked" in content
    assert "We confirm these" not in content
    response = client.post(_url(organisation, period), {"hours": "9.50"})
    assert (
        "The reporting period 2025 Q3 is locked; its hours can no longer be changed."
        in response.content.decode()
    )
    assert not PeriodConfirmation.objects.exists()


def test_a_plain_member_cannot_confirm(client, organisation, period, logged):
    client.force_login(member_of(organisation))
    assert client.get(_url(organisation, period)).status_code == 404
    assert client.post(_url(organisation, period)).status_code == 404
    assert not PeriodConfirmation.objects.exists()


def test_admin_of_another_organisation_gets_404_for_confirming(
    client, organisation, period, logged
):
    client.force_login(member_of(active_organisation(), Role.ADMIN))
    assert client.get(_url(organisation, period)).status_code == 404
    assert client.post(_url(organisation, period)).status_code == 404
    assert not PeriodConfirmation.objects.exists()


@pytest.mark.parametrize("rows", [1, 5])
def test_confirm_page_query_count_does_not_grow_with_entries(
    client, organisation, admin, period, django_assert_num_queries, rows
):
    activity = taking_part(organisation).activity
    for offset in range(rows):
        HourEntry.objects.create(
            organisation=organisation,
            person=member_of(organisation),
            activity=activity,
            date=period.start_date + datetime.timedelta(days=offset),
            hours=1,
        )
    # session, user, organisation with role, period, total, confirmation, nav
    with django_assert_num_queries(7):
        assert client.get(_url(organisation, period)).status_code == 200
