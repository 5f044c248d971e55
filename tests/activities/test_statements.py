import datetime
import io
import zipfile

import pytest
from django.db import transaction
from django.utils import timezone

from activities.models import HourEntry, HourlyRate, PeriodConfirmation
from activities.services.statements import (
    STATEMENTS_JOB,
    statement_pdf,
    statements_build_execute,
    statements_build_start,
    statements_build_year,
)
from portal import jobs
from portal.models import Job, JobStatus
from tests.factories import (
    ActivityFactory,
    OrganisationFactory,
    ReportingPeriodFactory,
    UserFactory,
    member_of,
)
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _portal_language_english(settings):
    """E-mails and bulk statements use the portal's default language; make it English here."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def company_with_hours():
    organisation = OrganisationFactory(name="Celleverket AS", organisation_number="923609016")
    anne = member_of(organisation, full_name="Anne Aas")
    workshop = ActivityFactory(title="Sikkerhetsverksted")
    HourlyRate.objects.create(year=2025, rate=700)
    for day, hours in ((2, "7.5"), (3, "4")):
        HourEntry.objects.create(
            organisation=organisation,
            person=anne,
            activity=workshop,
            date=datetime.date(2025, 5, day),
            hours=hours,
        )
    period = ReportingPeriodFactory(
        name="2025 Q2",
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2025, 6, 30),
        deadline=datetime.date(2025, 7, 31),
    )
    PeriodConfirmation.objects.create(
        organisation=organisation,
        period=period,
        hours="11.5",
        confirmed_by=anne,
        confirmed_by_name="Anne Aas",
        confirmed_at=timezone.now(),
    )
    return organisation


def test_statement_shows_organisation_totals_people_and_confirmation(company_with_hours):
    text = pdf_text(statement_pdf(company_with_hours, 2025))
    assert "In-kind statement 2025" in text
    assert "Celleverket AS, organisation number 923609016" in text
    assert "Sikkerhetsverksted 11.50 8,050.00" in text
    assert "Total 11.50 8,050.00" in text
    assert "Anne Aas 11.50 8,050.00" in text
    assert "2025 Q2 11.50 Anne Aas" in text


def test_all_statements_of_a_year_are_built_as_a_job(company_with_hours):
    OrganisationFactory(name="Uten Timer AS")
    job = jobs.job_create(kind="statements", started_by=UserFactory(is_staff=True))
    statements_build_year(job_id=job.pk, year=2025)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == (JobStatus.DONE, 1, 1, 100)
    with job.result.open("rb") as handle:
        content = handle.read()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert names == ["egeninnsats-2025-923609016-celleverket-as.pdf"]
        assert "Total 11.50 8,050.00" in pdf_text(archive.read(names[0]))


def test_a_statements_build_that_fails_marks_its_job_failed(company_with_hours, monkeypatch):
    job = jobs.job_create(kind="statements", started_by=UserFactory(is_staff=True))

    def renderer_breaks(*args, **kwargs):
        raise OSError("the PDF renderer is gone")

    monkeypatch.setattr("weasyprint.HTML.write_pdf", renderer_breaks)
    with pytest.raises(OSError, match="renderer is gone"):
        statements_build_execute(job_id=job.pk, year=2025)
    job.refresh_from_db()
    assert (job.status, job.message) == (JobStatus.FAILED, "The statements could not be made.")


def test_a_finished_statements_job_is_not_built_again(company_with_hours):
    job = jobs.job_create(kind="statements", started_by=UserFactory(is_staff=True))
    statements_build_year(job_id=job.pk, year=2025)
    finished = Job.objects.get(pk=job.pk).finished_at
    statements_build_execute(job_id=job.pk, year=2025)
    assert Job.objects.get(pk=job.pk).finished_at == finished


def test_starting_the_statements_job_queues_the_build_after_commit(
    company_with_hours, django_capture_on_commit_callbacks
):
    staff = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        job = statements_build_start(year=2025, started_by=staff)
        job.refresh_from_db()
        assert job.status != JobStatus.DONE  # nothing runs before the commit

    job.refresh_from_db()
    assert len(queued) == 1
    assert (job.kind, job.params, job.started_by) == (STATEMENTS_JOB, {"year": 2025}, staff)
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 1, 1)


def test_a_statements_start_that_rolls_back_leaves_no_job_and_queues_nothing(
    company_with_hours, django_capture_on_commit_callbacks
):
    def start_then_fail():
        with transaction.atomic():
            statements_build_start(year=2025, started_by=UserFactory(is_staff=True))
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True) as queued, pytest.raises(RuntimeError):
        start_then_fail()
    assert queued == []
    assert not Job.objects.exists()
