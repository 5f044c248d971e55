"""The secretariat's invoice pages: invoices with their e-mail status, one invoice by hand,
and sending an invoice again."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, View

from billing.filters import InvoiceFilter
from billing.forms import ResendForm, SingleInvoiceForm
from billing.models import Invoice
from billing.services import runs, sending
from portal.list_views import FilteredListMixin
from portal.permissions import StaffRequiredMixin
from portal.service_errors import add_service_error, message_text

INVOICES_PER_PAGE = 50


class StaffInvoiceListView(StaffRequiredMixin, FilteredListMixin, ListView):
    """Invoices and credit notes, newest first, optionally of one fee year, with the state of
    their latest e-mail and a resend button."""

    template_name = "billing/staff_invoice_list.html"
    paginate_by = INVOICES_PER_PAGE
    filterset_class = InvoiceFilter

    def get_filter_data(self):
        # Bound only when a year is asked for: page 2 of every year is not a filtered list.
        return self.request.GET if "year" in self.request.GET else None

    def get_base_queryset(self):
        return Invoice.objects.select_related("credits").order_by("-issue_date", "-number")

    def paginate_queryset(self, queryset, page_size):
        # A page number out of range or not a number shows the nearest page, never a 404.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        emails = sending.invoice_latest_email_status(invoice_ids=[i.pk for i in page])
        for invoice in page:
            invoice.latest_email = emails.get(invoice.pk)
            invoice.next_request_number = sending.invoice_next_request_number(
                requests=[invoice.latest_email]
            )
        return {**context, "form": self.filterset.form, "page": page}


class InvoiceCreateView(StaffRequiredMixin, FormView):
    """Invoice one organisation by hand, optionally pro rata from a month."""

    template_name = "billing/invoice_form.html"
    form_class = SingleInvoiceForm

    def form_valid(self, form):
        try:
            invoice = runs.fee_invoice_issue_single(
                organisation=form.cleaned_data["organisation"],
                year=form.cleaned_data["year"],
                from_month=form.cleaned_data["from_month"],
                issued_by=self.request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Invoice %(number)s to %(org)s is issued; it is sent by e-mail shortly.")
            % {"number": invoice.document_number, "org": invoice.buyer_name},
        )
        return redirect("billing:staff_invoices")


class InvoiceResendView(StaffRequiredMixin, View):
    """POST only: a new send request for the invoice, so one new e-mail."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        invoice = get_object_or_404(Invoice, pk=kwargs["invoice_pk"])
        form = ResendForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Reload the page and try again."))
            sending.invoice_resend(
                invoice=invoice, request_number=form.cleaned_data["request_number"]
            )
        except ValidationError as error:
            messages.error(request, message_text(error))
        else:
            messages.success(request, _("%(invoice)s is sent again.") % {"invoice": invoice})
        back = request.POST.get("next", "")
        # Only a path on this site; redirect() would read any other text as a view name.
        if not back.startswith("/") or not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}
        ):
            back = reverse("billing:staff_invoices")
        return HttpResponseRedirect(iri_to_uri(back))
