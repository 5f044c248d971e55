"""Background jobs with progress the person who started them can watch.

Each app names its kinds of job in its ``AppConfig.ready()`` with ``register_job_kind``, so the
progress page can title a job of any kind without importing the app's views.
"""

import sys

from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.models import Job, JobStatus

_job_kinds: dict[str, Promise | str] = {}


def register_job_kind(kind: str, label: Promise | str) -> None:
    """Name a kind of job for its progress page; called from an app's ``ready()``."""
    _job_kinds[kind] = label


def job_kind_label(kind: str) -> Promise | str:
    return _job_kinds.get(kind, _("Background job"))


def job_waits_for_queue(job: Job) -> bool:
    """Whether the job cannot start yet because the broker refused its task: the task is still a
    ``PendingTask`` row (``portal.queue``), which the dispatcher sends once the broker is back."""
    return job.status == JobStatus.PENDING and job.pending_tasks.exists()


def job_create(*, kind: str, started_by, total: int = 0, params: dict | None = None) -> Job:
    return Job.objects.create(kind=kind, started_by=started_by, total=total, params=params or {})


def job_start(*, job_id: int, total: int | None = None) -> None:
    # A task redelivered after a worker died starts counting again from zero.
    fields = {"status": JobStatus.RUNNING, "done": 0}
    if total is not None:
        fields["total"] = total
    Job.objects.filter(pk=job_id).update(**fields)


def job_advance(*, job_id: int, steps: int = 1) -> None:
    Job.objects.filter(pk=job_id).update(done=F("done") + steps)


def job_finish(
    *, job_id: int, message: str = "", result: bytes | None = None, filename: str = ""
) -> Job:
    job = Job.objects.get(pk=job_id)
    if result is not None:
        job.result.save(filename, ContentFile(result), save=False)
    job.status = JobStatus.DONE
    job.message = message
    job.finished_at = timezone.now()
    job.save(update_fields=["result", "status", "message", "finished_at"])
    return job


def job_fail(*, job_id: int, message: str) -> None:
    """Mark the job failed, so its page stops waiting; called from a job's ``except`` clause.

    Not while a lost database connection is being handled: the task retries on a new connection
    (``portal.scoping.ScopesDisabledTask``) and the retry must find the job still unfinished.
    """
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, message=message, finished_at=timezone.now()
    )
