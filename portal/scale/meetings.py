"""Two annual meetings: last spring's, held, with its roll, representatives, presence, polls
and ballots; and the next one, its notice sent and its roll frozen.

The roll, the opening and the closing of the polls go through the meeting services (they
derive the roll from the membership history and count the result); the representatives,
presence and votes, one row per organisation, are bulk-inserted.
"""

import datetime
import hashlib
import random
import uuid

from meetings.models import (
    AgendaItem,
    AnnualMeeting,
    Ballot,
    Choice,
    ItemKind,
    MeetingStatus,
    Participation,
    Presence,
    Representative,
    RollEntry,
    Standing,
)
from meetings.services.polls import poll_close, poll_create, poll_open
from meetings.services.roll import roll_freeze
from members.models import User
from portal.scale.copying import at
from portal.scale.network import Network
from portal.scale.plan import TODAY

HELD = datetime.date(2026, 4, 22)
NEXT = TODAY + datetime.timedelta(days=45)


def build_meetings(network: Network, rng: random.Random) -> int:
    staff = User.objects.get(pk=network.staff_id)
    admins = {member.id: member.admin for member in network.members}
    held = AnnualMeeting.objects.create(
        year=HELD.year,
        starts_at=at(HELD, 14),
        place="Mo i Rana",
        record_date=HELD - datetime.timedelta(days=30),
        status=MeetingStatus.OPEN,
        notice_sent_at=at(HELD - datetime.timedelta(days=29)),
        opened_at=at(HELD, 14),
    )
    roll_freeze(meeting=held, actor=staff)
    voters = list(
        RollEntry.objects.filter(meeting=held, standing=Standing.VOTER)
        .order_by("organisation_id")
        .values_list("organisation_id", flat=True)
    )
    Representative.objects.bulk_create(
        Representative(
            meeting=held,
            organisation_id=o,
            user_id=admins[o],
            named_by_id=admins[o],
            named_at=at(HELD - datetime.timedelta(days=7)),
        )
        for o in voters
    )
    present = sorted(rng.sample(voters, round(len(voters) * 0.6)))
    Presence.objects.bulk_create(
        Presence(
            meeting=held,
            organisation_id=o,
            user_id=admins[o],
            checked_in_by=staff,
            checked_in_at=at(HELD, 13, 30),
        )
        for o in present
    )
    items = [
        AgendaItem(meeting=held, position=1, kind=ItemKind.INFORMATION, title="Årsberetning"),
        AgendaItem(meeting=held, position=2, kind=ItemKind.DECISION, title="Regnskap"),
        AgendaItem(meeting=held, position=3, kind=ItemKind.DECISION, title="Kontingent"),
    ]
    AgendaItem.objects.bulk_create(items)
    for item, secret in ((items[1], False), (items[2], True)):
        _vote(item, secret, present, admins, staff, rng)
    AnnualMeeting.objects.filter(pk=held.pk).update(
        status=MeetingStatus.CLOSED, closed_at=at(HELD, 17)
    )

    upcoming = AnnualMeeting.objects.create(
        year=NEXT.year,
        starts_at=at(NEXT, 14),
        place="Trondheim",
        online_link="https://moete.scale.example.no/aarsmoete",
        record_date=TODAY - datetime.timedelta(days=4),
        status=MeetingStatus.NOTICE_SENT,
        notice_sent_at=at(TODAY - datetime.timedelta(days=3)),
    )
    roll_freeze(meeting=upcoming, actor=staff)
    return 2


def _vote(item, secret, present, admins, staff, rng) -> None:
    poll = poll_create(item=item, secret=secret)
    poll_open(poll=poll, actor=staff)
    voting = [o for o in present if rng.random() < 0.95]
    choices = [
        Choice.YES if rng.random() < 0.8 else rng.choice((Choice.NO, Choice.BLANK)) for _ in voting
    ]
    Participation.objects.bulk_create(
        Participation(
            poll=poll,
            organisation_id=o,
            cast_by_id=admins[o],
            cast_at=at(HELD, 15),
            named_choice="" if secret else choice,
        )
        for o, choice in zip(voting, choices, strict=True)
    )
    ballots = [
        Ballot(
            id=uuid.UUID(int=rng.getrandbits(128)),
            poll=poll,
            choice=choice,
            receipt_hash=hashlib.sha256(f"skala-{poll.pk}-{o}".encode()).hexdigest(),
        )
        for o, choice in zip(voting, choices, strict=True)
    ]
    if secret:
        # A secret poll's ballots carry no trace of who cast them, not even their order.
        rng.shuffle(ballots)
    Ballot.objects.bulk_create(ballots)
    poll_close(poll=poll, actor=staff)
