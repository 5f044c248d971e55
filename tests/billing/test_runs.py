"""Invoice runs: a confirmed plan becomes a job that issues, stores and sends each invoice once,
however often it is confirmed, started or redelivered."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing import selectors, tasks
from billing.models import Invoice, InvoiceRun, InvoiceStatus
from billing.services import runs
from billing.services.issuing import fee_invoice_issue
from portal import jobs
from portal.models import EmailStatus, Job, JobStatus, OutboundEmail
from tests.factories import (
    UserFactory,
    fee_schedule,
    participant,
)

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture
def members():
    fee_schedule(YEAR, amount=Decimal("10000"))
    return [participant(f"Deltaker {n} AS") for n in range(3)]


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def start_and_run(staff, django_capture_on_commit_callbacks, **kwargs) -> InvoiceRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.invoice_run_start(year=YEAR, started_by=staff, **kwargs)
    run.refresh_from_db()
    return run


def test_a_run_issues_stores_and_emails_every_billable_organisation(
    members, staff, smtp_server, django_capture_on_commit_callbacks
):
    run = start_and_run(staff, django_capture_on_commit_callbacks)

    invoices = list(Invoice.objects.order_by("number"))
    assert sorted(i.organisation_id for i in invoices) == sorted(m.pk for m in members)
    assert all(i.pdf and i.ehf for i in invoices)
    assert {i.issued_by_id for i in invoices} == {staff.pk}
    assert len(smtp_server.inbox.wait_for(3)) == 3
    # Delivered after the run's own check (the test's transaction defers the send tasks):
    # beat's sync marks them.
    assert {i.status for i in invoices} == {InvoiceStatus.ISSUED}
    assert tasks.sync_invoice_sent_status.delay().get() == 3
    assert set(Invoice.objects.values_list("status", flat=True)) == {InvoiceStatus.SENT}
    job = run.job
    assert (job.kind, job.status, job.done, job.total) == (
        runs.RUN_JOB_KIND,
        JobStatus.DONE,
        3,
        3,
    )
    assert "3 invoices issued." in job.message
    assert "3 invoice e-mails queued." in job.message


def test_a_run_started_twice_issues_and_sends_each_invoice_once(
    members, staff, smtp_server, django_capture_on_commit_callbacks
):
    # Both confirmed before either job ran: both jobs get every organisation.
    with django_capture_on_commit_callbacks(execute=True):
        first = runs.invoice_run_start(year=YEAR, started_by=staff)
        second = runs.invoice_run_start(year=YEAR, started_by=staff)

    assert Invoice.objects.count() == 3
    assert OutboundEmail.objects.count() == 3
    assert len(smtp_server.inbox.wait_for(3)) == 3
    first.job.refresh_from_db()
    second.job.refresh_from_db()
    assert "3 invoices issued." in first.job.message
    assert "0 invoices issued." in second.job.message
    assert "3 organisations were already invoiced for the year." in second.job.message
    assert second.job.status == JobStatus.DONE


def test_a_second_confirmation_after_the_first_run_finds_nobody_left(
    members, staff, django_capture_on_commit_callbacks
):
    start_and_run(staff, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="Nobody is left to invoice"):
        runs.invoice_run_start(year=YEAR, started_by=staff)
    assert InvoiceRun.objects.count() == 1


def test_a_redelivered_finished_run_does_nothing(
    members, staff, django_capture_on_commit_callbacks
):
    run = start_and_run(staff, django_capture_on_commit_callbacks)
    message = run.job.message

    tasks.run_invoices.delay(run_id=run.pk)

    run.job.refresh_from_db()
    assert run.job.message == message
    assert Invoice.objects.count() == 3
    assert OutboundEmail.objects.count() == 3


def test_a_run_redelivered_after_its_worker_died_completes_the_first_attempt(
    members, staff, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        run = runs.invoice_run_start(year=YEAR, started_by=staff)
    # The first attempt issued the first invoice, then died before storing and sending it.
    first_organisation = members[0]
    fee_invoice_issue(organisation=first_organisation, year=YEAR, issued_by=staff)
    jobs.job_start(job_id=run.job_id, total=3)
    jobs.job_advance(job_id=run.job_id)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.run_invoices.delay(run_id=run.pk)

    assert Invoice.objects.count() == 3
    first = Invoice.objects.get(organisation=first_organisation)
    assert first.pdf
    assert first.ehf
    assert OutboundEmail.objects.filter(key=f"invoice:{first.pk}:send:1").exists()
    assert len(smtp_server.inbox.wait_for(3)) == 3
    job = Job.objects.get(pk=run.job_id)
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 3, 3)
    assert "2 invoices issued." in job.message
    assert "1 organisation was already invoiced for the year." in job.message


def test_a_run_of_a_missing_run_returns_quietly():
    tasks.run_invoices.delay(run_id=999_999)
    assert not Job.objects.exists()


def test_an_organisation_no_longer_billable_when_the_job_runs_is_skipped_with_the_reason(
    members, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        run = runs.invoice_run_start(year=YEAR, started_by=staff)
    members[0].memberships.all().delete()

    with django_capture_on_commit_callbacks(execute=True):  # the run, then its deliveries
        for callback in queued:
            callback()

    job = Job.objects.get(pk=run.job_id)
    assert job.status == JobStatus.DONE
    assert Invoice.objects.count() == 2
    assert f"Skipped:\n– {members[0].name}: " in job.message


def test_an_invoice_with_nobody_to_send_to_is_issued_and_reported_not_sent(
    staff, smtp_server, django_capture_on_commit_callbacks
):
    fee_schedule(YEAR)
    silent = participant("Stille AS", invoice_email="")
    run = start_and_run(staff, django_capture_on_commit_callbacks)
    invoice = Invoice.objects.get(organisation=silent)
    assert invoice.status == InvoiceStatus.ISSUED
    assert "Not sent:" in run.job.message
    assert "no invoice e-mail address and no administrator" in run.job.message
    assert run.job.status == JobStatus.DONE


def test_a_run_confirmed_from_a_stale_preview_is_refused(
    members, staff, django_capture_on_commit_callbacks
):
    fingerprint = runs.plan_fingerprint(selectors.run_plan(year=YEAR))
    participant("Nykommer AS")
    with pytest.raises(ValidationError, match="changed since the preview"):
        runs.invoice_run_start(year=YEAR, started_by=staff, fingerprint=fingerprint)
    assert not InvoiceRun.objects.exists()
    assert not Job.objects.exists()


def test_a_run_for_a_year_without_a_fee_schedule_is_refused_at_the_year(staff):
    with pytest.raises(ValidationError) as error:
        runs.invoice_run_start(year=2031, started_by=staff)
    assert error.value.message_dict == {"year": ["There is no fee schedule for 2031."]}


def test_an_invoice_by_hand_pro_rata_is_issued_stored_and_sent(
    staff, smtp_server, django_capture_on_commit_callbacks
):
    fee_schedule(YEAR, amount=Decimal("12000"))
    newcomer = participant("Nykommer AS")
    with django_capture_on_commit_callbacks(execute=True):
        invoice = runs.fee_invoice_issue_single(
            organisation=newcomer, year=YEAR, issued_by=staff, from_month=7
        )
    invoice.refresh_from_db()
    assert invoice.amount_excl_vat == Decimal("6000.00")
    assert invoice.delivery_start == datetime.date(YEAR, 7, 1)
    assert invoice.pdf
    assert invoice.ehf
    assert len(smtp_server.inbox.wait_for(1)) == 1
    assert OutboundEmail.objects.get().status == EmailStatus.SENT
