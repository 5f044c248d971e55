"""Presence at a live meeting: intervals of check-in and leaving, per organisation.

The representative or the deputy checks in themselves while the meeting is open, or staff
check them in. The deputy checks in only while the representative is not present; when the
representative arrives while the deputy is checked in, the representative takes over: the
deputy's interval is closed and the representative's opens in the same transaction.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import (
    AnnualMeeting,
    EventKind,
    MeetingMode,
    MeetingStatus,
    Presence,
    Representative,
)
from meetings.services.events import event_append
from members.models import Organisation


def _open_presence(meeting: AnnualMeeting, organisation: Organisation) -> Presence | None:
    return (
        Presence.objects.select_for_update()
        .filter(meeting=meeting, organisation=organisation, checked_out_at__isnull=True)
        .first()
    )


def _leave(presence: Presence, *, at, actor, why: str) -> None:
    presence.checked_out_at = at
    presence.save(update_fields=["checked_out_at"])
    event_append(
        meeting=presence.meeting,
        kind=EventKind.CHECKED_OUT,
        payload={
            "organisation": presence.organisation.organisation_number,
            "user": presence.user_id,
            "why": why,
        },
        actor=actor,
    )


def check_in(*, meeting: AnnualMeeting, organisation: Organisation, user, actor) -> Presence:
    """Check ``user`` in for ``organisation``: only while the meeting is open and live, only
    its representative or deputy, by themselves or by staff. The deputy is refused while the
    representative is present; the representative takes over from a present deputy. Under a
    lock of the meeting row; event CHECKED_IN (and CHECKED_OUT for a deputy replaced)."""
    if actor != user and not actor.is_staff:
        raise ValidationError(
            _("You can check in only yourself; the secretariat checks in others."),
            code="not_self",
        )
    with transaction.atomic():
        locked = AnnualMeeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.mode != MeetingMode.LIVE:
            raise ValidationError(_("A written meeting has no check-in."), code="written_meeting")
        if locked.status != MeetingStatus.OPEN:
            raise ValidationError(
                _("Check-in opens when the meeting opens."), code="meeting_not_open"
            )
        representative = Representative.objects.filter(
            meeting=locked, organisation=organisation
        ).first()
        if representative is None or user not in (representative.user, representative.deputy):
            raise ValidationError(
                _("Only the representative or the deputy of %(organisation)s can be checked in.")
                % {"organisation": organisation},
                code="not_representative",
            )
        as_deputy = user != representative.user
        now = timezone.now()
        present = _open_presence(locked, organisation)
        if present is not None:
            if present.user_id == user.pk:
                raise ValidationError(
                    _("%(person)s is already checked in for %(organisation)s.")
                    % {"person": user, "organisation": organisation},
                    code="already_present",
                )
            if as_deputy:
                raise ValidationError(
                    _("The deputy can check in only while the representative is not checked in."),
                    code="representative_present",
                )
            _leave(present, at=now, actor=actor, why="representative_took_over")
        presence = Presence.objects.create(
            meeting=locked,
            organisation=organisation,
            user=user,
            checked_in_by=actor,
            checked_in_at=now,
        )
        event_append(
            meeting=locked,
            kind=EventKind.CHECKED_IN,
            payload={
                "organisation": organisation.organisation_number,
                "user": user.pk,
                "as": "deputy" if as_deputy else "representative",
                "by_staff": actor != user,
            },
            actor=actor,
        )
    return presence


def check_out(*, meeting: AnnualMeeting, organisation: Organisation, actor) -> Presence:
    """Close the organisation's open interval (the present person or staff); coming back opens
    a new one. Under a lock of the meeting row; event CHECKED_OUT."""
    with transaction.atomic():
        locked = AnnualMeeting.objects.select_for_update().get(pk=meeting.pk)
        present = _open_presence(locked, organisation)
        if present is None:
            raise ValidationError(
                _("%(organisation)s is not checked in.") % {"organisation": organisation},
                code="not_present",
            )
        if actor.pk != present.user_id and not actor.is_staff:
            raise ValidationError(
                _("Only the person checked in, or the secretariat, can check out."),
                code="not_self",
            )
        _leave(present, at=timezone.now(), actor=actor, why="left")
    return present


def presences_close_all(*, meeting: AnnualMeeting, actor, why: str) -> int:
    """Close every open interval of ``meeting`` (the meeting closes); inside the caller's
    transaction, which holds the meeting row."""
    now = timezone.now()
    open_presences = list(
        Presence.objects.select_for_update()
        .filter(meeting=meeting, checked_out_at__isnull=True)
        .select_related("organisation", "meeting")
        .order_by("checked_in_at", "id")
    )
    for presence in open_presences:
        _leave(presence, at=now, actor=actor, why=why)
    return len(open_presences)
