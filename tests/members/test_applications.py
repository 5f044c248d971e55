import pytest
from django.core.exceptions import ValidationError

from members import services
from members.models import (
    Application,
    ApplicationStatus,
    Invitation,
    MembershipStatus,
    Organisation,
    Role,
    ValueChainSegment,
)
from tests.factories import ApplicationFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

APPLICANT = {
    "name": "Nordisk Katode AS",
    "organisation_number": "923 609 016",
    "street_address": "Industriveien 5",
    "postal_code": "4632",
    "city": "Kristiansand",
    "invoice_email": "faktura@katode.no",
    "size_band": "50-249",
    "requested_type": "core",
    "contact_name": "Ingrid Berg",
    "contact_email": "ingrid@katode.no",
}


def test_submitted_application_is_pending_and_tells_applicant_and_secretariat(
    mailoutbox, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(
            segments=ValueChainSegment.objects.filter(slug="materials"), **APPLICANT
        )
    assert application.status == ApplicationStatus.PENDING
    assert application.organisation_number == "923609016"
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        ["ingrid@katode.no", settings.SECRETARIAT_EMAIL]
    )


def test_application_with_bad_organisation_number_is_refused_with_the_field_error():
    with pytest.raises(ValidationError) as error:
        services.application_submit(**{**APPLICANT, "organisation_number": "923609017"})
    assert "check digit" in str(error.value)
    assert not Application.objects.exists()


def test_application_for_an_existing_participant_is_refused():
    OrganisationFactory(organisation_number="923609016")
    with pytest.raises(ValidationError) as error:
        services.application_submit(**APPLICANT)
    assert error.value.message_dict["organisation_number"] == [
        "This organisation already takes part in the network."
    ]


def test_a_second_pending_application_is_refused():
    services.application_submit(**APPLICANT)
    with pytest.raises(ValidationError, match="being handled"):
        services.application_submit(**APPLICANT)
    assert Application.objects.count() == 1


def test_approval_creates_organisation_membership_and_admin_invitation(
    mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(requested_type="supplier", contact_email="Kari@Soker.no")
    application.segments.set(ValueChainSegment.objects.filter(slug__in=["cells", "recycling"]))
    staff = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        organisation = services.application_approve(application=application, decided_by=staff)

    assert organisation.organisation_number == application.organisation_number
    assert set(organisation.segments.values_list("slug", flat=True)) == {"cells", "recycling"}
    period = organisation.memberships.get()
    assert (period.participant_type, period.status) == ("supplier", MembershipStatus.ACTIVE)
    invitation = Invitation.objects.get(organisation=organisation)
    assert (invitation.email, invitation.role) == ("kari@soker.no", Role.ADMIN)
    application.refresh_from_db()
    assert (application.status, application.decided_by) == (ApplicationStatus.APPROVED, staff)
    assert [m.to for m in mailoutbox] == [["Kari@Soker.no"]]
    assert invitation.token in mailoutbox[0].body


def test_approving_twice_creates_nothing_the_second_time():
    application = ApplicationFactory()
    staff = UserFactory(is_staff=True)
    services.application_approve(application=application, decided_by=staff)
    with pytest.raises(ValidationError, match="Only a pending application"):
        services.application_approve(application=application, decided_by=staff)
    assert Organisation.objects.count() == 1
    assert Invitation.objects.count() == 1


def test_approval_of_a_number_that_joined_meanwhile_leaves_everything_unchanged():
    application = ApplicationFactory()
    OrganisationFactory(organisation_number=application.organisation_number)
    with pytest.raises(ValidationError, match="already exists"):
        services.application_approve(application=application, decided_by=UserFactory())
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING
    assert not Invitation.objects.exists()


def test_rejection_needs_a_reason_and_sends_it(mailoutbox, django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    with pytest.raises(ValidationError) as error:
        services.application_reject(application=application, decided_by=UserFactory(), reason=" ")
    assert error.value.message_dict["reason"] == ["Give a reason for the rejection."]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(
            application=application, decided_by=UserFactory(), reason="Not in the value chain."
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert "Not in the value chain." in mailoutbox[0].body
    assert not Organisation.objects.exists()
