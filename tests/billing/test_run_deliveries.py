"""An invoice run issues serially and hands each invoice to its own delivery task: the job
finishes with the last delivery, names a failed one, and a redelivered delivery changes nothing."""

from decimal import Decimal

import pytest

from billing import tasks
from billing.models import Invoice, InvoiceStatus
from billing.services import runs
from portal.models import Job, JobStatus, OutboundEmail
from tests.factories import UserFactory, fee_schedule, participant

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture
def members():
    fee_schedule(YEAR, amount=Decimal("10000"))
    return [participant(f"Deltaker {n} AS") for n in range(3)]


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def issue_only(staff, django_capture_on_commit_callbacks) -> tuple[Job, list]:
    """Start a run and let its task issue; returns the job and the delivery tasks it queued,
    not yet run."""
    with django_capture_on_commit_callbacks() as queued:
        run = runs.invoice_run_start(year=YEAR, started_by=staff)
    with django_capture_on_commit_callbacks() as deliveries:
        for callback in queued:
            callback()
    return Job.objects.get(pk=run.job_id), deliveries


def test_the_run_queues_one_delivery_per_invoice_and_the_last_one_finishes_the_job(
    members, staff, smtp_server, django_capture_on_commit_callbacks
):
    job, deliveries = issue_only(staff, django_capture_on_commit_callbacks)

    assert [i.number for i in Invoice.objects.order_by("number")] == [1, 2, 3]
    assert not Invoice.objects.exclude(pdf="").exists()  # nothing rendered while issuing
    assert len(deliveries) == 3
    assert (job.status, job.done, job.total) == (JobStatus.RUNNING, 0, 3)
    assert "outcome" not in job.params

    progress = []
    for delivery in deliveries:
        with django_capture_on_commit_callbacks(execute=True):
            delivery()
        job.refresh_from_db()
        progress.append((job.status, job.done))

    assert progress == [
        (JobStatus.RUNNING, 1),
        (JobStatus.RUNNING, 2),
        (JobStatus.DONE, 3),
    ]
    assert all(i.pdf and i.ehf for i in Invoice.objects.all())
    assert len(smtp_server.inbox.wait_for(3)) == 3
    assert "3 invoices issued." in job.message
    assert "3 invoice e-mails queued." in job.message
    assert sorted(job.params["outcome"]["invoice_ids"]) == sorted(
        Invoice.objects.values_list("pk", flat=True)
    )


def test_a_run_redelivered_while_its_deliveries_go_on_queues_only_the_ones_left(
    members, staff, smtp_server, django_capture_on_commit_callbacks
):
    job, deliveries = issue_only(staff, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        deliveries[0]()
    # The issuing task is handed out again (its worker was thought dead).
    with django_capture_on_commit_callbacks() as again:
        tasks.run_invoices.delay(run_id=job.invoice_run.pk)
    job.refresh_from_db()
    assert len(again) == 2
    assert (job.status, job.done) == (JobStatus.RUNNING, 1)

    with django_capture_on_commit_callbacks(execute=True):
        for delivery in again:
            delivery()
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 3, 3)
    assert "3 organisations were already invoiced for the year." in job.message
    assert "3 invoice e-mails queued." in job.message
    assert Invoice.objects.count() == 3
    assert len(smtp_server.inbox.wait_for(3)) == 3
    assert OutboundEmail.objects.count() == 3


def test_a_redelivered_delivery_task_changes_nothing(
    members, staff, smtp_server, django_capture_on_commit_callbacks
):
    job, deliveries = issue_only(staff, django_capture_on_commit_callbacks)
    first = deliveries[0]
    with django_capture_on_commit_callbacks(execute=True):
        first()
        first()  # the broker hands the same task out again
    job.refresh_from_db()
    assert (job.status, job.done) == (JobStatus.RUNNING, 1)
    assert OutboundEmail.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        for delivery in deliveries:
            delivery()
    job.refresh_from_db()
    assert (job.status, job.done) == (JobStatus.DONE, 3)
    assert "3 invoice e-mails queued." in job.message
    assert OutboundEmail.objects.count() == 3
    assert len(smtp_server.inbox.wait_for(3)) == 3


def test_a_delivery_that_fails_is_named_in_the_outcome_and_the_others_go_out(
    members, staff, settings, tmp_path, smtp_server, django_capture_on_commit_callbacks
):
    job, deliveries = issue_only(staff, django_capture_on_commit_callbacks)
    first, *others = deliveries
    broken = tmp_path / "not-a-directory"
    broken.write_text("")
    media_root, settings.MEDIA_ROOT = settings.MEDIA_ROOT, str(broken)
    with django_capture_on_commit_callbacks(execute=True):
        first()  # the documents cannot be stored
    settings.MEDIA_ROOT = media_root
    with django_capture_on_commit_callbacks(execute=True):
        for delivery in others:
            delivery()

    job.refresh_from_db()
    failed = Invoice.objects.get(pdf="")
    assert failed.status == InvoiceStatus.ISSUED
    assert (job.status, job.done) == (JobStatus.DONE, 3)
    assert "2 invoice e-mails queued." in job.message
    assert f"Failed:\n– {failed}, {failed.organisation}: " in job.message
    assert len(job.params["outcome"]["failed"]) == 1
    assert job.params["links"][1]["label"] == "Skipped, not sent or failed"
    assert len(smtp_server.inbox.wait_for(2)) == 2
