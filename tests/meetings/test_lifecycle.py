import pytest
from django.core.exceptions import ValidationError

from meetings.models import EventKind, MeetingStatus, PollStatus, Presence
from meetings.services.lifecycle import meeting_close, meeting_open
from meetings.services.presence import check_in
from tests.factories import AgendaItemFactory, AnnualMeetingFactory, PollFactory, UserFactory
from tests.meetings.meeting_helpers import noticed, opened, represented, voter

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def messages(error) -> str:
    return " ".join(error.value.messages)


def test_a_meeting_opens_after_its_notice_and_records_the_event(staff):
    meeting = noticed()

    meeting_open(meeting=meeting, actor=staff)

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN
    assert meeting.opened_at is not None
    event = meeting.events.order_by("-sequence").first()
    assert (event.kind, event.actor) == (EventKind.MEETING_OPENED, staff)


def test_a_meeting_without_notice_does_not_open(staff):
    with pytest.raises(ValidationError) as refused:
        meeting_open(meeting=AnnualMeetingFactory(), actor=staff)

    assert messages(refused) == "Send the notice before the meeting opens."


def test_a_meeting_opens_once(staff):
    meeting = opened()

    with pytest.raises(ValidationError) as refused:
        meeting_open(meeting=meeting, actor=staff)

    assert messages(refused) == "The meeting has already opened."


def test_closing_closes_every_presence_and_records_the_event(staff):
    alfa = voter("Alfa AS")
    meeting = opened()
    rep = represented(meeting, alfa).user
    check_in(meeting=meeting, organisation=alfa, user=rep, actor=rep)

    meeting_close(meeting=meeting, actor=staff)

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    assert meeting.closed_at is not None
    assert not Presence.objects.filter(checked_out_at__isnull=True).exists()
    kinds = list(meeting.events.order_by("sequence").values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.CHECKED_OUT, EventKind.MEETING_CLOSED]
    assert meeting.events.order_by("-sequence").first().payload == {"present_at_close": 1}


def test_a_meeting_does_not_close_while_a_poll_is_open(staff):
    meeting = opened()
    PollFactory(item=AgendaItemFactory(meeting=meeting, title="Budsjett"), status=PollStatus.OPEN)

    with pytest.raises(ValidationError) as refused:
        meeting_close(meeting=meeting, actor=staff)

    assert messages(refused).startswith("Close the open poll first:")
    assert "Budsjett" in messages(refused)


def test_only_an_open_meeting_closes(staff):
    with pytest.raises(ValidationError) as refused:
        meeting_close(meeting=noticed(), actor=staff)

    assert messages(refused) == "Only an open meeting can be closed."
