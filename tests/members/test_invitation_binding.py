"""An invitation is accepted only by the account that owns the invited address (issue 7)."""

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.urls import reverse

from members import services
from members.models import OrganisationRole, Role, User
from tests.factories import (
    ApplicationFactory,
    InvitationFactory,
    UserFactory,
    active_organisation,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # the factories' password


@pytest.fixture
def invitation():
    return InvitationFactory(
        organisation=active_organisation(name="Fjordcelle AS"),
        email="per@fjordcelle.no",
        role=Role.ADMIN,
    )


def _url(invitation):
    return reverse("members:invitation_accept", kwargs={"token": invitation.token})


def _assert_untouched(invitation):
    assert not OrganisationRole.objects.filter(organisation=invitation.organisation).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert invitation.accepted_by is None
    assert invitation.is_usable


# --- The service -----------------------------------------------------------------------------


def test_an_account_with_another_address_is_refused_and_nothing_changes(invitation):
    intruder = UserFactory(email="eve@example.no")

    with pytest.raises(ValidationError) as error:
        services.invitation_accept(token=invitation.token, user=intruder)

    assert error.value.code == "address_mismatch"
    assert "per@fjordcelle.no" in error.value.messages[0]
    _assert_untouched(invitation)


def test_an_unverified_invited_address_is_refused_until_it_is_verified(invitation):
    user = UserFactory(email="Per@Fjordcelle.no")
    EmailAddress.objects.filter(user=user).update(verified=False)

    with pytest.raises(ValidationError) as error:
        services.invitation_accept(token=invitation.token, user=user)
    assert error.value.code == "address_unverified"
    _assert_untouched(invitation)

    EmailAddress.objects.filter(user=user).update(verified=True)
    organisation_role = services.invitation_accept(token=invitation.token, user=user)
    assert organisation_role.role == Role.ADMIN


def test_a_verified_secondary_address_counts(invitation):
    user = UserFactory(email="per.hansen@gmail.example")
    EmailAddress.objects.create(user=user, email="PER@fjordcelle.no", verified=True)

    organisation_role = services.invitation_accept(token=invitation.token, user=user)

    assert organisation_role.user == user
    invitation.refresh_from_db()
    assert invitation.accepted_by == user


def test_the_invited_address_is_accepted_whatever_its_case(invitation):
    user = UserFactory(email="PER@FJORDCELLE.NO")

    organisation_role = services.invitation_accept(token=invitation.token, user=user)

    assert organisation_role.organisation == invitation.organisation
    assert organisation_role.role == Role.ADMIN


def test_an_approved_applications_admin_invitation_binds_to_the_contact_address():
    staff = UserFactory(is_staff=True)
    application = ApplicationFactory(contact_email="kari@soker.example")
    organisation = services.application_approve(application=application, decided_by=staff)
    invitation = organisation.invitations.get()
    intruder = UserFactory()

    with pytest.raises(ValidationError):
        services.invitation_accept(token=invitation.token, user=intruder)

    assert not OrganisationRole.objects.filter(organisation=organisation).exists()


# --- The page --------------------------------------------------------------------------------


def test_the_page_tells_another_account_which_address_is_invited(client, invitation):
    client.force_login(UserFactory(email="eve@example.no"))

    response = client.get(_url(invitation))

    content = response.content.decode()
    assert response.status_code == 200
    assert "This invitation is for per@fjordcelle.no." in content
    assert "Accept and join" not in content
    assert "Sign out and sign in as per@fjordcelle.no" in content
    assert "Sign out and create an account for per@fjordcelle.no" in content


def test_posting_with_another_account_is_refused_and_changes_nothing(client, invitation):
    client.force_login(UserFactory(email="eve@example.no"))

    response = client.post(_url(invitation))

    assert response.status_code == 403
    assert "This invitation is for per@fjordcelle.no." in response.content.decode()
    _assert_untouched(invitation)


def test_an_unverified_address_is_asked_to_confirm_it_first(client, invitation):
    user = UserFactory(email="per@fjordcelle.no")
    EmailAddress.objects.filter(user=user).update(verified=False)
    client.force_login(user)

    response = client.post(_url(invitation))

    assert response.status_code == 403
    assert "Confirm the address per@fjordcelle.no" in response.content.decode()
    _assert_untouched(invitation)


def test_signing_out_from_the_refusal_leads_to_sign_in_and_back_to_the_invitation(
    client, invitation
):
    client.force_login(UserFactory(email="eve@example.no"))
    sign_in_url = f"{reverse('account_login')}?next={_url(invitation)}"

    response = client.post(reverse("account_logout"), {"next": sign_in_url})

    assert response.status_code == 302
    assert response["Location"] == sign_in_url
    assert "_auth_user_id" not in client.session


def test_the_invited_person_signs_in_from_the_refusal_and_accepts(client, invitation):
    UserFactory(email="per@fjordcelle.no")
    client.force_login(UserFactory(email="eve@example.no"))
    client.post(reverse("account_logout"))

    response = client.post(
        f"{reverse('account_login')}?next={_url(invitation)}",
        {"login": "per@fjordcelle.no", "password": PASSWORD},
    )
    assert response["Location"] == _url(invitation)
    response = client.post(_url(invitation))

    assert response.status_code == 302
    assert OrganisationRole.objects.get(organisation=invitation.organisation).user.email == (
        "per@fjordcelle.no"
    )


def test_a_forwarded_link_opened_signed_out_creates_only_the_invited_address(client, invitation):
    # The e-mail field is shown read-only; a posted address is ignored.
    response = client.post(
        _url(invitation),
        {
            "email": "eve@example.no",
            "full_name": "Eve",
            "password1": "Vanskelig-passord-2024",
            "password2": "Vanskelig-passord-2024",
        },
    )

    assert response.status_code == 302
    assert list(User.objects.values_list("email", flat=True)) == ["per@fjordcelle.no"]
    assert EmailAddress.objects.get(email="per@fjordcelle.no").verified


def test_the_sign_in_page_offered_by_the_invitation_has_the_invited_address_filled_in(
    client, invitation
):
    UserFactory(email="per@fjordcelle.no")
    sign_in_url = client.get(_url(invitation)).context["sign_in_url"]

    page = client.get(sign_in_url).content.decode()

    assert 'value="per@fjordcelle.no"' in page
    assert f'value="{_url(invitation)}"' in page  # and comes back to the invitation
