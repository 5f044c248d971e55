"""An invoice run on the real stack survives a worker killed with SIGKILL: after a restart every
invoice is issued once and reaches the SMTP receiver exactly once (docs/architecture.md,
invariants 6 and 7).

The receiver is slow on purpose (a pause before it accepts each message), so the kill lands
while an e-mail is being handed over. A client that hangs up during the pause has delivered
nothing, as with a real mail server. The workers run with a short broker visibility timeout
and a short outbox lease, so the killed worker's unacknowledged task and its half-sent e-mail
come back within seconds instead of an hour.
"""

import datetime
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from billing.models import Invoice, InvoiceStatus
from billing.services import runs
from billing.services.sending import invoices_sync_sent_status
from portal.models import EmailStatus, Job, JobStatus, OutboundEmail
from portal.tasks import dispatch_pending_emails
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, fee_schedule
from tests.integration.conftest import (
    WORKER_START_TIMEOUT,
    WORKER_STOP_TIMEOUT,
    WorkerProcess,
    _test_database_url,
)
from tests.smtp import SmtpReceiver

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

YEAR = 2026
INVOICES = 20
SMTP_PAUSE = 0.3
VISIBILITY_TIMEOUT = 4
SENDING_LEASE = 3
DELIVERY_TIMEOUT = 120


@pytest.fixture
def slow_smtp():
    """An SMTP receiver that pauses before accepting each message."""
    with SmtpReceiver(pause=SMTP_PAUSE) as receiver:
        yield receiver


@pytest.fixture
def start_worker(real_stack, celery_queue, slow_smtp, tmp_path):
    """Starts `celery worker` processes on this run's queue; stops whatever is left at the end."""
    started: list[WorkerProcess] = []
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(real_stack["DATABASE_URL"]),
        "REDIS_URL": real_stack["REDIS_URL"],
        "CELERY_QUEUE": celery_queue,
        "EMAIL_URL": slow_smtp.url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CONN_MAX_AGE": "0",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "OUTBOX_SENDING_LEASE_SECONDS": str(SENDING_LEASE),
    }

    def start(name: str) -> WorkerProcess:
        log_path = tmp_path / f"worker-{name}.log"
        command = [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "battery_norway",
            "worker",
            "--pool=solo",
            "-Q",
            celery_queue,
            "-n",
            f"{name}-{celery_queue}@%h",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        worker = WorkerProcess(process, log_path)
        started.append(worker)
        worker.wait_until_ready(WORKER_START_TIMEOUT)
        return worker

    yield start
    for worker in started:
        worker.stop(WORKER_STOP_TIMEOUT)


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    pytest.fail(f"Timed out after {timeout} s waiting for {what}.")


def kill(worker: WorkerProcess) -> None:
    """SIGKILL: no warm shutdown, no acknowledgement, the task stays unacked in Redis."""
    worker.process.kill()
    worker.process.wait(timeout=WORKER_STOP_TIMEOUT)


@pytest.fixture
def participants():
    fee_schedule(YEAR, amount=Decimal("10000"))
    organisations = []
    for n in range(INVOICES):
        organisation = OrganisationFactory(
            name=f"Mottaker {n:02d} AS", invoice_email=f"faktura{n:02d}@mottaker.example"
        )
        MembershipFactory(organisation=organisation, start_date=datetime.date(2025, 1, 1))
        organisations.append(organisation)
    return organisations


def restart_after_the_broker_gives_up_on_the_dead_worker(start_worker) -> WorkerProcess:
    # Redis hands the dead worker's unacknowledged task out again once it is older than the
    # visibility timeout; a worker looks for such tasks when it starts.
    time.sleep(VISIBILITY_TIMEOUT + 1)
    worker = start_worker("second")
    # The outbox's own safety net for e-mails left "sending" by a dead worker.
    dispatch_pending_emails.delay()
    return worker


def assert_every_invoice_arrived_exactly_once(slow_smtp, participants) -> None:
    wait_until(lambda: slow_smtp.received >= INVOICES, DELIVERY_TIMEOUT, "every invoice e-mail")
    time.sleep(VISIBILITY_TIMEOUT + SENDING_LEASE)  # room for a duplicate to show up
    invoices = list(Invoice.objects.order_by("number"))
    assert [i.number for i in invoices] == list(range(1, INVOICES + 1))
    assert sorted(i.organisation_id for i in invoices) == sorted(o.pk for o in participants)

    messages = slow_smtp.messages
    message_ids = [m["Message-ID"] for m in messages]
    assert len(messages) == INVOICES, sorted(m["Subject"] for m in messages)
    assert len(set(message_ids)) == INVOICES
    recipients = sorted(m["To"] for m in messages)
    assert recipients == sorted(o.invoice_email for o in participants)
    with translation.override(settings.LANGUAGE_CODE):
        expected_subjects = [
            render_to_string("billing/email/invoice_subject.txt", {"invoice": i}).strip()
            for i in invoices
        ]
    assert sorted(m["Subject"] for m in messages) == sorted(expected_subjects)
    for message in messages:
        names = [part.get_filename() for part in message.iter_attachments()]
        assert [name.rsplit(".", 1)[1] for name in names] == ["pdf", "xml"]

    emails = OutboundEmail.objects.all()
    assert sorted(e.key for e in emails) == sorted(f"invoice:{i.pk}:send:1" for i in invoices)
    assert {e.status for e in emails} == {EmailStatus.SENT}
    invoices_sync_sent_status()
    assert set(Invoice.objects.values_list("status", flat=True)) == {InvoiceStatus.SENT}


def test_a_worker_killed_while_sending_invoices_sends_each_exactly_once_after_a_restart(
    start_worker, slow_smtp, participants
):
    staff = UserFactory(is_staff=True)
    first = start_worker("first")
    run = runs.invoice_run_start(year=YEAR, started_by=staff)

    # Kill while the fourth e-mail (or a later one) is being handed to the mail server.
    wait_until(
        lambda: slow_smtp.received >= 3 and slow_smtp.delivery_in_progress(),
        DELIVERY_TIMEOUT,
        "the first e-mails and one in progress",
    )
    kill(first)
    assert slow_smtp.received < INVOICES
    # The e-mail being handed over when the worker died is left "sending".
    assert OutboundEmail.objects.filter(status=EmailStatus.SENDING).count() == 1

    second = restart_after_the_broker_gives_up_on_the_dead_worker(start_worker)

    assert_every_invoice_arrived_exactly_once(slow_smtp, participants)
    second.assert_alive()
    assert Job.objects.get(pk=run.job_id).status == JobStatus.DONE


def test_a_worker_killed_in_the_middle_of_a_run_finishes_it_after_a_restart(
    start_worker, slow_smtp, participants
):
    staff = UserFactory(is_staff=True)
    first = start_worker("first")
    run = runs.invoice_run_start(year=YEAR, started_by=staff)

    # The run issues every invoice at once and queues a delivery task for each: kill while
    # the deliveries are under way.
    wait_until(
        lambda: Invoice.objects.exclude(pdf="").count() >= 5,
        DELIVERY_TIMEOUT,
        "the first invoices delivered",
    )
    kill(first)
    assert Invoice.objects.filter(pdf="").exists()
    assert Job.objects.get(pk=run.job_id).status == JobStatus.RUNNING

    second = restart_after_the_broker_gives_up_on_the_dead_worker(start_worker)

    assert_every_invoice_arrived_exactly_once(slow_smtp, participants)
    second.assert_alive()
    job = Job.objects.get(pk=run.job_id)
    assert (job.status, job.done, job.total) == (JobStatus.DONE, INVOICES, INVOICES)
