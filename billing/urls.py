from django.urls import path

from billing.views import member, runs, staff_invoices

app_name = "billing"

staff = "staff/billing/"
organisation_invoices = "organisations/<int:pk>/invoices/"

urlpatterns = [
    path(f"{staff}runs/", runs.RunListView.as_view(), name="runs"),
    path(f"{staff}runs/preview/", runs.RunPreviewView.as_view(), name="run_preview"),
    path(f"{staff}runs/confirm/", runs.RunConfirmView.as_view(), name="run_confirm"),
    path(f"{staff}runs/<int:pk>/", runs.RunDetailView.as_view(), name="run_detail"),
    path(f"{staff}invoices/", staff_invoices.StaffInvoiceListView.as_view(), name="staff_invoices"),
    path(
        f"{staff}invoices/new/", staff_invoices.InvoiceCreateView.as_view(), name="invoice_create"
    ),
    path(
        f"{staff}invoices/<int:invoice_pk>/resend/",
        staff_invoices.InvoiceResendView.as_view(),
        name="invoice_resend",
    ),
    path(
        organisation_invoices,
        member.OrganisationInvoiceListView.as_view(),
        name="organisation_invoices",
    ),
    path(
        f"{organisation_invoices}<int:invoice_pk>/pdf/",
        member.InvoiceDocumentView.as_view(document="pdf"),
        name="invoice_pdf",
    ),
    path(
        f"{organisation_invoices}<int:invoice_pk>/ehf/",
        member.InvoiceDocumentView.as_view(document="ehf"),
        name="invoice_ehf",
    ),
]
