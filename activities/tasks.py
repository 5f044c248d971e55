from celery import shared_task
from django.utils import timezone

from activities.services import reminders


@shared_task(name="activities.send_hours_reminders")
def send_hours_reminders() -> int:
    return reminders.hours_reminders_send(today=timezone.localdate())
