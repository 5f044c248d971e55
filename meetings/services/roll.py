"""The voting roll: derived from the membership history, frozen with the notice, changed after
that only by staff with a reason (audited, with a new fingerprint and an event)."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import (
    AnnualMeeting,
    EventKind,
    MeetingStatus,
    RollChange,
    RollEntry,
    RollReason,
    Standing,
)
from meetings.rendering import roll_pdf
from meetings.selectors.roll import (
    RollLine,
    roll_canonical_of,
    roll_counts,
    roll_lines,
    roll_lines_derived,
)
from meetings.services.events import event_append
from members.models import Organisation

__all__ = [
    "roll_canonical",
    "roll_derive",
    "roll_entry_change",
    "roll_fingerprint",
    "roll_freeze",
    "roll_pdf",  # the roll as PDF (meetings.rendering), for the roll page's download
]

REASON_LENGTH = int(RollChange._meta.get_field("reason").max_length or 0)


def roll_derive(*, meeting: AnnualMeeting) -> list[RollLine]:
    """The roll as the membership history on the record date gives it now; writes nothing
    (the rule: ``meetings.selectors.roll.roll_lines_derived``)."""
    return roll_lines_derived(meeting)


def roll_canonical(meeting: AnnualMeeting) -> bytes:
    """The canonical form of the roll as it stands (stored once frozen, derived before)."""
    return roll_canonical_of(roll_lines(meeting))


def roll_fingerprint(meeting: AnnualMeeting) -> str:
    """SHA-256 (hex) of ``roll_canonical``: printed in the notice and in the minutes."""
    return hashlib.sha256(roll_canonical(meeting)).hexdigest()


def _locked(meeting: AnnualMeeting) -> AnnualMeeting:
    return AnnualMeeting.objects.select_for_update().get(pk=meeting.pk)


def roll_freeze(*, meeting: AnnualMeeting, actor) -> AnnualMeeting:
    """Derive the roll and store it: one ``RollEntry`` per organisation, ``roll_frozen_at`` and
    ``roll_fingerprint`` set, event ROLL_FROZEN. Refused when it is frozen already.

    One transaction, under a lock of the meeting row (a second freeze at once waits, then is
    refused). The caller's transaction when there is one (``notice_send_start``).
    """
    with transaction.atomic():
        locked = _locked(meeting)
        if locked.roll_is_frozen:
            raise ValidationError(
                _("The voting roll was frozen on %(date)s.")
                % {"date": timezone.localtime(locked.roll_frozen_at).strftime("%Y-%m-%d %H:%M")},
                code="roll_frozen",
            )
        lines = roll_lines_derived(locked)
        RollEntry.objects.bulk_create(
            RollEntry(
                meeting=locked,
                organisation=line.organisation,
                standing=line.standing,
                reason=line.reason,
                participant_type=line.participant_type,
                invoice_number=line.invoice_number,
            )
            for line in lines
        )
        locked.roll_frozen_at = timezone.now()
        locked.roll_fingerprint = hashlib.sha256(roll_canonical_of(lines)).hexdigest()
        locked.save(update_fields=["roll_frozen_at", "roll_fingerprint"])
        counts = roll_counts(lines)
        event_append(
            meeting=locked,
            kind=EventKind.ROLL_FROZEN,
            payload={
                "fingerprint": locked.roll_fingerprint,
                "voters": counts[Standing.VOTER],
                "observers": counts[Standing.OBSERVER],
                "not_on_roll": counts[Standing.NONE],
            },
            actor=actor,
        )
    meeting.roll_frozen_at, meeting.roll_fingerprint = (
        locked.roll_frozen_at,
        locked.roll_fingerprint,
    )
    return locked


def roll_entry_change(
    *, meeting: AnnualMeeting, organisation: Organisation, standing: str, reason: str, actor
) -> RollChange:
    """Staff change one organisation's standing on a frozen roll, saying why.

    The rule: only a frozen roll is changed by hand (before that it follows the membership
    history), never once the meeting has closed, and always with a reason. The entry gets
    reason STAFF with the reason as its note; a ``RollChange`` keeps who, when, why and the
    fingerprints before and after; event ROLL_CHANGED. One transaction, meeting row locked.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the voting roll is changed.")})
    if len(reason) > REASON_LENGTH:
        raise ValidationError(
            {"reason": _("Keep the reason to %(n)s characters or fewer.") % {"n": REASON_LENGTH}}
        )
    if standing not in Standing.values:
        raise ValidationError({"standing": _("Choose a standing.")})
    with transaction.atomic():
        locked = _locked(meeting)
        if not locked.roll_is_frozen:
            raise ValidationError(
                _(
                    "The voting roll is not frozen yet: until the notice goes out it follows "
                    "the membership history and cannot be changed by hand."
                ),
                code="roll_not_frozen",
            )
        if locked.status in (MeetingStatus.CLOSED, MeetingStatus.MINUTES_APPROVED):
            raise ValidationError(
                _("The meeting has closed: its voting roll can no longer be changed."),
                code="meeting_closed",
            )
        entry = (
            RollEntry.objects.select_for_update()
            .filter(meeting=locked, organisation=organisation)
            .first()
        )
        before = entry.standing if entry else ""
        if before == standing:
            raise ValidationError(
                {
                    "standing": _("%(organisation)s already has this standing.")
                    % {"organisation": organisation}
                }
            )
        fingerprint_before = locked.roll_fingerprint
        if entry is None:
            entry = RollEntry(meeting=locked, organisation=organisation)
        entry.standing = standing
        entry.reason = RollReason.STAFF
        entry.invoice_number = ""
        entry.note = reason
        entry.save()
        locked.roll_fingerprint = roll_fingerprint(locked)
        locked.save(update_fields=["roll_fingerprint"])
        change = RollChange.objects.create(
            meeting=locked,
            organisation=organisation,
            standing_before=before,
            standing_after=standing,
            reason=reason,
            changed_by=actor,
            fingerprint_before=fingerprint_before,
            fingerprint_after=locked.roll_fingerprint,
        )
        event_append(
            meeting=locked,
            kind=EventKind.ROLL_CHANGED,
            payload={
                "organisation": organisation.organisation_number,
                "before": before,
                "after": standing,
                "reason": reason,
                "fingerprint": locked.roll_fingerprint,
            },
            actor=actor,
        )
    meeting.roll_fingerprint = locked.roll_fingerprint
    return change
