"""A meeting's opening and closing: NOTICE_SENT -> OPEN -> CLOSED, each with its event."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import AnnualMeeting, EventKind, MeetingStatus, Poll, PollStatus
from meetings.services.events import event_append
from meetings.services.presence import presences_close_all


def meeting_open(*, meeting: AnnualMeeting, actor) -> AnnualMeeting:
    """Open a meeting whose notice has been sent: check-in and polls may start, proxies and
    representatives are fixed from now on. Meeting row locked; event MEETING_OPENED."""
    with transaction.atomic():
        locked = AnnualMeeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status == MeetingStatus.DRAFT:
            raise ValidationError(
                _("Send the notice before the meeting opens."), code="notice_not_sent"
            )
        if locked.status != MeetingStatus.NOTICE_SENT:
            raise ValidationError(_("The meeting has already opened."), code="already_open")
        locked.status = MeetingStatus.OPEN
        locked.opened_at = timezone.now()
        locked.save(update_fields=["status", "opened_at"])
        event_append(meeting=locked, kind=EventKind.MEETING_OPENED, actor=actor)
    meeting.status, meeting.opened_at = locked.status, locked.opened_at
    return locked


def meeting_close(*, meeting: AnnualMeeting, actor) -> AnnualMeeting:
    """Close an open meeting: refused while a poll is open; every open presence interval is
    closed at the same moment. Meeting row locked; events CHECKED_OUT and MEETING_CLOSED."""
    with transaction.atomic():
        locked = AnnualMeeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status != MeetingStatus.OPEN:
            raise ValidationError(_("Only an open meeting can be closed."), code="not_open")
        open_poll = (
            Poll.objects.filter(item__meeting=locked, status=PollStatus.OPEN)
            .select_related("item")
            .first()
        )
        if open_poll is not None:
            raise ValidationError(
                _("Close the open poll first: %(item)s.") % {"item": open_poll.item},
                code="poll_open",
            )
        left = presences_close_all(meeting=locked, actor=actor, why="meeting_closed")
        locked.status = MeetingStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        event_append(
            meeting=locked,
            kind=EventKind.MEETING_CLOSED,
            payload={"present_at_close": left},
            actor=actor,
        )
    meeting.status, meeting.closed_at = locked.status, locked.closed_at
    return locked
