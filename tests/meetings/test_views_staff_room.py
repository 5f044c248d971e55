"""The secretariat's control room: the meeting, presence in the room, the polls."""

import pytest
from django.urls import reverse

from meetings.models import Candidate, ItemKind, MeetingStatus, Poll, PollStatus, Presence
from meetings.services.polls import vote_cast
from tests.factories import AgendaItemFactory, OrganisationFactory, member_of
from tests.helpers import logged_in, messages_of
from tests.meetings.poll_pages import member_observer, member_voter, noticed_meeting
from tests.meetings.voting import motion, open_meeting

pytestmark = pytest.mark.django_db


def room_url(meeting) -> str:
    return reverse("meetings:staff_room", kwargs={"year": meeting.year})


def act(client, meeting, **data):
    return client.post(room_url(meeting), data, follow=True)


def test_only_staff_open_the_room(staff_client):
    meeting = open_meeting()
    alpha = member_voter(meeting, "Alfa Celle AS")
    _supplier, person = member_observer(meeting, "Leverandør AS")
    assert staff_client.get(room_url(meeting)).status_code == 200
    for user in (alpha.user, person, member_of(OrganisationFactory())):
        assert logged_in(user).get(room_url(meeting)).status_code == 404
        assert logged_in(user).post(room_url(meeting), {"form": "meeting"}).status_code == 404
    assert meeting.status == MeetingStatus.OPEN


def test_staff_open_and_close_the_meeting(staff_client):
    meeting = noticed_meeting()
    page = staff_client.get(room_url(meeting)).content.decode()
    assert "Open the meeting" in page

    opened = act(staff_client, meeting, form="meeting", action="open")
    assert messages_of(opened) == ["The meeting is open: representatives can check in."]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN
    assert "Close the meeting" in opened.content.decode()

    again = act(staff_client, meeting, form="meeting", action="open")
    assert messages_of(again) == ["The meeting has already opened."]

    closed = act(staff_client, meeting, form="meeting", action="close")
    assert messages_of(closed) == ["The meeting is closed."]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED


def test_the_meeting_does_not_close_while_a_poll_is_open(staff_client):
    meeting = open_meeting()
    poll = motion(meeting)
    refused = act(staff_client, meeting, form="meeting", action="close")
    assert messages_of(refused) == [f"Close the open poll first: {poll.item}."]


def test_staff_check_a_representative_and_a_deputy_in_and_out(staff_client, staff):
    meeting = open_meeting()
    alpha = member_voter(meeting, "Alfa Celle AS", checked_in=False, deputy=True)
    deputy = alpha.representative.deputy
    page = staff_client.get(room_url(meeting)).content.decode()
    assert "Check in the representative" in page
    assert "Check in the deputy" in page

    arrived = act(
        staff_client,
        meeting,
        form="presence",
        organisation=alpha.organisation.pk,
        user=deputy.pk,
        action="in",
    )
    name = deputy.full_name
    assert messages_of(arrived) == [f"{name} is checked in for Alfa Celle AS."]
    presence = Presence.objects.get()
    assert (presence.user, presence.checked_in_by) == (deputy, staff)
    assert "1 voting organisation present" in arrived.content.decode()

    left = act(
        staff_client, meeting, form="presence", organisation=alpha.organisation.pk, action="out"
    )
    assert messages_of(left) == ["Alfa Celle AS has left the meeting."]
    assert Presence.objects.get().checked_out_at is not None
    assert "0 voting organisations present" in left.content.decode()


def test_checking_in_someone_who_is_not_the_representative_is_refused(staff_client):
    meeting = open_meeting()
    alpha = member_voter(meeting, "Alfa Celle AS", checked_in=False)
    stranger = member_of(alpha.organisation)
    refused = act(
        staff_client,
        meeting,
        form="presence",
        organisation=alpha.organisation.pk,
        user=stranger.pk,
        action="in",
    )
    assert messages_of(refused) == [
        "Only the representative or the deputy of Alfa Celle AS can be checked in."
    ]
    missing = act(
        staff_client, meeting, form="presence", organisation=alpha.organisation.pk, action="in"
    )
    assert messages_of(missing) == ["Choose who checks in for the organisation."]
    assert not Presence.objects.exists()


def test_staff_create_open_and_close_a_poll_and_see_its_result(staff_client):
    meeting = open_meeting()
    alpha = member_voter(meeting, "Alfa Celle AS")
    item = AgendaItemFactory(meeting=meeting, kind=ItemKind.DECISION, title="Budsjett 2027")

    created = act(staff_client, meeting, form="poll_create", item=item.pk)
    assert messages_of(created) == [f"The poll on {item} is ready to open."]
    poll = Poll.objects.get(item=item)
    assert poll.secret is False

    opened = act(staff_client, meeting, form="poll", poll=poll.pk, action="open")
    assert messages_of(opened) == [f"The poll on {item} is open."]
    assert "0 of 1 vote represented has voted" in opened.content.decode()

    vote_cast(poll=poll, organisation=alpha.organisation, user=alpha.user, choice="yes")
    closed = act(staff_client, meeting, form="poll", poll=poll.pk, action="close")
    assert messages_of(closed) == [f"The poll on {item} is closed."]
    poll.refresh_from_db()
    assert poll.status == PollStatus.CLOSED
    content = closed.content.decode()
    assert "Adopted with 1 of 1 votes cast; required: simple majority." in content
    assert "Yes: 1" in content


def test_an_election_with_more_candidates_than_seats_defaults_to_secret(staff_client):
    meeting = open_meeting()
    item = AgendaItemFactory(meeting=meeting, kind=ItemKind.ELECTION, seats=1)
    for name in ("Kari", "Ola"):
        Candidate.objects.create(item=item, name=name)
    page = staff_client.get(room_url(meeting)).content.decode()
    assert '<input type="checkbox" name="secret" checked>' in page

    act(staff_client, meeting, form="poll_create", item=item.pk, secret="on")
    assert Poll.objects.get(item=item).secret is True


def test_the_room_shows_the_services_refusals(staff_client):
    meeting = open_meeting(quorum_rule="minimum", quorum_minimum=2)
    member_voter(meeting, "Alfa Celle AS")
    poll = motion(meeting, opened=False)
    information = AgendaItemFactory(meeting=meeting, kind=ItemKind.INFORMATION)

    no_quorum = act(staff_client, meeting, form="poll", poll=poll.pk, action="open")
    assert messages_of(no_quorum) == [
        "There is no quorum: 1 voting organisations present, 2 required."
    ]
    no_vote = act(staff_client, meeting, form="poll_create", item=information.pk)
    assert messages_of(no_vote) == ["An information item has no vote."]
    twice = act(staff_client, meeting, form="poll_create", item=poll.item.pk)
    assert messages_of(twice) == ["This item already has a poll."]
    unknown = act(staff_client, meeting, form="nonsense")
    assert messages_of(unknown) == ["Use the buttons of the control room."]
    foreign = motion(open_meeting(year=2028), opened=False)
    other = act(staff_client, meeting, form="poll", poll=foreign.pk, action="open")
    assert messages_of(other) == ["Choose the poll."]


def test_the_presence_list_shows_the_times_of_every_interval(staff_client):
    meeting = open_meeting()
    alpha = member_voter(meeting, "Alfa Celle AS")
    member_voter(meeting, "Beta Batteri AS", checked_in=False)
    act(staff_client, meeting, form="presence", organisation=alpha.organisation.pk, action="out")
    content = staff_client.get(room_url(meeting)).content.decode()
    first = Presence.objects.get(organisation=alpha.organisation)
    assert f"{first.checked_in_at.astimezone():%H:%M}" in content
    assert "Beta Batteri AS" in content


@pytest.mark.parametrize("organisations", [2, 8])
def test_the_room_makes_the_same_queries_for_few_and_many_organisations(
    organisations, staff_client, django_assert_num_queries
):
    meeting = open_meeting()
    for n in range(organisations):
        member_voter(meeting, f"Velger {n} AS")
    motion(meeting)
    AgendaItemFactory(meeting=meeting)
    # session, user, meeting, poll, quorum (3), turnout (3), representatives, voting
    # organisations, presences, agenda with polls, navigation
    with django_assert_num_queries(15):
        assert staff_client.get(room_url(meeting)).status_code == 200
