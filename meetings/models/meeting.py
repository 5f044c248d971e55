"""The annual meeting, its settings (what the bylaws decide), proposals and documents.

A meeting changes status only through ``meetings.services``; the settings are plain fields the
secretariat edits while the meeting is a draft.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Organisation


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NOTICE_SENT = "notice_sent", _("Notice sent")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    MINUTES_APPROVED = "approved", _("Minutes approved")


class MeetingMode(models.TextChoices):
    LIVE = "live", _("Live meeting (representatives check in)")
    WRITTEN = "written", _("Written meeting (polls open over a window of days)")


class QuorumRule(models.TextChoices):
    NONE = "none", _("No quorum")
    MINIMUM_PRESENT = "minimum", _("A minimum number of voting organisations present")
    SHARE_OF_ROLL = "share", _("A share of the voting roll present")


class AnnualMeeting(models.Model):
    """One annual meeting (årsmøte), from draft to approved minutes."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    starts_at = models.DateTimeField(_("starts"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    record_date = models.DateField(
        _("record date"), help_text=_("Decides who may vote: the memberships on this date.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT
    )
    mode = models.CharField(
        _("mode"), max_length=8, choices=MeetingMode.choices, default=MeetingMode.LIVE
    )
    # A written meeting's polls are open over this window, without check-in.
    written_opens_at = models.DateTimeField(_("written voting opens"), null=True, blank=True)
    written_closes_at = models.DateTimeField(_("written voting closes"), null=True, blank=True)

    notice_period_days = models.PositiveSmallIntegerField(_("notice period (days)"), default=28)
    proposals_deadline_days = models.PositiveSmallIntegerField(
        _("proposals due (days before)"), default=14
    )
    documents_deadline_days = models.PositiveSmallIntegerField(
        _("documents due (days before)"), default=7
    )
    proxies_allowed = models.BooleanField(_("proxies allowed"), default=True)
    proxy_limit = models.PositiveSmallIntegerField(
        _("most proxies one holder may carry"), default=1
    )
    proxies_count_in_elections = models.BooleanField(_("proxies count in elections"), default=True)
    overdue_may_vote = models.BooleanField(
        _("organisations with an overdue fee invoice may vote"), default=True
    )
    quorum_rule = models.CharField(
        _("quorum rule"), max_length=8, choices=QuorumRule.choices, default=QuorumRule.NONE
    )
    quorum_minimum = models.PositiveSmallIntegerField(
        _("quorum: voting organisations present"), null=True, blank=True
    )
    quorum_share = models.DecimalField(
        _("quorum: share of the roll"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("For example 0.5 for half of the voting roll."),
    )

    roll_frozen_at = models.DateTimeField(_("roll frozen"), null=True, blank=True)
    roll_fingerprint = models.CharField(_("roll fingerprint (SHA-256)"), max_length=64, blank=True)
    notice_sent_at = models.DateTimeField(_("notice sent"), null=True, blank=True)
    notice_late_reason = models.TextField(_("why the notice is late"), blank=True)
    # The agenda PDF attached to every notice, kept as it was sent.
    notice_agenda = models.FileField(
        _("agenda sent with the notice"), upload_to="meetings/notices/", blank=True
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("annual meeting")
        verbose_name_plural = _("annual meetings")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(online_link=""),
                name="meeting_has_place_or_link",
                violation_error_message=_("Give a place, an online link or both."),
            ),
            models.CheckConstraint(
                condition=Q(proxy_limit__gte=1),
                name="meeting_proxy_limit_at_least_one",
                violation_error_message=_("A holder may carry at least one proxy."),
            ),
            models.CheckConstraint(
                condition=~Q(quorum_rule="minimum") | Q(quorum_minimum__gte=1),
                name="meeting_quorum_minimum_given",
                violation_error_message=_("Give the number of voting organisations for quorum."),
            ),
            models.CheckConstraint(
                condition=~Q(quorum_rule="share") | Q(quorum_share__gt=0, quorum_share__lte=1),
                name="meeting_quorum_share_given",
                violation_error_message=_("Give the quorum share as a number above 0, up to 1."),
            ),
            models.CheckConstraint(
                condition=~Q(mode="written")
                | Q(written_opens_at__isnull=True)
                | Q(written_closes_at__isnull=True)
                | Q(written_closes_at__gt=models.F("written_opens_at")),
                name="meeting_written_window_ordered",
                violation_error_message=_("Written voting must close after it opens."),
            ),
        ]

    def __str__(self):
        return str(_("Annual meeting %(year)s") % {"year": self.year})

    @property
    def meeting_date(self) -> datetime.date:
        return self.starts_at.date()

    @property
    def notice_due(self) -> datetime.date:
        """The last day the notice may go out within the notice period."""
        return self.meeting_date - datetime.timedelta(days=self.notice_period_days)

    @property
    def proposals_due(self) -> datetime.date:
        return self.meeting_date - datetime.timedelta(days=self.proposals_deadline_days)

    @property
    def documents_due(self) -> datetime.date:
        return self.meeting_date - datetime.timedelta(days=self.documents_deadline_days)

    @property
    def roll_is_frozen(self) -> bool:
        return self.roll_frozen_at is not None


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ON_AGENDA = "on_agenda", _("Placed on the agenda")
    ANSWERED = "answered", _("Answered")


class Proposal(models.Model):
    """A member's proposal (forslag) for the agenda, sent until the proposals deadline."""

    meeting = models.ForeignKey(AnnualMeeting, on_delete=models.CASCADE, related_name="proposals")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="meeting_proposals"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("proposal"))
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.SUBMITTED,
    )
    answer = models.TextField(_("answer"), blank=True)
    agenda_item = models.OneToOneField(
        "meetings.AgendaItem",
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
    )

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["meeting", "submitted_at", "id"]

    def __str__(self):
        return self.title


class MeetingDocument(models.Model):
    """A document for the meeting (annual report, accounts, budget), due by the documents
    deadline."""

    meeting = models.ForeignKey(AnnualMeeting, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="meetings/documents/")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["meeting", "uploaded_at", "id"]

    def __str__(self):
        return self.title
