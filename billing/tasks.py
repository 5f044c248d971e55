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
def deliver_invoice(*, invoice_id: int, run_id: int | None = None) -> None:
    from billing.models import Invoice  # noqa: PLC0415 -- leaf: tasks import at run time
    from billing.services import runs, sending  # noqa: PLC0415 -- leaf: services import tasks

    if run_id is not None:  # one invoice of a run, which records the result in its job
        runs.invoice_run_deliver(run_id=run_id, invoice_id=invoice_id)
        return
    invoice = Invoice.objects.filter(pk=invoice_id).first()
    if invoice is None:
        return
    sending.invoice_deliver(invoice=invoice)


@shared_task(name="billing.sync_invoice_sent_status")
def sync_invoice_sent_status() -> int:
    from billing.services import sending  # noqa: PLC0415 -- leaf: services import tasks

    return sending.invoices_sync_sent_status()
