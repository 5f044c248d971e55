"""An issued invoice or credit note as documents: PDF for people, EHF (PEPPOL BIS 3) for systems.

Both renderers read only what was copied onto the document when it was issued, so rendering
the same document twice gives the same content.
"""

from billing.rendering.ehf import render_invoice_ehf
from billing.rendering.pdf import render_invoice_pdf

__all__ = ["render_invoice_ehf", "render_invoice_pdf"]
