"""Who speaks for an organisation at a meeting: its representative and deputy, the proxies it
gives or holds, its presence in the room, and who received the notice. Written only by
``meetings.services``."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from meetings.models.meeting import AnnualMeeting
from members.models import Organisation


class Representative(models.Model):
    """A voting organisation's voting representative and optional deputy, named by its admin.

    The deputy votes only while the representative has not checked in.
    """

    meeting = models.ForeignKey(
        AnnualMeeting, on_delete=models.CASCADE, related_name="representatives"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="meeting_representatives"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("representative"),
        on_delete=models.PROTECT,
        related_name="represents",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deputy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deputises",
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    named_at = models.DateTimeField(_("named"), auto_now=True)

    class Meta:
        verbose_name = _("voting representative")
        verbose_name_plural = _("voting representatives")
        ordering = ["meeting", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="one_representative_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(deputy__isnull=True) | ~Q(deputy=F("user")),
                name="representative_deputy_is_someone_else",
                violation_error_message=_(
                    "The deputy must be someone other than the representative."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.user}"


class Proxy(models.Model):
    """A proxy (fullmakt) from one voting organisation to another: organisation to
    organisation, exercised by the holder's representative. Withdrawn, never deleted."""

    meeting = models.ForeignKey(AnnualMeeting, on_delete=models.CASCADE, related_name="proxies")
    giver = models.ForeignKey(
        Organisation,
        verbose_name=_("given by"),
        on_delete=models.PROTECT,
        related_name="proxies_given",
    )
    holder = models.ForeignKey(
        Organisation,
        verbose_name=_("held by"),
        on_delete=models.PROTECT,
        related_name="proxies_held",
    )
    instruction = models.TextField(_("instruction"), blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField(_("given"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        ordering = ["meeting", "given_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(giver=F("holder")),
                name="proxy_not_to_oneself",
                violation_error_message=_("An organisation cannot give its proxy to itself."),
            ),
            models.UniqueConstraint(
                fields=["meeting", "giver"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_standing_proxy_per_giver",
                violation_error_message=_("This organisation has already given its proxy."),
            ),
        ]

    def __str__(self):
        return f"{self.giver} → {self.holder}"

    @property
    def is_standing(self) -> bool:
        return self.withdrawn_at is None


class Presence(models.Model):
    """One interval in which an organisation was present at a live meeting, through its
    representative or deputy; leaving and coming back makes a new interval."""

    meeting = models.ForeignKey(AnnualMeeting, on_delete=models.CASCADE, related_name="presences")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("present as"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_in_at = models.DateTimeField(_("checked in"))
    checked_out_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        verbose_name = _("presence")
        verbose_name_plural = _("presence")
        ordering = ["meeting", "checked_in_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"],
                condition=Q(checked_out_at__isnull=True),
                name="one_open_presence_per_organisation",
                violation_error_message=_("This organisation is already checked in."),
            ),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_out_at__gte=F("checked_in_at")),
                name="presence_leaves_after_arriving",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.checked_in_at:%H:%M}"


class NoticeRecipient(models.Model):
    """Evidence that the notice was sent: one row per organisation and address, linked to the
    outbox row that carried it (delivered or failed is read from there)."""

    meeting = models.ForeignKey(
        AnnualMeeting, on_delete=models.CASCADE, related_name="notice_recipients"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    email = models.EmailField(_("e-mail"))
    outbound_email = models.ForeignKey(
        "portal.OutboundEmail", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    queued_at = models.DateTimeField(_("queued"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice recipient")
        verbose_name_plural = _("notice recipients")
        ordering = ["meeting", "organisation__name", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation", "email"], name="notice_once_per_address"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.email}"


class OfficerRole(models.TextChoices):
    CHAIR = "chair", _("Chair of the meeting")
    CO_SIGNER = "co_signer", _("Co-signer of the minutes")


class MeetingOfficer(models.Model):
    """The chair and the two co-signers elected at the meeting; they approve the minutes."""

    meeting = models.ForeignKey(AnnualMeeting, on_delete=models.CASCADE, related_name="officers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=10, choices=OfficerRole.choices)

    class Meta:
        verbose_name = _("meeting officer")
        verbose_name_plural = _("meeting officers")
        ordering = ["meeting", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_office_per_person"),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(role="chair"),
                name="one_chair_per_meeting",
                violation_error_message=_("The meeting already has a chair."),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"
