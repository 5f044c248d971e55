"""Reads of polls: the open poll, its live state (turnout only while open), the published
receipt list of a closed poll and the lookup of one receipt.

While a poll is open nothing but turnout is shown, named or secret: the counts appear when the
poll is closed and the result is stored.
"""

import hashlib
from dataclasses import dataclass

from meetings.models import AnnualMeeting, Ballot, ItemKind, Participation, Poll, PollStatus
from meetings.selectors.attendance import votes_represented


@dataclass(frozen=True)
class LiveState:
    """What the live page and the projector show of a poll. ``participated`` and
    ``represented`` are the turnout (organisations that voted, votes that can be cast) while it
    is open; ``result`` is the stored result once closed (None before)."""

    poll: Poll
    status: str
    participated: int | None
    represented: int | None
    result: dict | None


@dataclass(frozen=True, order=True)
class Receipt:
    """One line of the published receipt list: the receipt's hash and the choice it carries."""

    receipt_hash: str
    choice: str
    candidates: tuple[int, ...]

    @property
    def canonical(self) -> str:
        candidates = ",".join(str(pk) for pk in self.candidates)
        return f"{self.receipt_hash}\t{self.choice}\t{candidates}\n"


def receipt_code_hash(code: str) -> str:
    """The SHA-256 hex of a receipt code as the voter typed it (surrounding spaces ignored)."""
    return hashlib.sha256(code.strip().encode()).hexdigest()


def open_poll(meeting: AnnualMeeting) -> Poll | None:
    """The poll open now at ``meeting`` (a live meeting has at most one; a written meeting's
    first by agenda order)."""
    return (
        Poll.objects.filter(item__meeting=meeting, status=PollStatus.OPEN)
        .select_related("item__meeting")
        .order_by("item__position")
        .first()
    )


def poll_live_state(poll: Poll) -> LiveState:
    """Turnout of an open poll (two or three queries), the stored result of a closed one (no
    query), nothing of a poll not yet opened. Never a count of choices while open."""
    if poll.status == PollStatus.OPEN:
        election = poll.item.kind == ItemKind.ELECTION
        return LiveState(
            poll=poll,
            status=poll.status,
            participated=Participation.objects.filter(poll=poll).count(),
            represented=votes_represented(poll.item.meeting, election=election),
            result=None,
        )
    if poll.status == PollStatus.CLOSED and poll.result:
        return LiveState(
            poll=poll,
            status=poll.status,
            participated=poll.result["participated"],
            represented=poll.result["represented"],
            result=poll.result,
        )
    return LiveState(
        poll=poll, status=poll.status, participated=None, represented=None, result=None
    )


def receipts_of(poll: Poll) -> list[Receipt]:
    """Every ballot of ``poll`` as a receipt line, sorted by hash, whatever the poll's status
    (the close computes the fingerprint from it; pages use ``receipt_list``)."""
    rows = Ballot.objects.filter(poll=poll).values_list("receipt_hash", "choice", "candidates")
    return sorted(
        Receipt(receipt_hash=receipt_hash, choice=choice, candidates=tuple(sorted(candidates)))
        for receipt_hash, choice, candidates in rows
    )


def receipts_canonical(receipts: list[Receipt]) -> bytes:
    """The published list's bytes: one line per receipt, sorted by hash, tab-separated hash,
    choice and candidate ids (comma-separated, ascending)."""
    return "".join(receipt.canonical for receipt in sorted(receipts)).encode()


def receipts_fingerprint(receipts: list[Receipt]) -> str:
    """SHA-256 hex of ``receipts_canonical``: printed in the minutes."""
    return hashlib.sha256(receipts_canonical(receipts)).hexdigest()


def receipt_list(poll: Poll) -> list[Receipt]:
    """The published receipt list of a closed poll, sorted by hash; empty while it is open."""
    if poll.status != PollStatus.CLOSED:
        return []
    return receipts_of(poll)


def receipt_lookup(*, poll: Poll, code: str) -> Ballot | None:
    """The ballot a receipt code belongs to, once ``poll`` is closed; None for an unknown code
    or while the poll is open (only turnout is shown then)."""
    if poll.status != PollStatus.CLOSED or not code.strip():
        return None
    return Ballot.objects.filter(poll=poll, receipt_hash=receipt_code_hash(code)).first()
