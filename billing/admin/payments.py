"""Payments (registered by hand or from the bank's file), reminders and invoice runs."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from billing.admin.forms import BankFileForm, PaymentRegisterForm
from billing.models import InvoiceRun, Payment, PaymentReminder
from billing.services.payments import bank_file_import, payment_register
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


@admin.register(Payment)
class PaymentAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    """Added through the payment service (this form or the bank file); never edited after."""

    form = PaymentRegisterForm
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
            return ("invoice", "amount", "paid_on")
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
