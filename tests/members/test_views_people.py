"""An organisation admin manages its people and invitations."""

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Invitation, OrganisationRole, Role
from tests.factories import InvitationFactory, active_organisation, member_of

pytestmark = pytest.mark.django_db


def _url(name, organisation, **kwargs):
    return reverse(f"members:{name}", kwargs={"pk": organisation.pk, **kwargs})


def _role(user, organisation):
    return OrganisationRole.objects.get(user=user, organisation=organisation)


@pytest.fixture
def organisation():
    return active_organisation(name="Fjordcelle AS")


@pytest.fixture
def admin(organisation, client):
    user = member_of(organisation, Role.ADMIN, full_name="Ola Admin")
    client.force_login(user)
    return user


# --- The page --------------------------------------------------------------------------------


def test_people_page_lists_people_roles_and_pending_invitations(client, organisation, admin):
    member_of(organisation, full_name="Kari Medlem")
    InvitationFactory(organisation=organisation, email="ny@fjordcelle.no")
    now = timezone.now()
    InvitationFactory(organisation=organisation, email="brukt@fjordcelle.no", accepted_at=now)
    InvitationFactory(organisation=organisation, email="trukket@fjordcelle.no", revoked_at=now)
    InvitationFactory(organisation=organisation, email="gammel@fjordcelle.no", expires_at=now)
    response = client.get(_url("people", organisation))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Ola Admin" in content
    assert "Kari Medlem" in content
    assert "ny@fjordcelle.no" in content
    for used_up in ("brukt", "trukket", "gammel"):
        assert f"{used_up}@fjordcelle.no" not in content


def test_a_plain_member_gets_404_for_the_people_page(client, organisation):
    client.force_login(member_of(organisation))
    assert client.get(_url("people", organisation)).status_code == 404
    assert client.post(_url("people", organisation), {"email": "x@example.no"}).status_code == 404
    assert not Invitation.objects.exists()


def test_an_admin_of_another_organisation_gets_404_for_the_people_page(client, organisation):
    client.force_login(member_of(active_organisation(), Role.ADMIN))
    assert client.get(_url("people", organisation)).status_code == 404
    response = client.post(
        _url("people", organisation), {"email": "x@example.no", "role": "member"}
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("rows", [1, 5])
def test_people_page_query_count_does_not_grow_with_people_or_invitations(
    client, organisation, admin, django_assert_num_queries, rows
):
    for n in range(rows):
        member_of(organisation)
        InvitationFactory(organisation=organisation, email=f"ny{n}@example.no")
    # session, user, organisation, people, invitations, nav
    with django_assert_num_queries(6):
        response = client.get(_url("people", organisation))
    assert response.status_code == 200


# --- Inviting --------------------------------------------------------------------------------


def test_admin_invites_a_colleague_by_email(
    client, organisation, admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("people", organisation),
            {"email": "Per@Fjordcelle.no", "role": "admin"},
            follow=True,
        )
    assert response.redirect_chain == [(_url("people", organisation), 302)]
    assert "An invitation is sent to per@fjordcelle.no." in response.content.decode()
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "per@fjordcelle.no",
        Role.ADMIN,
        admin,
    )
    assert [m.to for m in mailoutbox] == [["per@fjordcelle.no"]]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "", "role": "member"}, "email", "This field is required."),
        ({"email": "per@", "role": "member"}, "email", "Enter a valid email address."),
        ({"email": "per@example.no", "role": "owner"}, "role", None),
    ],
)
def test_bad_invitation_input_gets_a_field_error_and_sends_nothing(
    client, organisation, admin, data, field, message
):
    response = client.post(_url("people", organisation), data)
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert errors == [message] if message else errors
    assert not Invitation.objects.exists()


def test_inviting_someone_who_already_belongs_is_told_at_the_field(client, organisation, admin):
    member_of(organisation, email="kari@fjordcelle.no")
    response = client.post(
        _url("people", organisation), {"email": "kari@fjordcelle.no", "role": "member"}
    )
    assert response.context["form"].errors["email"] == [
        "This person already belongs to the organisation."
    ]
    assert not Invitation.objects.exists()


def test_admin_withdraws_a_pending_invitation(client, organisation, admin):
    invitation = InvitationFactory(organisation=organisation)
    response = client.post(_url("invitation_revoke", organisation, invitation_pk=invitation.pk))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_another_organisations_invitation_cannot_be_withdrawn(client, organisation, admin):
    theirs = InvitationFactory(organisation=active_organisation())
    url = _url("invitation_revoke", organisation, invitation_pk=theirs.pk)
    assert client.post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_plain_member_or_another_admin_cannot_withdraw_an_invitation(client, organisation):
    invitation = InvitationFactory(organisation=organisation)
    url = _url("invitation_revoke", organisation, invitation_pk=invitation.pk)
    for user in (member_of(organisation), member_of(active_organisation(), Role.ADMIN)):
        client.force_login(user)
        assert client.post(url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_withdrawing_is_post_only(client, organisation, admin):
    invitation = InvitationFactory(organisation=organisation)
    url = _url("invitation_revoke", organisation, invitation_pk=invitation.pk)
    assert client.get(url).status_code == 405


# --- Roles -----------------------------------------------------------------------------------


def test_admin_makes_a_member_admin(client, organisation, admin):
    member = member_of(organisation, full_name="Kari Medlem")
    role = _role(member, organisation)
    response = client.post(
        _url("person_role", organisation, role_pk=role.pk), {"role": "admin"}, follow=True
    )
    assert response.redirect_chain == [(_url("people", organisation), 302)]
    assert "Kari Medlem is now administrator." in response.content.decode()
    assert _role(member, organisation).role == Role.ADMIN


def test_demoting_the_last_admin_shows_the_rule_and_changes_nothing(client, organisation, admin):
    role = _role(admin, organisation)
    response = client.post(
        _url("person_role", organisation, role_pk=role.pk), {"role": "member"}, follow=True
    )
    assert response.redirect_chain == [(_url("people", organisation), 302)]
    assert "An organisation must keep at least one administrator." in response.content.decode()
    assert _role(admin, organisation).role == Role.ADMIN


def test_an_unknown_role_is_refused_with_a_message(client, organisation, admin):
    member = member_of(organisation)
    role = _role(member, organisation)
    response = client.post(
        _url("person_role", organisation, role_pk=role.pk), {"role": "owner"}, follow=True
    )
    assert "Choose a role." in response.content.decode()
    assert _role(member, organisation).role == Role.MEMBER


def test_an_admin_who_steps_down_goes_back_to_the_organisation_page(client, organisation, admin):
    member_of(organisation, Role.ADMIN)
    role = _role(admin, organisation)
    response = client.post(_url("person_role", organisation, role_pk=role.pk), {"role": "member"})
    assert response.url == _url("organisation", organisation)
    assert _role(admin, organisation).role == Role.MEMBER


def test_role_change_is_post_only(client, organisation, admin):
    role = _role(member_of(organisation), organisation)
    assert client.get(_url("person_role", organisation, role_pk=role.pk)).status_code == 405


def test_a_plain_member_cannot_change_roles(client, organisation):
    member = member_of(organisation)
    client.force_login(member)
    response = client.post(
        _url("person_role", organisation, role_pk=_role(member, organisation).pk), {"role": "admin"}
    )
    assert response.status_code == 404
    assert _role(member, organisation).role == Role.MEMBER


def test_an_admin_of_another_organisation_cannot_change_roles(client, organisation):
    member = member_of(organisation)
    other = active_organisation()
    client.force_login(member_of(other, Role.ADMIN))
    role = _role(member, organisation)
    # neither through the other organisation's URL nor through their own
    assert (
        client.post(
            _url("person_role", organisation, role_pk=role.pk), {"role": "admin"}
        ).status_code
        == 404
    )
    assert (
        client.post(_url("person_role", other, role_pk=role.pk), {"role": "admin"}).status_code
        == 404
    )
    assert _role(member, organisation).role == Role.MEMBER


# --- Removing --------------------------------------------------------------------------------


def test_admin_removes_a_person(client, organisation, admin):
    member = member_of(organisation, full_name="Kari Medlem")
    response = client.post(
        _url("person_remove", organisation, role_pk=_role(member, organisation).pk), follow=True
    )
    assert "Kari Medlem no longer belongs to Fjordcelle AS." in response.content.decode()
    assert not OrganisationRole.objects.filter(user=member).exists()


def test_removing_the_last_admin_shows_the_rule_and_removes_nothing(client, organisation, admin):
    member_of(organisation)
    response = client.post(
        _url("person_remove", organisation, role_pk=_role(admin, organisation).pk), follow=True
    )
    content = response.content.decode()
    assert "An organisation must keep at least one administrator." in content
    assert 'role="alert"' in content
    assert _role(admin, organisation).role == Role.ADMIN


def test_an_admin_who_removes_themselves_goes_to_my_page(client, organisation, admin):
    member_of(organisation, Role.ADMIN)
    response = client.post(
        _url("person_remove", organisation, role_pk=_role(admin, organisation).pk)
    )
    assert response.url == reverse("members:home")
    assert not OrganisationRole.objects.filter(user=admin).exists()


def test_removing_is_post_only(client, organisation, admin):
    role = _role(member_of(organisation), organisation)
    assert client.get(_url("person_remove", organisation, role_pk=role.pk)).status_code == 405


def test_a_plain_member_cannot_remove_people(client, organisation, admin):
    member = member_of(organisation)
    client.force_login(member)
    url = _url("person_remove", organisation, role_pk=_role(admin, organisation).pk)
    assert client.post(url).status_code == 404
    assert OrganisationRole.objects.filter(organisation=organisation).count() == 2


def test_an_admin_of_another_organisation_cannot_remove_people(client, organisation):
    member = member_of(organisation)
    other = active_organisation()
    client.force_login(member_of(other, Role.ADMIN))
    role = _role(member, organisation)
    assert client.post(_url("person_remove", organisation, role_pk=role.pk)).status_code == 404
    assert client.post(_url("person_remove", other, role_pk=role.pk)).status_code == 404
    assert OrganisationRole.objects.filter(user=member).exists()
