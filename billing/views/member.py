"""The member portal's invoices: the organisation's invoices and credit notes, and for its
admins the PDF and EHF files. Another organisation's invoice is a 404 on every URL."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views.generic import TemplateView, View

from billing import selectors
from billing.models import Invoice
from portal.permissions import OrganisationPermissionMixin

DOCUMENTS = {
    "pdf": ("pdf", "application/pdf", "pdf"),
    "ehf": ("ehf", "application/xml", "xml"),
}


class OrganisationInvoiceListView(OrganisationPermissionMixin, TemplateView):
    permission_required = "members.view_organisation"
    template_name = "billing/organisation_invoices.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            invoices=selectors.organisation_invoices(self.organisation), **kwargs
        )


class InvoiceDocumentView(OrganisationPermissionMixin, View):
    """The stored PDF or EHF of one of the organisation's documents (``document`` in the URL)."""

    permission_required = "members.admin_organisation"

    document = "pdf"

    def get(self, request, *args, **kwargs):
        invoice: Invoice = get_object_or_404(self.organisation.invoices, pk=kwargs["invoice_pk"])
        field_name, content_type, extension = DOCUMENTS[self.document]
        stored = getattr(invoice, field_name)
        if not stored:
            raise Http404
        filename = f"{slugify(invoice.get_kind_display())}-{invoice.document_number}.{extension}"
        return FileResponse(
            stored.open("rb"),
            as_attachment=self.document == "ehf",
            filename=filename,
            content_type=content_type,
        )
