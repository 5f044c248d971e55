"""The progress page of a background job, its status as JSON, and its result.

Generic over kinds of job (statements, invoice runs, imports): an app names its kind with
``portal.jobs.register_job_kind`` in its ``AppConfig.ready()`` so the page can title it. Only
the person who started a job, or staff, sees it (``portal.view_job``); anyone else gets a 404.
"""

import os

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, View

from portal.jobs import job_kind_label, job_waits_for_queue
from portal.models import Job, JobStatus
from portal.permissions import PermissionRequiredMixin

REFRESH_SECONDS = 3


def job_title(job: Job) -> Promise | str:
    return job_kind_label(job.kind)


def is_finished(job: Job) -> bool:
    return job.status in (JobStatus.DONE, JobStatus.FAILED)


def steps_text(job: Job, *, waiting: bool = False) -> str:
    if waiting:
        return gettext("Waiting for the task queue; it starts as soon as the queue is back.")
    if job.total:
        return gettext("%(done)s of %(total)s done") % {"done": job.done, "total": job.total}
    return "" if is_finished(job) else gettext("Starting…")


def download_url(job: Job) -> str | None:
    if job.status == JobStatus.DONE and job.result:
        return reverse("portal:job_download", kwargs={"pk": job.pk})
    return None


class JobMixin(PermissionRequiredMixin):
    permission_required = "portal.view_job"
    job: Job

    def get_permission_object(self) -> Job:
        self.job = get_object_or_404(Job, pk=self.kwargs["pk"])
        return self.job

    def get_job(self) -> Job:
        return self.job


@method_decorator(never_cache, name="dispatch")
class JobDetailView(JobMixin, DetailView):
    template_name = "portal/job.html"
    context_object_name = "job"

    def get_object(self, queryset=None):
        return self.get_job()

    def get_context_data(self, **kwargs):
        job = self.object
        waiting = job_waits_for_queue(job)
        return super().get_context_data(
            title=job_title(job),
            finished=is_finished(job),
            waiting=waiting,
            steps_text=steps_text(job, waiting=waiting),
            download_url=download_url(job),
            refresh_seconds=REFRESH_SECONDS,
            **kwargs,
        )


@method_decorator(never_cache, name="dispatch")
class JobStatusView(JobMixin, View):
    def get(self, request, *args, **kwargs):
        job = self.get_job()
        waiting = job_waits_for_queue(job)
        return JsonResponse(
            {
                "status": job.status,
                "status_label": str(job.get_status_display()),
                "done": job.done,
                "total": job.total,
                "percent": min(job.percent, 100),
                "steps_text": steps_text(job, waiting=waiting),
                "waiting": waiting,
                "finished": is_finished(job),
                "download_url": download_url(job),
            }
        )


class JobDownloadView(JobMixin, View):
    def get(self, request, *args, **kwargs):
        job = self.get_job()
        if download_url(job) is None:
            raise Http404
        return FileResponse(
            job.result.open("rb"), as_attachment=True, filename=os.path.basename(job.result.name)
        )
