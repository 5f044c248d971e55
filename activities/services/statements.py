"""The yearly in-kind statement of an organisation, as PDF (WeasyPrint), and the staff job that
makes all of a year's statements."""

import io
import logging
import zipfile

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities import tasks
from activities.selectors import YearSummary, organisation_year_summary
from members.models import Organisation, User
from portal import jobs
from portal.models import Job, JobStatus
from portal.queue import enqueue_after_commit

STATEMENTS_JOB = "activities.statements"

logger = logging.getLogger(__name__)


def render_statement_pdf(summary: YearSummary) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 -- slow to import; only PDF pages need it

    html = render_to_string(
        "activities/statement_pdf.html", {"summary": summary, "generated_at": timezone.now()}
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def statement_filename(organisation: Organisation, year: int) -> str:
    return f"egeninnsats-{year}-{organisation.organisation_number}-{slugify(organisation.name)}.pdf"


def statement_pdf(organisation: Organisation, year: int) -> bytes:
    return render_statement_pdf(organisation_year_summary(organisation, year))


def statements_build_start(*, year: int, started_by: User) -> Job:
    """Start the job that makes every in-kind statement of ``year``; queued after commit.

    The job row and the queued task go together: if the transaction rolls back, no task is
    sent, and the task never runs before its job exists.
    """
    with transaction.atomic():
        job = jobs.job_create(kind=STATEMENTS_JOB, started_by=started_by, params={"year": year})
        enqueue_after_commit(tasks.build_statements, job_id=job.pk, year=year)
    return job


def statements_build_execute(*, job_id: int, year: int) -> None:
    """The statements job, as its task runs it: build the year's statements once.

    A job that is gone or already done is left alone (a redelivered task changes nothing); a
    build that fails marks the job failed, so its page stops waiting, and re-raises.
    """
    status = Job.objects.filter(pk=job_id).values_list("status", flat=True).first()
    if status is None or status == JobStatus.DONE:
        return
    try:
        statements_build_year(job_id=job_id, year=year)
    except Exception:
        logger.exception("Building the statements of %s failed (job %s).", year, job_id)
        jobs.job_fail(job_id=job_id, message=_("The statements could not be made."))
        raise


def statements_build_year(*, job_id: int, year: int) -> None:
    """Every statement of ``year`` for organisations with hours, zipped, as the job's result."""
    organisations = list(
        Organisation.objects.filter(hour_entries__date__year=year).distinct().order_by("name")
    )
    jobs.job_start(job_id=job_id, total=len(organisations))
    buffer = io.BytesIO()
    with (
        translation.override(settings.LANGUAGE_CODE),
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for organisation in organisations:
            archive.writestr(
                statement_filename(organisation, year), statement_pdf(organisation, year)
            )
            jobs.job_advance(job_id=job_id)
    jobs.job_finish(
        job_id=job_id,
        message=ngettext(
            "%(count)d statement made.", "%(count)d statements made.", len(organisations)
        )
        % {"count": len(organisations)},
        result=buffer.getvalue(),
        filename=f"egeninnsats-{year}.zip",
    )
