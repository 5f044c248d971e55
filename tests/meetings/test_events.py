import pytest

from meetings.models import EventKind, MeetingEvent
from meetings.services.events import GENESIS, chain_head, chain_verify, event_append
from tests.factories import AnnualMeetingFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_each_event_links_to_the_previous_one_and_the_chain_verifies():
    meeting = AnnualMeetingFactory()
    first = event_append(meeting=meeting, kind=EventKind.ROLL_FROZEN, payload={"voters": 3})
    second = event_append(meeting=meeting, kind=EventKind.NOTICE_SENT, actor=UserFactory())
    assert (first.sequence, first.previous_hash) == (1, GENESIS)
    assert (second.sequence, second.previous_hash) == (2, first.hash)
    assert chain_head(meeting) == second.hash
    assert chain_verify(meeting)


def test_changing_a_past_event_breaks_the_chain():
    meeting = AnnualMeetingFactory()
    first = event_append(meeting=meeting, kind=EventKind.ROLL_FROZEN, payload={"voters": 3})
    event_append(meeting=meeting, kind=EventKind.NOTICE_SENT)
    MeetingEvent.objects.filter(pk=first.pk).update(payload={"voters": 4})
    assert not chain_verify(meeting)


def test_removing_an_event_breaks_the_chain():
    meeting = AnnualMeetingFactory()
    event_append(meeting=meeting, kind=EventKind.ROLL_FROZEN)
    middle = event_append(meeting=meeting, kind=EventKind.NOTICE_SENT)
    event_append(meeting=meeting, kind=EventKind.MEETING_OPENED)
    middle.delete()
    assert not chain_verify(meeting)


def test_a_meeting_without_events_has_the_genesis_head():
    assert chain_head(AnnualMeetingFactory()) == GENESIS
