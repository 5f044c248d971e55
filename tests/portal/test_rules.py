"""Every predicate and permission of portal/rules.py, asked directly."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from activities.models import ActivityStatus, HourEntry
from members.models import MembershipStatus, OrganisationRole, Role
from portal import jobs, rules
from tests.factories import (
    ActivityFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    active_organisation,
    member_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return active_organisation()


@pytest.fixture
def admin(organisation):
    return member_of(organisation, Role.ADMIN)


@pytest.fixture
def member(organisation):
    return member_of(organisation)


@pytest.fixture
def outsider():
    return member_of(active_organisation(), Role.ADMIN)


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


@pytest.fixture
def steering():
    return UserFactory(is_steering_group=True)


def fresh(user):
    """The same account as a new request sees it (nothing remembered)."""
    return type(user).objects.get(pk=user.pk)


def test_every_permission_is_registered_with_the_rules_package():
    for name in rules.PERMISSIONS:
        assert rules.rules.perm_exists(name), name


def test_anonymous_has_no_permission_at_all(organisation, member):
    objects = {
        "portal.view_job": jobs.job_create(kind="x", started_by=None, params={}),
        "activities.view_hour_entry": HourEntry(organisation=organisation, person=member),
        "activities.log_hours_for": OrganisationRole.objects.get(user=member),
        "activities.view_activity": ActivityFactory(),
    }
    anonymous = AnonymousUser()
    for name in rules.PERMISSIONS:
        assert not rules.allowed(anonymous, name, objects.get(name, organisation)), name


def test_staff_is_the_secretariat_and_nobody_else(staff, steering, admin):
    assert rules.allowed(staff, "portal.staff")
    assert not rules.allowed(steering, "portal.staff")
    assert not rules.allowed(admin, "portal.staff")


def test_an_inactive_staff_account_is_not_the_secretariat():
    assert not rules.allowed(UserFactory(is_staff=True, is_active=False), "portal.staff")


def test_steering_group_pages_are_for_the_steering_group_and_staff(staff, steering, admin):
    assert rules.allowed(steering, "portal.steering")
    assert rules.allowed(staff, "portal.steering")
    assert not rules.allowed(admin, "portal.steering")


def test_member_of_an_organisation_is_any_role_in_it(organisation, admin, member, outsider, staff):
    assert rules.allowed(admin, "members.view_organisation", organisation)
    assert rules.allowed(member, "members.view_organisation", organisation)
    assert not rules.allowed(outsider, "members.view_organisation", organisation)
    assert not rules.allowed(staff, "members.view_organisation", organisation)


def test_admin_of_an_organisation_is_its_admin_role_only(organisation, admin, member, outsider):
    assert rules.allowed(admin, "members.admin_organisation", organisation)
    assert rules.allowed(admin, "members.admin_organisation", organisation.pk)
    assert not rules.allowed(member, "members.admin_organisation", organisation)
    assert not rules.allowed(outsider, "members.admin_organisation", organisation)


def test_a_superuser_without_a_role_is_no_organisation_admin(organisation):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    assert not rules.allowed(superuser, "members.admin_organisation", organisation)


def test_the_role_is_read_once_per_request(organisation, admin, django_assert_num_queries):
    user = fresh(admin)
    with django_assert_num_queries(1):
        assert rules.allowed(user, "members.admin_organisation", organisation)
        assert rules.allowed(user, "members.view_organisation", organisation)
        assert rules.allowed(user, "activities.confirm_period", organisation)


def test_a_role_loaded_with_the_organisation_costs_no_query(organisation, admin):
    user = fresh(admin)
    rules.remember_role(user, organisation.pk, Role.MEMBER)
    # What the request loaded counts, not a later change in the database.
    assert not rules.allowed(user, "members.admin_organisation", organisation)


def test_member_pages_are_for_people_of_active_participants_staff_and_steering(
    member, staff, steering
):
    assert rules.allowed(member, "portal.view_member_pages")
    assert rules.allowed(staff, "portal.view_member_pages")
    assert rules.allowed(steering, "portal.view_member_pages")
    assert not rules.allowed(UserFactory(), "portal.view_member_pages")


def test_member_pages_are_closed_to_people_of_an_organisation_no_longer_taking_part():
    organisation = OrganisationFactory()
    MembershipFactory(
        organisation=organisation,
        status=MembershipStatus.ENDED,
        start_date=timezone.localdate() - datetime.timedelta(days=400),
        end_date=timezone.localdate() - datetime.timedelta(days=10),
    )
    person = member_of(organisation, Role.ADMIN)
    assert not rules.allowed(person, "portal.view_member_pages")
    # Their own organisation's pages stay open to them.
    assert rules.allowed(person, "members.view_organisation", organisation)


def test_a_job_is_for_the_person_who_started_it_and_staff(admin, member, staff):
    job = jobs.job_create(kind="activities.statements", started_by=admin, params={})
    assert rules.allowed(admin, "portal.view_job", job)
    assert rules.allowed(staff, "portal.view_job", job)
    assert not rules.allowed(member, "portal.view_job", job)


def test_statements_are_for_the_organisations_admins_and_staff(
    organisation, admin, member, outsider, staff
):
    assert rules.allowed(admin, "activities.view_statement", organisation)
    assert rules.allowed(staff, "activities.view_statement", organisation)
    assert not rules.allowed(member, "activities.view_statement", organisation)
    assert not rules.allowed(outsider, "activities.view_statement", organisation)


def test_only_an_admin_confirms_an_organisations_hours(organisation, admin, member, staff):
    assert rules.allowed(admin, "activities.confirm_period", organisation)
    assert not rules.allowed(member, "activities.confirm_period", organisation)
    assert not rules.allowed(staff, "activities.confirm_period", organisation)


def test_an_hour_entry_is_seen_by_its_person_and_the_organisations_admins(
    organisation, admin, member, outsider
):
    entry = HourEntry(organisation=organisation, person=member)
    colleague = member_of(organisation)
    assert rules.allowed(member, "activities.view_hour_entry", entry)
    assert rules.allowed(admin, "activities.view_hour_entry", entry)
    assert not rules.allowed(colleague, "activities.view_hour_entry", entry)
    assert not rules.allowed(outsider, "activities.view_hour_entry", entry)


def test_an_entry_of_a_person_who_left_the_organisation_is_not_theirs_to_see(organisation):
    person = member_of(organisation)
    entry = HourEntry(organisation=organisation, person=person)
    OrganisationRole.objects.filter(user=person).delete()
    assert not rules.allowed(fresh(person), "activities.view_hour_entry", entry)


def test_hours_are_logged_for_oneself_or_by_an_admin_for_anyone_of_the_organisation(
    organisation, admin, member, outsider
):
    members_place = OrganisationRole.objects.get(user=member)
    admins_place = OrganisationRole.objects.get(user=admin)
    assert rules.allowed(member, "activities.log_hours_for", members_place)
    assert rules.allowed(admin, "activities.log_hours_for", members_place)
    assert not rules.allowed(member, "activities.log_hours_for", admins_place)
    assert not rules.allowed(outsider, "activities.log_hours_for", members_place)


@pytest.mark.parametrize(
    "status", [ActivityStatus.PROPOSED, ActivityStatus.RUNNING, ActivityStatus.COMPLETED]
)
def test_a_listed_activity_is_for_everyone_who_sees_member_pages(member, status):
    activity = ActivityFactory(status=status)
    assert rules.allowed(member, "activities.view_activity", activity)
    assert not rules.allowed(UserFactory(), "activities.view_activity", activity)


def test_a_cancelled_activity_is_for_staff_steering_and_its_own_organisation(
    organisation, member, outsider, staff, steering
):
    proposer = member_of(active_organisation())
    activity = ActivityFactory(
        status=ActivityStatus.CANCELLED, owner=organisation, proposed_by=proposer
    )
    assert rules.allowed(staff, "activities.view_activity", activity)
    assert rules.allowed(steering, "activities.view_activity", activity)
    assert rules.allowed(member, "activities.view_activity", activity)
    assert rules.allowed(proposer, "activities.view_activity", activity)
    assert not rules.allowed(outsider, "activities.view_activity", activity)
