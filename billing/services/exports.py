"""Accounting export: invoices, credit notes and payments as CSV, one row per document or payment.

Columns (semicolon-separated, every field quoted, ISO dates, point decimals, so an accounting
system reads them as they are): date; type (``invoice``, ``credit_note`` or ``payment``); number
(the document's number; for a payment, the number of the invoice paid); the buyer's organisation
number and name; amount excl. VAT; VAT; total (negative for a credit note; a payment has only a
total); KID; and, for a credit note, the number of the invoice it credits. Written by
``portal.exports``, so a name that looks like a formula stays text.
"""

import datetime
from dataclasses import astuple, dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _

from billing.models import DocumentKind, Invoice, Payment
from portal import exports

HEADER = (
    "date",
    "type",
    "number",
    "organisation_number",
    "name",
    "amount_excl_vat",
    "vat",
    "total",
    "kid",
    "credited_invoice",
)
PAYMENT = "payment"
TYPE_ORDER = {DocumentKind.INVOICE: 0, DocumentKind.CREDIT_NOTE: 1, PAYMENT: 2}


@dataclass(frozen=True)
class ExportRow:
    date: datetime.date
    type: str
    number: str
    organisation_number: str
    name: str
    amount_excl_vat: Decimal | None
    vat: Decimal | None
    total: Decimal
    kid: str
    credited_invoice: str


def _document_row(document: Invoice) -> ExportRow:
    return ExportRow(
        date=document.issue_date,
        type=document.kind,
        number=document.document_number,
        organisation_number=document.buyer_organisation_number,
        name=document.buyer_name,
        amount_excl_vat=document.amount_excl_vat,
        vat=document.vat_amount,
        total=document.total,
        kid=document.kid,
        credited_invoice=document.credits.document_number if document.credits else "",
    )


def _payment_row(payment: Payment) -> ExportRow:
    return ExportRow(
        date=payment.paid_on,
        type=PAYMENT,
        number=payment.invoice.document_number,
        organisation_number=payment.invoice.buyer_organisation_number,
        name=payment.invoice.buyer_name,
        amount_excl_vat=None,
        vat=None,
        total=payment.amount,
        kid=payment.kid or payment.invoice.kid,
        credited_invoice="",
    )


def accounting_rows(*, documents: QuerySet, payments: QuerySet) -> list[ExportRow]:
    """The rows of the given documents and payments, by date, then type, then number."""
    rows = [_document_row(document) for document in documents.select_related("credits")]
    rows += [_payment_row(payment) for payment in payments.select_related("invoice")]
    # Numbers of one length sort as numbers: "9" before "10".
    return sorted(
        rows, key=lambda row: (row.date, TYPE_ORDER[row.type], len(row.number), row.number)
    )


def accounting_rows_for_period(
    *, date_from: datetime.date, date_to: datetime.date
) -> list[ExportRow]:
    """Documents issued and payments received from ``date_from`` to ``date_to``, both included."""
    if date_from > date_to:
        raise ValidationError({"date_to": _("The end of the period is before its start.")})
    return accounting_rows(
        documents=Invoice.objects.filter(issue_date__range=(date_from, date_to)),
        payments=Payment.objects.filter(paid_on__range=(date_from, date_to)),
    )


def accounting_rows_for_documents(documents: QuerySet) -> list[ExportRow]:
    """The chosen invoices and credit notes, with the payments made on them."""
    return accounting_rows(
        documents=documents, payments=Payment.objects.filter(invoice__in=documents)
    )


def accounting_csv(rows: list[ExportRow]) -> str:
    """The rows as CSV, through ``portal.exports`` (a formula in a name stays text)."""
    return exports.csv_text(HEADER, (astuple(row) for row in rows), delimiter=";")


def accounting_csv_response(rows: list[ExportRow], *, filename: str) -> HttpResponse:
    """A download of the rows as CSV."""
    return exports.csv_response(
        HEADER, (astuple(row) for row in rows), filename=filename, delimiter=";"
    )
