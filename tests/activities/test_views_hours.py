"""An organisation's hours: the list with filters and totals, logging, editing and deleting."""

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
    OrganisationRoleFactory,
    ReportingPeriodFactory,
    UserFactory,
    active_organisation,
    member_of,
    taking_part,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
LOCKED_MESSAGE = "The reporting period {} is locked; its hours can no longer be changed."


def _url(name, organisation, **kwargs):
    return reverse(f"activities:{name}", kwargs={"pk": organisation.pk, **kwargs})


def log(organisation, person, activity, *, date=YESTERDAY, hours="2", description=""):
    return HourEntry.objects.create(
        organisation=organisation,
        person=person,
        activity=activity,
        date=date,
        hours=Decimal(hours),
        description=description,
    )


@pytest.fixture
def organisation():
    return active_organisation(name="Fjordcelle AS")


@pytest.fixture
def activity(organisation):
    return taking_part(organisation, ActivityFactory(title="Celleprosjekt")).activity


@pytest.fixture
def admin(organisation):
    return member_of(organisation, Role.ADMIN, full_name="Ola Admin")


@pytest.fixture
def member(organisation):
    return member_of(organisation, full_name="Kari Medlem")


@pytest.fixture
def locked_period():
    period = ReportingPeriodFactory(name="2025 Q9")
    return period


def lock(period):
    periods.hours_lock_period(period=period, locked_by=UserFactory(is_staff=True))
    period.refresh_from_db()
    return period


# --- Where "Hours" leads ---------------------------------------------------------------------


def test_hours_link_takes_a_member_of_one_organisation_straight_to_its_hours(
    client, organisation, member
):
    client.force_login(member)
    response = client.get(reverse("activities:hours"))
    assert response.status_code == 302
    assert response.url == _url("hour_list", organisation)


def test_hours_link_lets_a_member_of_several_organisations_choose(client, organisation, member):
    other = active_organisation(name="Andre AS")
    OrganisationRoleFactory(user=member, organisation=other)
    client.force_login(member)
    response = client.get(reverse("activities:hours"))
    content = response.content.decode()
    assert response.status_code == 200
    assert _url("hour_list", organisation) in content
    assert _url("hour_list", other) in content


def test_navigation_links_to_activities_and_hours(client, organisation, member):
    client.force_login(member)
    content = client.get(reverse("activities:list")).content.decode()
    assert f'href="{reverse("activities:list")}"' in content
    assert f'href="{_url("hour_list", organisation)}"' in content


# --- List ------------------------------------------------------------------------------------


def test_admin_sees_everyones_hours_with_the_total(client, organisation, activity, admin, member):
    log(organisation, admin, activity, hours="7.5", description="Testing")
    log(organisation, member, activity, hours="2.25")
    log(active_organisation(), UserFactory(), ActivityFactory(), hours="9")
    client.force_login(admin)
    response = client.get(_url("hour_list", organisation))
    content = response.content.decode()
    assert response.status_code == 200
    assert len(response.context["entries"]) == 2
    assert "2 entries, 9.75 hours in total" in content
    assert "Ola Admin" in content
    assert "Kari Medlem" in content
    assert "Testing" in content


def test_a_plain_member_sees_only_their_own_hours(client, organisation, activity, admin, member):
    log(organisation, admin, activity, hours="7.5")
    mine = log(organisation, member, activity, hours="2.25")
    client.force_login(member)
    response = client.get(_url("hour_list", organisation))
    assert list(response.context["entries"]) == [mine]
    assert "1 entry, 2.25 hours in total" in response.content.decode()
    assert "person" not in response.context["filter"].form.fields


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("period", ["early"]),
        ("activity", ["other activity"]),
        ("person", ["colleague"]),
        ("dates", ["yesterday", "colleague"]),
    ],
)
def test_admin_filters_hours_by_period_activity_person_and_dates(
    client, organisation, activity, admin, member, query, expected
):
    period = ReportingPeriodFactory()
    other_activity = taking_part(organisation).activity
    log(organisation, admin, activity, date=period.start_date, description="early")
    log(organisation, admin, other_activity, date=TODAY, description="other activity")
    log(organisation, admin, activity, description="yesterday")
    log(organisation, member, activity, description="colleague")
    params = {
        "period": {"period": period.pk},
        "activity": {"activity": other_activity.pk},
        "person": {"person": member.pk},
        "dates": {"date_from": YESTERDAY.isoformat(), "date_to": YESTERDAY.isoformat()},
    }[query]
    client.force_login(admin)
    response = client.get(_url("hour_list", organisation), params)
    assert sorted(e.description for e in response.context["entries"]) == sorted(expected)


def test_the_list_offers_only_the_organisations_activities_and_people(
    client, organisation, activity, admin
):
    stranger_activity = ActivityFactory(title="Fremmed aktivitet")
    member_of(active_organisation(), full_name="Fremmed Person")
    client.force_login(admin)
    form = client.get(_url("hour_list", organisation)).context["filter"].form
    assert list(form.fields["activity"].queryset) == [activity]
    assert "Fremmed Person" not in str(form["person"])
    response = client.get(_url("hour_list", organisation), {"activity": stranger_activity.pk})
    assert "activity" in response.context["filter"].form.errors


def test_entries_in_a_locked_period_are_listed_without_edit_or_delete(
    client, organisation, activity, admin, locked_period
):
    locked = log(organisation, admin, activity, date=locked_period.start_date)
    open_entry = log(organisation, admin, activity)
    lock(locked_period)
    client.force_login(admin)
    content = client.get(_url("hour_list", organisation)).content.decode()
    assert _url("hour_edit", organisation, entry_pk=open_entry.pk) in content
    assert _url("hour_edit", organisation, entry_pk=locked.pk) not in content
    assert _url("hour_delete", organisation, entry_pk=locked.pk) not in content
    assert "Locked" in content


def test_a_person_over_1850_hours_this_year_is_flagged_to_the_admin(
    client, organisation, activity, admin, member
):
    start = datetime.date(TODAY.year, 1, 1)
    HourEntry.objects.bulk_create(
        HourEntry(
            organisation=organisation,
            person=member,
            activity=activity,
            date=start + datetime.timedelta(days=day),
            hours=24,
        )
        for day in range(78)  # 1,872 hours
    )
    client.force_login(admin)
    content = client.get(_url("hour_list", organisation)).content.decode()
    assert f"More than 1,850 hours in {TODAY.year}:" in content
    assert "Kari Medlem: 1,872 hours" in content
    client.force_login(member)
    content = client.get(_url("hour_list", organisation)).content.decode()
    assert "More than 1,850 hours" not in content


@pytest.mark.parametrize("rows", [1, 6])
def test_hour_list_query_count_does_not_grow_with_entries(
    client, organisation, activity, admin, django_assert_num_queries, rows
):
    for day in range(rows):
        date = TODAY - datetime.timedelta(days=day)
        log(organisation, admin, activity, date=date)
        log(organisation, member_of(organisation), taking_part(organisation).activity, date=date)
        ReportingPeriodFactory(
            start_date=TODAY - datetime.timedelta(days=400 + 10 * day),
            end_date=TODAY - datetime.timedelta(days=395 + 10 * day),
            deadline=TODAY - datetime.timedelta(days=390 + 10 * day),
        )
    client.force_login(admin)
    query = {"activity": activity.pk, "person": admin.pk, "date_from": "2020-01-01"}
    # session, user, organisation with role, chosen activity, chosen person, totals (also the
    # paginator's count), page, periods with hours, their confirmations, people over the limit,
    # statement years (first and last date), nav, filter choices (periods, activities, people)
    with django_assert_num_queries(15):
        response = client.get(_url("hour_list", organisation), query)
    assert response.status_code == 200


def test_member_of_another_organisation_gets_404_for_the_hour_list(client, organisation):
    client.force_login(member_of(active_organisation(), Role.ADMIN))
    assert client.get(_url("hour_list", organisation)).status_code == 404


def test_visitor_is_asked_to_sign_in_for_the_hour_list(client, organisation):
    response = client.get(_url("hour_list", organisation))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# --- Logging one entry -----------------------------------------------------------------------


def _entry_data(activity, **overrides):
    return {
        "activity": activity.pk,
        "date": YESTERDAY.isoformat(),
        "hours": "1,5",
        "description": "Workshop",
        **overrides,
    }


def test_member_logs_their_own_hours(client, organisation, activity, member):
    client.force_login(member)
    response = client.post(_url("hour_create", organisation), _entry_data(activity), follow=True)
    assert response.redirect_chain == [(_url("hour_list", organisation), 302)]
    assert "1.5 hours on Celleprosjekt are saved." in response.content.decode()
    entry = HourEntry.objects.get()
    assert (entry.person, entry.created_by, entry.hours) == (member, member, Decimal("1.5"))
    assert (entry.organisation, entry.date, entry.description) == (
        organisation,
        YESTERDAY,
        "Workshop",
    )


def test_a_plain_member_cannot_log_hours_for_a_colleague(
    client, organisation, activity, admin, member
):
    client.force_login(member)
    form = client.get(_url("hour_create", organisation)).context["form"]
    assert "person" not in form.fields
    client.post(_url("hour_create", organisation), _entry_data(activity, person=admin.pk))
    assert not HourEntry.objects.filter(person=admin).exists()
    assert HourEntry.objects.get().person == member


def test_admin_logs_hours_for_a_colleague(client, organisation, activity, admin, member):
    client.force_login(admin)
    client.post(_url("hour_create", organisation), _entry_data(activity, person=member.pk))
    entry = HourEntry.objects.get()
    assert (entry.person, entry.created_by) == (member, admin)


def test_admin_cannot_log_hours_for_someone_outside_the_organisation(
    client, organisation, activity, admin
):
    outsider = member_of(active_organisation())
    client.force_login(admin)
    response = client.post(
        _url("hour_create", organisation), _entry_data(activity, person=outsider.pk)
    )
    assert "person" in response.context["form"].errors
    assert not HourEntry.objects.exists()


def test_save_and_log_more_returns_to_the_form_with_activity_and_date(
    client, organisation, activity, member
):
    client.force_login(member)
    response = client.post(
        _url("hour_create", organisation), {**_entry_data(activity), "another": "1"}
    )
    assert response.url == (
        f"{_url('hour_create', organisation)}?activity={activity.pk}&date={YESTERDAY.isoformat()}"
    )
    form = client.get(response.url).context["form"]
    assert form.initial["activity"] == str(activity.pk)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"hours": "1.1"}, "hours", "Hours are counted in quarter hours (0.25, 0.5, 0.75 …)."),
        ({"hours": "0"}, "hours", "Hours must be more than zero."),
        ({"hours": "abc"}, "hours", "Enter hours as a number, e.g. 1.5."),
        (
            {"date": (TODAY + datetime.timedelta(days=1)).isoformat()},
            "date",
            "Hours cannot be logged for a future date.",
        ),
        ({"date": "31.02.2026"}, "date", "Enter a valid date."),
        ({"hours": ""}, "hours", "This field is required."),
    ],
)
def test_a_rule_broken_by_an_entry_is_told_at_its_field_and_saves_nothing(
    client, organisation, activity, member, overrides, field, message
):
    client.force_login(member)
    response = client.post(_url("hour_create", organisation), _entry_data(activity, **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not HourEntry.objects.exists()


def test_more_than_24_hours_on_a_day_is_told_at_the_hours(client, organisation, activity, member):
    log(organisation, member, activity, hours="20")
    client.force_login(member)
    response = client.post(_url("hour_create", organisation), _entry_data(activity, hours="5"))
    date = YESTERDAY.isoformat()
    assert response.context["form"].errors["hours"] == [
        f"Kari Medlem would have more than 24 hours on {date}."
    ]
    assert HourEntry.objects.count() == 1


def test_an_activity_the_organisation_does_not_take_part_in_cannot_be_chosen(
    client, organisation, activity, member
):
    client.force_login(member)
    other = ActivityFactory()
    response = client.post(_url("hour_create", organisation), _entry_data(other))
    assert "activity" in response.context["form"].errors
    assert not HourEntry.objects.exists()


def test_logging_in_a_locked_period_is_refused_with_the_exact_message(
    client, organisation, activity, member, locked_period
):
    lock(locked_period)
    client.force_login(member)
    response = client.post(
        _url("hour_create", organisation),
        _entry_data(activity, date=locked_period.start_date.isoformat()),
    )
    assert response.context["form"].errors["date"] == [LOCKED_MESSAGE.format("2025 Q9")]
    assert not HourEntry.objects.exists()


def test_member_of_another_organisation_gets_404_for_logging_hours(client, organisation, activity):
    client.force_login(member_of(active_organisation(), Role.ADMIN))
    assert client.get(_url("hour_create", organisation)).status_code == 404
    assert client.post(_url("hour_create", organisation), _entry_data(activity)).status_code == 404
    assert not HourEntry.objects.exists()


@pytest.mark.parametrize("rows", [1, 5])
def test_hour_form_query_count_is_fixed(
    client, organisation, admin, django_assert_num_queries, rows
):
    for _ in range(rows):
        taking_part(organisation)
        member_of(organisation)
    client.force_login(admin)
    # session, user, organisation with role, people choices, activity choices, nav
    with django_assert_num_queries(6):
        assert client.get(_url("hour_create", organisation)).status_code == 200


# --- Editing and deleting --------------------------------------------------------------------


def test_member_edits_their_own_entry(client, organisation, activity, member):
    entry = log(organisation, member, activity, hours="2")
    client.force_login(member)
    url = _url("hour_edit", organisation, entry_pk=entry.pk)
    assert client.get(url).context["form"].initial["hours"] == "2"
    response = client.post(url, _entry_data(activity, hours="3.75", description="Endret"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.hours, entry.description) == (Decimal("3.75"), "Endret")


def test_an_edit_that_breaks_a_rule_is_told_at_the_field_and_changes_nothing(
    client, organisation, activity, member
):
    entry = log(organisation, member, activity, hours="2")
    client.force_login(member)
    response = client.post(
        _url("hour_edit", organisation, entry_pk=entry.pk), _entry_data(activity, hours="30")
    )
    assert response.context["form"].errors["hours"] == ["One entry can hold at most 24 hours."]
    entry.refresh_from_db()
    assert entry.hours == Decimal("2")


def test_admin_edits_and_deletes_a_colleagues_entry(client, organisation, activity, admin, member):
    entry = log(organisation, member, activity)
    client.force_login(admin)
    client.post(
        _url("hour_edit", organisation, entry_pk=entry.pk),
        _entry_data(activity, person=member.pk, hours="4"),
    )
    entry.refresh_from_db()
    assert (entry.person, entry.hours) == (member, Decimal("4"))
    response = client.post(_url("hour_delete", organisation, entry_pk=entry.pk), follow=True)
    assert "The entry is deleted." in response.content.decode()
    assert not HourEntry.objects.exists()


def test_a_plain_member_gets_404_for_a_colleagues_entry(
    client, organisation, activity, admin, member
):
    theirs = log(organisation, admin, activity)
    client.force_login(member)
    for name in ("hour_edit", "hour_delete"):
        url = _url(name, organisation, entry_pk=theirs.pk)
        assert client.get(url).status_code == 404
        assert client.post(url, _entry_data(activity, hours="9")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.hours == Decimal("2")


@pytest.mark.parametrize("name", ["hour_edit", "hour_delete"])
def test_member_of_another_organisation_gets_404_for_edit_and_delete(
    client, organisation, activity, member, name
):
    entry = log(organisation, member, activity)
    stranger = member_of(active_organisation(), Role.ADMIN)
    client.force_login(stranger)
    # ... whether the URL names our organisation or their own
    for organisation_in_url in (organisation, stranger.organisation_roles.get().organisation):
        url = _url(name, organisation_in_url, entry_pk=entry.pk)
        assert client.get(url).status_code == 404
        assert client.post(url, _entry_data(activity, hours="9")).status_code == 404
    assert HourEntry.objects.get().hours == Decimal("2")


def test_a_locked_entry_is_shown_read_only_with_the_exact_message(
    client, organisation, activity, member, locked_period
):
    entry = log(organisation, member, activity, date=locked_period.start_date)
    lock(locked_period)
    client.force_login(member)
    for name in ("hour_edit", "hour_delete"):
        response = client.get(_url(name, organisation, entry_pk=entry.pk))
        content = response.content.decode()
        assert LOCKED_MESSAGE.format("2025 Q9") in content
        assert 'name="hours"' not in content
        assert "Delete the entry" not in content


def test_editing_a_locked_entry_is_refused_with_the_exact_message(
    client, organisation, activity, member, locked_period
):
    entry = log(organisation, member, activity, date=locked_period.start_date)
    lock(locked_period)
    client.force_login(member)
    response = client.post(
        _url("hour_edit", organisation, entry_pk=entry.pk),
        _entry_data(activity, date=locked_period.start_date.isoformat(), hours="5"),
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [LOCKED_MESSAGE.format("2025 Q9")]
    entry.refresh_from_db()
    assert entry.hours == Decimal("2")


def test_deleting_a_locked_entry_is_refused_with_the_exact_message(
    client, organisation, activity, admin, locked_period
):
    entry = log(organisation, admin, activity, date=locked_period.start_date)
    lock(locked_period)
    client.force_login(admin)
    response = client.post(_url("hour_delete", organisation, entry_pk=entry.pk))
    assert response.status_code == 200
    assert response.context["error"] == LOCKED_MESSAGE.format("2025 Q9")
    assert HourEntry.objects.filter(pk=entry.pk).exists()


def test_moving_an_entry_into_a_locked_period_is_refused(
    client, organisation, activity, member, locked_period
):
    entry = log(organisation, member, activity)
    lock(locked_period)
    client.force_login(member)
    response = client.post(
        _url("hour_edit", organisation, entry_pk=entry.pk),
        _entry_data(activity, date=locked_period.start_date.isoformat()),
    )
    assert response.context["form"].errors["date"] == [LOCKED_MESSAGE.format("2025 Q9")]
    entry.refresh_from_db()
    assert entry.date == YESTERDAY


@pytest.mark.parametrize("rows", [1, 5])
def test_edit_and_delete_pages_query_count_is_fixed(
    client, organisation, activity, admin, django_assert_num_queries, rows
):
    for _ in range(rows):
        taking_part(organisation)
        member_of(organisation)
    entry = log(organisation, admin, activity)
    client.force_login(admin)
    # session, user, organisation with role, entry, locked period?, people, activities, nav
    with django_assert_num_queries(8):
        assert client.get(_url("hour_edit", organisation, entry_pk=entry.pk)).status_code == 200
    # session, user, organisation with role, entry, locked period?, nav
    with django_assert_num_queries(6):
        assert client.get(_url("hour_delete", organisation, entry_pk=entry.pk)).status_code == 200
