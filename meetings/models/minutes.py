"""The minutes (protokoll) as versioned, approved PDFs, and the meeting's event chain."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meetings.models.meeting import AnnualMeeting
from meetings.models.representation import MeetingOfficer


class Minutes(models.Model):
    """One version of the minutes. A correction is a new version, never an edit.

    ``draft_pdf`` is what the officers approve (its SHA-256 in ``draft_sha256``); once the chair
    and both co-signers have approved, ``pdf`` is rendered with their names and times and its
    SHA-256 is the record. Written only by ``meetings.services.minutes``.
    """

    meeting = models.ForeignKey(AnnualMeeting, on_delete=models.CASCADE, related_name="minutes")
    version = models.PositiveSmallIntegerField(_("version"))
    correction_note = models.TextField(_("what this version corrects"), blank=True)
    draft_pdf = models.FileField(_("draft"), upload_to="meetings/minutes/")
    draft_sha256 = models.CharField(_("draft SHA-256"), max_length=64)
    # The body as rendered for the draft: the approved PDF prints this same body with the
    # approvals, so the record says what the officers approved even if a row changes later.
    body_html = models.TextField(editable=False, blank=True)
    pdf = models.FileField(_("approved minutes"), upload_to="meetings/minutes/", blank=True)
    sha256 = models.CharField(_("approved SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        ordering = ["meeting", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "version"], name="minutes_version_unique"),
        ]

    def __str__(self):
        return str(
            _("Minutes %(year)s, version %(version)s")
            % {
                "year": self.meeting.year,
                "version": self.version,
            }
        )


class MinutesApproval(models.Model):
    """An officer's approval of one version, with the name as it was and the time."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="approvals")
    officer = models.ForeignKey(MeetingOfficer, on_delete=models.PROTECT, related_name="approvals")
    name = models.CharField(_("name"), max_length=200)
    approved_at = models.DateTimeField(_("approved"))

    class Meta:
        verbose_name = _("minutes approval")
        verbose_name_plural = _("minutes approvals")
        ordering = ["minutes", "approved_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "officer"], name="one_approval_per_officer_and_version"
            ),
        ]

    def __str__(self):
        return f"{self.name} · {self.approved_at:%Y-%m-%d %H:%M}"


class EventKind(models.TextChoices):
    ROLL_FROZEN = "roll_frozen", _("Voting roll frozen")
    ROLL_CHANGED = "roll_changed", _("Voting roll changed")
    NOTICE_SENT = "notice_sent", _("Notice sent")
    PROXY_GIVEN = "proxy_given", _("Proxy given")
    PROXY_WITHDRAWN = "proxy_withdrawn", _("Proxy withdrawn")
    MEETING_OPENED = "opened", _("Meeting opened")
    CHECKED_IN = "checked_in", _("Checked in")
    CHECKED_OUT = "checked_out", _("Left the meeting")
    POLL_OPENED = "poll_opened", _("Poll opened")
    POLL_CLOSED = "poll_closed", _("Poll closed")
    MEETING_CLOSED = "closed", _("Meeting closed")
    MINUTES_APPROVED = "minutes_approved", _("Minutes approved")


class MeetingEvent(models.Model):
    """One link of the meeting's hash chain: ``hash`` = SHA-256 of the previous link's hash and
    this event's canonical form. Never a ballot. Appended only by ``meetings.services.events``."""

    meeting = models.ForeignKey(AnnualMeeting, on_delete=models.CASCADE, related_name="events")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    payload = models.JSONField(default=dict)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("meeting event")
        verbose_name_plural = _("meeting events")
        ordering = ["meeting", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "sequence"], name="event_sequence_unique"),
        ]

    def __str__(self):
        return f"{self.sequence} · {self.get_kind_display()}"
