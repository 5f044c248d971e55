"""Beat's daily billing work: overdue invoices marked, payment reminders queued."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="billing.send_payment_reminders")
def send_payment_reminders() -> int:
    from billing.services import reminders  # noqa: PLC0415 -- leaf: services import tasks

    return reminders.payment_reminders_send(today=timezone.localdate())
