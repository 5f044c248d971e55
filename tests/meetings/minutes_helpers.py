"""A whole annual meeting that has been held, built in the database for tests and the demo.

``held_meeting()`` gives a closed meeting of four core companies with a vote and one supplier
as observer: the roll frozen through the service (from the membership history), the notice's
dispatch log (one delivery failed), representatives (one with a deputy), a standing proxy with
an instruction and a withdrawn one, presence intervals (one organisation left and came back),
four agenda items (information; a named decision by simple majority; a secret bylaw change by
two thirds; a secret election of two board members with a tie decided by a draw) with their
participations, ballots and results in the agreed ``Poll.result`` shape, the event chain, and
the chair and two co-signers.
"""

import datetime
import hashlib
import random

from django.utils import timezone

from meetings.models import (
    AgendaItem,
    AnnualMeeting,
    Ballot,
    Candidate,
    Choice,
    EventKind,
    ItemKind,
    MajorityRule,
    MeetingMode,
    MeetingOfficer,
    MeetingStatus,
    NoticeRecipient,
    OfficerRole,
    Participation,
    Poll,
    PollStatus,
    Presence,
    Proxy,
)
from meetings.services.events import event_append
from meetings.services.roll import roll_freeze
from members.models import ParticipantType, Role
from portal.models import EmailStatus
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OutboundEmailFactory,
    RepresentativeFactory,
    UserFactory,
    member_of,
)

VOTERS = ("Agder Cellefabrikk AS", "Fjordbatteri AS", "Grønn Resirkulering AS", "Ålesund Anode AS")
OBSERVER = "Kraftlogistikk AS"
REPRESENTATIVES = ("Ingrid Berg", "Lars Øien", "Sofie Haugen", "Mats Dahl")
CANDIDATES = ("Kari Nordmann", "Ola Hansen", "Per Lie")
OFFICERS = (
    (OfficerRole.CHAIR, "Liv Strand"),
    (OfficerRole.CO_SIGNER, "Jon Aasen"),
    (OfficerRole.CO_SIGNER, "Eva Moen"),
)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _organisations(since: datetime.date):
    voters = []
    for name in VOTERS:
        organisation = OrganisationFactory(name=name)
        MembershipFactory(organisation=organisation, start_date=since)
        voters.append(organisation)
    observer = OrganisationFactory(name=OBSERVER)
    MembershipFactory(
        organisation=observer, participant_type=ParticipantType.SUPPLIER, start_date=since
    )
    return voters, observer


def _notice(meeting, organisations, sent_at):
    """The dispatch log: the admins of every organisation, one address failed."""
    for index, organisation in enumerate(organisations):
        admin = organisation.roles.filter(role=Role.ADMIN).select_related("user").first()
        email = admin.user.email if admin else organisation.invoice_email
        failed = index == len(organisations) - 1
        outbound = OutboundEmailFactory(
            key=f"meeting:{meeting.pk}:notice:{organisation.pk}:{email}",
            recipients=[email],
            subject=f"Innkalling til årsmøte {meeting.year}",
            status=EmailStatus.FAILED if failed else EmailStatus.SENT,
            sent_at=None if failed else sent_at + datetime.timedelta(minutes=1),
            last_error="550 mailbox unavailable" if failed else "",
        )
        recipient = NoticeRecipient.objects.create(
            meeting=meeting, organisation=organisation, email=email, outbound_email=outbound
        )
        NoticeRecipient.objects.filter(pk=recipient.pk).update(queued_at=sent_at)
    meeting.notice_sent_at = meeting.roll_frozen_at = sent_at
    meeting.status = MeetingStatus.NOTICE_SENT
    meeting.save(update_fields=["notice_sent_at", "roll_frozen_at", "status"])
    event_append(
        meeting=meeting,
        kind=EventKind.NOTICE_SENT,
        payload={"recipients": len(organisations)},
    )


def _receipt_hash(rng: random.Random) -> str:
    return hashlib.sha256(rng.randbytes(16)).hexdigest()


def _poll(*, item, secret, votes, opened_at, closed_at, result, rng, draw_seed="", staff):
    """A closed poll with one participation per vote and ballots that give ``result``.

    ``votes``: (organisation, user, proxy or None, choice, candidate ids) per organisation.
    """
    poll = Poll.objects.create(
        item=item,
        secret=secret,
        status=PollStatus.CLOSED,
        opened_at=opened_at,
        closed_at=closed_at,
        opened_by=staff,
        closed_by=staff,
        present_at_opening=3,
        votes_represented_at_opening=4,
        quorum_met_at_opening=True,
        draw_seed=draw_seed,
    )
    receipts = []
    for organisation, user, proxy, choice, candidate_ids in votes:
        Participation.objects.create(
            poll=poll,
            organisation=organisation,
            cast_by=user,
            via_proxy=proxy,
            cast_at=opened_at + datetime.timedelta(minutes=2),
            named_choice="" if secret else choice,
            named_candidates=[] if secret else candidate_ids,
        )
        ballot = Ballot.objects.create(
            poll=poll, choice=choice, candidates=candidate_ids, receipt_hash=_receipt_hash(rng)
        )
        receipts.append(f"{ballot.receipt_hash} {choice} {candidate_ids}")
    if secret:
        listing = "\n".join(sorted(receipts)).encode()
        poll.receipts_fingerprint = hashlib.sha256(listing).hexdigest()
    poll.result = {**result, "draw_seed": draw_seed}
    poll.save(update_fields=["receipts_fingerprint", "result"])
    event_append(meeting=item.meeting, kind=EventKind.POLL_OPENED, payload={"poll": poll.pk})
    event_append(meeting=item.meeting, kind=EventKind.POLL_CLOSED, payload={"poll": poll.pk})
    return poll


def held_meeting(
    *,
    year: int = 2026,
    mode: str = MeetingMode.LIVE,
    officers: bool = True,
    staff=None,
) -> AnnualMeeting:
    """A closed annual meeting of ``year`` (held on 12 March at 17:00), ready for minutes.

    ``officers=False`` leaves out the chair and the co-signers. The roll is frozen through
    ``roll_freeze`` from memberships that started two years before, so the organisations it
    creates are on the roll of any other meeting of that time too.
    """
    rng = random.Random(year)
    staff = staff or UserFactory(is_staff=True, full_name="Sekretariatet")
    day = datetime.date(year, 3, 12)
    written = mode == MeetingMode.WRITTEN
    meeting = AnnualMeeting.objects.create(
        year=year,
        starts_at=_at(day, 17),
        place="" if written else "Eyde-huset, Arendal",
        online_link="https://mote.example.no/arsmote" if written else "",
        record_date=datetime.date(year, 2, 1),
        mode=mode,
        written_opens_at=_at(day, 9) if written else None,
        written_closes_at=_at(day + datetime.timedelta(days=3), 16) if written else None,
    )
    voters, observer = _organisations(datetime.date(year - 2, 1, 1))
    representatives = [
        RepresentativeFactory(
            meeting=meeting,
            organisation=organisation,
            user=member_of(organisation, role=Role.ADMIN, full_name=name),
        )
        for organisation, name in zip(voters, REPRESENTATIVES, strict=True)
    ]
    representatives[1].deputy = member_of(voters[1], full_name="Nora Vik")
    representatives[1].save(update_fields=["deputy"])
    member_of(observer, role=Role.ADMIN, full_name="Henrik Sand")
    roll_freeze(meeting=meeting, actor=staff)
    _notice(meeting, [*voters, observer], sent_at=_at(day - datetime.timedelta(days=35), 10))

    a, b, c, d = voters
    reps = {rep.organisation_id: rep.user for rep in representatives}
    proxy = Proxy.objects.create(
        meeting=meeting,
        giver=d,
        holder=a,
        instruction="Stem for regnskapet.",
        given_by=reps[d.pk],
    )
    Proxy.objects.filter(pk=proxy.pk).update(given_at=_at(day - datetime.timedelta(days=7), 9))
    event_append(meeting=meeting, kind=EventKind.PROXY_GIVEN, payload={"proxy": proxy.pk})
    withdrawn = Proxy.objects.create(meeting=meeting, giver=c, holder=b, given_by=reps[c.pk])
    withdrawn.given_at = _at(day - datetime.timedelta(days=10), 14)
    withdrawn.withdrawn_at = _at(day - datetime.timedelta(days=2), 12)
    withdrawn.withdrawn_by = reps[c.pk]
    withdrawn.save(update_fields=["given_at", "withdrawn_at", "withdrawn_by"])
    event_append(meeting=meeting, kind=EventKind.PROXY_WITHDRAWN, payload={"proxy": withdrawn.pk})

    meeting.status, meeting.opened_at = MeetingStatus.OPEN, _at(day, 17)
    meeting.save(update_fields=["status", "opened_at"])
    event_append(meeting=meeting, kind=EventKind.MEETING_OPENED, actor=staff)
    end = _at(day, 19, 30)
    if not written:
        observer_admin = observer.roles.get(role=Role.ADMIN).user
        for organisation, user, start, stop in (
            (a, reps[a.pk], _at(day, 16, 55), end),
            (b, reps[b.pk], _at(day, 16, 58), _at(day, 18, 10)),
            (b, reps[b.pk], _at(day, 18, 25), end),
            (c, reps[c.pk], _at(day, 17, 5), end),
            (observer, observer_admin, _at(day, 17), end),
        ):
            Presence.objects.create(
                meeting=meeting,
                organisation=organisation,
                user=user,
                checked_in_by=user,
                checked_in_at=start,
                checked_out_at=stop,
            )
            event_append(
                meeting=meeting,
                kind=EventKind.CHECKED_IN,
                payload={"organisation": organisation.organisation_number},
            )

    AgendaItem.objects.create(
        meeting=meeting,
        position=1,
        kind=ItemKind.INFORMATION,
        title=f"Årsberetning {year - 1}",
        outcome="Årsberetningen ble tatt til orientering.",
    )
    accounts = AgendaItem.objects.create(
        meeting=meeting, position=2, kind=ItemKind.DECISION, title=f"Regnskap {year - 1}"
    )
    _poll(
        item=accounts,
        secret=False,
        votes=[
            (a, reps[a.pk], None, Choice.YES, []),
            (d, reps[a.pk], proxy, Choice.YES, []),
            (b, reps[b.pk], None, Choice.YES, []),
            (c, reps[c.pk], None, Choice.NO, []),
        ],
        opened_at=_at(day, 17, 20),
        closed_at=_at(day, 17, 30),
        result={
            "kind": "motion",
            "rule": MajorityRule.SIMPLE,
            "yes": 3,
            "no": 1,
            "blank": 0,
            "cast": 4,
            "participated": 4,
            "represented": 4,
            "passed": True,
            "sentence": "Vedtatt med 3 av 4 avgitte stemmer; krav: simpelt flertall.",
        },
        rng=rng,
        staff=staff,
    )
    bylaws = AgendaItem.objects.create(
        meeting=meeting,
        position=3,
        kind=ItemKind.BYLAW_CHANGE,
        title="Endring av vedtektene § 4 (medlemskap)",
        majority_rule=MajorityRule.TWO_THIRDS,
    )
    _poll(
        item=bylaws,
        secret=True,
        votes=[
            (a, reps[a.pk], None, Choice.YES, []),
            (d, reps[a.pk], proxy, Choice.YES, []),
            (b, reps[b.pk], None, Choice.NO, []),
            (c, reps[c.pk], None, Choice.BLANK, []),
        ],
        opened_at=_at(day, 17, 45),
        closed_at=_at(day, 17, 55),
        result={
            "kind": "motion",
            "rule": MajorityRule.TWO_THIRDS,
            "yes": 2,
            "no": 1,
            "blank": 1,
            "cast": 3,
            "participated": 4,
            "represented": 4,
            "passed": True,
            "sentence": "Vedtatt med 2 av 3 avgitte stemmer; krav: to tredjedeler.",
        },
        rng=rng,
        staff=staff,
    )
    election = AgendaItem.objects.create(
        meeting=meeting, position=4, kind=ItemKind.ELECTION, title="Valg av styre", seats=2
    )
    kari, ola, per = (
        Candidate.objects.create(item=election, name=name, position=index)
        for index, name in enumerate(CANDIDATES)
    )
    _poll(
        item=election,
        secret=True,
        votes=[
            (a, reps[a.pk], None, Choice.CANDIDATES, [kari.pk, ola.pk]),
            (d, reps[a.pk], proxy, Choice.CANDIDATES, [kari.pk, per.pk]),
            (b, reps[b.pk], None, Choice.CANDIDATES, [kari.pk]),
            (c, reps[c.pk], None, Choice.CANDIDATES, [ola.pk, per.pk]),
        ],
        opened_at=_at(day, 18, 30),
        closed_at=_at(day, 18, 45),
        result={
            "kind": "election",
            "seats": 2,
            "cast": 4,
            "participated": 4,
            "represented": 4,
            "candidates": [
                {"id": kari.pk, "name": kari.name, "votes": 3, "elected": True, "by_draw": False},
                {"id": ola.pk, "name": ola.name, "votes": 2, "elected": True, "by_draw": True},
                {"id": per.pk, "name": per.name, "votes": 2, "elected": False, "by_draw": True},
            ],
            "sentence": "Valgt: Kari Nordmann og Ola Hansen (etter loddtrekning mellom "
            "Ola Hansen og Per Lie).",
        },
        draw_seed=hashlib.sha256(rng.randbytes(16)).hexdigest()[:32],
        rng=rng,
        staff=staff,
    )

    meeting.status, meeting.closed_at = MeetingStatus.CLOSED, end
    meeting.save(update_fields=["status", "closed_at"])
    event_append(meeting=meeting, kind=EventKind.MEETING_CLOSED, actor=staff)
    if officers:
        for role, name in OFFICERS:
            MeetingOfficer.objects.create(
                meeting=meeting, user=UserFactory(full_name=name), role=role
            )
    meeting.refresh_from_db()
    return meeting
