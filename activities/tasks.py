"""Celery tasks of activities. Tasks are leaves: services import this module at the top to
queue work, so each task imports its models and service inside its body, when it runs."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="activities.send_hours_reminders")
def send_hours_reminders() -> int:
    from activities.services import reminders  # noqa: PLC0415 -- leaf: services import tasks

    return reminders.hours_reminders_send(today=timezone.localdate())


@shared_task(name="activities.build_statements")
def build_statements(*, job_id: int, year: int) -> None:
    """Every in-kind statement of ``year``, zipped, as the job's result (the service decides
    whether the job still needs it)."""
    from activities.services import statements  # noqa: PLC0415 -- leaf: the service queues us

    statements.statements_build_execute(job_id=job_id, year=year)
