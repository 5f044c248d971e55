"""A task whose database connection is cut mid-work (PostgreSQL restarted, the backend
terminated) retries on a new connection and finishes once, instead of failing.

The worker is held on a table lock in the middle of an invoice run, its backend is terminated
with ``pg_terminate_backend`` from a second connection, and the lock is released: the run is
retried (``portal.scoping.ScopesDisabledTask``) and every invoice is issued and mailed once.
"""

import datetime
import time
from decimal import Decimal

import pytest

from billing.models import Invoice
from billing.services import runs
from portal.models import EmailStatus, Job, JobStatus, OutboundEmail
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, fee_schedule
from tests.integration.test_database_restart import (
    _backend_waiting_on_a_lock,
    _second_connection,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

YEAR = 2026
INVOICES = 4
TIMEOUT = 60
RETRY_LOGGED = "lost its database connection (OperationalError); retry 1"


def _wait_until(condition, what: str, worker) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"Timed out waiting for {what}.\nCelery worker log:\n{worker.log[-6000:]}")


def test_a_run_whose_connection_is_terminated_retries_and_finishes_once(
    real_stack, celery_worker, smtp_receiver
):
    fee_schedule(YEAR, amount=Decimal("10000"))
    for n in range(INVOICES):
        organisation = OrganisationFactory(invoice_email=f"faktura{n}@mottaker.example")
        MembershipFactory(organisation=organisation, start_date=datetime.date(2025, 1, 1))
    staff = UserFactory(is_staff=True)

    with (
        _second_connection(autocommit=False) as locker,
        _second_connection(autocommit=True) as watcher,
    ):
        # The run waits to take the first invoice number: cut it there, in its transaction.
        locker.execute("LOCK TABLE billing_numberseries IN ACCESS EXCLUSIVE MODE")
        run = runs.invoice_run_start(year=YEAR, started_by=staff)
        pid = _backend_waiting_on_a_lock(watcher)
        assert watcher.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
        locker.rollback()

    _wait_until(lambda: smtp_receiver.received >= INVOICES, "every invoice e-mail", celery_worker)
    _wait_until(
        lambda: Job.objects.get(pk=run.job_id).status == JobStatus.DONE,
        "the job to finish",
        celery_worker,
    )
    time.sleep(2)  # room for a duplicate
    job = Job.objects.get(pk=run.job_id)
    assert (job.done, job.total) == (INVOICES, INVOICES)
    assert sorted(Invoice.objects.values_list("number", flat=True)) == list(range(1, INVOICES + 1))
    assert smtp_receiver.received == INVOICES
    assert len({m["Message-ID"] for m in smtp_receiver.messages}) == INVOICES
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {EmailStatus.SENT}
    celery_worker.assert_alive()
    assert celery_worker.log.count(RETRY_LOGGED) == 1, celery_worker.log[-4000:]
