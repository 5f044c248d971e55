"""The shared factories build rows that pass the models' own validation, with enum values."""

import datetime
from decimal import Decimal

import pytest

from activities.models import ActivityKind, ActivityStatus
from billing.models import DocumentKind, InvoiceStatus, PaymentSource
from portal.models import EmailStatus, JobStatus
from tests.factories import (
    ActivityFactory,
    FeeScheduleFactory,
    JobFactory,
    OutboundEmailFactory,
    PaymentFactory,
    fee_invoice,
    fee_schedule,
    paid,
    participant,
)

pytestmark = pytest.mark.django_db


def test_activity_factory_uses_the_enums():
    activity = ActivityFactory()
    activity.refresh_from_db()
    assert (activity.kind, activity.status) == (ActivityKind.WORKING_GROUP, ActivityStatus.RUNNING)


def test_participant_is_an_active_member_since_the_given_date():
    organisation = participant("Celleverket AS", since=datetime.date(2024, 3, 1))
    membership = organisation.memberships.get()
    assert (organisation.name, membership.start_date) == (
        "Celleverket AS",
        datetime.date(2024, 3, 1),
    )


def test_fee_schedule_has_an_amount_for_every_type_and_band():
    schedule = fee_schedule(2027, amount=Decimal("5000"))
    assert schedule.amounts.count() == schedule.amounts.filter(amount=Decimal("5000")).count() > 0
    FeeScheduleFactory(year=2028).full_clean()


def test_fee_invoice_is_issued_through_the_service():
    invoice = fee_invoice(amount=Decimal("10000"))
    assert invoice.kind == DocumentKind.INVOICE
    assert invoice.status == InvoiceStatus.ISSUED
    assert invoice.document_number
    assert invoice.amount_excl_vat == Decimal("10000.00")


def test_paid_registers_the_payment_and_refreshes_the_status():
    invoice = paid(fee_invoice())
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.payments.get().source == PaymentSource.MANUAL


def test_payment_factory_pays_the_whole_invoice_with_a_bank_reference():
    first, second = PaymentFactory(), PaymentFactory()
    first.full_clean()
    assert first.amount == first.invoice.total
    assert first.source == PaymentSource.BANK_FILE
    assert first.bank_reference != second.bank_reference


def test_outbox_and_job_factories_build_valid_rows():
    email = OutboundEmailFactory()
    email.full_clean()
    assert email.status == EmailStatus.QUEUED
    job = JobFactory()
    job.full_clean()
    assert (job.status, job.started_by.is_staff) == (JobStatus.RUNNING, True)
