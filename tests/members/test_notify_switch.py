"""``notify=False`` does the same write and queues no e-mail (the demo seed relies on it)."""

import pytest

from members import services
from members.models import ApplicationStatus, Invitation
from portal.models import OutboundEmail
from tests.factories import ApplicationFactory, OrganisationFactory, UserFactory
from tests.members.test_applications import APPLICANT

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_mail(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        yield
    assert mailoutbox == []
    assert not OutboundEmail.objects.exists()


def test_an_invitation_without_notice_is_open_and_emails_nobody(no_mail):
    organisation = OrganisationFactory()
    invitation = services.invitation_create(
        organisation=organisation, email="ny@example.no", notify=False
    )
    assert Invitation.objects.get() == invitation
    assert invitation.is_usable


def test_an_application_without_notice_is_pending_and_emails_nobody(no_mail):
    application = services.application_submit(notify=False, **APPLICANT)
    assert application.status == ApplicationStatus.PENDING


def test_an_approval_without_notice_creates_the_organisation_and_emails_nobody(no_mail):
    application = ApplicationFactory()
    organisation = services.application_approve(
        application=application, decided_by=UserFactory(is_staff=True), notify=False
    )
    assert organisation.invitations.get().email == application.contact_email


def test_a_rejection_without_notice_is_recorded_and_emails_nobody(no_mail):
    application = services.application_reject(
        application=ApplicationFactory(),
        decided_by=UserFactory(is_staff=True),
        reason="Utenfor verdikjeden.",
        notify=False,
    )
    assert application.status == ApplicationStatus.REJECTED
