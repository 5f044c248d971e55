"""Accounting export: invoices, credit notes and payments as CSV, one row per document or payment.

Columns (semicolon-separated, every field quoted, ISO dates, point decimals, so an accounting
system reads them as they are): date; type (``invoice``, ``credit_note`` or ``payment``); number
(the document's number; for a payment, the number of the invoice paid); the buyer's organisation
number and name; amount excl. VAT; VAT; total (negative for a credit note; a payment has only a
total); KID; and, for a credit note, the number of the invoice it credits. Written by
``portal.exports``, so a name that looks like a formula stays text.
"""

from dataclasses import astuple

from django.http import StreamingHttpResponse

from billing.selectors import ExportRow
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


def accounting_csv(rows: list[ExportRow]) -> str:
    """The rows as CSV, through ``portal.exports`` (a formula in a name stays text)."""
    return exports.csv_text(HEADER, (astuple(row) for row in rows), delimiter=";")


def accounting_csv_response(rows: list[ExportRow], *, filename: str) -> StreamingHttpResponse:
    """A download of the rows as CSV, written in chunks as it is sent."""
    return exports.csv_stream_response(
        HEADER, (astuple(row) for row in rows), filename=filename, delimiter=";"
    )
