"""A payment larger than what is left: refused by hand unless staff confirm it; from the bank's
file registered with the surplus kept as a credit balance; the balance is refunded or set off,
each as a recorded action. Nothing is lost, nothing is silently "paid"."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from billing.models import CreditBalanceEntry, ImmutableDocumentError, InvoiceStatus, Payment
from billing.selectors import balance_of
from billing.services import credit_balance
from billing.services.issuing import fee_invoice_issue
from billing.services.payments import bank_file_import, payment_register
from members.models import Membership
from tests.billing.invoicing import YEAR, issue_invoice
from tests.factories import fee_schedule
from tests.helpers import changelist, messages_of, run_action

pytestmark = pytest.mark.django_db

PAID_ON = datetime.date(2026, 1, 20)
TOTAL = Decimal("12500.00")  # 10 000 + 25 % VAT


def bank_file(*rows: str) -> bytes:
    return ("date;amount;kid;reference\n" + "\n".join(rows) + "\n").encode()


# --- By hand ---------------------------------------------------------------------------------


def test_a_payment_by_hand_larger_than_what_is_left_is_refused():
    invoice = issue_invoice()
    with pytest.raises(ValidationError) as error:
        payment_register(invoice=invoice, amount="13000", paid_on=PAID_ON, registered_by=None)
    assert error.value.error_dict["amount"][0].code == "overpayment"
    assert "more than the 12500.00 left to pay" in error.value.messages[0]
    assert not Payment.objects.exists()
    assert not CreditBalanceEntry.objects.exists()


def test_a_confirmed_overpayment_settles_the_invoice_and_keeps_the_surplus(staff):
    invoice = issue_invoice()
    payment = payment_register(
        invoice=invoice,
        amount="13000",
        paid_on=PAID_ON,
        registered_by=staff,
        confirm_overpayment=True,
    )
    invoice.refresh_from_db()
    assert payment.amount == TOTAL
    assert invoice.status == InvoiceStatus.PAID
    entry = CreditBalanceEntry.objects.get()
    assert (entry.amount, entry.payment, entry.organisation, entry.recorded_by) == (
        Decimal("500.00"),
        payment,
        invoice.organisation,
        staff,
    )
    assert credit_balance.credit_balance_of(invoice.organisation) == Decimal("500.00")


def test_nothing_left_to_pay_is_refused_even_when_confirmed():
    invoice = issue_invoice()
    payment_register(invoice=invoice, amount=None, paid_on=PAID_ON, registered_by=None)
    with pytest.raises(ValidationError, match="Nothing is left to pay"):
        payment_register(
            invoice=invoice,
            amount="10",
            paid_on=PAID_ON,
            registered_by=None,
            confirm_overpayment=True,
        )


def admin_payment(invoice, **fields) -> dict:
    return {"invoice": invoice.pk, "amount": "13000", "paid_on": PAID_ON.isoformat(), **fields}


def test_the_admin_form_refuses_an_overpayment_until_the_box_is_ticked(staff_client):
    invoice = issue_invoice()
    add = reverse("admin:billing_payment_add")
    assert 'name="confirm_overpayment"' in staff_client.get(add).content.decode()

    refused = staff_client.post(add, admin_payment(invoice))
    assert refused.status_code == 200
    assert "Confirm the overpayment" in refused.content.decode()
    assert not Payment.objects.exists()

    accepted = staff_client.post(add, admin_payment(invoice, confirm_overpayment="on"))
    assert accepted.status_code == 302
    assert Payment.objects.get().amount == TOTAL
    assert CreditBalanceEntry.objects.get().amount == Decimal("500.00")


# --- From the bank's file ----------------------------------------------------------------------


def test_a_bank_row_paying_too_much_settles_the_invoice_and_keeps_the_surplus(staff):
    invoice = issue_invoice()
    report = bank_file_import(
        content=bank_file(f"2026-01-20;13000,00;{invoice.kid};NETS-1"), registered_by=staff
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert Payment.objects.get().amount == TOTAL
    entry = CreditBalanceEntry.objects.get()
    assert entry.amount == Decimal("500.00")
    assert entry.payment.bank_reference == "ref:NETS-1"
    assert [(m.invoice, surplus) for m, surplus in report.overpaid] == [(invoice, Decimal("500"))]

    again = bank_file_import(
        content=bank_file(f"2026-01-20;13000,00;{invoice.kid};NETS-1"), registered_by=staff
    )
    assert len(again.already_registered) == 1
    assert CreditBalanceEntry.objects.count() == 1


def test_a_bank_row_for_a_paid_invoice_is_all_credit_and_imported_once(staff):
    invoice = issue_invoice()
    payment_register(invoice=invoice, amount=None, paid_on=PAID_ON, registered_by=None)
    content = bank_file(f"2026-01-21;12500;{invoice.kid};")
    bank_file_import(content=content, registered_by=staff)

    assert Payment.objects.count() == 1
    entry = CreditBalanceEntry.objects.get()
    assert (entry.amount, entry.payment, entry.kid) == (TOTAL, None, invoice.kid)
    assert entry.bank_reference.startswith("row:")

    again = bank_file_import(content=content, registered_by=staff)
    assert len(again.already_registered) == 1
    assert CreditBalanceEntry.objects.count() == 1


def test_two_rows_of_one_file_on_one_invoice_keep_only_the_true_surplus(staff):
    invoice = issue_invoice()
    bank_file_import(
        content=bank_file(f"2026-01-20;10000;{invoice.kid};A", f"2026-01-21;4000;{invoice.kid};B"),
        registered_by=staff,
    )
    assert sorted(p.amount for p in Payment.objects.all()) == [Decimal("2500"), Decimal("10000")]
    assert CreditBalanceEntry.objects.get().amount == Decimal("1500")
    received = sum(p.amount for p in Payment.objects.all()) + Decimal("1500")
    assert received == Decimal("14000")  # every krone of the file is accounted for


# --- Refund and set-off ------------------------------------------------------------------------


@pytest.fixture
def overpaid(staff):
    invoice = issue_invoice()
    payment_register(
        invoice=invoice,
        amount="13000",
        paid_on=PAID_ON,
        registered_by=staff,
        confirm_overpayment=True,
    )
    return invoice.organisation


def test_a_refund_is_recorded_and_empties_the_balance(overpaid, staff):
    entry = credit_balance.credit_balance_refund(organisation=overpaid, recorded_by=staff)
    assert entry.amount == Decimal("-500.00")
    assert entry.refunded_at is not None
    assert credit_balance.credit_balance_of(overpaid) == 0
    with pytest.raises(ValidationError, match="has no credit balance"):
        credit_balance.credit_balance_refund(organisation=overpaid, recorded_by=staff)


def test_a_refund_of_more_than_the_balance_is_refused(overpaid, staff):
    with pytest.raises(ValidationError, match=r"between 0\.01 and 500\.00"):
        credit_balance.credit_balance_refund(
            organisation=overpaid, recorded_by=staff, amount=Decimal("500.01")
        )
    assert CreditBalanceEntry.objects.count() == 1


def test_a_set_off_pays_the_next_invoice_from_the_balance(overpaid, staff):
    fee_schedule(YEAR + 1, amount=Decimal("10000"))
    Membership.objects.filter(organisation=overpaid).update(end_date=None)
    next_invoice = fee_invoice_issue(organisation=overpaid, year=YEAR + 1, issued_by=None)

    entry = credit_balance.credit_balance_set_off(organisation=overpaid, recorded_by=staff)

    next_invoice.refresh_from_db()
    assert entry.set_off_invoice == next_invoice
    assert entry.amount == Decimal("-500.00")
    assert entry.payment.invoice == next_invoice
    assert entry.payment.amount == Decimal("500.00")
    assert next_invoice.status == InvoiceStatus.PARTLY_PAID
    assert balance_of(next_invoice).left_to_pay == Decimal("12000.00")
    assert credit_balance.credit_balance_of(overpaid) == 0


def test_a_set_off_without_an_invoice_to_pay_is_refused(overpaid, staff):
    with pytest.raises(ValidationError, match="no invoice with anything left to pay"):
        credit_balance.credit_balance_set_off(organisation=overpaid, recorded_by=staff)
    assert credit_balance.credit_balance_of(overpaid) == Decimal("500.00")


def test_an_entry_never_changes_and_is_never_deleted(overpaid):
    entry = CreditBalanceEntry.objects.get()
    with pytest.raises(ImmutableDocumentError):
        entry.save()
    with pytest.raises(ImmutableDocumentError):
        entry.delete()


def test_the_database_refuses_a_use_that_is_neither_refund_nor_set_off(overpaid):
    with pytest.raises(IntegrityError):
        CreditBalanceEntry.objects.create(
            organisation=overpaid, amount=Decimal("-1"), entry_date=PAID_ON
        )


# --- Listed for staff, with the actions --------------------------------------------------------


def test_staff_see_the_balances_and_refund_through_the_action(staff_client, overpaid):
    page = staff_client.get(changelist(CreditBalanceEntry))
    assert page.status_code == 200
    content = page.content.decode()
    assert overpaid.name in content
    assert "500.00" in content
    assert credit_balance.credit_balances() == [(overpaid, Decimal("500.00"))]

    entry = CreditBalanceEntry.objects.get()
    response = run_action(staff_client, CreditBalanceEntry, "refund", [entry])

    assert response.status_code == 302
    assert messages_of(response) == [f"500.00 refunded to {overpaid.name} is recorded."]
    assert credit_balance.credit_balance_of(overpaid) == 0
    assert credit_balance.credit_balances() == []


def test_the_set_off_action_without_an_invoice_says_why(staff_client, overpaid):
    entry = CreditBalanceEntry.objects.get()
    response = run_action(staff_client, CreditBalanceEntry, "set_off", [entry])
    assert messages_of(response) == [f"{overpaid.name} has no invoice with anything left to pay."]


def test_the_bank_import_page_accepts_an_overpaying_file(staff_client):
    invoice = issue_invoice()
    upload = SimpleUploadedFile(
        "bank.csv", bank_file(f"2026-01-20;13000;{invoice.kid};X"), "text/csv"
    )
    response = staff_client.post(reverse("admin:billing_payment_bank_import"), {"file": upload})
    assert response.status_code == 200
    assert CreditBalanceEntry.objects.get().amount == Decimal("500")
