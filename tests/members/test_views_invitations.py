"""Accepting an invitation through /invitations/<token>/."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import OrganisationRole, Role, User
from tests.factories import (
    InvitationFactory,
    OrganisationRoleFactory,
    UserFactory,
    active_organisation,
    member_of,
)

pytestmark = pytest.mark.django_db

PASSWORD = "Vanskelig-passord-2024"


def _url(invitation):
    return reverse("members:invitation_accept", kwargs={"token": invitation.token})


def _new_account(**overrides):
    return {"full_name": "Per Hansen", "password1": PASSWORD, "password2": PASSWORD, **overrides}


@pytest.fixture
def invitation():
    return InvitationFactory(
        organisation=active_organisation(name="Fjordcelle AS"),
        email="per@fjordcelle.no",
        role=Role.ADMIN,
    )


# --- Signed out: a new account ---------------------------------------------------------------


def test_signed_out_visitor_sees_the_organisation_and_an_account_form(client, invitation):
    response = client.get(_url(invitation))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Join Fjordcelle AS" in content
    assert "per@fjordcelle.no" in content
    assert 'name="password1"' in content
    assert 'name="full_name"' in content


def test_accepting_creates_the_account_signs_in_and_opens_the_organisation(client, invitation):
    response = client.post(_url(invitation), _new_account(), follow=True)

    organisation = invitation.organisation
    assert response.redirect_chain[-1][0] == reverse(
        "members:organisation", kwargs={"pk": organisation.pk}
    )
    assert "Welcome to Fjordcelle AS" in response.content.decode()
    user = User.objects.get(email="per@fjordcelle.no")
    assert user.full_name == "Per Hansen"
    assert user.check_password(PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert OrganisationRole.objects.get(user=user).role == Role.ADMIN


def test_an_invitation_works_only_once(client, invitation):
    client.post(_url(invitation), _new_account())
    client.logout()

    response = client.get(_url(invitation))
    assert response.status_code == 410
    assert "This invitation has already been used." in response.content.decode()
    response = client.post(_url(invitation), _new_account(full_name="Noen Andre"))
    assert response.status_code == 410
    assert User.objects.filter(email="per@fjordcelle.no").count() == 1
    assert OrganisationRole.objects.count() == 1


def test_an_expired_invitation_says_so_and_creates_nothing(client, invitation):
    invitation.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    invitation.save()
    response = client.get(_url(invitation))
    assert response.status_code == 410
    assert "This invitation expired on" in response.content.decode()
    response = client.post(_url(invitation), _new_account())
    assert response.status_code == 410
    assert not User.objects.exists()


def test_a_withdrawn_invitation_says_so(client, invitation):
    invitation.revoked_at = timezone.now()
    invitation.save()
    response = client.get(_url(invitation))
    assert response.status_code == 410
    assert "This invitation was withdrawn by the organisation." in response.content.decode()


def test_an_unknown_token_explains_itself(client):
    response = client.get(reverse("members:invitation_accept", kwargs={"token": "nope"}))
    assert response.status_code == 404
    assert "We could not find this invitation." in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (_new_account(full_name=""), "full_name", "This field is required."),
        (_new_account(password2="Noe-annet-2024"), "password2", "The two passwords differ."),
        (
            _new_account(password1="kort", password2="kort"),
            "password1",
            "This password is too short. It must contain at least 10 characters.",
        ),
        (
            _new_account(password1="1234567890123", password2="1234567890123"),
            "password1",
            "This password is entirely numeric.",
        ),
        (
            _new_account(password1="per@fjordcelle", password2="per@fjordcelle"),
            "password1",
            "The password is too similar to the e-mail address.",
        ),
    ],
)
def test_bad_account_input_gets_a_field_error_and_creates_nothing(
    client, invitation, data, field, message
):
    response = client.post(_url(invitation), data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert not User.objects.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_invited_address_with_an_account_is_asked_to_sign_in(client, invitation):
    UserFactory(email="per@fjordcelle.no")
    response = client.get(_url(invitation))
    content = response.content.decode()
    assert "There is already an account for per@fjordcelle.no." in content
    assert 'name="password1"' not in content
    assert f"{reverse('account_login')}?next=" in content
    response = client.post(_url(invitation), _new_account())
    assert response.status_code == 200
    assert not OrganisationRole.objects.exists()


# --- Signed in: join with the current account ------------------------------------------------


def test_signed_in_user_confirms_and_joins_with_their_account(client, invitation):
    user = member_of(active_organisation(), email="per@fjordcelle.no")
    client.force_login(user)
    response = client.get(_url(invitation))
    assert "Accept and join" in response.content.decode()
    assert not OrganisationRole.objects.filter(organisation=invitation.organisation).exists()

    response = client.post(_url(invitation))

    assert response.url == reverse(
        "members:organisation", kwargs={"pk": invitation.organisation_id}
    )
    assert OrganisationRole.objects.get(user=user, organisation=invitation.organisation).is_admin
    invitation.refresh_from_db()
    assert invitation.accepted_by == user


def test_a_signed_in_user_cannot_use_an_invitation_twice(client, invitation):
    client.force_login(UserFactory(email=invitation.email))
    client.post(_url(invitation))
    response = client.post(_url(invitation))
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("rows", [1, 5])
def test_invitation_page_query_count_is_fixed(
    client, invitation, django_assert_num_queries, signed_in, rows
):
    user = UserFactory()
    for _ in range(rows):
        InvitationFactory(organisation=invitation.organisation)
        member_of(invitation.organisation)
        OrganisationRoleFactory(user=user, organisation=active_organisation())
    if signed_in:
        client.force_login(user)
    # signed out: invitation, account exists?; signed in: session, user, invitation, the
    # user's addresses (is the invited one theirs?), nav
    with django_assert_num_queries(5 if signed_in else 2):
        response = client.get(_url(invitation))
    assert response.status_code == 200
