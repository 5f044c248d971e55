import io
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.apps import apps
from django.core.management import CommandError, call_command
from stdnum.no import orgnr

from members import selectors
from members.models import (
    Application,
    ApplicationStatus,
    CompanyGroup,
    Competence,
    CompetenceKind,
    Invitation,
    MembershipStatus,
    Organisation,
    ParticipantType,
    Role,
    User,
)
from portal.demo import data
from portal.models import OutboundEmail

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = [
        *apps.get_app_config("members").get_models(),
        *apps.get_app_config("activities").get_models(),
        EmailAddress,
        LogEntry,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_running_twice_creates_no_duplicates_and_changes_nothing():
    seed()
    counts = row_counts()
    snapshot = list(Organisation.objects.values().order_by("pk"))

    seed()

    assert row_counts() == counts
    assert list(Organisation.objects.values().order_by("pk")) == snapshot


def test_about_thirty_organisations_with_valid_unique_organisation_numbers():
    seed()

    numbers = list(Organisation.objects.values_list("organisation_number", flat=True))
    assert 25 <= len(numbers) <= 35
    assert len(set(numbers)) == len(numbers)
    assert all(orgnr.is_valid(number) for number in numbers)
    applied = Application.objects.values_list("organisation_number", flat=True)
    assert all(orgnr.is_valid(number) for number in applied)
    assert not set(applied) & set(numbers)


def test_all_three_participant_types_are_active_and_spread_across_segments():
    seed()

    for participant_type in ParticipantType.values:
        assert selectors.organisations_active_on(participant_type=participant_type).count() >= 5
    used_segments = set(Organisation.objects.values_list("segments__slug", flat=True))
    assert used_segments >= {
        "mining",
        "materials",
        "cells",
        "modules-packs",
        "collection",
        "second-life",
        "recycling",
    }
    assert not Organisation.objects.filter(description="").exists()


def test_membership_history_holds_a_type_change_and_an_ended_membership():
    seed()

    changed = Organisation.objects.get(name="Tinnsjø Litiumraffineri AS")
    periods = list(changed.memberships.order_by("start_date"))
    assert [(p.participant_type, p.status) for p in periods] == [
        (ParticipantType.SUPPLIER, MembershipStatus.ENDED),
        (ParticipantType.CORE, MembershipStatus.ACTIVE),
    ]
    assert periods[0].end_date < periods[1].start_date
    ended = Organisation.objects.get(name="Polar Batteriforum")
    assert ended.memberships.get().status == MembershipStatus.ENDED


def test_company_group_has_a_parent_units_and_a_fee_decision():
    seed()

    group = CompanyGroup.objects.get()
    assert group.parent.group == group
    assert group.units.count() == 3
    assert group.units_pay_own_fee
    assert group.fee_decision_date is not None
    assert group.fee_decision_reference


def test_pending_applications_open_invitations_and_competence_offers_and_needs():
    seed()

    assert Application.objects.filter(status=ApplicationStatus.PENDING).count() == 3
    assert all(invitation.is_usable for invitation in Invitation.objects.all())
    assert Invitation.objects.count() == len(data.INVITATIONS)
    offers = Competence.objects.filter(kind=CompetenceKind.OFFER)
    needs = Competence.objects.filter(kind=CompetenceKind.NEED)
    assert offers.count() >= 15
    assert needs.count() >= 5
    assert Competence.objects.values("area").distinct().count() >= 10


def test_users_for_every_role_can_sign_in_with_a_verified_address(client):
    seed()

    for login in data.LOGINS:
        user = User.objects.get(email=login.email)
        assert user.check_password(login.password)
        assert EmailAddress.objects.get(user=user).verified
    staff = User.objects.get(email=data.LOGINS[0].email)
    assert staff.is_staff
    assert staff.is_superuser
    assert User.objects.filter(is_steering_group=True, is_staff=False).count() == 1
    roles = {
        (role.user.email, role.role)
        for role in Organisation.objects.get(name="Nordlys Battericeller AS").roles.all()
    }
    assert roles == {
        ("admin@nordlys-battericeller.example", Role.ADMIN),
        ("medlem@nordlys-battericeller.example", Role.MEMBER),
    }

    response = client.post(
        "/accounts/login/",
        {"login": "medlem@nordlys-battericeller.example", "password": "demo-medlem"},
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_every_organisation_with_people_has_an_admin():
    seed()

    for organisation in Organisation.objects.filter(roles__isnull=False).distinct():
        assert organisation.roles.filter(role=Role.ADMIN).exists(), organisation


def test_the_demo_goes_through_the_services_and_emails_nobody(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        seed()

    assert Invitation.objects.count() == len(data.INVITATIONS)
    assert Application.objects.count() == len(data.APPLICATIONS)
    assert mailoutbox == []
    assert not OutboundEmail.objects.exists()


def test_prints_one_demo_login_per_role():
    output = seed()

    for login in data.LOGINS:
        assert f"{login.email}  /  {login.password}" in output


def test_refuses_to_run_in_production_without_force(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not Organisation.objects.exists()

    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert Organisation.objects.exists()


def test_activities_of_every_kind_and_status_and_a_year_of_valid_hours():
    from activities.models import (
        Activity,
        ActivityKind,
        ActivityStatus,
        HourEntry,
        PeriodConfirmation,
        ReportingPeriod,
    )

    seed()
    assert set(Activity.objects.values_list("kind", flat=True)) == set(ActivityKind.values)
    assert set(Activity.objects.values_list("status", flat=True)) == set(ActivityStatus.values)
    entries = HourEntry.objects.select_related("activity")
    assert entries.count() > 500
    for entry in entries:
        assert entry.activity.start_date <= entry.date <= entry.activity.end_date
        assert entry.hours % Decimal("0.25") == 0
    assert ReportingPeriod.objects.filter(locked_at__isnull=False).exists()
    assert PeriodConfirmation.objects.exists()


def test_the_demo_admin_and_member_have_hours_and_a_confirmed_past_period():
    from activities.models import HourEntry, PeriodConfirmation

    seed()
    organisation = Organisation.objects.get(name="Nordlys Battericeller AS")
    for email in ("admin@nordlys-battericeller.example", "medlem@nordlys-battericeller.example"):
        assert HourEntry.objects.filter(person__email=email, organisation=organisation).exists()
    confirmation = PeriodConfirmation.objects.filter(organisation=organisation).first()
    assert confirmation is not None
    assert confirmation.period.locked_at is not None
    assert confirmation.confirmed_by.email == "admin@nordlys-battericeller.example"
    counts = HourEntry.objects.count()
    seed()
    assert HourEntry.objects.count() == counts


def test_the_demo_hours_are_the_same_on_every_fresh_seed():
    from activities.models import HourEntry

    def hours():
        return sorted(
            HourEntry.objects.values_list("organisation__name", "person__email", "date", "hours")
        )

    seed()
    first = hours()
    HourEntry.objects.all().delete()
    seed()
    assert hours() == first
