"""Applications to join the network, decided by the secretariat."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models.organisations import Organisation, ParticipantType, SizeBand
from members.models.reference import ValueChainSegment
from members.validators import validate_organisation_number


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Application(models.Model):
    """A company's application to join, decided by the secretariat."""

    name = models.CharField(_("company name"), max_length=200)
    organisation_number = models.CharField(
        _("organisation number"), max_length=9, validators=[validate_organisation_number]
    )
    street_address = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    invoice_email = models.EmailField(_("invoice e-mail"))
    website = models.URLField(_("website"), blank=True)
    size_band = models.CharField(_("size (employees)"), max_length=10, choices=SizeBand.choices)
    description = models.TextField(_("short public description"), max_length=1000, blank=True)
    requested_type = models.CharField(
        _("requested participant type"), max_length=10, choices=ParticipantType.choices
    )
    segments = models.ManyToManyField(
        ValueChainSegment, verbose_name=_("value-chain segments"), blank=True
    )
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("organisation"),
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"{self.name} ({self.organisation_number})"
