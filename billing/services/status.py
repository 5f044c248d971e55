"""An invoice's status, computed from the facts: credit notes, payments, due date, sending."""

import datetime

from django.utils import timezone

from billing.models import DocumentKind, Invoice, InvoiceStatus
from billing.selectors import Balance, balance_of, with_balance


def status_from(*, invoice: Invoice, balance: Balance, today: datetime.date) -> InvoiceStatus:
    """The status the facts give, first rule that holds:

    credited (credit notes cover the whole amount), paid (payments cover the total less what
    was credited, VAT included), partly paid, overdue (due date passed, something left to pay),
    sent, issued. A credit note is only ever issued or sent.
    """
    if invoice.kind == DocumentKind.INVOICE:
        if balance.fully_credited:
            return InvoiceStatus.CREDITED
        if balance.paid >= balance.to_pay:
            return InvoiceStatus.PAID
        if balance.paid > 0:
            return InvoiceStatus.PARTLY_PAID
        if invoice.due_date is not None and invoice.due_date < today:
            return InvoiceStatus.OVERDUE
    return InvoiceStatus.SENT if invoice.sent_at else InvoiceStatus.ISSUED


def invoice_refresh_status(invoice: Invoice, today: datetime.date | None = None) -> str:
    """Compute the invoice's status from the facts and save it if it changed; returns it.

    Call after anything that changes the facts (a payment, a credit note, sending) and daily
    for due dates. Writes only ``status``, the one field an issued document lets change.
    """
    today = today or timezone.localdate()
    status = status_from(invoice=invoice, balance=balance_of(invoice), today=today)
    if invoice.status != status:
        invoice.status = status
        invoice.save(update_fields=["status"])
    return status


def invoices_refresh_overdue(*, today: datetime.date) -> int:
    """Mark issued and sent invoices whose due date has passed overdue; returns how many."""
    due = Invoice.objects.filter(
        kind=DocumentKind.INVOICE,
        status__in=[InvoiceStatus.ISSUED, InvoiceStatus.SENT],
        due_date__lt=today,
    )
    changed = 0
    for invoice in with_balance(due):
        status = invoice.status
        changed += invoice_refresh_status(invoice, today) != status
    return changed
