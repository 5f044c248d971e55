"""Reads for the minutes (protokoll): everything the PDF prints, and the versions and approvals
the officers' page shows."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from billing.models import Seller
from meetings.models import (
    AgendaItem,
    AnnualMeeting,
    Choice,
    ItemKind,
    MajorityRule,
    MeetingMode,
    MeetingOfficer,
    Minutes,
    MinutesApproval,
    NoticeRecipient,
    OfficerRole,
    Participation,
    PollStatus,
    Presence,
    Proxy,
    Representative,
    RollChange,
    RollEntry,
    Standing,
)
from portal.models import EmailStatus

# Used only when the seller's details have not been entered yet.
NETWORK_NAME = "Battery Norway"


class Delivery:
    DELIVERED = "delivered"
    FAILED = "failed"
    PENDING = "pending"


@dataclass(frozen=True)
class Network:
    name: str
    organisation_number: str = ""
    city: str = ""


@dataclass(frozen=True)
class DispatchLine:
    organisation: str
    email: str
    queued_at: datetime.datetime
    delivery: str
    sent_at: datetime.datetime | None


@dataclass(frozen=True)
class Interval:
    name: str
    checked_in_at: datetime.datetime
    checked_out_at: datetime.datetime | None


@dataclass
class AttendanceLine:
    organisation: str
    standing: str
    representative: str = ""
    deputy: str = ""
    intervals: list[Interval] = field(default_factory=list)
    polls_taken_part: int = 0


@dataclass(frozen=True)
class NamedVote:
    organisation: str
    choice: str
    via_proxy: bool


@dataclass
class ItemRecord:
    item: AgendaItem
    poll: object = None  # the closed Poll, or None
    result: dict | None = None
    rule: str = ""
    candidates: list[dict] = field(default_factory=list)
    elected: list[str] = field(default_factory=list)
    named_votes: list[NamedVote] = field(default_factory=list)


@dataclass
class MinutesContent:
    meeting: AnnualMeeting
    network: Network
    notice_late: bool
    dispatch: list[DispatchLine]
    dispatch_counts: dict[str, int]
    voters: list[RollEntry]
    observers: list[RollEntry]
    roll_changes: list[RollChange]
    attendance: list[AttendanceLine]
    present_voters: int
    proxies: list[Proxy]
    items: list[ItemRecord]
    board: list[ItemRecord]
    events: int
    officers: list[MeetingOfficer]


@dataclass(frozen=True)
class Signature:
    role: str
    name: str
    approved_at: datetime.datetime | None


def network() -> Network:
    seller = Seller.objects.first()
    if seller is None:
        return Network(name=NETWORK_NAME)
    return Network(
        name=seller.name, organisation_number=seller.organisation_number, city=seller.city
    )


def _delivery(recipient: NoticeRecipient) -> str:
    status = recipient.outbound_email.status if recipient.outbound_email else None
    if status == EmailStatus.SENT:
        return Delivery.DELIVERED
    if status == EmailStatus.FAILED or recipient.outbound_email is None:
        return Delivery.FAILED
    return Delivery.PENDING


def notice_dispatch(meeting: AnnualMeeting) -> list[DispatchLine]:
    """The notice's dispatch log: one line per organisation and address, with what the outbox
    says became of the e-mail (delivered, failed, or still being sent)."""
    recipients = NoticeRecipient.objects.filter(meeting=meeting).select_related(
        "organisation", "outbound_email"
    )
    return [
        DispatchLine(
            organisation=recipient.organisation.name,
            email=recipient.email,
            queued_at=recipient.queued_at,
            delivery=_delivery(recipient),
            sent_at=recipient.outbound_email.sent_at if recipient.outbound_email else None,
        )
        for recipient in recipients
    ]


def _notice_late(meeting: AnnualMeeting) -> bool:
    if meeting.notice_sent_at is None:
        return False
    return timezone.localdate(meeting.notice_sent_at) > meeting.notice_due


def _attendance(meeting: AnnualMeeting, standings: dict[int, str]) -> list[AttendanceLine]:
    """Live meeting: every organisation with a presence interval. Written meeting: every
    organisation that took part in a poll (there is no check-in)."""
    representatives = {
        rep.organisation_id: rep
        for rep in Representative.objects.filter(meeting=meeting).select_related("user", "deputy")
    }
    lines: dict[int, AttendanceLine] = {}

    def line_for(organisation) -> AttendanceLine:
        if organisation.pk not in lines:
            rep = representatives.get(organisation.pk)
            lines[organisation.pk] = AttendanceLine(
                organisation=organisation.name,
                standing=standings.get(organisation.pk, Standing.NONE),
                representative=str(rep.user) if rep else "",
                deputy=str(rep.deputy) if rep and rep.deputy else "",
            )
        return lines[organisation.pk]

    if meeting.mode == MeetingMode.LIVE:
        presences = Presence.objects.filter(meeting=meeting).select_related("organisation", "user")
        for presence in presences.order_by("checked_in_at", "id"):
            line_for(presence.organisation).intervals.append(
                Interval(str(presence.user), presence.checked_in_at, presence.checked_out_at)
            )
    else:
        participations = Participation.objects.filter(poll__item__meeting=meeting)
        for participation in participations.select_related("organisation"):
            line_for(participation.organisation).polls_taken_part += 1
    return sorted(lines.values(), key=lambda line: line.organisation.casefold())


def _rule_label(result: dict, item: AgendaItem) -> str:
    rule = result.get("rule") or item.majority_rule
    return str(MajorityRule(rule).label) if rule in MajorityRule.values else ""


def _named_votes(poll, candidate_names: dict[int, str]) -> list[NamedVote]:
    votes = []
    for participation in poll.participations.select_related("organisation").order_by(
        "organisation__name"
    ):
        if participation.named_candidates:
            choice = ", ".join(
                candidate_names.get(pk, "?") for pk in participation.named_candidates
            )
        elif participation.named_choice in Choice.values:
            choice = str(Choice(participation.named_choice).label)
        else:
            choice = str(Choice.BLANK.label)
        votes.append(
            NamedVote(
                participation.organisation.name, choice, participation.via_proxy_id is not None
            )
        )
    return votes


def _item_record(item: AgendaItem) -> ItemRecord:
    record = ItemRecord(item=item)
    poll = getattr(item, "poll", None)
    if poll is None or poll.status != PollStatus.CLOSED or not poll.result:
        return record
    record.poll, record.result = poll, poll.result
    if item.kind == ItemKind.ELECTION:
        record.candidates = list(poll.result.get("candidates", []))
        record.elected = [c["name"] for c in record.candidates if c.get("elected")]
    else:
        record.rule = _rule_label(poll.result, item)
    if not poll.secret:
        names = {candidate.pk: candidate.name for candidate in item.candidates.all()}
        record.named_votes = _named_votes(poll, names)
    return record


def minutes_content(meeting: AnnualMeeting) -> MinutesContent:
    """Everything the minutes print, read from the meeting's rows as they are now."""
    roll = list(RollEntry.objects.filter(meeting=meeting).select_related("organisation"))
    standings = {entry.organisation_id: entry.standing for entry in roll}
    attendance = _attendance(meeting, standings)
    dispatch = notice_dispatch(meeting)
    items = [
        _item_record(item)
        for item in AgendaItem.objects.filter(meeting=meeting)
        .select_related("poll")
        .prefetch_related("candidates")
        .order_by("position")
    ]
    return MinutesContent(
        meeting=meeting,
        network=network(),
        notice_late=_notice_late(meeting),
        dispatch=dispatch,
        dispatch_counts={
            kind: sum(1 for line in dispatch if line.delivery == kind)
            for kind in (Delivery.DELIVERED, Delivery.FAILED, Delivery.PENDING)
        },
        voters=[entry for entry in roll if entry.standing == Standing.VOTER],
        observers=[entry for entry in roll if entry.standing == Standing.OBSERVER],
        roll_changes=list(
            RollChange.objects.filter(meeting=meeting).select_related("organisation")
        ),
        attendance=attendance,
        present_voters=sum(1 for line in attendance if line.standing == Standing.VOTER),
        proxies=list(Proxy.objects.filter(meeting=meeting).select_related("giver", "holder")),
        items=items,
        board=[record for record in items if record.elected],
        events=meeting.events.count(),
        officers=meeting_officers(meeting),
    )


def meeting_officers(meeting: AnnualMeeting) -> list[MeetingOfficer]:
    """The chair first, then the co-signers in the order they were appointed."""
    officers = MeetingOfficer.objects.filter(meeting=meeting).select_related("user")
    return sorted(officers, key=lambda officer: (officer.role != OfficerRole.CHAIR, officer.pk))


def meeting_officer(meeting: AnnualMeeting, user) -> MeetingOfficer | None:
    """``user``'s office at ``meeting`` (chair or co-signer), or None."""
    if not user.is_authenticated:
        return None
    return MeetingOfficer.objects.filter(meeting=meeting, user=user).first()


def minutes_versions(meeting: AnnualMeeting) -> list[Minutes]:
    """Every version, newest first."""
    return list(Minutes.objects.filter(meeting=meeting).order_by("-version"))


def minutes_latest(meeting: AnnualMeeting) -> Minutes | None:
    return Minutes.objects.filter(meeting=meeting).order_by("-version").first()


def minutes_record(meeting: AnnualMeeting) -> Minutes | None:
    """The approved version that is the record now: the newest approved one."""
    return (
        Minutes.objects.filter(meeting=meeting, approved_at__isnull=False)
        .order_by("-version")
        .first()
    )


def officer_signatures(meeting: AnnualMeeting) -> list[Signature]:
    """The signature lines of a draft: each officer's role and current name, not approved."""
    return [
        Signature(role=str(officer.get_role_display()), name=str(officer.user), approved_at=None)
        for officer in meeting_officers(meeting)
    ]


def minutes_signatures(minutes: Minutes) -> list[Signature]:
    """One line per officer of the meeting, chair first: the name and time of the approval
    of this version, or the officer's current name and no time while it is still open."""
    approvals = {
        approval.officer_id: approval
        for approval in MinutesApproval.objects.filter(minutes=minutes)
    }
    signatures = []
    for officer in meeting_officers(minutes.meeting):
        approval = approvals.get(officer.pk)
        signatures.append(
            Signature(
                role=str(officer.get_role_display()),
                name=approval.name if approval else str(officer.user),
                approved_at=approval.approved_at if approval else None,
            )
        )
    return signatures
