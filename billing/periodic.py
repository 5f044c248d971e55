"""Beat's daily billing work: overdue invoices marked, payment reminders queued."""

from celery import shared_task
from django.utils import timezone

from billing.services import reminders


@shared_task(name="billing.send_payment_reminders")
def send_payment_reminders() -> int:
    return reminders.payment_reminders_send(today=timezone.localdate())
