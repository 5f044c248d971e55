"""Organisations and company groups (konsern); sizes and participant types."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models.reference import ValueChainSegment
from members.validators import validate_country_code, validate_organisation_number


class SizeBand(models.TextChoices):
    MICRO = "1-9", _("1–9 employees")
    SMALL = "10-49", _("10–49 employees")
    MEDIUM = "50-249", _("50–249 employees")
    LARGE = "250+", _("250 or more employees")


class ParticipantType(models.TextChoices):
    CORE = "core", _("Core company")
    SUPPLIER = "supplier", _("Supplier")
    OTHER = "other", _("Other")


class InvoiceLanguage(models.TextChoices):
    NORWEGIAN = "nb", _("Norsk bokmål")
    ENGLISH = "en", _("English")


class CompanyGroup(models.Model):
    """A company group (konsern) taking part with several units.

    The board decides whether each unit pays its own fee; the decision's date and reference
    are kept. The parent unit is one of the group's units.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    parent = models.OneToOneField(
        "Organisation",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        related_name="parent_of_group",
        null=True,
        blank=True,
    )
    units_pay_own_fee = models.BooleanField(_("each unit pays its own fee"), default=False)
    fee_decision_date = models.DateField(_("date of the board's decision"), null=True, blank=True)
    fee_decision_reference = models.CharField(
        _("reference to the board's decision"), max_length=200, blank=True
    )

    class Meta:
        verbose_name = _("company group")
        verbose_name_plural = _("company groups")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=9,
        unique=True,
        validators=[validate_organisation_number],
        error_messages={"unique": _("An organisation with this organisation number exists.")},
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(
        _("country"),
        max_length=2,
        default="NO",
        validators=[validate_country_code],
        help_text=_("Two-letter country code, e.g. NO for Norway or SE for Sweden."),
    )
    invoice_email = models.EmailField(_("invoice e-mail"), blank=True)
    invoice_language = models.CharField(
        _("invoice language"),
        max_length=2,
        choices=InvoiceLanguage.choices,
        default=InvoiceLanguage.NORWEGIAN,
        help_text=_("The language of the organisation's invoices and credit notes."),
    )
    buyer_reference = models.CharField(
        _("buyer's reference"),
        max_length=100,
        blank=True,
        help_text=_(
            "The buyer's own reference for invoices, e.g. an order reference or cost centre."
        ),
    )
    website = models.URLField(_("website"), blank=True)
    size_band = models.CharField(
        _("size (employees)"), max_length=10, choices=SizeBand.choices, blank=True
    )
    segments = models.ManyToManyField(
        ValueChainSegment, verbose_name=_("value-chain segments"), blank=True
    )
    description = models.TextField(_("short public description"), max_length=1000, blank=True)
    group = models.ForeignKey(
        CompanyGroup,
        verbose_name=_("company group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="units",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name
