"""Membership periods. They change only through ``members.services.memberships``."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models.organisations import Organisation, ParticipantType


class MembershipStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
    REJECTED = "rejected", _("Rejected")


class Membership(models.Model):
    """One period of participation with one participant type.

    A change of type ends the current period and opens the next, so the history answers
    "what was organisation X on date D". Periods change only through ``members.services``.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    participant_type = models.CharField(
        _("participant type"), max_length=10, choices=ParticipantType.choices
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership period")
        verbose_name_plural = _("membership periods")
        ordering = ["organisation", "-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
                violation_error_message=_("A membership period cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(end_date__isnull=True, status__in=["applied", "active"]),
                name="one_open_membership_per_organisation",
                violation_error_message=_(
                    "This organisation already has an open membership period."
                ),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "start_date"])]

    def __str__(self):
        end = self.end_date.isoformat() if self.end_date else "…"
        return (
            f"{self.organisation} · {self.get_participant_type_display()} · {self.start_date}–{end}"
        )
