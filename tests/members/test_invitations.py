import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.utils import timezone

from members import services
from members.models import Invitation, OrganisationRole, Role, User
from tests.factories import InvitationFactory, OrganisationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


def test_invitation_sends_an_email_with_a_single_use_link(
    mailoutbox, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(name="Celleverket AS")
    admin = member_of(organisation, Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            organisation=organisation, email="Ny.Kollega@Example.no", invited_by=admin
        )
    assert invitation.email == "ny.kollega@example.no"
    assert [m.to for m in mailoutbox] == [["ny.kollega@example.no"]]
    assert f"/invitations/{invitation.token}/" in mailoutbox[0].body
    assert "Celleverket AS" in mailoutbox[0].subject


def test_accepting_creates_a_verified_account_with_the_invited_role():
    invitation = InvitationFactory(role=Role.ADMIN)
    organisation_role = services.invitation_accept(
        token=invitation.token, full_name="Ola Nordmann", password="a-long-secret-phrase"
    )
    user = User.objects.get(email=invitation.email)
    assert organisation_role.user == user
    assert organisation_role.role == Role.ADMIN
    assert user.check_password("a-long-secret-phrase")
    assert EmailAddress.objects.get(user=user).verified
    invitation.refresh_from_db()
    assert invitation.accepted_by == user


def test_an_invitation_is_accepted_once_only():
    invitation = InvitationFactory()
    services.invitation_accept(token=invitation.token, full_name="A", password="a-long-secret")
    other = UserFactory()
    with pytest.raises(ValidationError) as error:
        services.invitation_accept(token=invitation.token, user=other)
    assert error.value.code == "invitation_unusable"
    assert not OrganisationRole.objects.filter(user=other).exists()


def test_an_expired_invitation_cannot_be_accepted():
    invitation = InvitationFactory(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(ValidationError, match="no longer valid"):
        services.invitation_accept(token=invitation.token, full_name="A", password="a-long-secret")
    assert not User.objects.filter(email=invitation.email).exists()


def test_an_unknown_token_cannot_be_accepted():
    with pytest.raises(ValidationError, match="no longer valid"):
        services.invitation_accept(token="guessed", full_name="A", password="a-long-secret")


def test_a_new_invitation_revokes_the_earlier_one_to_the_same_address():
    organisation = OrganisationFactory()
    first = services.invitation_create(organisation=organisation, email="a@example.no")
    services.invitation_create(organisation=organisation, email="a@example.no")
    first.refresh_from_db()
    assert first.revoked_at is not None
    with pytest.raises(ValidationError):
        services.invitation_accept(token=first.token, full_name="A", password="a-long-secret")


def test_a_revoked_invitation_cannot_be_accepted():
    invitation = services.invitation_revoke(invitation=InvitationFactory())
    with pytest.raises(ValidationError):
        services.invitation_accept(token=invitation.token, full_name="A", password="a-long-secret")


def test_signed_in_user_joins_with_the_existing_account():
    invitation = InvitationFactory()
    user = UserFactory(email=invitation.email)
    services.invitation_accept(token=invitation.token, user=user)
    assert OrganisationRole.objects.filter(user=user, organisation=invitation.organisation).exists()


def test_an_invitation_to_an_existing_account_asks_to_sign_in():
    invitation = InvitationFactory()
    UserFactory(email=invitation.email)
    with pytest.raises(ValidationError) as error:
        services.invitation_accept(token=invitation.token, full_name="A", password="a-long-secret")
    assert error.value.code == "account_exists"
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_inviting_someone_who_already_belongs_is_refused():
    organisation = OrganisationFactory()
    member = member_of(organisation)
    with pytest.raises(ValidationError) as error:
        services.invitation_create(organisation=organisation, email=member.email.upper())
    assert error.value.message_dict["email"] == ["This person already belongs to the organisation."]
    assert not Invitation.objects.exists()
