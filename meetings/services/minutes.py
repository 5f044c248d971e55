"""The minutes (protokoll): drafted as a PDF once the meeting is closed, approved in the portal by
the chair and the two co-signers, and then the record; a correction is a new version."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from meetings.models import (
    AnnualMeeting,
    EventKind,
    MeetingOfficer,
    MeetingStatus,
    Minutes,
    MinutesApproval,
    OfficerRole,
)
from meetings.selectors.minutes import minutes_content, minutes_signatures, officer_signatures
from meetings.services.events import chain_head, event_append

CO_SIGNERS = 2


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 -- slow to import; only PDF rendering needs it

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def _document(*, meeting, version, correction_note, body, signatures, draft_sha256="") -> str:
    return render_to_string(
        "meetings/pdf/minutes.html",
        {
            "meeting": meeting,
            "version": version,
            "correction_note": correction_note,
            "body": body,
            "signatures": signatures,
            "draft_sha256": draft_sha256,
        },
    )


def _filename(minutes: Minutes, *, draft: bool) -> str:
    suffix = "-utkast" if draft else ""
    return f"protokoll-{minutes.meeting.year}-v{minutes.version}{suffix}.pdf"


def minutes_draft(*, meeting: AnnualMeeting, actor, correction_note: str = "") -> Minutes:
    """Draft the next version of ``meeting``'s minutes as a PDF, in the meeting's language.

    Only a closed meeting gets minutes; once they are approved, a correction is a new version
    that says what it corrects (``correction_note``), and every earlier version stays exactly
    as it was. The body is kept with the version so the approved PDF prints what the officers
    approved. One transaction, with the meeting row locked so two drafts never take the same
    version number.
    """
    correction_note = correction_note.strip()
    with transaction.atomic():
        meeting = AnnualMeeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status == MeetingStatus.MINUTES_APPROVED:
            if not correction_note:
                raise ValidationError(
                    {
                        "correction_note": _(
                            "The minutes are approved: a new version must say what it corrects."
                        )
                    }
                )
        elif meeting.status != MeetingStatus.CLOSED:
            raise ValidationError(_("The minutes can be drafted once the meeting is closed."))
        last = Minutes.objects.filter(meeting=meeting).order_by("-version").first()
        version = last.version + 1 if last else 1
        minutes = Minutes(
            meeting=meeting, version=version, correction_note=correction_note, created_by=actor
        )
        with translation.override(settings.LANGUAGE_CODE):
            minutes.body_html = render_to_string(
                "meetings/pdf/minutes_body.html",
                {"content": minutes_content(meeting), "chain_head": chain_head(meeting)},
            )
            pdf = _pdf(
                _document(
                    meeting=meeting,
                    version=version,
                    correction_note=correction_note,
                    body=minutes.body_html,
                    signatures=officer_signatures(meeting),
                )
            )
        minutes.draft_sha256 = hashlib.sha256(pdf).hexdigest()
        minutes.draft_pdf.save(_filename(minutes, draft=True), ContentFile(pdf), save=False)
        minutes.save()
    return minutes


def _officer_of(meeting: AnnualMeeting, user) -> tuple[MeetingOfficer, list]:
    officers = list(MeetingOfficer.objects.filter(meeting=meeting).select_related("user"))
    chairs = [officer for officer in officers if officer.role == OfficerRole.CHAIR]
    co_signers = [officer for officer in officers if officer.role == OfficerRole.CO_SIGNER]
    if not chairs or len(co_signers) < CO_SIGNERS:
        raise ValidationError(
            _("The minutes can be approved once a chair and two co-signers are appointed.")
        )
    officer = next((officer for officer in officers if officer.user_id == user.pk), None)
    if officer is None:
        raise ValidationError(
            _("Only the chair and the co-signers of this meeting can approve its minutes.")
        )
    return officer, officers


def minutes_approve(*, minutes: Minutes, user) -> MinutesApproval:
    """Record that ``user``, an officer of the meeting, approves this version of the minutes.

    Each officer approves each version once, only the latest version, and only once the meeting
    is closed; the name is recorded as it is now. When the chair and every co-signer have
    approved, the approved PDF (the draft's body with the approvals and the draft's SHA-256) is
    rendered and stored with its own SHA-256, the meeting's status becomes "minutes approved"
    and the event chain gets MINUTES_APPROVED. One transaction, with the meeting and the version
    locked, so two officers approving at once both count and the record is rendered once.
    """
    with transaction.atomic():
        meeting = AnnualMeeting.objects.select_for_update().get(pk=minutes.meeting_id)
        minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
        if meeting.status not in (MeetingStatus.CLOSED, MeetingStatus.MINUTES_APPROVED):
            raise ValidationError(_("The minutes can be approved once the meeting is closed."))
        latest = Minutes.objects.filter(meeting=meeting).order_by("-version")[0]
        if minutes.version != latest.version:
            raise ValidationError(
                _(
                    "This is an older version of the minutes; version %(latest)s is the one "
                    "to approve."
                )
                % {"latest": latest.version}
            )
        if minutes.approved_at is not None:
            raise ValidationError(_("This version of the minutes is already approved."))
        officer, officers = _officer_of(meeting, user)
        if MinutesApproval.objects.filter(minutes=minutes, officer=officer).exists():
            raise ValidationError(_("You have already approved this version of the minutes."))
        now = timezone.now()
        approval = MinutesApproval.objects.create(
            minutes=minutes, officer=officer, name=user.get_full_name(), approved_at=now
        )
        approved = set(
            MinutesApproval.objects.filter(minutes=minutes).values_list("officer_id", flat=True)
        )
        if approved >= {officer.pk for officer in officers}:
            _record(minutes=minutes, meeting=meeting, user=user, at=now)
    return approval


def _record(*, minutes: Minutes, meeting: AnnualMeeting, user, at) -> None:
    """Render and store the approved PDF, and mark the meeting's minutes approved."""
    minutes.meeting = meeting
    with translation.override(settings.LANGUAGE_CODE):
        pdf = _pdf(
            _document(
                meeting=meeting,
                version=minutes.version,
                correction_note=minutes.correction_note,
                body=minutes.body_html,
                signatures=minutes_signatures(minutes),
                draft_sha256=minutes.draft_sha256,
            )
        )
    minutes.sha256 = hashlib.sha256(pdf).hexdigest()
    minutes.approved_at = at
    minutes.pdf.save(_filename(minutes, draft=False), ContentFile(pdf), save=False)
    minutes.save(update_fields=["pdf", "sha256", "approved_at"])
    if meeting.status != MeetingStatus.MINUTES_APPROVED:
        meeting.status = MeetingStatus.MINUTES_APPROVED
        meeting.save(update_fields=["status"])
    event_append(
        meeting=meeting,
        kind=EventKind.MINUTES_APPROVED,
        payload={"version": minutes.version, "sha256": minutes.sha256},
        actor=user,
    )
