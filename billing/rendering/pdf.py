"""The printable invoice or credit note (WeasyPrint), in the document's language."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import capfirst

from billing.models import Invoice, InvoiceLine, Seller, VatTreatment
from billing.money import format_bank_account

# Labels shared with the admin: the fields' own verbose names, already in the catalogue.
INVOICE_LABELS = (
    "document_number",
    "issue_date",
    "due_date",
    "credits",
    "kid",
    "buyer_reference",
    "amount_excl_vat",
    "total",
    "note",
)
LINE_LABELS = ("description", "quantity", "unit_price", "amount")
SELLER_LABELS = ("organisation_number", "bank_account", "email")


def _labels() -> dict[str, str]:
    labels = {}
    for model, names in ((Invoice, INVOICE_LABELS), (Seller, SELLER_LABELS)):
        labels.update({name: capfirst(model._meta.get_field(name).verbose_name) for name in names})
    labels.update(
        {
            f"line_{name}": capfirst(InvoiceLine._meta.get_field(name).verbose_name)
            for name in LINE_LABELS
        }
    )
    labels["buyer"] = capfirst(Invoice._meta.get_field("buyer_name").verbose_name)
    labels["vat"] = capfirst(Invoice._meta.get_field("vat_amount").verbose_name)
    return labels


def invoice_pdf_html(invoice: Invoice) -> str:
    """The document as HTML, in the active language."""
    return render_to_string(
        "billing/invoice_pdf.html",
        {
            "invoice": invoice,
            "lines": list(invoice.lines.all()),
            "corrected": invoice.credits if invoice.is_credit_note else None,
            "bank_account": format_bank_account(invoice.seller_bank_account),
            "labels": _labels(),
            "charges_vat": invoice.vat_category != VatTreatment.OUTSIDE,
            "exempt": invoice.vat_category == VatTreatment.EXEMPT,
            "language": translation.get_language(),
        },
    )


def render_invoice_pdf(invoice: Invoice, *, language: str | None = None) -> bytes:
    """The invoice or credit note as PDF, in the language it was issued in (``language``
    overrides it, for a look at another language; the stored document is never re-rendered)."""
    from weasyprint import HTML  # noqa: PLC0415 -- slow to import; only PDF rendering needs it

    with translation.override(language or invoice.language or settings.LANGUAGE_CODE):
        html = invoice_pdf_html(invoice)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
