"""Payments (registered by hand or from the bank's file), reminders and invoice runs."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from billing.admin.forms import BankFileForm, PaymentRegisterForm
from billing.models import CreditBalanceEntry, InvoiceRun, Payment, PaymentReminder
from billing.money import CENT
from billing.services import credit_balance
from billing.services.payments import bank_file_import, payment_check, payment_register
from portal.admin_actions import error_text
from portal.admin_audit import AuditlogHistoryAdminMixin
from portal.imports import FileRejectedError


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Built with scopes disabled, as its parent: the invoice field's queryset spans organisations.
with scopes_disabled():

    class PaymentByHandForm(PaymentRegisterForm):
        """A payment by hand; one larger than what is left needs the box ticked."""

        confirm_overpayment = forms.BooleanField(
            label=_("Confirm an overpayment"),
            required=False,
            help_text=_(
                "Tick to register more than is left to pay: the surplus is kept as the "
                "organisation's credit balance, to refund or set off against the next invoice."
            ),
        )

        class Meta(PaymentRegisterForm.Meta):
            fields = ("invoice", "amount", "paid_on", "confirm_overpayment")

        def clean(self):
            cleaned = super(PaymentRegisterForm, self).clean()
            invoice = cleaned.get("invoice")
            if invoice is not None and not self.errors:
                try:
                    payment_check(
                        invoice=invoice,
                        amount=cleaned.get("amount"),
                        paid_on=cleaned.get("paid_on"),
                        today=timezone.localdate(),
                        confirm_overpayment=cleaned.get("confirm_overpayment", False),
                    )
                except ValidationError as error:
                    self.add_error(None, error)
            return cleaned


@admin.register(Payment)
class PaymentAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    """Added through the payment service (this form or the bank file); never edited after."""

    form = PaymentByHandForm
    list_display = (
        "paid_on",
        "invoice",
        "buyer",
        "amount",
        "source",
        "kid",
        "bank_reference",
        "registered_by",
    )
    list_filter = ("source", "paid_on")
    search_fields = ("invoice__document_number", "invoice__buyer_name", "kid", "bank_reference")
    list_select_related = ("invoice", "registered_by")
    autocomplete_fields = ("invoice",)
    date_hierarchy = "paid_on"
    show_auditlog_history_link = True

    @admin.display(description=_("buyer"), ordering="invoice__buyer_name")
    def buyer(self, obj):
        return obj.invoice.buyer_name

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("invoice", "amount", "paid_on", "confirm_overpayment")
        return (
            "invoice",
            "amount",
            "paid_on",
            "kid",
            "source",
            "bank_reference",
            "registered_by",
            "created_at",
        )

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        payment = payment_register(
            invoice=form.cleaned_data["invoice"],
            amount=form.cleaned_data["amount"],
            paid_on=form.cleaned_data["paid_on"],
            registered_by=request.user,
            confirm_overpayment=form.cleaned_data.get("confirm_overpayment", False),
        )
        obj.pk = payment.pk

    def get_urls(self):
        view = self.admin_site.admin_view(self.bank_import_view)
        return [
            path("bank-import/", view, name="billing_payment_bank_import"),
            *super().get_urls(),
        ]

    def bank_import_view(self, request):
        """Staff upload the bank's file: checked whole, then registered (or only checked)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        report, rejected = None, []
        if request.method == "POST":
            form = BankFileForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    report = bank_file_import(
                        content=form.cleaned_data["file"].read(),
                        registered_by=request.user,
                        check_only=form.cleaned_data["check_only"],
                    )
                except FileRejectedError as error:
                    rejected = error.errors
                except ValidationError as error:
                    self.message_user(request, error_text(error), messages.ERROR)
        else:
            form = BankFileForm()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import payments from a bank file"),
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "rejected": rejected,
        }
        return TemplateResponse(request, "admin/billing/bank_import.html", context)


@admin.register(PaymentReminder)
class PaymentReminderAdmin(ReadOnlyAdmin):
    list_display = ("invoice", "buyer", "level", "sent_on")
    list_filter = ("level", "sent_on")
    search_fields = ("invoice__document_number", "invoice__buyer_name")
    list_select_related = ("invoice",)

    @admin.display(description=_("buyer"))
    def buyer(self, obj):
        return obj.invoice.buyer_name


@admin.register(InvoiceRun)
class InvoiceRunAdmin(ReadOnlyAdmin):
    list_display = ("year", "started_by", "confirmed_at", "job", "created_at")
    list_filter = ("year",)
    list_select_related = ("started_by", "job")


@admin.register(CreditBalanceEntry)
class CreditBalanceEntryAdmin(ReadOnlyAdmin):
    """Organisations' credit balances: surpluses paid in, refunds and set-offs, each recorded
    by a service; staff refund or set off through the actions."""

    list_display = (
        "entry_date",
        "organisation",
        "amount",
        "balance",
        "payment",
        "set_off_invoice",
        "refunded_at",
        "recorded_by",
        "note",
    )
    list_filter = ("entry_date",)
    search_fields = ("organisation__name", "organisation__organisation_number", "kid", "note")
    list_select_related = ("organisation", "payment__invoice", "set_off_invoice", "recorded_by")
    actions = ("refund", "set_off")

    def changelist_view(self, request, extra_context=None):
        self._balances = {
            row["organisation"]: row["total"].quantize(CENT)
            for row in CreditBalanceEntry.objects.order_by()
            .values("organisation")
            .annotate(total=Sum("amount"))
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("balance now"))
    def balance(self, obj):
        return getattr(self, "_balances", {}).get(obj.organisation_id, "–")

    def has_change_permission(self, request, obj=None):
        # The actions need it; the entries themselves have no editable field.
        return obj is None and request.user.has_perm("billing.change_payment")

    def _each_organisation(self, request, queryset, use, done_message):
        organisations = {entry.organisation for entry in queryset.select_related("organisation")}
        for organisation in sorted(organisations, key=lambda o: o.name):
            try:
                entry = use(organisation=organisation, recorded_by=request.user)
            except ValidationError as error:
                self.message_user(request, error_text(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    done_message % {"org": organisation, "amount": -entry.amount},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Refund the whole balance"), permissions=["change"])
    def refund(self, request, queryset):
        self._each_organisation(
            request,
            queryset,
            credit_balance.credit_balance_refund,
            gettext("%(amount)s refunded to %(org)s is recorded."),
        )

    @admin.action(
        description=_("Set the balance off against the oldest invoice with something to pay"),
        permissions=["change"],
    )
    def set_off(self, request, queryset):
        self._each_organisation(
            request,
            queryset,
            credit_balance.credit_balance_set_off,
            gettext("%(amount)s of the credit balance of %(org)s is set off against an invoice."),
        )
