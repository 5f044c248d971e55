"""Forms of the billing admin: intermediate action pages, payment registration, files, periods."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled
from stdnum.no import kontonr

from billing.models import Payment, Seller
from billing.services.payments import payment_check
from portal.forms import PortalForm, PortalModelForm, StrictDecimalField


class RegisterPaymentForm(PortalForm):
    amount = StrictDecimalField(
        label=_("Amount paid (NOK, VAT included)"),
        required=False,
        help_text=_("Leave empty to register what is left to pay on each selected invoice."),
        max_digits=12,
        decimal_places=2,
    )
    paid_on = forms.DateField(label=_("Paid on"), initial=timezone.localdate)


class CreditForm(PortalForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Printed on the credit note."),
        error_messages={"required": _("Say why the invoice is credited.")},
    )
    amount_excl_vat = StrictDecimalField(
        label=_("Amount to credit, excl. VAT (NOK)"),
        required=False,
        min_value=0,
        help_text=_("Leave empty to credit everything not yet credited."),
        max_digits=12,
        decimal_places=2,
    )


# The invoice field's queryset is built when the class is: invoices are organisation-private,
# and the administration (where this form is used) works across organisations.
with scopes_disabled():

    class PaymentRegisterForm(PortalModelForm):
        """Staff register a payment by hand; the payment service's rules give the field errors."""

        class Meta:
            model = Payment
            fields = ("invoice", "amount", "paid_on")
            help_texts = {"amount": _("NOK, VAT included.")}

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if "paid_on" in self.fields:  # a registered payment's page shows no form fields
                self.fields["paid_on"].initial = timezone.localdate

        def clean(self):
            cleaned = super().clean()
            invoice = cleaned.get("invoice")
            if invoice is not None and not self.errors:
                try:
                    payment_check(
                        invoice=invoice,
                        amount=cleaned.get("amount"),
                        paid_on=cleaned.get("paid_on"),
                        today=timezone.localdate(),
                    )
                except ValidationError as error:
                    self.add_error(None, error)
            return cleaned


class AccountingExportForm(PortalForm):
    date_from = forms.DateField(label=_("From"))
    date_to = forms.DateField(label=_("To"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return cleaned


class BankFileForm(PortalForm):
    file = forms.FileField(
        label=_("Bank file (CSV)"),
        help_text=_(
            "Semicolon-separated, first row date;amount;kid (optionally ;reference). Dates "
            "as YYYY-MM-DD or DD.MM.YYYY, amounts with comma or point decimals."
        ),
    )
    check_only = forms.BooleanField(
        label=_("Only check the file; register nothing"), required=False
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload


class SellerForm(PortalModelForm):
    # Longer than the stored 11 digits: staff may type the account as 8601.11.17947.
    bank_account = forms.CharField(label=_("bank account"), max_length=20)

    class Meta:
        model = Seller
        fields = (
            "name",
            "organisation_number",
            "vat_registered",
            "in_business_register",
            "street_address",
            "postal_code",
            "city",
            "country",
            "bank_account",
            "email",
            "first_reminder_days",
            "second_reminder_days",
        )

    def clean_bank_account(self):
        account = self.cleaned_data["bank_account"].replace(".", "").replace(" ", "")
        if not kontonr.is_valid(account):
            raise ValidationError(
                _("Enter a valid Norwegian account number of 11 digits, such as 8601.11.17947.")
            )
        return account

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("first_reminder_days"), cleaned.get("second_reminder_days")
        if first is not None and second is not None and second <= first:
            self.add_error(
                "second_reminder_days",
                _("The second reminder must come later than the first."),
            )
        return cleaned
