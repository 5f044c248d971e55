"""Thin Celery tasks: primitive ids in, objects fetched again, one service called.

Tasks are leaves: services import this module at the top to queue work, so each task imports
its models and service inside its body, when it runs.
"""

from celery import shared_task


@shared_task(name="billing.run_invoices")
def run_invoices(*, run_id: int) -> None:
    from billing.services import runs  # noqa: PLC0415 -- leaf: runs imports tasks at the top

    runs.invoice_run_execute(run_id=run_id)


@shared_task(name="billing.deliver_invoice")
def deliver_invoice(*, invoice_id: int) -> None:
    from billing.models import Invoice  # noqa: PLC0415 -- leaf: tasks import at run time
    from billing.services import sending  # noqa: PLC0415 -- leaf: services import tasks

    invoice = Invoice.objects.filter(pk=invoice_id).first()
    if invoice is None:
        return
    sending.invoice_deliver(invoice=invoice)


@shared_task(name="billing.sync_invoice_sent_status")
def sync_invoice_sent_status() -> int:
    from billing.services import sending  # noqa: PLC0415 -- leaf: services import tasks

    return sending.invoices_sync_sent_status()
