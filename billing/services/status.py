"""An invoice's status, computed from the facts: credit notes, payments, due date, sending."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from billing.models import DocumentKind, Invoice, InvoiceStatus, Payment
from billing.services.issuing import credit_note_issue
from members.models import User

ZERO = Decimal(0)
MONEY = DecimalField(max_digits=12, decimal_places=2)


@dataclass(frozen=True)
class Balance:
    """What an invoice asks, what credit notes took off it and what was paid, VAT included."""

    amount_excl_vat: Decimal
    total: Decimal
    credited_excl_vat: Decimal
    credited_total: Decimal
    paid: Decimal

    @property
    def fully_credited(self) -> bool:
        return self.credited_excl_vat >= self.amount_excl_vat

    @property
    def to_pay(self) -> Decimal:
        return self.total - self.credited_total

    @property
    def left_to_pay(self) -> Decimal:
        return max(self.to_pay - self.paid, ZERO)


def with_balance(invoices: QuerySet) -> QuerySet:
    """Annotate ``credited_excl_vat``, ``credited_total`` (both positive) and ``paid``.

    Subqueries rather than joins, so payments and credit notes do not multiply each other.
    """
    credit_notes = Invoice.objects.filter(credits=OuterRef("pk"))
    payments = Payment.objects.filter(invoice=OuterRef("pk"))
    return invoices.annotate(
        credited_excl_vat=-_grouped_sum(credit_notes, "credits", "amount_excl_vat"),
        credited_total=-_grouped_sum(credit_notes, "credits", "total"),
        paid=_grouped_sum(payments, "invoice", "amount"),
    )


def _grouped_sum(queryset: QuerySet, group_by: str, field: str):
    value = queryset.order_by().values(group_by).annotate(value=Sum(field)).values("value")[:1]
    return Coalesce(Subquery(value, output_field=MONEY), Value(ZERO), output_field=MONEY)


def balance_of(invoice: Invoice) -> Balance:
    """The invoice's balance; uses the ``with_balance`` annotations when they are there."""
    if not hasattr(invoice, "paid"):
        invoice = with_balance(Invoice.objects.filter(pk=invoice.pk)).get()
    return Balance(
        amount_excl_vat=invoice.amount_excl_vat,
        total=invoice.total,
        credited_excl_vat=invoice.credited_excl_vat,
        credited_total=invoice.credited_total,
        paid=invoice.paid,
    )


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


def invoice_credit(
    *,
    invoice: Invoice,
    issued_by: User | None,
    reason: str,
    amount_excl_vat: Decimal | None = None,
) -> Invoice:
    """Credit an invoice fully or partly (``credit_note_issue``) and bring its status up to date.

    One transaction: a partial credit can leave a partly paid invoice paid.
    """
    with transaction.atomic():
        credit_note = credit_note_issue(
            invoice=invoice, issued_by=issued_by, reason=reason, amount_excl_vat=amount_excl_vat
        )
        invoice_refresh_status(Invoice.objects.get(pk=invoice.pk))
    return credit_note
