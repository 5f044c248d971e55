import datetime

import pytest
from django.utils import timezone

from members import selectors
from tests.factories import InvitationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_pending_invitations_are_open_unexpired_and_of_this_organisation_by_address():
    organisation = OrganisationFactory()
    now = timezone.now()
    later = InvitationFactory(organisation=organisation, email="b@example.no")
    first = InvitationFactory(organisation=organisation, email="a@example.no")
    InvitationFactory(organisation=organisation, email="accepted@example.no", accepted_at=now)
    InvitationFactory(organisation=organisation, email="revoked@example.no", revoked_at=now)
    InvitationFactory(
        organisation=organisation,
        email="expired@example.no",
        expires_at=now - datetime.timedelta(minutes=1),
    )
    InvitationFactory(email="other-company@example.no")

    assert list(selectors.invitations_pending(organisation)) == [first, later]


def test_an_expired_invitation_is_still_open_until_it_is_revoked():
    organisation = OrganisationFactory()
    expired = InvitationFactory(
        organisation=organisation, expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    assert list(selectors.invitations_open(organisation)) == [expired]
    assert list(selectors.invitations_pending(organisation)) == []
