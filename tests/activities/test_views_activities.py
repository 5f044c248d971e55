"""The members-only activity list and detail, proposals and organisations signing up."""

import pytest
from django.urls import reverse

from activities.models import Activity, ActivityStatus, HourEntry, Participation
from members.models import Role, ValueChainSegment
from tests.factories import (
    ActivityFactory,
    OrganisationRoleFactory,
    ParticipationFactory,
    UserFactory,
    active_organisation,
    member_of,
    taking_part,
)

pytestmark = pytest.mark.django_db


def _segment(slug):
    return ValueChainSegment.objects.get(slug=slug)


def _titles(response):
    return [activity.title for activity in response.context["activities"]]


@pytest.fixture
def organisation():
    return active_organisation(name="Fjordcelle AS")


@pytest.fixture
def member(client, organisation):
    user = member_of(organisation, full_name="Kari Medlem")
    client.force_login(user)
    return user


@pytest.fixture
def admin(client, organisation):
    user = member_of(organisation, Role.ADMIN, full_name="Ola Admin")
    client.force_login(user)
    return user


# --- List ------------------------------------------------------------------------------------


def test_activity_list_shows_visible_activities_with_kind_status_and_segments(client, member):
    workshop = ActivityFactory(title="Sikkerhetsverksted", kind="workshop")
    workshop.segments.set([_segment("cells")])
    ActivityFactory(title="Avlyst kurs", status=ActivityStatus.CANCELLED)
    response = client.get(reverse("activities:list"))
    content = response.content.decode()
    assert response.status_code == 200
    assert _titles(response) == ["Sikkerhetsverksted"]
    assert "Workshop" in content
    assert "Running" in content
    assert "Battery cells" in content
    assert reverse("activities:propose") in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "proposed"}, ["Forslag"]),
        ({"kind": "course"}, ["Kurs"]),
        ({"segment": "recycling"}, ["Gjenvinning"]),
        ({}, ["Forslag", "Gjenvinning", "Kurs"]),
    ],
)
def test_activity_list_filters_by_status_kind_and_segment(client, member, query, expected):
    ActivityFactory(title="Forslag", status=ActivityStatus.PROPOSED, kind="workshop")
    ActivityFactory(title="Kurs", kind="course")
    ActivityFactory(title="Gjenvinning", kind="project").segments.set([_segment("recycling")])
    if "segment" in query:
        query = {"segment": _segment(query["segment"]).pk}
    response = client.get(reverse("activities:list"), query)
    assert sorted(_titles(response)) == expected


def test_activity_list_is_for_participants_only(client):
    client.force_login(UserFactory())
    response = client.get(reverse("activities:list"))
    assert response.status_code == 403
    assert "For participants only" in response.content.decode()


def test_activity_list_asks_a_visitor_to_sign_in(client):
    response = client.get(reverse("activities:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("rows", [1, 6])
def test_activity_list_query_count_does_not_grow_with_activities(
    client, member, django_assert_num_queries, rows
):
    for _ in range(rows):
        activity = ActivityFactory()
        activity.segments.set(ValueChainSegment.objects.all()[:2])
        ParticipationFactory(activity=activity, organisation=active_organisation())
    query = {"kind": "working_group", "segment": _segment("mining").pk}
    # session, user, own organisations (members-only check and nav), chosen segment, count,
    # page, segments, segment choices
    with django_assert_num_queries(8):
        response = client.get(reverse("activities:list"), query)
    assert len(response.context["activities"]) == rows


# --- Detail ----------------------------------------------------------------------------------


def test_activity_detail_shows_the_participating_organisations(client, member):
    activity = ActivityFactory(title="Celleprosjekt", description="Felles testlinje.")
    ParticipationFactory(activity=activity, organisation=active_organisation(name="Anodeverk AS"))
    ParticipationFactory(activity=activity, organisation=active_organisation(name="Katode AS"))
    response = client.get(reverse("activities:detail", kwargs={"activity_pk": activity.pk}))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Celleprosjekt" in content
    assert "Felles testlinje." in content
    assert "Anodeverk AS" in content
    assert "Katode AS" in content
    # a plain member is not offered to sign the organisation up
    assert "Sign up" not in content


def test_activity_detail_offers_an_admin_to_sign_up_for_a_running_activity(
    client, organisation, admin
):
    activity = ActivityFactory()
    response = client.get(reverse("activities:detail", kwargs={"activity_pk": activity.pk}))
    url = reverse("activities:participation", kwargs={"pk": organisation.pk, "activity_pk": 0})
    assert url.replace("/0/", f"/{activity.pk}/") in response.content.decode()


def test_activity_detail_does_not_offer_sign_up_before_the_activity_runs(
    client, organisation, admin
):
    activity = ActivityFactory(status=ActivityStatus.APPROVED)
    response = client.get(reverse("activities:detail", kwargs={"activity_pk": activity.pk}))
    assert "not signed up; organisations can sign up while the activity is running." in (
        response.content.decode()
    )


@pytest.mark.parametrize("rows", [1, 6])
def test_activity_detail_query_count_does_not_grow_with_participants(
    client, admin, django_assert_num_queries, rows
):
    activity = ActivityFactory()
    activity.segments.set(ValueChainSegment.objects.all()[:rows])
    for _ in range(rows):
        participation = ParticipationFactory(activity=activity, organisation=active_organisation())
        participation.people.add(member_of(participation.organisation))
    # session, user, own organisations (members-only check, sign-up and nav), activity,
    # segments, competence areas, participations
    with django_assert_num_queries(7):
        response = client.get(reverse("activities:detail", kwargs={"activity_pk": activity.pk}))
    assert len(response.context["participations"]) == rows


def test_unknown_activity_is_404(client, member):
    assert client.get(reverse("activities:detail", kwargs={"activity_pk": 999})).status_code == 404


# --- Proposing -------------------------------------------------------------------------------


def _proposal(**overrides):
    return {
        "title": "Batterisikkerhet i havbruk",
        "kind": "workshop",
        "description": "En dag om brannsikkerhet.",
        "start_date": "2026-09-01",
        "end_date": "2026-09-02",
        "planned_hours": "40",
        "segments": [_segment("cells").pk],
        **overrides,
    }


def test_member_proposes_an_activity_for_the_steering_group(client, organisation, member):
    response = client.post(
        reverse("activities:propose"), _proposal(owner=organisation.pk), follow=True
    )
    activity = Activity.objects.get()
    assert response.redirect_chain == [
        (reverse("activities:detail", kwargs={"activity_pk": activity.pk}), 302)
    ]
    assert "The steering group will decide on the proposal." in response.content.decode()
    assert activity.status == ActivityStatus.PROPOSED
    assert (activity.proposed_by, activity.owner) == (member, organisation)
    assert list(activity.segments.all()) == [_segment("cells")]


def test_a_proposal_that_ends_before_it_starts_gets_the_error_at_the_end_date(client, member):
    response = client.post(reverse("activities:propose"), _proposal(end_date="2026-08-01"))
    assert response.status_code == 200
    assert response.context["form"].errors["end_date"] == [
        "The activity cannot end before it starts."
    ]
    assert not Activity.objects.exists()


def test_a_proposal_cannot_be_made_on_behalf_of_another_organisation(client, member):
    other = active_organisation()
    response = client.post(reverse("activities:propose"), _proposal(owner=other.pk))
    assert "owner" in response.context["form"].errors
    assert not Activity.objects.exists()


@pytest.mark.parametrize("rows", [1, 4])
def test_proposal_form_query_count_is_fixed(client, member, django_assert_num_queries, rows):
    for _ in range(rows):
        OrganisationRoleFactory(user=member, organisation=active_organisation())
    # session, user, own organisations (members-only check and nav), segment choices,
    # competence areas, own organisations for the form
    with django_assert_num_queries(6):
        assert client.get(reverse("activities:propose")).status_code == 200


# --- Signing up ------------------------------------------------------------------------------


def _participation_url(organisation, activity, suffix=""):
    name = "activities:participation" + suffix
    return reverse(name, kwargs={"pk": organisation.pk, "activity_pk": activity.pk})


def test_admin_signs_the_organisation_up_with_the_people_who_take_part(client, organisation, admin):
    colleague = member_of(organisation, full_name="Per Kollega")
    member_of(organisation, full_name="Lise Hjemme")
    activity = ActivityFactory(title="Celleprosjekt")
    response = client.get(_participation_url(organisation, activity))
    assert "Per Kollega" in response.content.decode()
    response = client.post(
        _participation_url(organisation, activity), {"people": [admin.pk, colleague.pk]}
    )
    assert response.status_code == 302
    participation = Participation.objects.get(activity=activity, organisation=organisation)
    assert set(participation.people.all()) == {admin, colleague}


def test_admin_changes_who_takes_part(client, organisation, admin):
    participation = taking_part(organisation)
    participation.people.add(admin)
    colleague = member_of(organisation)
    client.post(_participation_url(organisation, participation.activity), {"people": colleague.pk})
    assert list(participation.people.all()) == [colleague]


def test_signing_up_for_an_activity_that_is_not_running_is_refused_with_the_reason(
    client, organisation, admin
):
    activity = ActivityFactory(status=ActivityStatus.COMPLETED)
    response = client.post(_participation_url(organisation, activity), {"people": [admin.pk]})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Organisations can sign up only for running activities."
    ]
    assert not Participation.objects.exists()


def test_people_of_another_organisation_cannot_be_signed_up(client, organisation, admin):
    outsider = member_of(active_organisation())
    activity = ActivityFactory()
    response = client.post(_participation_url(organisation, activity), {"people": [outsider.pk]})
    assert "people" in response.context["form"].errors
    assert not Participation.objects.exists()


def test_a_plain_member_cannot_sign_the_organisation_up(client, organisation, member):
    activity = ActivityFactory()
    assert client.get(_participation_url(organisation, activity)).status_code == 404
    response = client.post(_participation_url(organisation, activity), {"people": [member.pk]})
    assert response.status_code == 404
    assert not Participation.objects.exists()


def test_an_admin_of_another_organisation_gets_404_for_sign_up_and_withdraw(client, organisation):
    participation = taking_part(organisation)
    client.force_login(member_of(active_organisation(), Role.ADMIN))
    activity = participation.activity
    assert client.get(_participation_url(organisation, activity)).status_code == 404
    assert client.post(_participation_url(organisation, activity, "_withdraw")).status_code == 404
    assert Participation.objects.filter(pk=participation.pk).exists()


def test_admin_withdraws_the_organisation(client, organisation, admin):
    participation = taking_part(organisation)
    response = client.post(
        _participation_url(organisation, participation.activity, "_withdraw"), follow=True
    )
    assert "no longer takes part" in response.content.decode()
    assert not Participation.objects.exists()


def test_withdrawing_with_hours_logged_is_refused_with_the_reason(client, organisation, admin):
    participation = taking_part(organisation)
    HourEntry.objects.create(
        organisation=organisation,
        person=admin,
        activity=participation.activity,
        date=participation.activity.start_date,
        hours=2,
    )
    response = client.post(
        _participation_url(organisation, participation.activity, "_withdraw"), follow=True
    )
    assert "Hours are logged on this activity; delete them before withdrawing." in (
        response.content.decode()
    )
    assert Participation.objects.filter(pk=participation.pk).exists()


@pytest.mark.parametrize("rows", [1, 5])
def test_sign_up_page_query_count_is_fixed(
    client, organisation, admin, django_assert_num_queries, rows
):
    participation = taking_part(organisation)
    for _ in range(rows):
        participation.people.add(member_of(organisation))
    # session, user, organisation, activity, participation, its people, people choices, nav
    with django_assert_num_queries(8):
        response = client.get(_participation_url(organisation, participation.activity))
    assert response.status_code == 200
