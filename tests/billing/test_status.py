import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from billing.models import InvoiceStatus, Payment, PaymentSource
from billing.selectors import balance_of
from billing.services.issuing import credit_note_issue, invoice_credit
from billing.services.status import invoice_refresh_status, invoices_refresh_overdue
from tests.billing.invoicing import issue_invoice

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 2, 1)
BEFORE_DUE = DUE - datetime.timedelta(days=1)
AFTER_DUE = DUE + datetime.timedelta(days=1)


def pay(invoice, amount):
    """A payment recorded as a fact, without the payment service (which refreshes the status)."""
    Payment.objects.create(
        invoice=invoice, amount=Decimal(amount), paid_on=DUE, source=PaymentSource.MANUAL
    )


def refreshed(invoice, today=BEFORE_DUE):
    invoice_refresh_status(invoice, today)
    invoice.refresh_from_db()
    return invoice.status


def test_a_new_invoice_is_issued():
    assert refreshed(issue_invoice()) == InvoiceStatus.ISSUED


def test_a_sent_invoice_is_sent():
    invoice = issue_invoice()
    invoice.sent_at = timezone.now()
    invoice.save(update_fields=["sent_at"])

    assert refreshed(invoice) == InvoiceStatus.SENT


def test_an_unpaid_invoice_past_its_due_date_is_overdue_but_not_on_the_due_date():
    invoice = issue_invoice()

    assert refreshed(invoice, today=DUE) == InvoiceStatus.ISSUED
    assert refreshed(invoice, today=AFTER_DUE) == InvoiceStatus.OVERDUE


def test_some_payment_makes_it_partly_paid_even_when_overdue():
    invoice = issue_invoice()
    pay(invoice, "1000")

    assert refreshed(invoice, today=AFTER_DUE) == InvoiceStatus.PARTLY_PAID


def test_payments_covering_the_total_with_vat_make_it_paid():
    invoice = issue_invoice()
    pay(invoice, "10000")  # the amount without VAT is not enough
    assert refreshed(invoice) == InvoiceStatus.PARTLY_PAID

    pay(invoice, "2500")
    assert refreshed(invoice, today=AFTER_DUE) == InvoiceStatus.PAID


def test_paying_more_than_the_total_is_still_paid():
    invoice = issue_invoice()
    pay(invoice, "13000")

    assert refreshed(invoice) == InvoiceStatus.PAID
    assert balance_of(invoice).left_to_pay == 0


def test_after_a_partial_credit_the_total_less_the_credit_with_vat_makes_it_paid():
    invoice = issue_invoice()
    credit_note_issue(invoice=invoice, issued_by=None, reason="Rabatt", amount_excl_vat="4000")
    pay(invoice, "7499.99")
    assert refreshed(invoice) == InvoiceStatus.PARTLY_PAID

    pay(invoice, "0.01")  # 12 500 - 5 000 credited (4 000 + 25 % VAT) = 7 500
    assert refreshed(invoice) == InvoiceStatus.PAID


def test_a_fully_credited_invoice_is_credited_even_with_payments_and_past_due():
    invoice = issue_invoice()
    pay(invoice, "500")
    credit_note_issue(invoice=invoice, issued_by=None, reason="Feil mottaker")

    assert refreshed(invoice, today=AFTER_DUE) == InvoiceStatus.CREDITED


def test_two_partial_credits_that_cover_the_amount_make_it_credited():
    invoice = issue_invoice()
    credit_note_issue(invoice=invoice, issued_by=None, reason="Del 1", amount_excl_vat="4000")
    assert refreshed(invoice) == InvoiceStatus.ISSUED

    credit_note_issue(invoice=invoice, issued_by=None, reason="Del 2", amount_excl_vat="6000")
    assert refreshed(invoice) == InvoiceStatus.CREDITED


def test_a_credit_note_is_issued_then_sent_and_never_overdue_or_paid():
    credit_note = credit_note_issue(invoice=issue_invoice(), issued_by=None, reason="Feil")

    assert refreshed(credit_note, today=AFTER_DUE + datetime.timedelta(days=400)) == "issued"
    credit_note.sent_at = timezone.now()
    credit_note.save(update_fields=["sent_at"])
    assert refreshed(credit_note) == InvoiceStatus.SENT


def test_refreshing_an_unchanged_status_writes_nothing_to_the_audit_trail():
    invoice = issue_invoice()
    entries = LogEntry.objects.count()

    invoice_refresh_status(invoice, BEFORE_DUE)

    assert LogEntry.objects.count() == entries


def test_a_status_change_is_audited():
    invoice = issue_invoice()

    invoice_refresh_status(invoice, AFTER_DUE)

    entry = LogEntry.objects.get_for_object(invoice).latest("timestamp")
    assert entry.changes_dict["status"] == ["issued", "overdue"]


def test_the_daily_refresh_marks_issued_and_sent_invoices_past_due_overdue_only():
    late = issue_invoice()
    sent_late = issue_invoice()
    sent_late.sent_at = timezone.now()
    sent_late.save(update_fields=["sent_at"])
    paid = issue_invoice()
    pay(paid, "12500")
    invoice_refresh_status(paid, BEFORE_DUE)
    not_yet = issue_invoice(issue_date=datetime.date(2026, 1, 20))

    assert invoices_refresh_overdue(today=AFTER_DUE) == 2

    for invoice, status in (
        (late, InvoiceStatus.OVERDUE),
        (sent_late, InvoiceStatus.OVERDUE),
        (paid, InvoiceStatus.PAID),
        (not_yet, InvoiceStatus.ISSUED),
    ):
        invoice.refresh_from_db()
        assert invoice.status == status
    assert invoices_refresh_overdue(today=AFTER_DUE) == 0


def test_crediting_the_unpaid_part_of_a_partly_paid_invoice_makes_it_paid():
    invoice = issue_invoice()
    pay(invoice, "7500")
    invoice_refresh_status(invoice, BEFORE_DUE)

    credit_note = invoice_credit(
        invoice=invoice, issued_by=None, reason="Avtalt rabatt", amount_excl_vat=Decimal(4000)
    )

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert credit_note.total == Decimal("-5000.00")


def test_a_full_credit_through_the_service_agrees_with_the_computed_status():
    invoice = issue_invoice()

    invoice_credit(invoice=invoice, issued_by=None, reason="Feil mottaker")

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CREDITED
    assert refreshed(invoice, today=AFTER_DUE) == InvoiceStatus.CREDITED
