"""Invoices and credit notes: shown, never edited; paid, credited and exported through actions."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from billing import selectors
from billing.admin.forms import AccountingExportForm, CreditForm, RegisterPaymentForm
from billing.models import Invoice, InvoiceLine, Payment, PaymentReminder
from billing.selectors import balance_of
from billing.services import exports
from billing.services.issuing import invoice_credit
from billing.services.payments import payment_register
from portal.admin_actions import form_action
from portal.admin_audit import AuditlogHistoryAdminMixin


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    related = ("invoice",)  # each row renders its link to the parent

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.related)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = ("position", "description", "quantity", "unit_price", "amount")


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ("paid_on", "amount", "source", "kid", "bank_reference", "registered_by")
    related = ("invoice", "registered_by")


class CreditNoteInline(ReadOnlyInline):
    model = Invoice
    fk_name = "credits"
    related = ("credits",)
    fields = ("document_number", "issue_date", "amount_excl_vat", "vat_amount", "total", "note")
    verbose_name = _("credit note")
    verbose_name_plural = _("credit notes")


class ReminderInline(ReadOnlyInline):
    model = PaymentReminder
    fields = ("level", "sent_on")


def csv_download(rows, filename: str) -> StreamingHttpResponse:
    return exports.accounting_csv_response(rows, filename=filename)


@admin.register(Invoice)
class InvoiceAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    """An issued document never changes: every page is read-only and nothing is deleted."""

    list_display = (
        "document_number",
        "kind",
        "buyer_name",
        "issue_date",
        "due_date",
        "total",
        "status",
        "fee_year",
        "credits",
    )
    list_filter = ("status", "kind", "fee_year")
    search_fields = ("document_number", "buyer_name", "buyer_organisation_number", "kid")
    list_select_related = ("credits",)
    show_auditlog_history_link = True
    actions = ("register_payment", "credit", "export_selected")
    inlines = (LineInline, CreditNoteInline, PaymentInline, ReminderInline)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("kind", "document_number", "status"),
                    ("issue_date", "due_date", "sent_at"),
                    ("delivery_start", "delivery_end", "fee_year"),
                    ("credits", "language"),
                    "left_to_pay",
                )
            },
        ),
        (
            _("Buyer"),
            {
                "fields": (
                    "organisation",
                    ("buyer_name", "buyer_organisation_number"),
                    ("buyer_address", "buyer_postal_code", "buyer_city", "buyer_country"),
                    "buyer_email",
                    "buyer_reference",
                )
            },
        ),
        (
            _("Amounts"),
            {
                "fields": (
                    ("currency", "amount_excl_vat", "vat_rate", "vat_amount", "total"),
                    ("vat_category", "vat_exemption_reason"),
                    "already_paid",
                    "kid",
                    "note",
                )
            },
        ),
        (
            _("Seller, as on the document"),
            {
                "classes": ("collapse",),
                "fields": (
                    ("seller_name", "seller_organisation_number"),
                    ("seller_vat_registered", "seller_in_business_register"),
                    ("seller_address", "seller_postal_code", "seller_city", "seller_country"),
                    ("seller_bank_account", "seller_email"),
                ),
            },
        ),
        (_("Files and record"), {"fields": ("pdf", "ehf", "series", "number", "issued_by")}),
    )

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Invoice._meta.fields] + ["left_to_pay"]

    @admin.display(description=_("left to pay"))
    def left_to_pay(self, obj):
        if obj.is_credit_note:
            return "–"
        return balance_of(obj).left_to_pay

    def has_add_permission(self, request):
        return False  # documents are issued by the invoice run or the single-invoice service

    def has_change_permission(self, request, obj=None):
        # A document's page is view-only; the changelist's actions still need this permission.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        export = self.admin_site.admin_view(self.accounting_export_view)
        return [
            path("accounting-export/", export, name="billing_invoice_accounting_export"),
            *super().get_urls(),
        ]

    def accounting_export_view(self, request):
        """Staff choose a period and download its documents and payments as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = AccountingExportForm(request.GET if "date_from" in request.GET else None)
        if form.is_valid():
            start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
            rows = selectors.accounting_rows_for_period(date_from=start, date_to=end)
            return csv_download(rows, f"accounting-{start.isoformat()}-{end.isoformat()}.csv")
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Accounting export"),
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/billing/accounting_export.html", context)

    @admin.action(
        description=_("Register a payment on the selected invoices…"), permissions=["change"]
    )
    def register_payment(self, request, queryset):
        def perform(invoice, data):
            payment = payment_register(
                invoice=invoice,
                amount=data["amount"],
                paid_on=data["paid_on"],
                registered_by=request.user,
            )
            invoice.refresh_from_db(fields=["status"])
            return gettext("%(amount)s registered on %(invoice)s; it is now %(status)s.") % {
                "amount": payment.amount,
                "invoice": invoice,
                "status": invoice.get_status_display().lower(),
            }

        return form_action(
            self,
            request,
            queryset,
            form_class=RegisterPaymentForm,
            title=gettext("Register a payment"),
            submit_label=gettext("Register payment"),
            perform=perform,
        )

    @admin.action(
        description=_("Credit the selected invoices, fully or partly…"), permissions=["change"]
    )
    def credit(self, request, queryset):
        def perform(invoice, data):
            credit_note = invoice_credit(
                invoice=invoice,
                issued_by=request.user,
                reason=data["reason"],
                amount_excl_vat=data["amount_excl_vat"],
            )
            return gettext(
                "%(credit_note)s credits %(invoice)s by %(amount)s excl. VAT; it is sent to the "
                "buyer by e-mail shortly."
            ) % {
                "credit_note": credit_note,
                "invoice": invoice,
                "amount": -credit_note.amount_excl_vat,
            }

        return form_action(
            self,
            request,
            queryset,
            form_class=CreditForm,
            title=gettext("Credit invoices"),
            intro=gettext(
                "Each selected invoice gets a credit note with its own number that refers to "
                "it. The invoice itself never changes."
            ),
            submit_label=gettext("Issue credit notes"),
            perform=perform,
        )

    @admin.action(description=_("Export the selected documents and their payments (CSV)"))
    def export_selected(self, request, queryset):
        return csv_download(selectors.accounting_rows_for_documents(queryset), "accounting.csv")
