"""The weekly grid: one person's hours on the organisation's activities, a week at a time."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import HourEntry
from activities.services import periods
from members.models import Role
from tests.factories import (
    ActivityFactory,
    ReportingPeriodFactory,
    UserFactory,
    active_organisation,
    member_of,
    taking_part,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# Last week: every day of it has passed, so every cell can take hours.
MONDAY = TODAY - datetime.timedelta(days=TODAY.weekday() + 7)
WEEK = "{}-W{:02d}".format(*MONDAY.isocalendar()[:2])


def day(offset):
    return MONDAY + datetime.timedelta(days=offset)


def cell(activity, offset):
    return f"hours-{activity.pk}-{day(offset).isoformat()}"


def _url(organisation, **query):
    url = reverse("activities:hour_week", kwargs={"pk": organisation.pk})
    query = {"week": WEEK, **query}
    return url + "?" + "&".join(f"{key}={value}" for key, value in query.items())


def log(organisation, person, activity, offset, hours):
    return HourEntry.objects.create(
        organisation=organisation, person=person, activity=activity, date=day(offset), hours=hours
    )


def hours_of(person):
    return sorted(
        (entry.activity.title, entry.date, entry.hours)
        for entry in HourEntry.objects.filter(person=person).select_related("activity")
    )


@pytest.fixture
def organisation():
    return active_organisation(name="Fjordcelle AS")


@pytest.fixture
def workshop(organisation):
    return taking_part(organisation, ActivityFactory(title="Verksted")).activity


@pytest.fixture
def project(organisation):
    return taking_part(organisation, ActivityFactory(title="Prosjekt")).activity


@pytest.fixture
def member(client, organisation):
    user = member_of(organisation, full_name="Kari Medlem")
    client.force_login(user)
    return user


# --- Showing a week --------------------------------------------------------------------------


def test_grid_shows_the_organisations_activities_over_seven_days_with_saved_hours(
    client, organisation, workshop, project, member
):
    ActivityFactory(title="Ikke med")
    taking_part(organisation, ActivityFactory(title="Ferdig i fjor", end_date=day(-30)))
    log(organisation, member, workshop, 0, "7.5")
    log(organisation, member, project, 0, "0.5")
    log(organisation, member, project, 2, "2")
    response = client.get(_url(organisation))
    content = response.content.decode()
    grid = response.context["grid"]
    assert response.status_code == 200
    assert [row.activity.title for row in grid.rows] == ["Prosjekt", "Verksted"]
    assert grid.days == [day(offset) for offset in range(7)]
    assert f'name="{cell(workshop, 0)}"' in content
    assert 'value="7.5"' in content
    assert grid.day_totals[0] == Decimal("8")
    assert grid.total == Decimal("10")
    assert "Ikke med" not in content
    assert "Ferdig i fjor" not in content


def test_grid_links_to_the_previous_and_next_week(client, organisation, workshop, member):
    response = client.get(_url(organisation))
    previous_week = "{}-W{:02d}".format(*day(-7).isocalendar()[:2])
    next_week = "{}-W{:02d}".format(*day(7).isocalendar()[:2])
    assert response.context["previous_url"].endswith(f"?week={previous_week}")
    assert response.context["next_url"].endswith(f"?week={next_week}")


@pytest.mark.parametrize("week", ["", "2026-W99", "nonsense"])
def test_grid_without_a_valid_week_shows_this_week(client, organisation, workshop, member, week):
    response = client.get(
        reverse("activities:hour_week", kwargs={"pk": organisation.pk}), {"week": week}, follow=True
    )
    assert response.context["monday"] == TODAY - datetime.timedelta(days=TODAY.weekday())


@pytest.mark.parametrize("rows", [1, 5])
def test_grid_query_count_does_not_grow_with_activities_or_entries(
    client, organisation, member, django_assert_num_queries, rows
):
    for _ in range(rows):
        activity = taking_part(organisation).activity
        for offset in range(7):
            log(organisation, member, activity, offset, "1")
    # session, user, organisation with role, activities, entries, locked periods, nav
    with django_assert_num_queries(7):
        response = client.get(_url(organisation))
    assert response.context["grid"].total == 7 * rows


# --- Saving a week ---------------------------------------------------------------------------


def test_member_logs_a_week_in_the_grid(client, organisation, workshop, project, member):
    data = {cell(workshop, 0): "7,5", cell(workshop, 1): "2", cell(project, 4): "0.25"}
    response = client.post(_url(organisation), data, follow=True)
    assert response.redirect_chain == [(_url(organisation), 302)]
    assert "The week is saved." in response.content.decode()
    assert hours_of(member) == [
        ("Prosjekt", day(4), Decimal("0.25")),
        ("Verksted", day(0), Decimal("7.5")),
        ("Verksted", day(1), Decimal("2")),
    ]
    assert HourEntry.objects.filter(created_by=member).count() == 3


def test_saving_the_grid_again_updates_changed_cells_and_deletes_emptied_ones(
    client, organisation, workshop, project, member
):
    kept = log(organisation, member, workshop, 0, "7.5")
    changed = log(organisation, member, workshop, 1, "2")
    log(organisation, member, project, 2, "3")
    data = {cell(workshop, 0): "7.5", cell(workshop, 1): "4", cell(project, 2): ""}
    assert client.post(_url(organisation), data).status_code == 302
    assert hours_of(member) == [
        ("Verksted", day(0), Decimal("7.5")),
        ("Verksted", day(1), Decimal("4")),
    ]
    assert set(HourEntry.objects.values_list("pk", flat=True)) == {kept.pk, changed.pk}


def test_moving_hours_between_activities_on_a_full_day_saves(
    client, organisation, workshop, project, member
):
    log(organisation, member, workshop, 0, "20")
    # Reductions are applied first, so the day never seems to pass 24 hours on the way.
    data = {cell(workshop, 0): "4", cell(project, 0): "16"}
    assert client.post(_url(organisation), data).status_code == 302
    assert hours_of(member) == [
        ("Prosjekt", day(0), Decimal("16")),
        ("Verksted", day(0), Decimal("4")),
    ]


def test_a_bad_cell_rejects_the_whole_week_and_shows_the_error_at_the_cell(
    client, organisation, workshop, project, member
):
    existing = log(organisation, member, project, 3, "2")
    data = {
        cell(workshop, 0): "7.5",
        cell(workshop, 1): "1.1",
        cell(project, 3): "",
        cell(project, 4): "abc",
    }
    response = client.post(_url(organisation), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved. Please correct the marked cells." in content
    errors = {c.name: c.errors for c in response.context["grid"].errors}
    assert errors == {
        cell(workshop, 1): ["Hours are counted in quarter hours (0.25, 0.5, 0.75 …)."],
        cell(project, 4): ["Enter hours as a number, e.g. 1.5."],
    }
    assert 'aria-invalid="true"' in content
    # What was typed is kept for correcting; nothing changed in the database.
    assert 'value="7.5"' in content
    assert 'value="abc"' in content
    assert list(HourEntry.objects.all()) == [existing]


def test_two_cells_together_over_24_hours_on_a_day_reject_the_week(
    client, organisation, workshop, project, member
):
    data = {cell(workshop, 2): "20", cell(project, 2): "5", cell(project, 3): "1"}
    response = client.post(_url(organisation), data)
    [bad] = response.context["grid"].errors
    assert bad.errors == [f"Kari Medlem would have more than 24 hours on {day(2).isoformat()}."]
    assert not HourEntry.objects.exists()


def test_hours_on_a_future_day_reject_the_week(client, organisation, workshop, member):
    next_monday = TODAY + datetime.timedelta(days=7 - TODAY.weekday())
    week = "{}-W{:02d}".format(*next_monday.isocalendar()[:2])
    name = f"hours-{workshop.pk}-{next_monday.isoformat()}"
    response = client.post(_url(organisation, week=week), {name: "2"})
    [bad] = response.context["grid"].errors
    assert bad.errors == ["Hours cannot be logged for a future date."]
    assert not HourEntry.objects.exists()


def test_days_in_a_locked_period_are_read_only_and_cannot_be_saved(
    client, organisation, workshop, member
):
    period = ReportingPeriodFactory(
        name="Låst", start_date=day(-30), end_date=day(2), deadline=day(3)
    )
    log(organisation, member, workshop, 1, "3")
    periods.hours_lock_period(period=period, locked_by=UserFactory(is_staff=True), today=day(4))
    response = client.get(_url(organisation))
    content = response.content.decode()
    assert f'name="{cell(workshop, 1)}"' not in content
    assert f'name="{cell(workshop, 3)}"' in content
    # Values sent for locked days anyway are ignored; the locked entry stays.
    data = {cell(workshop, 1): "", cell(workshop, 2): "4", cell(workshop, 3): "1"}
    assert client.post(_url(organisation), data).status_code == 302
    assert hours_of(member) == [
        ("Verksted", day(1), Decimal("3")),
        ("Verksted", day(3), Decimal("1")),
    ]


def test_a_day_with_several_entries_is_changed_in_the_list_not_the_grid(
    client, organisation, workshop, member
):
    log(organisation, member, workshop, 0, "1")
    log(organisation, member, workshop, 0, "2")
    response = client.get(_url(organisation))
    content = response.content.decode()
    assert f'name="{cell(workshop, 0)}"' not in content
    assert "several entries" in content
    client.post(_url(organisation), {cell(workshop, 0): "9"})
    assert HourEntry.objects.count() == 2


# --- Whose grid ------------------------------------------------------------------------------


def test_admin_logs_a_week_for_a_colleague(client, organisation, workshop, member):
    admin = member_of(organisation, Role.ADMIN)
    client.force_login(admin)
    response = client.get(_url(organisation, person=member.pk))
    assert response.context["person"] == member
    assert "Kari Medlem" in response.content.decode()
    client.post(_url(organisation, person=member.pk), {cell(workshop, 0): "3"})
    entry = HourEntry.objects.get()
    assert (entry.person, entry.created_by) == (member, admin)


def test_a_plain_member_cannot_open_a_colleagues_grid(client, organisation, workshop, member):
    colleague = member_of(organisation)
    assert client.get(_url(organisation, person=colleague.pk)).status_code == 404
    response = client.post(_url(organisation, person=colleague.pk), {cell(workshop, 0): "3"})
    assert response.status_code == 404
    assert not HourEntry.objects.exists()


def test_admin_cannot_open_the_grid_of_someone_outside_the_organisation(
    client, organisation, workshop
):
    client.force_login(member_of(organisation, Role.ADMIN))
    outsider = member_of(active_organisation())
    assert client.get(_url(organisation, person=outsider.pk)).status_code == 404


def test_member_of_another_organisation_gets_404_for_the_grid(client, organisation, workshop):
    client.force_login(member_of(active_organisation(), Role.ADMIN))
    assert client.get(_url(organisation)).status_code == 404
    assert client.post(_url(organisation), {cell(workshop, 0): "3"}).status_code == 404
    assert not HourEntry.objects.exists()
