"""The stored PDF and EHF of an issued document: rendered once, kept as they were sent."""

from django.core.files.base import ContentFile
from django.db import transaction

from billing.models import Invoice
from billing.rendering import render_invoice_ehf, render_invoice_pdf

FILE_STEM = {"invoice": "faktura", "credit_note": "kreditnota"}
RENDERERS = {"pdf": (render_invoice_pdf, "pdf"), "ehf": (render_invoice_ehf, "xml")}


def invoice_store_documents(*, invoice: Invoice) -> Invoice:
    """Render the PDF and the EHF of an issued invoice or credit note and store them, once.

    A stored file is never rendered again, so the archive keeps exactly what the buyer got,
    whatever changes later (templates, language, the seller's details). Rendering is slow, so
    it runs outside any lock; the row is locked only to check again and store. A concurrent
    second call (a redelivered task) therefore stores nothing: what it rendered is dropped.
    Returns the document as stored.
    """
    current = Invoice.objects.get(pk=invoice.pk)
    missing = [field for field in RENDERERS if not getattr(current, field)]
    if not missing:
        return current
    rendered = {field: RENDERERS[field][0](current) for field in missing}
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        stored = []
        for field, content in rendered.items():
            if getattr(locked, field):
                continue
            extension = RENDERERS[field][1]
            name = f"{FILE_STEM[locked.kind]}-{locked.document_number}.{extension}"
            getattr(locked, field).save(name, ContentFile(content), save=False)
            stored.append(field)
        if stored:
            locked.save(update_fields=stored)
    return locked
