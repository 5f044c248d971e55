"""The check-in page: a representative or deputy checks in, leaves and comes back."""

import pytest
from django.test import Client
from django.urls import reverse

from meetings.models import EventKind, MeetingEvent, MeetingStatus, Presence
from tests.factories import OrganisationFactory, member_of
from tests.helpers import logged_in, messages_of
from tests.meetings.poll_pages import member_observer, member_voter, noticed_meeting
from tests.meetings.voting import open_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    return open_meeting()


def checkin_url(meeting) -> str:
    return reverse("meetings:checkin", kwargs={"year": meeting.year})


def send(client, meeting, organisation, action):
    return client.post(
        checkin_url(meeting), {"organisation": organisation.pk, "action": action}, follow=True
    )


def test_the_representative_checks_in_leaves_and_comes_back(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS", checked_in=False)
    client = logged_in(alpha.user)
    page = client.get(checkin_url(meeting)).content.decode()
    assert "You are the voting representative." in page
    assert "Not checked in." in page
    assert "Check in for Alfa Celle AS" in page

    arrived = send(client, meeting, alpha.organisation, "in")
    assert messages_of(arrived) == ["Alfa Celle AS is checked in."]
    assert "Checked in at" in arrived.content.decode()
    assert "Leave the meeting" in arrived.content.decode()

    left = send(client, meeting, alpha.organisation, "out")
    assert messages_of(left) == ["Alfa Celle AS has left the meeting."]
    send(client, meeting, alpha.organisation, "in")

    intervals = list(Presence.objects.filter(organisation=alpha.organisation))
    assert len(intervals) == 2
    assert intervals[0].checked_out_at is not None
    assert intervals[1].checked_out_at is None
    kinds = list(MeetingEvent.objects.values_list("kind", flat=True).order_by("sequence"))
    assert kinds == [EventKind.CHECKED_IN, EventKind.CHECKED_OUT, EventKind.CHECKED_IN]


def test_the_deputy_checks_in_while_the_representative_is_away_but_not_beside_them(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS", checked_in=False, deputy=True)
    deputy = logged_in(alpha.representative.deputy)
    assert "You are the deputy." in deputy.get(checkin_url(meeting)).content.decode()

    assert messages_of(send(deputy, meeting, alpha.organisation, "in")) == [
        "Alfa Celle AS is checked in."
    ]
    # The representative arrives and takes over; the deputy cannot check in beside them.
    representative = logged_in(alpha.user)
    send(representative, meeting, alpha.organisation, "in")
    page = deputy.get(checkin_url(meeting)).content.decode()
    assert "Checked in by" in page
    refused = send(deputy, meeting, alpha.organisation, "in")
    assert messages_of(refused) == [
        "The deputy can check in only while the representative is not checked in."
    ]


def test_someone_who_is_not_the_representative_is_refused(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS", checked_in=False)
    colleague = logged_in(member_of(alpha.organisation))
    page = colleague.get(checkin_url(meeting)).content.decode()
    assert "You are not a voting representative or deputy" in page

    refused = send(colleague, meeting, alpha.organisation, "in")

    assert messages_of(refused) == [
        "Only the representative or the deputy of Alfa Celle AS can be checked in."
    ]
    assert not Presence.objects.exists()


def test_an_observers_person_has_nothing_to_check_in(meeting):
    supplier, person = member_observer(meeting, "Leverandør AS")
    client = logged_in(person)
    assert (
        "You are not a voting representative or deputy"
        in client.get(checkin_url(meeting)).content.decode()
    )
    assert messages_of(send(client, meeting, supplier, "in")) == [
        "Only the representative or the deputy of Leverandør AS can be checked in."
    ]


def test_another_organisation_cannot_check_out_the_one_present(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS")
    beta = member_voter(meeting, "Beta Batteri AS")
    refused = send(logged_in(beta.user), meeting, alpha.organisation, "out")
    assert messages_of(refused) == [
        "Only the person checked in, or the secretariat, can check out."
    ]
    assert Presence.objects.get(organisation=alpha.organisation).checked_out_at is None


def test_check_in_waits_for_the_meeting_to_open():
    meeting = noticed_meeting()
    alpha = member_voter(meeting, "Alfa Celle AS", checked_in=False)
    client = logged_in(alpha.user)
    assert "Notice sent" in client.get(checkin_url(meeting)).content.decode()
    assert messages_of(send(client, meeting, alpha.organisation, "in")) == [
        "Check-in opens when the meeting opens."
    ]
    assert meeting.status == MeetingStatus.NOTICE_SENT


def test_a_form_without_an_organisation_is_refused_with_a_message(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS", checked_in=False)
    response = logged_in(alpha.user).post(
        checkin_url(meeting), {"organisation": "x", "action": "in"}, follow=True
    )
    assert messages_of(response) == ["Choose the organisation on this page and try again."]


def test_staff_open_the_page_and_outsiders_do_not(meeting, staff_client):
    assert staff_client.get(checkin_url(meeting)).status_code == 200
    response = Client().get(checkin_url(meeting))
    assert response.status_code == 302
    outsider = logged_in(member_of(OrganisationFactory()))
    assert outsider.get(checkin_url(meeting)).status_code == 403


@pytest.mark.parametrize("organisations", [1, 4])
def test_the_page_makes_the_same_queries_for_one_and_several_organisations(
    organisations, meeting, django_assert_num_queries
):
    first = member_voter(meeting, "Velger 0 AS")
    user = first.user
    for n in range(1, organisations):
        found = member_voter(meeting, f"Velger {n} AS", checked_in=False)
        found.representative.user = user
        found.representative.save()
    client = logged_in(user)
    # session, user, meeting, navigation organisations, representatives, presences
    with django_assert_num_queries(6):
        assert client.get(checkin_url(meeting)).status_code == 200
