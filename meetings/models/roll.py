"""The voting roll (manntall): derived from the membership history, frozen with the notice.

Entries are written only by ``meetings.services.roll``: derived, never typed. A change by staff
after the roll is frozen needs a reason and leaves a ``RollChange`` (and a new fingerprint).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meetings.models.meeting import AnnualMeeting
from members.models import Organisation


class Standing(models.TextChoices):
    VOTER = "voter", _("Voting right")
    OBSERVER = "observer", _("Observer")
    NONE = "none", _("Not on the roll")


class RollReason(models.TextChoices):
    CORE = "core", _("Core company on the record date")
    NOT_CORE = "not_core", _("Not a core company on the record date: observer")
    OVERDUE = "overdue", _("Fee invoice overdue on the record date and still unpaid")
    ENDED = "ended", _("Participation ended before the record date")
    STAFF = "staff", _("Changed by the secretariat")


class RollEntry(models.Model):
    """One organisation's standing at one meeting, with the reason it has it."""

    meeting = models.ForeignKey(AnnualMeeting, on_delete=models.CASCADE, related_name="roll")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="roll_entries"
    )
    standing = models.CharField(_("standing"), max_length=8, choices=Standing.choices)
    reason = models.CharField(_("reason"), max_length=8, choices=RollReason.choices)
    # Participant type on the record date ("" when it was not a participant then).
    participant_type = models.CharField(_("participant type"), max_length=10, blank=True)
    # The overdue fee invoice that took the vote away (RollReason.OVERDUE).
    invoice_number = models.CharField(_("overdue invoice"), max_length=20, blank=True)
    # Staff's reason when they changed the entry (RollReason.STAFF).
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("voting roll entry")
        verbose_name_plural = _("voting roll")
        ordering = ["meeting", "organisation__name", "organisation_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="one_roll_entry_per_organisation"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.get_standing_display()}"


class RollChange(models.Model):
    """A change by staff to a frozen roll: who, when, why, and the fingerprints around it."""

    meeting = models.ForeignKey(
        AnnualMeeting, on_delete=models.CASCADE, related_name="roll_changes"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    standing_before = models.CharField(
        _("standing before"), max_length=8, choices=Standing.choices, blank=True
    )
    standing_after = models.CharField(_("standing after"), max_length=8, choices=Standing.choices)
    reason = models.CharField(_("reason"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)
    fingerprint_before = models.CharField(max_length=64)
    fingerprint_after = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("voting roll change")
        verbose_name_plural = _("voting roll changes")
        ordering = ["meeting", "changed_at", "id"]

    def __str__(self):
        return f"{self.organisation}: {self.standing_before} → {self.standing_after}"
