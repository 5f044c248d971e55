"""The member's landing page, "my organisation" and editing its profile."""

import datetime

import pytest
from django.urls import reverse

from members.models import (
    CompetenceArea,
    CompetenceKind,
    MembershipStatus,
    Organisation,
    ParticipantType,
    Role,
    ValueChainSegment,
)
from tests.factories import (
    CompetenceFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationRoleFactory,
    UserFactory,
    active_organisation,
    member_of,
)

pytestmark = pytest.mark.django_db


def _organisation_url(organisation, name="members:organisation"):
    return reverse(name, kwargs={"pk": organisation.pk})


def _fill_organisation(organisation, rows: int) -> None:
    """``rows`` more people, past membership periods, segments and competence entries."""
    organisation.segments.set(ValueChainSegment.objects.all()[:rows])
    areas = list(CompetenceArea.objects.all()[:rows])
    for n in range(rows):
        member_of(organisation, Role.MEMBER)
        MembershipFactory(
            organisation=organisation,
            status=MembershipStatus.ENDED,
            start_date=datetime.date(2010 + n, 1, 1),
            end_date=datetime.date(2010 + n, 12, 31),
        )
        CompetenceFactory(organisation=organisation, area=areas[n], kind=CompetenceKind.OFFER)
        CompetenceFactory(organisation=organisation, area=areas[n], kind=CompetenceKind.NEED)


# --- /my/ ------------------------------------------------------------------------------------


def test_my_page_sends_a_member_of_one_organisation_straight_to_it(client):
    organisation = active_organisation()
    client.force_login(member_of(organisation))
    response = client.get(reverse("members:home"))
    assert response.status_code == 302
    assert response.url == _organisation_url(organisation)


def test_my_page_lists_every_organisation_of_a_member_of_several(client):
    first, second = active_organisation(name="Alfa AS"), active_organisation(name="Beta AS")
    user = member_of(first)
    OrganisationFactory(name="Gamma AS")  # not theirs
    OrganisationRoleFactory(user=user, organisation=second, role=Role.ADMIN)
    client.force_login(user)
    response = client.get(reverse("members:home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Alfa AS" in content
    assert "Beta AS" in content
    assert "Gamma AS" not in content
    assert _organisation_url(first) in content
    assert _organisation_url(second) in content


def test_my_page_tells_a_user_without_organisation_what_to_do(client):
    client.force_login(UserFactory())
    response = client.get(reverse("members:home"))
    assert response.status_code == 200
    assert "does not belong to any organisation yet" in response.content.decode()


def test_my_page_gives_staff_without_organisation_the_way_to_the_administration(client):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("members:home"))
    content = response.content.decode()
    assert response.status_code == 200
    assert reverse("admin:index") in content
    assert "does not belong to any organisation" not in content


def test_my_page_gives_the_steering_group_the_directory_and_competence(client):
    client.force_login(UserFactory(is_steering_group=True))
    response = client.get(reverse("members:home"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Steering group" in content
    assert reverse("members:directory") in content
    assert reverse("members:competence") in content


def test_my_page_asks_a_signed_out_visitor_to_sign_in(client):
    response = client.get(reverse("members:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("organisations", [2, 6])
def test_my_page_query_count_does_not_grow_with_organisations(
    client, django_assert_num_queries, organisations
):
    user = UserFactory()
    for _ in range(organisations):
        OrganisationRoleFactory(user=user, organisation=active_organisation())
    client.force_login(user)
    # session, user, the user's roles, the navigation's organisations
    with django_assert_num_queries(4):
        response = client.get(reverse("members:home"))
    assert response.status_code == 200


# --- "My organisation" -----------------------------------------------------------------------


def test_organisation_page_shows_profile_people_history_and_competence(client):
    organisation = OrganisationFactory(
        name="Fjordcelle AS", description="Vi lager battericeller.", website="https://celle.no"
    )
    organisation.segments.set(ValueChainSegment.objects.filter(slug="cells"))
    MembershipFactory(
        organisation=organisation,
        participant_type=ParticipantType.SUPPLIER,
        status=MembershipStatus.ENDED,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2022, 12, 31),
    )
    MembershipFactory(
        organisation=organisation,
        participant_type=ParticipantType.CORE,
        start_date=datetime.date(2023, 1, 1),
    )
    member = member_of(organisation, full_name="Kari Nordmann")
    member_of(organisation, Role.ADMIN, full_name="Ola Admin")
    CompetenceFactory(organisation=organisation, text="Celleproduksjon i stor skala")
    CompetenceFactory(
        organisation=organisation, kind=CompetenceKind.NEED, text="Hjelp med resirkulering"
    )
    client.force_login(member)

    response = client.get(_organisation_url(organisation))

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Fjordcelle AS</h1>" in content
    assert organisation.organisation_number[:3] in content
    assert "Vi lager battericeller." in content
    assert "Kari Nordmann" in content
    assert "Ola Admin" in content
    assert "Administrator" in content
    assert "Supplier" in content
    assert "Core company" in content
    assert "Ended" in content
    assert "Celleproduksjon i stor skala" in content
    assert "Hjelp med resirkulering" in content
    assert "Battery cells" in content
    # a plain member gets no admin links
    assert _organisation_url(organisation, "members:organisation_edit") not in content
    assert _organisation_url(organisation, "members:people") not in content


def test_organisation_page_gives_an_admin_the_edit_people_and_competence_links(client):
    organisation = active_organisation()
    client.force_login(member_of(organisation, Role.ADMIN))
    content = client.get(_organisation_url(organisation)).content.decode()
    assert _organisation_url(organisation, "members:organisation_edit") in content
    assert _organisation_url(organisation, "members:people") in content
    assert _organisation_url(organisation, "members:competence_add") in content


def test_another_organisations_page_is_a_404(client):
    mine, theirs = active_organisation(), active_organisation()
    client.force_login(member_of(mine, Role.ADMIN))
    assert client.get(_organisation_url(theirs)).status_code == 404


def test_staff_without_a_role_get_404_for_an_organisation_page(client):
    organisation = active_organisation()
    client.force_login(UserFactory(is_staff=True))
    assert client.get(_organisation_url(organisation)).status_code == 404


def test_organisation_page_asks_a_signed_out_visitor_to_sign_in(client):
    organisation = active_organisation()
    response = client.get(_organisation_url(organisation))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("rows", [1, 5])
def test_organisation_page_query_count_does_not_grow_with_rows(
    client, django_assert_num_queries, rows
):
    organisation = active_organisation()
    admin = member_of(organisation, Role.ADMIN)
    _fill_organisation(organisation, rows)
    client.force_login(admin)
    # session, user, organisation with the user's role, competences, standing, segments,
    # people, periods, nav
    with django_assert_num_queries(9):
        response = client.get(_organisation_url(organisation))
    assert response.status_code == 200


# --- Edit profile ----------------------------------------------------------------------------


def _profile_data(**overrides):
    data = {
        "name": "Fjordcelle Batteri AS",
        "street_address": "Kaigata 5",
        "postal_code": "4836",
        "city": "Arendal",
        "invoice_email": "faktura@fjordcelle.no",
        "website": "https://fjordcelle.no",
        "size_band": "50-249",
        "description": "Battericeller fra Sørlandet.",
        "segments": [ValueChainSegment.objects.get(slug="cells").pk],
    }
    data.update(overrides)
    return data


def test_admin_edits_the_profile_and_sees_a_confirmation(client):
    organisation = active_organisation()
    number = organisation.organisation_number
    client.force_login(member_of(organisation, Role.ADMIN))
    response = client.post(
        _organisation_url(organisation, "members:organisation_edit"),
        _profile_data(organisation_number="123456785"),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == _organisation_url(organisation)
    assert "The profile is saved." in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.name == "Fjordcelle Batteri AS"
    assert organisation.size_band == "50-249"
    assert [s.slug for s in organisation.segments.all()] == ["cells"]
    assert organisation.organisation_number == number  # not editable here


def test_edit_page_shows_the_organisation_number_without_a_field_for_it(client):
    organisation = active_organisation()
    client.force_login(member_of(organisation, Role.ADMIN))
    response = client.get(_organisation_url(organisation, "members:organisation_edit"))
    assert response.status_code == 200
    assert 'name="organisation_number"' not in response.content.decode()
    assert organisation.organisation_number[:3] in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("invoice_email", "not-an-address", "Enter a valid email address."),
        ("website", "no url", "Enter a valid URL."),
    ],
)
def test_bad_profile_input_gets_a_field_error_and_saves_nothing(client, field, value, message):
    organisation = active_organisation(name="Uendret AS")
    client.force_login(member_of(organisation, Role.ADMIN))
    response = client.post(
        _organisation_url(organisation, "members:organisation_edit"),
        _profile_data(**{field: value}),
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert "<h1>" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.name == "Uendret AS"
    assert organisation.city == "Arendal"
    assert not organisation.segments.exists()


def test_a_plain_member_gets_404_for_the_edit_page(client):
    organisation = active_organisation(name="Uendret AS")
    client.force_login(member_of(organisation, Role.MEMBER))
    url = _organisation_url(organisation, "members:organisation_edit")
    assert client.get(url).status_code == 404
    assert client.post(url, _profile_data()).status_code == 404
    assert Organisation.objects.get(pk=organisation.pk).name == "Uendret AS"


def test_an_admin_of_another_organisation_gets_404_for_the_edit_page(client):
    mine, theirs = active_organisation(), active_organisation(name="Uendret AS")
    client.force_login(member_of(mine, Role.ADMIN))
    url = _organisation_url(theirs, "members:organisation_edit")
    assert client.get(url).status_code == 404
    assert client.post(url, _profile_data()).status_code == 404
    assert Organisation.objects.get(pk=theirs.pk).name == "Uendret AS"


@pytest.mark.parametrize("rows", [1, 5])
def test_edit_page_query_count_does_not_grow_with_segments(client, django_assert_num_queries, rows):
    organisation = active_organisation()
    admin = member_of(organisation, Role.ADMIN)
    _fill_organisation(organisation, rows)
    client.force_login(admin)
    # session, user, organisation, its segments (initial), segment choices, nav
    with django_assert_num_queries(6):
        response = client.get(_organisation_url(organisation, "members:organisation_edit"))
    assert response.status_code == 200
