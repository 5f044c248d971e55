"""Background jobs with progress the person who started them can watch."""

from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone

from portal.models import Job, JobStatus


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
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, message=message, finished_at=timezone.now()
    )
