"""A meeting ready to vote, built from rows (roll, representatives, presence, proxies) so the
poll tests do not depend on the roll and presence services."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from meetings.models import (
    AgendaItem,
    Candidate,
    ItemKind,
    MajorityRule,
    MeetingMode,
    MeetingStatus,
    Presence,
    Proxy,
    RollEntry,
    RollReason,
    Standing,
)
from meetings.services.polls import poll_create, poll_open
from tests.factories import (
    AgendaItemFactory,
    AnnualMeetingFactory,
    OrganisationFactory,
    RepresentativeFactory,
    UserFactory,
    member_of,
)


@dataclass
class Voter:
    organisation: object
    user: object
    representative: object


def open_meeting(**fields):
    """An open live meeting (or ``mode=MeetingMode.WRITTEN`` with a window around now)."""
    if fields.get("mode") == MeetingMode.WRITTEN:
        now = timezone.now()
        fields.setdefault("written_opens_at", now - datetime.timedelta(days=1))
        fields.setdefault("written_closes_at", now + datetime.timedelta(days=6))
    return AnnualMeetingFactory(status=MeetingStatus.OPEN, **fields)


def voter(meeting, *, name=None, checked_in=True, deputy=False) -> Voter:
    """A voting organisation on the roll with a representative (and a deputy if asked),
    checked in by its representative in a live meeting unless ``checked_in=False``."""
    organisation = OrganisationFactory(**({"name": name} if name else {}))
    RollEntry.objects.create(
        meeting=meeting, organisation=organisation, standing=Standing.VOTER, reason=RollReason.CORE
    )
    representative = RepresentativeFactory(
        meeting=meeting,
        organisation=organisation,
        deputy=member_of(organisation) if deputy else None,
    )
    if checked_in and meeting.mode == MeetingMode.LIVE:
        check_in(meeting, organisation, representative.user)
    return Voter(organisation, representative.user, representative)


def observer(meeting, *, name=None):
    organisation = OrganisationFactory(**({"name": name} if name else {}))
    RollEntry.objects.create(
        meeting=meeting,
        organisation=organisation,
        standing=Standing.OBSERVER,
        reason=RollReason.NOT_CORE,
    )
    return organisation


def check_in(meeting, organisation, user) -> Presence:
    return Presence.objects.create(
        meeting=meeting,
        organisation=organisation,
        user=user,
        checked_in_by=user,
        checked_in_at=timezone.now(),
    )


def check_out(meeting, organisation) -> None:
    Presence.objects.filter(
        meeting=meeting, organisation=organisation, checked_out_at__isnull=True
    ).update(checked_out_at=timezone.now())


def give_proxy(meeting, giver: Voter, holder: Voter) -> Proxy:
    return Proxy.objects.create(
        meeting=meeting, giver=giver.organisation, holder=holder.organisation, given_by=giver.user
    )


def staff_user():
    return UserFactory(is_staff=True)


def motion(meeting, *, rule=MajorityRule.SIMPLE, kind=ItemKind.DECISION, secret=False, opened=True):
    item = AgendaItemFactory(meeting=meeting, kind=kind, majority_rule=rule)
    poll = poll_create(item=item, secret=secret)
    if opened:
        poll = poll_open(poll=poll, actor=staff_user())
    return poll


def election(meeting, *, seats, names, secret=None, opened=True):
    item = AgendaItemFactory(meeting=meeting, kind=ItemKind.ELECTION, seats=seats)
    for position, name in enumerate(names):
        Candidate.objects.create(item=item, name=name, position=position)
    poll = poll_create(item=item, secret=secret)
    if opened:
        poll = poll_open(poll=poll, actor=staff_user())
    return poll


def candidate_ids(poll, *names) -> list[int]:
    by_name = dict(poll.item.candidates.values_list("name", "pk"))
    return [by_name[name] for name in names]


def information_item(meeting) -> AgendaItem:
    return AgendaItemFactory(meeting=meeting, kind=ItemKind.INFORMATION)
