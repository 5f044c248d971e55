"""Celery tasks of activities. Tasks are leaves: services import this module at the top to
queue work, so each task imports its models and service inside its body, when it runs."""

import logging

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


@shared_task(name="activities.send_hours_reminders")
def send_hours_reminders() -> int:
    from activities.services import reminders  # noqa: PLC0415 -- leaf: services import tasks

    return reminders.hours_reminders_send(today=timezone.localdate())


@shared_task(name="activities.build_statements")
def build_statements(*, job_id: int, year: int) -> None:
    """Every in-kind statement of ``year``, zipped, as the job's result.

    A redelivered task finds a finished job and returns; one that fails marks the job failed
    so its page stops waiting.
    """
    from activities.services import statements  # noqa: PLC0415 -- leaf: the service queues us
    from portal import jobs  # noqa: PLC0415 -- leaf: services import tasks
    from portal.models import Job, JobStatus  # noqa: PLC0415 -- leaf: services import tasks

    status = Job.objects.filter(pk=job_id).values_list("status", flat=True).first()
    if status is None or status == JobStatus.DONE:
        return
    try:
        statements.statements_build_year(job_id=job_id, year=year)
    except Exception:
        logger.exception("Building the statements of %s failed (job %s).", year, job_id)
        jobs.job_fail(job_id=job_id, message=_("The statements could not be made."))
        raise
