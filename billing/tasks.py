"""Thin Celery tasks: primitive ids in, objects fetched again, one service called."""

from celery import shared_task

from billing.models import Invoice
from billing.services import runs, sending


@shared_task(name="billing.run_invoices")
def run_invoices(*, run_id: int) -> None:
    runs.invoice_run_execute(run_id=run_id)


@shared_task(name="billing.deliver_invoice")
def deliver_invoice(*, invoice_id: int) -> None:
    invoice = Invoice.objects.filter(pk=invoice_id).first()
    if invoice is None:
        return
    sending.invoice_deliver(invoice=invoice)


@shared_task(name="billing.sync_invoice_sent_status")
def sync_invoice_sent_status() -> int:
    return sending.invoices_sync_sent_status()
