import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from billing.kid import kid_for
from billing.models import InvoiceStatus, Payment, PaymentSource
from billing.services.issuing import credit_note_issue
from billing.services.payments import bank_file_import, payment_register
from portal.imports import FileRejectedError
from tests.billing.invoicing import issue_invoice
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAID_ON = datetime.date(2026, 1, 20)
UNKNOWN_KID = kid_for(99_999, series_digit=1)


@pytest.fixture
def invoice():
    return issue_invoice()  # 10 000 + 25 % VAT = 12 500


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def register(invoice, amount, paid_on=PAID_ON, registered_by=None):
    return payment_register(
        invoice=invoice, amount=amount, paid_on=paid_on, registered_by=registered_by
    )


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


# --- By hand ----------------------------------------------------------------------------------


def test_a_payment_by_hand_is_recorded_with_who_and_the_kid_and_the_status_follows(invoice, staff):
    payment = register(invoice, Decimal("5000"), registered_by=staff)

    assert (payment.amount, payment.paid_on, payment.source) == (
        Decimal("5000"),
        PAID_ON,
        PaymentSource.MANUAL,
    )
    assert (payment.kid, payment.registered_by, payment.bank_reference) == (
        invoice.kid,
        staff,
        None,
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PARTLY_PAID

    register(invoice, "7500,00")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_no_amount_registers_what_is_left_to_pay(invoice):
    register(invoice, "2500")

    payment = register(invoice, None)

    assert payment.amount == Decimal("10000.00")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert errors_of(lambda: register(invoice, None)) == {
        "amount": [f"Nothing is left to pay on Invoice {invoice.document_number}."]
    }


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "The amount must be more than zero."),
        ("-100", "The amount must be more than zero."),
        ("12.345", "The amount can have at most two decimals."),
        ("tolv", "Enter the amount as a number, such as 1250.50."),
    ],
)
def test_a_bad_amount_is_refused_with_a_clear_error_and_nothing_saved(invoice, amount, message):
    assert errors_of(lambda: register(invoice, amount)) == {"amount": [message]}
    assert not Payment.objects.exists()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED


def test_a_payment_dated_in_the_future_is_refused(invoice):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    assert errors_of(lambda: register(invoice, "100", paid_on=tomorrow)) == {
        "paid_on": ["The payment date cannot be in the future."]
    }
    assert not Payment.objects.exists()


def test_a_credit_note_takes_no_payment(invoice):
    credit_note = credit_note_issue(
        invoice=invoice, issued_by=None, reason="Feil", amount_excl_vat=1
    )

    assert errors_of(lambda: register(credit_note, "100")) == {
        "invoice": [
            f"Credit note {credit_note.document_number} is a credit note: payments "
            "belong on an invoice."
        ]
    }
    assert not Payment.objects.exists()


def test_a_fully_credited_invoice_takes_no_payment(invoice):
    credit_note_issue(invoice=invoice, issued_by=None, reason="Feil mottaker")

    assert "is fully credited" in errors_of(lambda: register(invoice, "100"))["invoice"][0]
    assert not Payment.objects.exists()


# --- Bank file --------------------------------------------------------------------------------


def bank_file(*lines: str, header: str = "date;amount;kid;reference") -> bytes:
    return "\n".join([header, *lines]).encode()


def rejected(content: bytes) -> list[str]:
    with pytest.raises(FileRejectedError) as error:
        bank_file_import(content=content, registered_by=None)
    assert not Payment.objects.exists()
    return [str(item) for item in error.value.errors]


def test_a_bank_file_registers_payments_by_kid_and_statuses_follow(staff):
    first, second = issue_invoice(), issue_invoice()
    content = bank_file(
        f"2026-01-20;12500,00;{first.kid};NETS-1",
        f"21.01.2026;1 000.50;{second.kid};NETS-2",
    )

    report = bank_file_import(content=content, registered_by=staff)

    assert [(m.row.line, m.invoice) for m in report.registered] == [(2, first), (3, second)]
    assert report.registered_total == Decimal("13500.50")
    assert (report.already_registered, report.unmatched) == ([], [])
    payment = Payment.objects.get(invoice=second)
    assert (payment.amount, payment.paid_on, payment.kid, payment.source) == (
        Decimal("1000.50"),
        datetime.date(2026, 1, 21),
        second.kid,
        PaymentSource.BANK_FILE,
    )
    assert (payment.bank_reference, payment.registered_by) == ("ref:NETS-2", staff)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (InvoiceStatus.PAID, InvoiceStatus.PARTLY_PAID)


def test_one_bad_row_rejects_the_whole_file_with_every_bad_line_and_reason(invoice):
    content = bank_file(
        f"2026-01-20;100;{invoice.kid};A",
        f"2026-13-01;100;{invoice.kid};B",
        f"2026-01-20;-5;{invoice.kid};C",
        "2026-01-20;100;1234567890;D",
        f"2026-01-20;1.250,00;{invoice.kid};E",
        f"2026-01-20;100;{invoice.kid};A",
        f"2026-01-20;0;{invoice.kid}",
    )

    assert rejected(content) == [
        "Line 3: “2026-13-01” is not a date: write YYYY-MM-DD or DD.MM.YYYY.",
        "Line 4: “-5” is not an amount: write a positive number with at most two decimals, "
        "as 1250,50 or 1250.50.",
        "Line 5: “1234567890” is not a valid KID (wrong check digit or characters).",
        "Line 6: “1.250,00”: write the amount without thousands separators, as 1250,50 or 1250.50.",
        "Line 7: The reference A is also on line 2.",
        "Line 8: The row has 3 columns; the header has 4.",
    ]


def test_a_zero_amount_and_a_future_date_are_bad_rows(invoice):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    assert rejected(
        bank_file(
            f"2026-01-20;0,00;{invoice.kid}",
            f"{tomorrow};5;{invoice.kid}",
            header="date;amount;kid",
        )
    ) == [
        "Line 2: The amount must be more than zero.",
        f"Line 3: The date {tomorrow} is in the future.",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (
            b"date,amount,kid\n2026-01-20,100,1000000017",
            "Line 1: Separate the columns with semicolons (;), not commas.",
        ),
        (
            b"dato;belop;kid\n",
            "Line 1: The first row must name the columns date;amount;kid "
            "(and optionally reference); missing: date, amount.",
        ),
        (b"date;amount;kid;kid\n", "Line 1: A column is named twice in the first row."),
        (b"date;amount;kid\n", "The file has no payments."),
    ],
)
def test_a_file_that_is_no_bank_file_is_rejected_with_a_clear_reason(content, message):
    assert rejected(content) == [message]


def test_unmatched_payments_are_listed_with_a_reason_and_not_saved_and_the_rest_is(invoice):
    credited = issue_invoice()
    credit_note = credit_note_issue(invoice=credited, issued_by=None, reason="Feil")
    content = bank_file(
        f"2026-01-20;100;{invoice.kid};R1",
        f"2026-01-20;200;{UNKNOWN_KID};R2",
        "2026-01-20;300;;R3",
        f"2026-01-20;400;{credit_note.kid};R4",
        f"2026-01-20;500;{credited.kid};R5",
    )

    report = bank_file_import(content=content, registered_by=None)

    assert [m.row.line for m in report.registered] == [2]
    assert [(item.row.line, item.row.kid, item.reason) for item in report.unmatched] == [
        (3, UNKNOWN_KID, "No invoice has this KID."),
        (4, "", "The payment has no KID."),
        # A credit note has no KID (nothing to pay on it), so its row names none.
        (5, "", "The payment has no KID."),
        (
            6,
            credited.kid,
            f"Invoice {credited.document_number} is fully credited; the payment needs a refund.",
        ),
    ]
    assert credit_note.kid == ""
    assert report.unmatched_total == Decimal("1400")
    assert list(Payment.objects.values_list("invoice", "amount")) == [(invoice.pk, Decimal(100))]


def test_importing_the_same_file_twice_registers_nothing_twice(invoice):
    content = bank_file(f"2026-01-20;100;{invoice.kid};R1", f"2026-01-21;200;{invoice.kid};R2")
    bank_file_import(content=content, registered_by=None)

    again = bank_file_import(content=content, registered_by=None)

    assert again.registered == []
    assert [m.row.line for m in again.already_registered] == [2, 3]
    assert Payment.objects.count() == 2


def test_without_references_identical_rows_are_two_payments_and_a_reimport_adds_none(invoice):
    row = f"2026-01-20;100;{invoice.kid}"
    content = bank_file(row, row, header="date;amount;kid")
    # A later statement holding the same two payments, columns in another order, and a new one.
    later = bank_file(
        f"{invoice.kid};2026-01-20;100",
        f"{invoice.kid};2026-01-20;100",
        f"{invoice.kid};2026-01-22;100",
        header="kid;date;amount",
    )

    first = bank_file_import(content=content, registered_by=None)
    again = bank_file_import(content=content, registered_by=None)
    last = bank_file_import(content=later, registered_by=None)

    assert len(first.registered) == 2
    assert (again.registered, len(again.already_registered)) == ([], 2)
    assert ([m.row.line for m in last.registered], len(last.already_registered)) == ([4], 2)
    assert Payment.objects.count() == 3


def test_checking_only_reports_and_saves_nothing(invoice):
    content = bank_file(f"2026-01-20;12500;{invoice.kid};R1", f"2026-01-20;1;{UNKNOWN_KID};R2")

    report = bank_file_import(content=content, registered_by=None, check_only=True)

    assert report.checked_only
    assert ([m.row.line for m in report.registered], len(report.unmatched)) == ([2], 1)
    assert not Payment.objects.exists()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED


def test_a_windows_1252_file_from_the_bank_is_read(invoice):
    content = f"date;amount;kid;reference\n20.01.2026;12500;{invoice.kid};Innbetaling Ålesund"

    report = bank_file_import(content=content.encode("cp1252"), registered_by=None)

    assert report.registered[0].row.bank_reference == "ref:Innbetaling Ålesund"


def test_spaces_in_kids_and_amounts_and_extra_columns_are_accepted(invoice):
    spaced_kid = f"{invoice.kid[:5]} {invoice.kid[5:]}"
    content = f"Date;Amount;KID;Payer\n2026-01-20;12\u00a0500,00;{spaced_kid};Celleverket AS"

    report = bank_file_import(content=content.encode(), registered_by=None)

    assert report.registered[0].row.amount == Decimal("12500.00")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
