"""The notice (innkalling): a background job that e-mails every active participant's admins.

Each organisation's admins get one e-mail per address, once: the address's ``NoticeRecipient``
row is the natural key (meeting, organisation, address) and names the outbox send request, so a
task redelivered after a worker died queues nothing twice. The rows, with the outbox rows they
link to, are the dispatch log: the evidence that the meeting was lawfully convened.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings import tasks
from meetings.models import (
    AnnualMeeting,
    EventKind,
    MeetingEvent,
    MeetingStatus,
    NoticeRecipient,
    RollEntry,
)
from meetings.rendering import agenda_pdf
from meetings.selectors.meetings import meeting_page_path
from meetings.selectors.roll import ON_THE_ROLL
from meetings.services.events import event_append
from meetings.services.roll import roll_freeze
from members.selectors import (
    MailPurpose,
    organisation_admins_prefetch,
    organisation_mail_recipients,
)
from portal import jobs
from portal.mail import mail_queue, site_url
from portal.models import Job, JobStatus
from portal.queue import enqueue_after_commit

NOTICE_JOB = "meeting-notice"

logger = logging.getLogger(__name__)


def notice_is_late(meeting: AnnualMeeting, today=None) -> bool:
    """Sent after ``notice_due``, the notice gives less than the notice period."""
    return (today or timezone.localdate()) > meeting.notice_due


def notice_send_start(*, meeting: AnnualMeeting, actor, late_reason: str = "") -> Job:
    """Start sending the notice: refuse when later than the notice period allows unless
    ``late_reason`` says why (kept in ``notice_late_reason``); freeze the roll if it is not;
    status DRAFT -> NOTICE_SENT; the job that e-mails everyone is queued after commit.

    One transaction under a lock of the meeting row: a second start waits and is refused.
    """
    late_reason = (late_reason or "").strip()
    with transaction.atomic():
        locked = AnnualMeeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status != MeetingStatus.DRAFT:
            raise ValidationError(
                _("The notice of this meeting has already been sent."), code="notice_sent"
            )
        if notice_is_late(locked) and not late_reason:
            raise ValidationError(
                {
                    "late_reason": _(
                        "The notice is late: to give %(days)s days' notice it had to go out "
                        "by %(due)s. Record why it is sent late to send it anyway."
                    )
                    % {
                        "days": locked.notice_period_days,
                        "due": locked.notice_due.strftime("%d.%m.%Y"),
                    }
                }
            )
        if not locked.roll_is_frozen:
            locked = roll_freeze(meeting=locked, actor=actor)
        locked.status = MeetingStatus.NOTICE_SENT
        locked.notice_sent_at = timezone.now()
        locked.notice_late_reason = late_reason if notice_is_late(locked) else ""
        locked.save(update_fields=["status", "notice_sent_at", "notice_late_reason"])
        organisations = RollEntry.objects.filter(meeting=locked, standing__in=ON_THE_ROLL)
        job = jobs.job_create(
            kind=NOTICE_JOB,
            started_by=actor,
            total=organisations.count(),
            params={"meeting_id": locked.pk},
        )
        enqueue_after_commit(tasks.send_notice, job_id=job.pk)
    for field in ("status", "notice_sent_at", "notice_late_reason"):
        setattr(meeting, field, getattr(locked, field))
    meeting.roll_frozen_at, meeting.roll_fingerprint = (
        locked.roll_frozen_at,
        locked.roll_fingerprint,
    )
    return job


def notice_email_key(recipient: NoticeRecipient) -> str:
    return f"meeting:{recipient.meeting_id}:notice:{recipient.pk}"


def _store_agenda(meeting: AnnualMeeting) -> AnnualMeeting:
    """The agenda PDF, rendered once and kept: every organisation gets the same document."""
    if not meeting.notice_agenda:
        content = ContentFile(agenda_pdf(meeting))
        meeting.notice_agenda.save(f"arsmote-{meeting.year}-sakliste.pdf", content, save=False)
        AnnualMeeting.objects.filter(pk=meeting.pk).update(notice_agenda=meeting.notice_agenda.name)
    return meeting


def _notify_one(*, meeting: AnnualMeeting, entry: RollEntry, attachment: dict) -> int:
    """Queue the notice to each address of one organisation, once; returns how many."""
    addresses = organisation_mail_recipients(entry.organisation, MailPurpose.MEETING_NOTICE)
    context = {
        "meeting": meeting,
        "organisation": entry.organisation,
        "entry": entry,
        "meeting_url": site_url(meeting_page_path(meeting)),
    }
    with transaction.atomic():
        for address in addresses:
            recipient, _created = NoticeRecipient.objects.get_or_create(
                meeting=meeting, organisation=entry.organisation, email=address
            )
            email, _created = mail_queue(
                key=notice_email_key(recipient),
                recipients=[address],
                template="meetings/emails/notice",
                context=context,
                attachments=[attachment],
                about=meeting,
            )
            if recipient.outbound_email_id != email.pk:
                recipient.outbound_email = email
                recipient.save(update_fields=["outbound_email"])
    return len(addresses)


def notice_send_execute(*, job_id: int) -> None:
    """The notice job, as its task runs it: every voter's and observer's admins, each address
    once. A job that is gone or finished is left alone; run again after a worker died, it
    completes what the first run left (the keys make the rest no-ops). Event NOTICE_SENT once,
    at the end."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
        return
    meeting = AnnualMeeting.objects.filter(pk=job.params.get("meeting_id")).first()
    if meeting is None:
        jobs.job_fail(job_id=job_id, message=_("The meeting no longer exists."))
        return
    entries = list(
        RollEntry.objects.filter(meeting=meeting, standing__in=ON_THE_ROLL)
        .select_related("organisation")
        .prefetch_related(_admins_of_organisation())
        .order_by("organisation__name", "organisation_id")
    )
    jobs.job_start(job_id=job_id, total=len(entries))
    addresses, nobody = 0, []
    try:
        with translation.override(settings.LANGUAGE_CODE):
            meeting = _store_agenda(meeting)
            attachment = {
                "path": meeting.notice_agenda.name,
                "filename": f"arsmote-{meeting.year}-sakliste.pdf",
                "mimetype": "application/pdf",
            }
        for entry in entries:
            sent = _notify_one(meeting=meeting, entry=entry, attachment=attachment)
            addresses += sent
            if not sent:
                nobody.append(str(entry.organisation))
            jobs.job_advance(job_id=job_id)
        with transaction.atomic():
            if not MeetingEvent.objects.filter(
                meeting=meeting, kind=EventKind.NOTICE_SENT
            ).exists():
                event_append(
                    meeting=meeting,
                    kind=EventKind.NOTICE_SENT,
                    payload={
                        "organisations": len(entries),
                        "addresses": addresses,
                        "fingerprint": meeting.roll_fingerprint,
                        "late_reason": meeting.notice_late_reason,
                    },
                    actor=job.started_by,
                )
    except Exception:
        logger.exception("The notice of meeting %s failed (job %s).", meeting.pk, job_id)
        jobs.job_fail(job_id=job_id, message=_("The notice could not be sent."))
        raise
    jobs.job_finish(job_id=job_id, message=_summary(len(entries), addresses, nobody))


def _admins_of_organisation():
    prefetch = organisation_admins_prefetch()
    prefetch.add_prefix("organisation")
    return prefetch


def _summary(organisations: int, addresses: int, nobody: list[str]) -> str:
    lines = [
        ngettext("%(n)s organisation written to.", "%(n)s organisations written to.", organisations)
        % {"n": organisations},
        ngettext("%(n)s notice e-mail queued.", "%(n)s notice e-mails queued.", addresses)
        % {"n": addresses},
    ]
    if nobody:
        lines.append(_("Nobody to write to (no administrator, no invoice address):"))
        lines.extend(f"– {name}" for name in nobody)
    return "\n".join(lines)
