"""Payment reminders on the real stack: the beat task queued twice sends each reminder once."""

import datetime
import importlib
import time

import pytest
from django.apps import apps
from django.utils import timezone

from billing.models import NumberSeries, PaymentReminder
from billing.periodic import send_payment_reminders
from portal.models import EmailStatus, OutboundEmail
from tests.billing.invoicing import issue_invoice

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

MAIL_TIMEOUT = 30


@pytest.fixture
def _billing_seed():
    """Number series and seller, as the migration made them (a transactional test flushed them)."""
    if not NumberSeries.objects.exists():
        importlib.import_module("billing.migrations.0002_series_and_seller").create(apps, None)


@pytest.mark.usefixtures("_billing_seed")
def test_the_reminder_job_run_twice_sends_each_reminder_once(celery_worker, smtp_receiver):
    # Due 14 days ago: the first reminder is due today (seller default).
    issue_date = timezone.localdate() - datetime.timedelta(days=30 + 14)
    addresses = ["alfa@example.no", "beta@example.no"]
    invoices = [
        issue_invoice(issue_date=issue_date, year=issue_date.year, invoice_email=address)
        for address in addresses
    ]

    send_payment_reminders.delay()
    send_payment_reminders.delay()

    received = [smtp_receiver.wait_for_mail(MAIL_TIMEOUT) for _ in addresses]
    by_address = {mail.recipients[0]: mail for mail in received}
    assert sorted(by_address) == addresses
    for invoice, address in zip(invoices, addresses, strict=True):
        assert invoice.kid in by_address[address].body
    deadline = time.monotonic() + MAIL_TIMEOUT
    while (
        time.monotonic() < deadline
        and OutboundEmail.objects.exclude(status=EmailStatus.SENT).exists()
    ):
        time.sleep(0.2)
    time.sleep(2)  # room for a duplicate to arrive, were there one
    assert smtp_receiver.pending() == 0
    assert PaymentReminder.objects.filter(level=1).count() == len(addresses)
    assert OutboundEmail.objects.filter(status=EmailStatus.SENT).count() == len(addresses)
    celery_worker.assert_alive()
