"""A meeting with its notice sent, for the meeting pages' tests: a core company with a vote, a
supplier as observer, people in both, and the roll frozen through the service."""

from dataclasses import dataclass

from django.utils import timezone

from meetings.models import AnnualMeeting, MeetingStatus
from meetings.services.roll import roll_freeze
from members.models import MembershipStatus, ParticipantType, Role
from tests.factories import (
    AnnualMeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    active_organisation,
    member_of,
)


@dataclass
class World:
    meeting: AnnualMeeting
    voter: object
    voter_admin: object
    voter_member: object
    other_voter: object
    other_admin: object
    observer: object
    observer_admin: object
    inactive_person: object
    staff: object


def notice_sent_meeting(**fields) -> AnnualMeeting:
    fields.setdefault("status", MeetingStatus.NOTICE_SENT)
    fields.setdefault("notice_sent_at", timezone.now())
    return AnnualMeetingFactory(**fields)


def inactive_person():
    """A person whose organisation's participation has ended."""
    organisation = OrganisationFactory(name="Nedlagt Batteri AS")
    MembershipFactory(
        organisation=organisation,
        status=MembershipStatus.ENDED,
        start_date=timezone.localdate().replace(year=2020),
        end_date=timezone.localdate().replace(year=2021),
    )
    return member_of(organisation, Role.ADMIN, full_name="Tidligere Medlem")


def world(*, frozen: bool = True, **meeting_fields) -> World:
    meeting = notice_sent_meeting(**meeting_fields)
    voter = active_organisation(name="Nordlys Celler AS")
    other_voter = active_organisation(name="Vestkyst Batteri AS")
    observer = active_organisation(ParticipantType.SUPPLIER, name="Polar Logistikk AS")
    staff = UserFactory(is_staff=True, full_name="Sekretariatet")
    result = World(
        meeting=meeting,
        voter=voter,
        voter_admin=member_of(voter, Role.ADMIN, full_name="Ingrid Berg"),
        voter_member=member_of(voter, full_name="Lars Øien"),
        other_voter=other_voter,
        other_admin=member_of(other_voter, Role.ADMIN, full_name="Sofie Haugen"),
        observer=observer,
        observer_admin=member_of(observer, Role.ADMIN, full_name="Mats Dahl"),
        inactive_person=inactive_person(),
        staff=staff,
    )
    if frozen:
        roll_freeze(meeting=meeting, actor=staff)
        meeting.refresh_from_db()
    return result


def page_text(response) -> str:
    """A page's HTML without the line-break hints inside fingerprints (``<wbr>``)."""
    return response.content.decode().replace("<wbr>", "")
