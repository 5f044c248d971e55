"""billing.selectors: the reads billing's pages and services share."""

from decimal import Decimal

import pytest

from billing import selectors
from billing.models import InvoiceStatus
from billing.services.issuing import credit_note_issue, invoice_credit
from billing.services.payments import payment_register
from tests.billing.invoicing import YEAR, issue_invoice

pytestmark = pytest.mark.django_db


def test_a_member_still_has_to_pay_an_invoice_until_it_is_paid_or_credited():
    open_invoice = issue_invoice(name="Åpen AS")
    paid = issue_invoice(name="Betalt AS")
    payment_register(invoice=paid, amount=paid.total, paid_on=paid.issue_date, registered_by=None)
    credited = issue_invoice(name="Kreditert AS")
    credit_note = invoice_credit(invoice=credited, issued_by=None, reason="Feil mottaker")

    assert selectors.invoice_is_payable(open_invoice)
    for document in (paid, credited, credit_note):
        document.refresh_from_db()
        assert not selectors.invoice_is_payable(document), document


def test_the_organisation_list_is_newest_first_and_marks_what_is_payable():
    invoice = issue_invoice()
    credit_note = credit_note_issue(
        invoice=invoice, issued_by=None, reason="Rabatt", amount_excl_vat="1000"
    )

    listed = selectors.organisation_invoices(invoice.organisation)

    assert [(document, document.payable) for document in listed] == [
        (credit_note, False),
        (invoice, True),
    ]


def test_a_credited_fee_invoice_no_longer_counts_as_the_years_invoice():
    invoice = issue_invoice()
    organisation = invoice.organisation
    assert selectors.existing_fee_invoice(organisation=organisation, year=YEAR) == invoice

    invoice_credit(invoice=invoice, issued_by=None, reason="Feil mottaker")

    assert selectors.existing_fee_invoice(organisation=organisation, year=YEAR) is None


def test_the_balance_counts_credit_notes_and_payments_once_each():
    invoice = issue_invoice()
    credit_note_issue(invoice=invoice, issued_by=None, reason="Rabatt", amount_excl_vat="2000")
    payment_register(
        invoice=invoice, amount=Decimal("1000"), paid_on=invoice.issue_date, registered_by=None
    )

    balance = selectors.balance_of(invoice)

    assert (balance.credited_total, balance.paid, balance.left_to_pay) == (
        Decimal("2500.00"),
        Decimal("1000.00"),
        Decimal("9000.00"),
    )
    assert selectors.with_balance(type(invoice).objects.filter(pk=invoice.pk)).get().paid == (
        Decimal("1000.00")
    )
    assert type(invoice).objects.get(pk=invoice.pk).status == InvoiceStatus.PARTLY_PAID
