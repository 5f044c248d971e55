"""Fee schedules, invoices and credit notes, payments and payment reminders.

An issued document is a record: seller and buyer details are copied onto it when it is issued,
it never changes after that, and ``delete()`` refuses. Corrections are credit notes. Every state
change happens through ``billing.services``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from members.models import Organisation, ParticipantType, SizeBand
from members.validators import validate_organisation_number


class Seller(models.Model):
    """The network's own details as seller; one row, edited by staff, copied onto documents."""

    name = models.CharField(_("name"), max_length=200)
    organisation_number = models.CharField(
        _("organisation number"), max_length=9, validators=[validate_organisation_number]
    )
    vat_registered = models.BooleanField(_("registered for VAT"), default=True)
    in_business_register = models.BooleanField(_("registered in Foretaksregisteret"), default=True)
    street_address = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, default="NO")
    bank_account = models.CharField(_("bank account"), max_length=11)
    email = models.EmailField(_("e-mail"))
    first_reminder_days = models.PositiveSmallIntegerField(
        _("days after the due date for the first reminder"), default=14
    )
    second_reminder_days = models.PositiveSmallIntegerField(
        _("days after the due date for the second reminder"), default=28
    )

    class Meta:
        verbose_name = _("seller details")
        verbose_name_plural = _("seller details")

    def __str__(self):
        return self.name


class VatTreatment(models.TextChoices):
    """The VAT categories of EN 16931 (UNCL5305) a fee can fall under."""

    STANDARD = "S", _("Standard rate")
    ZERO_RATED = "Z", _("Zero-rated (0 %)")
    EXEMPT = "E", _("Exempt from VAT")
    OUTSIDE = "O", _("Outside the scope of VAT (seller not registered for VAT)")


class FeeSchedule(models.Model):
    """The board's fee schedule for a year. Frozen once invoices exist for that year.

    ``vat_treatment`` says which VAT applies to its fees: the standard rate (``vat_rate``),
    zero-rated, exempt (with the reason printed on the invoice) or outside VAT. Only the
    standard rate charges VAT; ``clean`` sets the rate of the others to 0.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(25),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    vat_treatment = models.CharField(
        _("VAT treatment"),
        max_length=1,
        choices=VatTreatment.choices,
        default=VatTreatment.STANDARD,
    )
    vat_exemption_reason = models.CharField(
        _("VAT exemption reason"),
        max_length=200,
        blank=True,
        help_text=_("Printed on exempt invoices, e.g. the section of the VAT Act that applies."),
    )
    days_to_due = models.PositiveSmallIntegerField(_("days to due date"), default=30)
    decided_on = models.DateField(_("decided by the board on"), null=True, blank=True)

    class Meta:
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)

    def save(self, *args, **kwargs):
        _refuse_if_frozen(self._stored_year())
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_frozen(self._stored_year())
        return super().delete(*args, **kwargs)

    def clean(self):
        _refuse_if_frozen(self._stored_year())
        if self.vat_treatment != VatTreatment.STANDARD:
            self.vat_rate = Decimal(0)
        elif self.vat_rate is not None and self.vat_rate <= 0:
            raise ValidationError(
                {"vat_rate": _("The standard rate is above 0 %; choose zero-rated for 0 %.")}
            )
        if self.vat_treatment == VatTreatment.EXEMPT and not self.vat_exemption_reason.strip():
            raise ValidationError(
                {"vat_exemption_reason": _("Say why the fees are exempt from VAT.")}
            )

    @property
    def is_frozen(self) -> bool:
        """Invoices exist for the year, so the schedule they were issued from stays as it is."""
        year = self._stored_year()
        return year is not None and year_has_invoices(year)

    def _stored_year(self) -> int | None:
        if self.pk is None:
            return None
        return FeeSchedule.objects.filter(pk=self.pk).values_list("year", flat=True).first()


def year_has_invoices(year: int) -> bool:
    return Invoice.objects.filter(fee_year=year).exists()


def _refuse_if_frozen(year: int | None) -> None:
    if year is not None and year_has_invoices(year):
        raise ValidationError(
            _("The fee schedule for %(year)s is frozen: invoices exist for that year.")
            % {"year": year},
            code="frozen",
        )


class FeeAmount(models.Model):
    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="amounts")
    participant_type = models.CharField(
        _("participant type"), max_length=10, choices=ParticipantType.choices
    )
    size_band = models.CharField(_("size (employees)"), max_length=10, choices=SizeBand.choices)
    amount = models.DecimalField(_("amount excl. VAT (NOK)"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("fee amount")
        verbose_name_plural = _("fee amounts")
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "participant_type", "size_band"], name="one_amount_per_cell"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="fee_amount_not_negative",
                violation_error_message=_("A fee cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.schedule} · {self.participant_type} · {self.size_band}: {self.amount}"

    def save(self, *args, **kwargs):
        _refuse_if_frozen(self._schedule_year())
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_frozen(self._schedule_year())
        return super().delete(*args, **kwargs)

    def clean(self):
        _refuse_if_frozen(self._schedule_year())

    def _schedule_year(self) -> int | None:
        if self.schedule_id is None:
            return None
        return (
            FeeSchedule.objects.filter(pk=self.schedule_id).values_list("year", flat=True).first()
        )


class NumberSeries(models.Model):
    """A gapless number series; its row is locked while a document takes the next number."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=10, blank=True)
    last_number = models.PositiveIntegerField(_("last number used"), default=0)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")

    def __str__(self):
        return self.name


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    SENT = "sent", _("Sent")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")
    CREDITED = "credited", _("Credited")


class CreditSettlement(models.TextChoices):
    """What became of a credit on an invoice that had payments (``Balance.settlement``)."""

    NONE = "", _("Nothing paid: the credit lowers the amount to pay")
    SET_OFF = "set_off", _("Set off against the amount left to pay")
    REFUND = "refund", _("Paid already: to be refunded or set off against the next invoice")


class ImmutableDocumentError(Exception):
    pass


class Invoice(models.Model):
    """An issued invoice or credit note. Never changed after issue; never deleted."""

    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    series = models.ForeignKey(NumberSeries, on_delete=models.PROTECT, related_name="documents")
    number = models.PositiveIntegerField(_("number"))
    document_number = models.CharField(_("document number"), max_length=30)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="invoices"
    )
    fee_year = models.PositiveSmallIntegerField(_("fee year"), null=True, blank=True)
    credits = models.ForeignKey(
        "self",
        verbose_name=_("corrects invoice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
    )
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    delivery_start = models.DateField(_("delivery period from"))
    delivery_end = models.DateField(_("delivery period to"))
    currency = models.CharField(_("currency"), max_length=3, default="NOK")
    amount_excl_vat = models.DecimalField(_("amount excl. VAT"), max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    vat_amount = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2)
    vat_category = models.CharField(
        _("VAT category"),
        max_length=1,
        choices=VatTreatment.choices,
        default=VatTreatment.STANDARD,
    )
    vat_exemption_reason = models.CharField(_("VAT exemption reason"), max_length=200, blank=True)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    # A credit note: the part of its total the buyer had paid already when it was issued,
    # refunded or set off against the next invoice.
    already_paid = models.DecimalField(
        _("already paid"), max_digits=12, decimal_places=2, default=Decimal(0)
    )
    kid = models.CharField(_("KID"), max_length=25, blank=True)
    buyer_reference = models.CharField(_("buyer reference"), max_length=100)
    note = models.TextField(_("note"), blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    seller_name = models.CharField(max_length=200)
    seller_organisation_number = models.CharField(max_length=9)
    seller_vat_registered = models.BooleanField()
    seller_in_business_register = models.BooleanField()
    seller_address = models.CharField(max_length=300)
    seller_postal_code = models.CharField(max_length=10)
    seller_city = models.CharField(max_length=100)
    seller_country = models.CharField(max_length=2)
    seller_bank_account = models.CharField(max_length=11)
    seller_email = models.EmailField()
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_organisation_number = models.CharField(max_length=9)
    buyer_address = models.CharField(max_length=300)
    buyer_postal_code = models.CharField(max_length=10)
    buyer_city = models.CharField(max_length=100)
    buyer_country = models.CharField(max_length=2)
    buyer_email = models.EmailField(blank=True)

    status = models.CharField(
        _("status"), max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="invoices/pdf/", blank=True)
    ehf = models.FileField(_("EHF"), upload_to="invoices/ehf/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    # Organisation-private: reachable only inside an organisation scope (portal/scoping.py).
    objects = ScopedManager(organisation="organisation")

    class Meta:
        verbose_name = _("invoice or credit note")
        verbose_name_plural = _("invoices and credit notes")
        ordering = ["-issue_date", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="one_document_per_number"),
            models.UniqueConstraint(
                fields=["organisation", "fee_year"],
                condition=Q(kind="invoice", fee_year__isnull=False) & ~Q(status="credited"),
                name="one_fee_invoice_per_organisation_and_year",
                violation_error_message=_(
                    "This organisation already has a fee invoice for that year."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind="invoice", credits__isnull=True)
                | Q(kind="credit_note", credits__isnull=False),
                name="credit_note_references_an_invoice",
                violation_error_message=_(
                    "A credit note must refer to the invoice it corrects, and an invoice cannot."
                ),
            ),
        ]
        indexes = [models.Index(fields=["kid"]), models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.document_number}"

    # After issue only the status and the stored renderings (set once) may be written.
    MUTABLE_FIELDS = frozenset({"status", "sent_at", "pdf", "ehf"})

    def save(self, *args, **kwargs):
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= self.MUTABLE_FIELDS:
                raise ImmutableDocumentError("An issued invoice or credit note never changes.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableDocumentError("An issued invoice or credit note is never deleted.")

    @property
    def is_credit_note(self) -> bool:
        return self.kind == DocumentKind.CREDIT_NOTE


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount excl. VAT"), max_digits=12, decimal_places=2)

    # Organisation-private: reachable only inside an organisation scope (portal/scoping.py).
    objects = ScopedManager(organisation="invoice__organisation")

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="one_line_per_position")
        ]

    def __str__(self):
        return self.description


class PaymentSource(models.TextChoices):
    MANUAL = "manual", _("Registered by hand")
    BANK_FILE = "bank_file", _("Bank file")


class Payment(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    kid = models.CharField(_("KID"), max_length=25, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=PaymentSource.choices)
    bank_reference = models.CharField(
        _("bank reference"), max_length=100, null=True, blank=True, unique=True
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Organisation-private: reachable only inside an organisation scope (portal/scoping.py).
    objects = ScopedManager(organisation="invoice__organisation")

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_positive",
                violation_error_message=_("A payment must be more than 0."),
            ),
        ]

    def __str__(self):
        return f"{self.invoice} · {self.amount} · {self.paid_on}"


class PaymentReminder(models.Model):
    """A payment reminder (purring) sent for an overdue invoice; each level at most once."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="reminders")
    level = models.PositiveSmallIntegerField(_("reminder"))
    sent_on = models.DateField(_("sent on"))

    # Organisation-private: reachable only inside an organisation scope (portal/scoping.py).
    objects = ScopedManager(organisation="invoice__organisation")

    class Meta:
        verbose_name = _("payment reminder")
        verbose_name_plural = _("payment reminders")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "level"], name="one_reminder_per_level")
        ]

    def __str__(self):
        return f"{self.invoice} · {self.level}"


class InvoiceRun(models.Model):
    """Staff's invoicing of a fee year: previewed, then confirmed into a Celery job."""

    year = models.PositiveSmallIntegerField(_("fee year"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    job = models.OneToOneField(
        "portal.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="invoice_run"
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invoice run")
        verbose_name_plural = _("invoice runs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.year} #{self.pk}"


# --- Appended for fee runs and overpayments -------------------------------------------------


class JoinerFee(models.TextChoices):
    FULL = "full", _("Full fee")
    PRO_RATA = "pro_rata", _("Pro rata by month")


class FeeScheduleJoinerRule(models.Model):
    """What the schedule of a year charges a member that joined during that year: the default
    of an invoice run, which staff may change per organisation and run. No row: the full fee."""

    schedule = models.OneToOneField(
        FeeSchedule, on_delete=models.CASCADE, related_name="joiner_rule"
    )
    fee = models.CharField(
        _("members joining during the year pay"),
        max_length=10,
        choices=JoinerFee.choices,
        default=JoinerFee.FULL,
    )

    class Meta:
        verbose_name = _("fee for members joining during the year")
        verbose_name_plural = _("fees for members joining during the year")

    def __str__(self):
        return f"{self.schedule}: {self.get_fee_display()}"


class CreditBalanceEntry(models.Model):
    """One movement of an organisation's credit balance; the balance is their sum.

    A surplus paid in is positive (``payment`` is the payment that settled the invoice, or none
    when the invoice had nothing left: then the bank's reference is kept here). A refund or a
    set-off against an invoice is negative (``set_off_invoice`` with the ``payment`` it made
    there, or ``refunded_at``). Written only by ``billing.services.credit_balance``; never
    changed or deleted.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="credit_balance_entries",
    )
    amount = models.DecimalField(_("amount (NOK)"), max_digits=12, decimal_places=2)
    entry_date = models.DateField(_("date"))
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("payment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_balance_entries",
    )
    set_off_invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("set off against invoice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_set_offs",
    )
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)
    kid = models.CharField(_("KID"), max_length=25, blank=True)
    bank_reference = models.CharField(
        _("bank reference"), max_length=100, null=True, blank=True, unique=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    # Organisation-private: reachable only inside an organisation scope (portal/scoping.py).
    objects = ScopedManager(organisation="organisation")

    class Meta:
        verbose_name = _("credit balance entry")
        verbose_name_plural = _("credit balance entries")
        ordering = ["-entry_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0),
                name="credit_balance_entry_not_zero",
                violation_error_message=_("A credit balance entry has an amount other than 0."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0)
                | Q(set_off_invoice__isnull=False, refunded_at__isnull=True)
                | Q(set_off_invoice__isnull=True, refunded_at__isnull=False),
                name="credit_balance_use_is_a_refund_or_a_set_off",
                violation_error_message=_(
                    "A use of a credit balance is either a refund or a set-off against an invoice."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.amount} · {self.entry_date}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableDocumentError("A credit balance entry never changes.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableDocumentError("A credit balance entry is never deleted.")
