import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from billing.kid import kid_is_valid
from billing.models import ImmutableDocumentError, Invoice, InvoiceStatus, NumberSeries
from billing.services.issuing import credit_note_issue, fee_invoice_issue, invoice_credit
from billing.services.status import invoice_refresh_status
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, fee_schedule

pytestmark = pytest.mark.django_db

ISSUED = datetime.date(2026, 2, 2)


@pytest.fixture
def buyer():
    fee_schedule(2026, amount=Decimal("10000"), days_to_due=30)
    organisation = OrganisationFactory(
        name="Celleverket AS",
        organisation_number="923609016",
        street_address="Industriveien 5",
        postal_code="4632",
        city="Kristiansand",
    )
    MembershipFactory(organisation=organisation, start_date=datetime.date(2025, 1, 1))
    return organisation


def issue(buyer, **extra):
    return fee_invoice_issue(
        organisation=buyer, year=2026, issued_by=UserFactory(), issue_date=ISSUED, **extra
    )


def test_an_invoice_copies_parties_and_computes_vat_due_date_and_kid(buyer):
    invoice = issue(buyer)
    assert (invoice.number, invoice.document_number) == (1, "1")
    assert (invoice.amount_excl_vat, invoice.vat_rate, invoice.vat_amount, invoice.total) == (
        Decimal("10000"),
        Decimal("25"),
        Decimal("2500"),
        Decimal("12500"),
    )
    assert invoice.due_date == datetime.date(2026, 3, 4)
    assert (invoice.delivery_start, invoice.delivery_end) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
    )
    assert (invoice.buyer_name, invoice.buyer_organisation_number) == (
        "Celleverket AS",
        "923609016",
    )
    assert invoice.seller_organisation_number == "988077917"
    assert kid_is_valid(invoice.kid)
    # Written in the buyer's invoice language, Norwegian by default, whatever the test reads.
    assert invoice.language == "nb"
    assert invoice.lines.get().description == "Deltakeravgift Battery Norway 2026"


def test_changing_the_buyer_later_leaves_the_invoice_as_issued(buyer):
    invoice = issue(buyer)
    buyer.name = "Nytt Navn AS"
    buyer.save()
    invoice.refresh_from_db()
    assert invoice.buyer_name == "Celleverket AS"


def test_an_issued_invoice_cannot_be_changed_or_deleted(buyer):
    invoice = issue(buyer)
    invoice.total = Decimal(1)
    with pytest.raises(ImmutableDocumentError):
        invoice.save()
    with pytest.raises(ImmutableDocumentError):
        invoice.delete()


def test_a_second_fee_invoice_for_the_year_is_refused_and_uses_no_number(buyer):
    issue(buyer)
    with pytest.raises(ValidationError, match="Already invoiced"):
        issue(buyer)
    assert NumberSeries.objects.get(code="invoice").last_number == 1


def test_the_database_refuses_a_second_fee_invoice_even_past_the_service(buyer):
    invoice = issue(buyer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(
            **{
                f.attname: getattr(invoice, f.attname)
                for f in Invoice._meta.concrete_fields
                if f.attname not in {"id", "number"}
            },
            number=99,
        )


def test_pro_rata_invoice_for_a_member_joining_in_july(buyer):
    invoice = issue(buyer, from_month=7)
    assert invoice.amount_excl_vat == Decimal("5000.00")
    assert invoice.delivery_start == datetime.date(2026, 7, 1)
    assert "(forholdsmessig fra og med måned 7)" in invoice.lines.get().description


def test_a_full_credit_note_reverses_the_amounts_with_its_own_number(buyer):
    invoice = issue(buyer)
    credit = invoice_credit(invoice=invoice, issued_by=UserFactory(), reason="Feil beløp")
    assert (credit.document_number, credit.credits) == ("K1", invoice)
    assert (credit.amount_excl_vat, credit.vat_amount, credit.total) == (
        Decimal("-10000"),
        Decimal("-2500"),
        Decimal("-12500"),
    )
    assert "Krediterer faktura 1 datert 02.02.2026. Begrunnelse: Feil beløp" in credit.note
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CREDITED
    assert credit.kid == ""  # nothing is paid on a credit note


def test_partial_credits_never_exceed_the_invoice(buyer):
    invoice = issue(buyer)
    credit_note_issue(invoice=invoice, issued_by=None, reason="Rabatt", amount_excl_vat="4000")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED
    with pytest.raises(ValidationError) as error:
        credit_note_issue(invoice=invoice, issued_by=None, reason="Mer", amount_excl_vat="6000.01")
    assert error.value.message_dict["amount_excl_vat"] == ["Credit between 0.01 and 6000.00."]
    invoice_credit(invoice=invoice, issued_by=None, reason="Resten")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CREDITED


def test_a_credited_year_can_be_invoiced_again(buyer):
    invoice = issue(buyer)
    invoice_credit(invoice=invoice, issued_by=None, reason="Feil mottaker")
    again = issue(buyer)
    assert again.number == 2


def test_a_credit_note_needs_a_reason(buyer):
    with pytest.raises(ValidationError, match="Say why"):
        credit_note_issue(invoice=issue(buyer), issued_by=None, reason="")


def test_a_seller_outside_the_vat_register_charges_no_vat(buyer):
    from billing.models import Seller

    Seller.objects.update(vat_registered=False)
    invoice = issue(buyer)
    assert (invoice.vat_rate, invoice.vat_amount, invoice.total) == (0, 0, Decimal("10000"))


def test_a_credit_note_alone_leaves_the_status_and_invoice_credit_decides_it(buyer):
    # "Credited" is decided in one place, invoice_refresh_status, through invoice_credit.
    invoice = issue(buyer)
    credit_note_issue(invoice=invoice, issued_by=None, reason="Feil beløp")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED

    assert invoice_refresh_status(invoice) == InvoiceStatus.CREDITED
