"""Polls: created for a votable item, opened and closed by staff, cast by the representatives.

Lock order (what makes a cast racing the close either counted or refused, never stored after
the close): ``poll_open`` and ``poll_close`` lock the meeting row, then the poll row FOR UPDATE;
``vote_cast`` locks only the poll row, FOR SHARE in a named poll (casts run side by side) and
FOR NO KEY UPDATE in a secret one (casts run one after the other, so each sees every earlier
ballot when it re-mints them). A cast holding its lock delays the close until it commits and is
counted; a cast that asks after the close took its lock reads the closed status and is refused.

On PostgreSQL a poll's "gate" (a transaction-level advisory lock on the poll id) comes first:
shared for a cast, exclusive for the close. Row share locks let a stream of new casts pass a
waiting close for as long as the stream lasts; the advisory lock queues fairly, so once staff
close, later casts wait behind the close and are refused.

Secret polls (docs/meetings-secret-ballot.md): a cast writes its participation and its ballot in
one transaction and re-inserts every ballot of the poll in a random order in that transaction,
so all ballots carry the same transaction id (``xmin``) and no physical order; the close
re-mints them once more, shuffled, with new random ids. Ballots never enter the audit log or
an event.
"""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings.models import (
    AgendaItem,
    AnnualMeeting,
    Ballot,
    Choice,
    EventKind,
    ItemKind,
    MeetingMode,
    MeetingStatus,
    Participation,
    Poll,
    PollStatus,
    QuorumRule,
)
from meetings.selectors.attendance import cast_right, quorum_state, votes_represented
from meetings.selectors.polls import receipt_code_hash, receipts_fingerprint, receipts_of
from meetings.services.events import event_append
from meetings.services.results import poll_result
from members.models import Organisation, User

MOTION_CHOICES = (Choice.YES, Choice.NO, Choice.BLANK)


def _is_election(item: AgendaItem) -> bool:
    return item.kind == ItemKind.ELECTION


def poll_create(*, item: AgendaItem, secret: bool | None = None) -> Poll:
    """The poll of a votable agenda item, not yet open. ``secret=None`` takes the default: an
    election with more candidates than seats is secret, anything else named. One transaction."""
    if not item.is_votable:
        raise ValidationError(_("An information item has no vote."))
    if item.meeting.status in (MeetingStatus.CLOSED, MeetingStatus.MINUTES_APPROVED):
        raise ValidationError(_("The meeting is closed."))
    if secret is None:
        secret = _is_election(item) and item.candidates.count() > (item.seats or 1)
    try:
        with transaction.atomic():
            return Poll.objects.create(item=item, secret=secret)
    except IntegrityError as error:
        raise ValidationError(_("This item already has a poll.")) from error


# The advisory lock's first key ("meet"); the second is the poll id.
GATE_KEY = 0x6D656574


def _gate(poll_id: int, *, exclusive: bool) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite runs one writer at a time
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [GATE_KEY, poll_id])


def _lock_meeting_and_poll(poll: Poll, *, gate: bool = False) -> tuple[AnnualMeeting, Poll]:
    meeting = AnnualMeeting.objects.select_for_update().get(pk=poll.item.meeting_id)
    if gate:
        _gate(poll.pk, exclusive=True)
    locked = Poll.objects.select_for_update().get(pk=poll.pk)
    locked.item = AgendaItem.objects.get(pk=locked.item_id)
    locked.item.meeting = meeting
    return meeting, locked


def poll_open(*, poll: Poll, actor: User) -> Poll:
    """Open ``poll``: the meeting is open, the item votable, the poll not opened before; in a
    live meeting no other poll is open; in a written meeting the voting window is set and not
    over (casting happens only inside it). Where the meeting has a quorum rule, a poll does not
    open without quorum. Records the voting organisations present, the votes they represent
    and the quorum at opening. One transaction, event POLL_OPENED."""
    with transaction.atomic():
        meeting, poll = _lock_meeting_and_poll(poll)
        item = poll.item
        if meeting.status != MeetingStatus.OPEN:
            raise ValidationError(_("The meeting is not open: open it before its polls."))
        if not item.is_votable:
            raise ValidationError(_("An information item has no vote."))
        if poll.status == PollStatus.OPEN:
            raise ValidationError(_("This poll is already open."))
        if poll.status == PollStatus.CLOSED:
            raise ValidationError(_("This poll is closed and cannot be opened again."))
        if _is_election(item) and not item.candidates.exists():
            raise ValidationError(_("An election needs at least one candidate."))
        if meeting.mode == MeetingMode.WRITTEN:
            if not (meeting.written_opens_at and meeting.written_closes_at):
                raise ValidationError(_("Set the written voting window before opening a poll."))
            if timezone.now() >= meeting.written_closes_at:
                raise ValidationError(_("The written voting window has closed."))
        else:
            other = (
                Poll.objects.filter(item__meeting=meeting, status=PollStatus.OPEN)
                .select_related("item")
                .first()
            )
            if other is not None:
                raise ValidationError(
                    _("Another poll is open: %(item)s. Close it first.") % {"item": other.item}
                )
        quorum = quorum_state(meeting)
        if meeting.quorum_rule != QuorumRule.NONE and not quorum.met:
            raise ValidationError(
                _(
                    "There is no quorum: %(present)s voting organisations present, "
                    "%(required)s required."
                )
                % {"present": quorum.present, "required": quorum.required}
            )
        poll.present_at_opening = quorum.present
        poll.votes_represented_at_opening = votes_represented(meeting, election=_is_election(item))
        poll.quorum_met_at_opening = quorum.met
        poll.status = PollStatus.OPEN
        poll.opened_at = timezone.now()
        poll.opened_by = actor
        poll.save()
        event_append(
            meeting=meeting,
            kind=EventKind.POLL_OPENED,
            payload={
                "poll": poll.pk,
                "item": item.position,
                "title": item.title,
                "secret": poll.secret,
                "present": poll.present_at_opening,
                "represented": poll.votes_represented_at_opening,
                "quorum_met": poll.quorum_met_at_opening,
            },
            actor=actor,
        )
    return poll


def _ballots_remint(poll: Poll, *, fresh_ids: bool, add: tuple[Ballot, ...] = ()) -> None:
    """Delete and re-insert every ballot of ``poll`` (and ``add``) in a random order, inside the
    caller's transaction: all rows get this transaction's ``xmin`` and a physical order that
    says nothing of when each was cast. ``fresh_ids`` gives every ballot a new random id."""
    ballots = [
        Ballot(
            id=uuid.uuid4() if fresh_ids else pk,
            poll_id=poll.pk,
            choice=choice,
            candidates=candidates,
            receipt_hash=receipt_hash,
        )
        for pk, choice, candidates, receipt_hash in Ballot.objects.filter(poll=poll).values_list(
            "id", "choice", "candidates", "receipt_hash"
        )
    ]
    Ballot.objects.filter(poll=poll).delete()
    ballots.extend(add)
    secrets.SystemRandom().shuffle(ballots)
    Ballot.objects.bulk_create(ballots)


def _closed_payload(poll: Poll) -> dict:
    result: dict = poll.result or {}
    counts = {key: result[key] for key in ("cast", "participated", "represented", "blank")}
    if result["kind"] == "election":
        counts["candidates"] = [
            {"name": c["name"], "votes": c["votes"], "elected": c["elected"]}
            for c in result["candidates"]
        ]
    else:
        counts.update(yes=result["yes"], no=result["no"], passed=result["passed"])
    return {
        "poll": poll.pk,
        "item": poll.item.position,
        "title": poll.item.title,
        "result": counts,
        "draw_seed": poll.draw_seed,
        "receipts_fingerprint": poll.receipts_fingerprint,
    }


def poll_close(*, poll: Poll, actor: User | None) -> Poll:
    """Close an open ``poll``: waits for the casts in flight (they hold the poll row), then
    computes the result from the stored ballots with the votes represented now, its sentence in
    the meeting's language, and a draw's seed; re-mints a secret poll's ballots shuffled with
    new ids; stores the receipt list's fingerprint. ``actor`` None: closed by the written
    meeting's window (``polls_close_due``). One transaction, event POLL_CLOSED with the counts,
    never a ballot."""
    with transaction.atomic():
        meeting, poll = _lock_meeting_and_poll(poll, gate=True)
        if poll.status != PollStatus.OPEN:
            raise ValidationError(_("This poll is not open."))
        represented = votes_represented(meeting, election=_is_election(poll.item))
        if poll.secret:
            _ballots_remint(poll, fresh_ids=True)
        with translation.override(settings.LANGUAGE_CODE):
            poll.result = poll_result(poll, represented=represented)
        poll.draw_seed = poll.result["draw_seed"]
        poll.receipts_fingerprint = receipts_fingerprint(receipts_of(poll))
        poll.status = PollStatus.CLOSED
        poll.closed_at = timezone.now()
        poll.closed_by = actor
        poll.save()
        event_append(
            meeting=meeting, kind=EventKind.POLL_CLOSED, payload=_closed_payload(poll), actor=actor
        )
    return poll


def polls_close_due(*, now=None) -> int:
    """Close every open poll of a written meeting whose voting window has ended (the periodic
    task). Each poll in its own transaction; one closed meanwhile is left alone. Returns how
    many were closed."""
    now = now or timezone.now()
    due = Poll.objects.filter(
        status=PollStatus.OPEN,
        item__meeting__mode=MeetingMode.WRITTEN,
        item__meeting__written_closes_at__lte=now,
    ).select_related("item")
    closed = 0
    for poll in due:
        try:
            poll_close(poll=poll, actor=None)
        except ValidationError:
            continue
        closed += 1
    return closed


def _lock_for_cast(poll_id: int, *, secret: bool) -> tuple[str, bool]:
    """Lock the poll row for a cast (see the module docstring); its status and secrecy."""
    clause = ""
    if connection.vendor == "postgresql":
        clause = " FOR NO KEY UPDATE" if secret else " FOR SHARE"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status, secret FROM meetings_poll WHERE id = %s{clause}", [poll_id])  # noqa: S608 -- the clause is one of two constants
        row = cursor.fetchone()
    if row is None:
        raise ValidationError(_("This poll does not exist."))
    status, is_secret = row[0], bool(row[1])
    if is_secret and not secret:
        return _lock_for_cast(poll_id, secret=True)
    return status, is_secret


def _window_check(meeting: AnnualMeeting) -> None:
    if meeting.mode != MeetingMode.WRITTEN:
        return
    now = timezone.now()
    opens, closes = meeting.written_opens_at, meeting.written_closes_at
    if opens and now < opens:
        raise ValidationError(
            _("Written voting opens %(time)s.")
            % {"time": formats.date_format(timezone.localtime(opens), "SHORT_DATETIME_FORMAT")}
        )
    if closes and now >= closes:
        raise ValidationError(
            _("Written voting closed %(time)s.")
            % {"time": formats.date_format(timezone.localtime(closes), "SHORT_DATETIME_FORMAT")}
        )


def _election_choice(item: AgendaItem, choice, candidate_ids) -> tuple[str, list[int]]:
    if choice not in (None, "", Choice.BLANK, Choice.CANDIDATES):
        raise ValidationError(_("In an election, mark candidates (none for a blank ballot)."))
    ids = list(candidate_ids or [])
    if choice == Choice.BLANK and ids:
        raise ValidationError(_("A blank ballot names no candidates."))
    if not ids:
        return Choice.BLANK, []
    if any(not isinstance(pk, int) or isinstance(pk, bool) for pk in ids):
        raise ValidationError(_("Choose only this election's candidates."))
    if len(set(ids)) != len(ids):
        raise ValidationError(_("Mark each candidate only once."))
    seats = item.seats or 1
    if len(ids) > seats:
        raise ValidationError(
            ngettext(
                "Mark at most %(seats)s candidate.", "Mark at most %(seats)s candidates.", seats
            )
            % {"seats": seats}
        )
    if item.candidates.filter(pk__in=ids).count() != len(ids):
        raise ValidationError(_("Choose only this election's candidates."))
    return Choice.CANDIDATES, sorted(ids)


def _validated_choice(item: AgendaItem, choice, candidate_ids) -> tuple[str, list[int]]:
    if _is_election(item):
        return _election_choice(item, choice, candidate_ids)
    if candidate_ids:
        raise ValidationError(_("A motion is voted yes, no or blank, not with candidates."))
    if choice not in MOTION_CHOICES:
        raise ValidationError(_("Choose yes, no or blank."))
    return Choice(choice), []


def vote_cast(
    *,
    poll: Poll,
    organisation: Organisation,
    user: User,
    choice: str | None = None,
    candidate_ids: list[int] | None = None,
) -> str:
    """Cast ``organisation``'s vote in ``poll`` as ``user`` and return the receipt code, shown
    once (only its SHA-256 is stored, on the ballot).

    Only while the poll is open (in a written meeting also inside the voting window), only by a
    person with a cast right for the organisation (``attendance.cast_right``), one vote per
    organisation and poll (the participation's unique constraint; the loser of a race is told
    it has already voted), final once cast. A motion takes yes, no or blank; an election at
    most ``seats`` distinct candidates of its item (none is blank). Participation and ballot
    are written in one transaction; a secret poll's ballots are re-minted in it; a named poll
    keeps the choice on the participation too."""
    code = secrets.token_urlsafe(16)
    try:
        with transaction.atomic():
            _gate(poll.pk, exclusive=False)
            status, secret = _lock_for_cast(poll.pk, secret=poll.secret)
            if status == PollStatus.PENDING:
                raise ValidationError(_("This poll has not opened yet."))
            if status == PollStatus.CLOSED:
                raise ValidationError(_("This poll is closed."))
            poll = Poll.objects.select_related("item__meeting").get(pk=poll.pk)
            item, meeting = poll.item, poll.item.meeting
            _window_check(meeting)
            right = cast_right(meeting=meeting, user=user, organisation=organisation, poll=poll)
            ballot_choice, candidates = _validated_choice(item, choice, candidate_ids)
            Participation.objects.create(
                poll=poll,
                organisation=organisation,
                cast_by=user,
                via_proxy=right.via_proxy,
                cast_at=timezone.now(),
                named_choice="" if secret else ballot_choice,
                named_candidates=[] if secret else candidates,
            )
            ballot = Ballot(
                poll=poll,
                choice=ballot_choice,
                candidates=candidates,
                receipt_hash=receipt_code_hash(code),
            )
            if secret:
                _ballots_remint(poll, fresh_ids=False, add=(ballot,))
            else:
                ballot.save(force_insert=True)
    except IntegrityError as error:
        raise ValidationError(
            _("%(org)s has already voted in this poll; a vote is final once cast.")
            % {"org": organisation}
        ) from error
    return code
