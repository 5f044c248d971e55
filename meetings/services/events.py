"""The meeting's event chain: roll frozen, notice sent, check-ins, proxies, polls opened and
closed, minutes approved; never a ballot.

Each link's ``hash`` is the SHA-256 of the previous link's hash and the event's canonical form
(``canonical_event``), so changing or removing any past event changes every later hash; the
last hash is printed in the minutes. The first link's previous hash is 64 zeros.
"""

import datetime
import hashlib
import json

from django.db import transaction
from django.utils import timezone

from meetings.models import AnnualMeeting, EventKind, MeetingEvent

GENESIS = "0" * 64


def canonical_event(
    *, meeting_id: int, sequence: int, kind: str, payload: dict, at, actor_id
) -> bytes:
    """The bytes a link hashes: sorted-key JSON without spaces, the time in UTC ISO 8601."""
    return json.dumps(
        {
            "meeting": meeting_id,
            "sequence": sequence,
            "kind": kind,
            "payload": payload,
            "at": at.astimezone(datetime.UTC).isoformat(),
            "actor": actor_id,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


def link_hash(previous_hash: str, canonical: bytes) -> str:
    return hashlib.sha256(previous_hash.encode() + canonical).hexdigest()


def event_append(
    *, meeting: AnnualMeeting, kind: EventKind, payload: dict | None = None, actor=None
) -> MeetingEvent:
    """Append one event to ``meeting``'s chain, inside the caller's transaction.

    The meeting row is locked so two writers never take the same sequence number; ``payload``
    must be JSON (ids, names, times as ISO strings) and must never describe a ballot.
    """
    payload = payload or {}
    with transaction.atomic():
        AnnualMeeting.objects.select_for_update().only("pk").get(pk=meeting.pk)
        last = MeetingEvent.objects.filter(meeting=meeting).order_by("-sequence").first()
        sequence = last.sequence + 1 if last else 1
        previous_hash = last.hash if last else GENESIS
        at = timezone.now()
        actor_id = actor.pk if actor is not None else None
        canonical = canonical_event(
            meeting_id=meeting.pk,
            sequence=sequence,
            kind=str(kind),
            payload=payload,
            at=at,
            actor_id=actor_id,
        )
        return MeetingEvent.objects.create(
            meeting=meeting,
            sequence=sequence,
            kind=kind,
            payload=payload,
            at=at,
            actor_id=actor_id,
            previous_hash=previous_hash,
            hash=link_hash(previous_hash, canonical),
        )


def chain_verify(meeting: AnnualMeeting) -> bool:
    """Recompute every link from the stored events; False if any was changed or removed."""
    previous_hash = GENESIS
    for expected_sequence, event in enumerate(meeting.events.order_by("sequence"), start=1):
        canonical = canonical_event(
            meeting_id=meeting.pk,
            sequence=event.sequence,
            kind=event.kind,
            payload=event.payload,
            at=event.at,
            actor_id=event.actor_id,
        )
        if (
            event.sequence != expected_sequence
            or event.previous_hash != previous_hash
            or event.hash != link_hash(previous_hash, canonical)
        ):
            return False
        previous_hash = event.hash
    return True


def chain_head(meeting: AnnualMeeting) -> str:
    """The last link's hash (printed in the minutes), or the genesis hash for no events."""
    last = meeting.events.order_by("-sequence").only("hash").first()
    return last.hash if last else GENESIS
