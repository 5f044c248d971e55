import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.models import Invoice
from billing.selectors import accounting_rows_for_documents, accounting_rows_for_period
from billing.services.exports import HEADER, accounting_csv
from billing.services.issuing import credit_note_issue
from billing.services.payments import payment_register
from tests.billing.invoicing import issue_invoice

pytestmark = pytest.mark.django_db

JAN_2, JAN_15, FEB_1 = (
    datetime.date(2026, 1, 2),
    datetime.date(2026, 1, 15),
    datetime.date(2026, 2, 1),
)


@pytest.fixture
def documents():
    """Two invoices in January, a partial credit and two payments; one invoice in February."""
    first = issue_invoice(name="Alfa AS", organisation_number="923609016")
    second = issue_invoice(name="Beta AS")
    credit_note = credit_note_issue(
        invoice=second,
        issued_by=None,
        reason="Rabatt",
        amount_excl_vat=Decimal(2000),
        issue_date=JAN_15,
    )
    payment_register(invoice=first, amount="12500", paid_on=JAN_15, registered_by=None)
    payment_register(invoice=second, amount="3000", paid_on=FEB_1, registered_by=None)
    later = issue_invoice(name="Gamma AS", issue_date=FEB_1)
    return first, second, credit_note, later


def parsed(rows) -> list[dict]:
    return list(csv.DictReader(io.StringIO(accounting_csv(rows)), delimiter=";"))


def test_the_period_holds_its_documents_and_payments_one_row_each(documents):
    first, second, credit_note, _later = documents

    rows = parsed(accounting_rows_for_period(date_from=JAN_2, date_to=datetime.date(2026, 1, 31)))

    assert [(r["date"], r["type"], r["number"]) for r in rows] == [
        ("2026-01-02", "invoice", first.document_number),
        ("2026-01-02", "invoice", second.document_number),
        ("2026-01-15", "credit_note", credit_note.document_number),
        ("2026-01-15", "payment", first.document_number),
    ]
    assert rows[0] == {
        "date": "2026-01-02",
        "type": "invoice",
        "number": first.document_number,
        "organisation_number": "923609016",
        "name": "Alfa AS",
        "amount_excl_vat": "10000.00",
        "vat": "2500.00",
        "total": "12500.00",
        "kid": first.kid,
        "credited_invoice": "",
    }
    assert rows[2] | {"kid": ""} == {
        "date": "2026-01-15",
        "type": "credit_note",
        "number": credit_note.document_number,
        "organisation_number": second.buyer_organisation_number,
        "name": "Beta AS",
        "amount_excl_vat": "-2000.00",
        "vat": "-500.00",
        "total": "-2500.00",
        "kid": "",
        "credited_invoice": second.document_number,
    }
    assert rows[3] | {"kid": ""} == {
        "date": "2026-01-15",
        "type": "payment",
        "number": first.document_number,
        "organisation_number": "923609016",
        "name": "Alfa AS",
        "amount_excl_vat": "",
        "vat": "",
        "total": "12500.00",
        "kid": "",
        "credited_invoice": "",
    }
    assert rows[3]["kid"] == first.kid


def test_the_totals_of_the_export_match_the_books(documents):
    rows = parsed(accounting_rows_for_period(date_from=JAN_2, date_to=FEB_1))

    def total(kind, column="total"):
        return sum(Decimal(r[column]) for r in rows if r["type"] == kind)

    assert total("invoice") == Decimal("37500.00")  # three invoices of 12 500
    assert total("invoice", "vat") == Decimal("7500.00")
    assert total("credit_note") == Decimal("-2500.00")
    assert total("payment") == Decimal("15500.00")
    documents_total = sum(Decimal(r["total"]) for r in rows if r["type"] != "payment")
    assert documents_total == sum(i.total for i in Invoice.objects.all())


def test_the_file_starts_with_the_header_and_uses_semicolons(documents):
    text = accounting_csv(accounting_rows_for_period(date_from=FEB_1, date_to=FEB_1))

    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == list(HEADER)
    assert text.splitlines()[0] == ";".join(f'"{column}"' for column in HEADER)
    assert len(rows) == 3  # the February invoice and payment


def test_an_empty_period_gives_only_the_header():
    rows = accounting_rows_for_period(date_from=JAN_2, date_to=JAN_2)

    assert parsed(rows) == []
    assert len(accounting_csv(rows).splitlines()) == 1


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValidationError) as error:
        accounting_rows_for_period(date_from=FEB_1, date_to=JAN_2)

    assert error.value.message_dict == {"date_to": ["The end of the period is before its start."]}


def test_selected_documents_come_with_their_payments_whatever_the_date(documents):
    second = documents[1]

    rows = accounting_rows_for_documents(Invoice.objects.filter(pk=second.pk))

    assert [(r.type, r.number, r.total) for r in rows] == [
        ("invoice", second.document_number, Decimal("12500.00")),
        ("payment", second.document_number, Decimal("3000.00")),
    ]


def test_a_name_that_looks_like_a_formula_stays_text_in_a_spreadsheet():
    issue_invoice(name="=HYPERLINK(1) AS")

    rows = parsed(accounting_rows_for_period(date_from=JAN_2, date_to=JAN_2))

    assert rows[0]["name"] == "'=HYPERLINK(1) AS"


def test_the_export_reads_the_database_twice_however_many_rows(
    documents, django_assert_num_queries
):
    for _ in range(3):
        invoice = issue_invoice()
        credit_note_issue(invoice=invoice, issued_by=None, reason="Feil")

    with django_assert_num_queries(2):
        accounting_rows_for_period(date_from=JAN_2, date_to=FEB_1)
