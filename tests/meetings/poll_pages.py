"""People at an open meeting for the live pages' tests: voting organisations and observers
that are active participants (so their people may open the members-only pages), built on the
rows of ``tests.meetings.voting``."""

from meetings.models import MeetingStatus
from members.models import ParticipantType
from tests.factories import AnnualMeetingFactory, MembershipFactory, member_of
from tests.meetings import voting
from tests.meetings.voting import Voter


def member_voter(meeting, name: str, **kwargs) -> Voter:
    """A voting organisation with an active core membership and its representative (checked
    in unless ``checked_in=False``)."""
    found = voting.voter(meeting, name=name, **kwargs)
    MembershipFactory(organisation=found.organisation)
    return found


def member_observer(meeting, name: str):
    """An observer organisation (an active supplier) and a person of it."""
    organisation = voting.observer(meeting, name=name)
    MembershipFactory(organisation=organisation, participant_type=ParticipantType.SUPPLIER)
    return organisation, member_of(organisation)


def noticed_meeting(**fields):
    """A live meeting whose notice is sent but which has not opened."""
    return AnnualMeetingFactory(status=MeetingStatus.NOTICE_SENT, **fields)
