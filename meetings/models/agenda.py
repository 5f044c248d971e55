"""Agenda items, their polls, who took part in a poll and what was chosen.

Who voted (``Participation``) is stored apart from what was chosen (``Ballot``): a ballot has a
random id, no timestamp and no link to an organisation, a user or a participation
(docs/meetings-secret-ballot.md). Written only by ``meetings.services.polls``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meetings.models.meeting import AnnualMeeting
from meetings.models.representation import Proxy
from members.models import Organisation


class ItemKind(models.TextChoices):
    INFORMATION = "information", _("Information")
    DECISION = "decision", _("Decision")
    BYLAW_CHANGE = "bylaws", _("Bylaw change")
    ELECTION = "election", _("Election")


class MajorityRule(models.TextChoices):
    SIMPLE = "simple", _("Simple majority of votes cast")
    TWO_THIRDS = "two_thirds", _("Two thirds of votes cast")


class AgendaItem(models.Model):
    meeting = models.ForeignKey(AnnualMeeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    majority_rule = models.CharField(
        _("majority rule"),
        max_length=10,
        choices=MajorityRule.choices,
        default=MajorityRule.SIMPLE,
        help_text=_("Bylaw changes need two thirds unless the bylaws say otherwise."),
    )
    seats = models.PositiveSmallIntegerField(_("seats (elections)"), null=True, blank=True)
    # What the meeting decided, in words, for the minutes (filled in by staff after the poll).
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"], name="agenda_item_position_unique"
            ),
            models.CheckConstraint(
                condition=~Q(kind="election") | Q(seats__gte=1),
                name="election_has_seats",
                violation_error_message=_("An election needs the number of seats."),
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"

    @property
    def is_votable(self) -> bool:
        return self.kind != ItemKind.INFORMATION


class Candidate(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["item", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["item", "name"], name="candidate_once_per_item"),
        ]

    def __str__(self):
        return self.name


class PollStatus(models.TextChoices):
    PENDING = "pending", _("Not opened")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Poll(models.Model):
    """The vote on one agenda item. The result is computed from the stored ballots at close
    and kept, with the rule and the plain sentence of why, for the minutes."""

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="poll")
    secret = models.BooleanField(_("secret ballot"), default=False)
    status = models.CharField(
        _("status"), max_length=8, choices=PollStatus.choices, default=PollStatus.PENDING
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Recorded when the poll opens: voting organisations present, votes they represent, quorum.
    present_at_opening = models.PositiveIntegerField(null=True, blank=True)
    votes_represented_at_opening = models.PositiveIntegerField(null=True, blank=True)
    quorum_met_at_opening = models.BooleanField(null=True, blank=True)
    # The result computed from the ballots at close (meetings.services.results).
    result = models.JSONField(_("result"), null=True, blank=True)
    # An election's tie is decided by a draw; its seed is printed in the minutes.
    draw_seed = models.CharField(_("draw seed"), max_length=64, blank=True)
    receipts_fingerprint = models.CharField(
        _("receipt list fingerprint (SHA-256)"), max_length=64, blank=True
    )

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["item__meeting", "item__position"]

    def __str__(self):
        return str(self.item)


class Choice(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    BLANK = "blank", _("Blank")
    # In an election the ballot lists candidates instead.
    CANDIDATES = "candidates", _("Candidates")


class Participation(models.Model):
    """That an organisation took part in a poll: unique per poll and organisation, the
    database's guarantee of one vote per organisation. It says nothing of the choice in a
    secret poll; in a named poll the choice is public and kept here too."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    via_proxy = models.ForeignKey(
        Proxy, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cast_at = models.DateTimeField(_("cast"))
    # Named polls only; empty in a secret poll.
    named_choice = models.CharField(max_length=10, choices=Choice.choices, blank=True)
    named_candidates = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "organisation"],
                name="one_vote_per_organisation_per_poll",
                violation_error_message=_("This organisation has already voted in this poll."),
            ),
        ]

    def __str__(self):
        return f"{self.poll} · {self.organisation}"


class Ballot(models.Model):
    """What was chosen, with nothing that leads back to who chose it: a random id, the poll, the
    choice and the hash of the voter's receipt code. No timestamp, no default order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    choice = models.CharField(max_length=10, choices=Choice.choices)
    # Candidate ids in an election (at most the item's seats; none is a blank ballot).
    candidates = models.JSONField(default=list, blank=True)
    receipt_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self):
        return str(self.id)
