"""The members-only participant directory."""

import datetime

import pytest
from django.urls import reverse

from members.models import MembershipStatus, ParticipantType, ValueChainSegment
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    active_organisation,
    member_of,
)

pytestmark = pytest.mark.django_db


def _segment(slug):
    return ValueChainSegment.objects.get(slug=slug)


def _names(response):
    return [participant.name for participant in response.context["participants"]]


@pytest.fixture
def member(client):
    user = member_of(active_organisation(name="Medlem AS"))
    client.force_login(user)
    return user


def test_directory_shows_active_participants_with_type_segments_and_description(client, member):
    organisation = active_organisation(
        name="Fjordcelle AS",
        participant_type=ParticipantType.SUPPLIER,
        description="Leverer elektrolytt.",
    )
    organisation.segments.set([_segment("materials")])
    response = client.get(reverse("members:directory"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Fjordcelle AS" in content
    assert "Supplier" in content
    assert "Battery materials" in content
    assert "Leverer elektrolytt." in content


def test_directory_leaves_out_former_and_applying_organisations(client, member):
    former = OrganisationFactory(name="Tidligere AS")
    MembershipFactory(
        organisation=former,
        status=MembershipStatus.ENDED,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 1, 1),
    )
    applying = OrganisationFactory(name="Søker AS")
    MembershipFactory(organisation=applying, status=MembershipStatus.APPLIED)
    OrganisationFactory(name="Uten medlemskap AS")
    assert _names(client.get(reverse("members:directory"))) == ["Medlem AS"]


def test_directory_filters_by_participant_type(client, member):
    active_organisation(name="Leverandør AS", participant_type=ParticipantType.SUPPLIER)
    active_organisation(name="Annen AS", participant_type=ParticipantType.OTHER)
    response = client.get(reverse("members:directory"), {"participant_type": "supplier"})
    assert _names(response) == ["Leverandør AS"]


def test_directory_filters_by_type_of_the_current_period_only(client, member):
    changed = OrganisationFactory(name="Byttet AS")
    MembershipFactory(
        organisation=changed,
        participant_type=ParticipantType.SUPPLIER,
        status=MembershipStatus.ENDED,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2022, 12, 31),
    )
    MembershipFactory(
        organisation=changed,
        participant_type=ParticipantType.CORE,
        start_date=datetime.date(2023, 1, 1),
    )
    response = client.get(reverse("members:directory"), {"participant_type": "supplier"})
    assert _names(response) == []
    response = client.get(reverse("members:directory"), {"participant_type": "core"})
    assert _names(response) == ["Byttet AS", "Medlem AS"]


def test_directory_filters_by_segment(client, member):
    recycler = active_organisation(name="Gjenvinn AS")
    recycler.segments.set([_segment("recycling"), _segment("collection")])
    active_organisation(name="Celle AS").segments.set([_segment("cells")])
    response = client.get(reverse("members:directory"), {"segment": _segment("recycling").pk})
    assert _names(response) == ["Gjenvinn AS"]


def test_directory_searches_by_name(client, member):
    active_organisation(name="Nordic Battery Materials AS")
    active_organisation(name="Fjordcelle AS")
    response = client.get(reverse("members:directory"), {"q": "battery"})
    assert _names(response) == ["Nordic Battery Materials AS"]


def test_directory_combines_filters(client, member):
    match = active_organisation(name="Nordic Recycling AS", participant_type=ParticipantType.OTHER)
    match.segments.set([_segment("recycling")])
    wrong_type = active_organisation(name="Nordic Recycling Core AS")
    wrong_type.segments.set([_segment("recycling")])
    query = {"q": "nordic", "participant_type": "other", "segment": _segment("recycling").pk}
    assert _names(client.get(reverse("members:directory"), query)) == ["Nordic Recycling AS"]


def test_directory_paginates_and_keeps_the_filter_in_the_page_links(client, member):
    for n in range(25):
        active_organisation(name=f"Nordic {n:02} AS")
    response = client.get(reverse("members:directory"), {"q": "nordic"})
    assert len(_names(response)) == 20
    assert "?q=nordic&amp;page=2" in response.content.decode()
    response = client.get(reverse("members:directory"), {"q": "nordic", "page": 2})
    assert _names(response) == [f"Nordic {n:02} AS" for n in range(20, 25)]


def test_directory_is_for_members_only(client):
    response = client.get(reverse("members:directory"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    client.force_login(UserFactory())
    response = client.get(reverse("members:directory"))
    assert response.status_code == 403
    assert "For participants only" in response.content.decode()


def test_people_of_a_former_participant_cannot_open_the_directory(client):
    former = OrganisationFactory()
    MembershipFactory(
        organisation=former,
        status=MembershipStatus.ENDED,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 1, 1),
    )
    client.force_login(member_of(former))
    assert client.get(reverse("members:directory")).status_code == 403


@pytest.mark.parametrize("user_fields", [{"is_staff": True}, {"is_steering_group": True}])
def test_secretariat_and_steering_group_can_open_the_directory(client, user_fields):
    client.force_login(UserFactory(**user_fields))
    assert client.get(reverse("members:directory")).status_code == 200


@pytest.mark.parametrize("rows", [1, 5])
def test_directory_query_count_does_not_grow_with_participants(
    client, member, django_assert_num_queries, rows
):
    for n in range(rows):
        organisation = active_organisation(name=f"Nordic {n} AS")
        organisation.segments.set(ValueChainSegment.objects.all()[: n + 1])
    query = {"q": "nordic", "participant_type": "core", "segment": _segment("mining").pk}
    # session, user, own organisations (members-only check and nav), chosen segment, count,
    # page, segments, periods, segment choices
    with django_assert_num_queries(9):
        response = client.get(reverse("members:directory"), query)
    assert len(_names(response)) == rows
