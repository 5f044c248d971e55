"""Credit notes reach the buyer, mirror the invoice they correct, never credit more than is
left, say what they are, and every document keeps the one language it was issued in."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from billing.models import (
    CreditBalanceEntry,
    CreditSettlement,
    FeeAmount,
    FeeSchedule,
    Invoice,
    InvoiceStatus,
    Seller,
    VatTreatment,
)
from billing.rendering import render_invoice_ehf, render_invoice_pdf
from billing.selectors import balance_of
from billing.services.credit_balance import credit_balance_of
from billing.services.issuing import credit_note_issue, fee_invoice_issue, invoice_credit
from billing.services.payments import payment_register
from billing.services.sending import invoice_resend, invoices_sync_sent_status
from members.models import InvoiceLanguage
from portal.models import OutboundEmail
from tests.billing.ehf_checks import NS, bis3_problems
from tests.factories import MembershipFactory, OrganisationFactory, fee_schedule
from tests.helpers import in_norwegian, messages_of, run_action
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

YEAR = 2026
ISSUED = datetime.date(2026, 2, 2)
CREDITED = datetime.date(2026, 3, 1)
CREDIT_NOTE_NAMESPACE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
ALREADY_PAID = (
    "Invoice %(number)s had been paid already: %(currency)s %(amount)s is refunded to you or "
    "set off against your next invoice."
)


def buyer(**fields) -> "OrganisationFactory":
    fields = {
        "name": "Celleverket AS",
        "street_address": "Industriveien 5",
        "postal_code": "4632",
        "city": "Kristiansand",
        "invoice_email": "faktura@celleverket.no",
        **fields,
    }
    organisation = OrganisationFactory(**fields)
    MembershipFactory(organisation=organisation, start_date=datetime.date(2025, 1, 1))
    return organisation


@pytest.fixture
def schedule():
    return fee_schedule(YEAR, amount=Decimal("10000"), days_to_due=30)


def invoice_for(organisation, **extra) -> Invoice:
    return fee_invoice_issue(
        organisation=organisation, year=YEAR, issued_by=None, issue_date=ISSUED, **extra
    )


def credit(invoice, amount=None, **extra) -> Invoice:
    return invoice_credit(
        invoice=invoice,
        issued_by=None,
        reason="Feil størrelse",
        amount_excl_vat=amount,
        issue_date=CREDITED,
        **extra,
    )


def attachments_of(message) -> list[tuple[str, bytes]]:
    return [
        (part.get_filename(), part.get_payload(decode=True))
        for part in message.walk()
        if part.get_filename()
    ]


# --- A credit note reaches the buyer ------------------------------------------------------------


def test_a_credit_note_from_the_admin_is_stored_once_and_mailed_with_its_pdf_and_ehf(
    schedule, staff_client, smtp_server, django_capture_on_commit_callbacks
):
    invoice = invoice_for(buyer())

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(
            staff_client, Invoice, "credit", [invoice], apply="yes", reason="Feil mottaker"
        )

    assert response.status_code == 302
    credit_note = Invoice.objects.get(credits=invoice)
    assert credit_note.pdf
    assert credit_note.ehf
    (email,) = OutboundEmail.objects.filter(about_id=credit_note.pk)
    assert email.key == f"invoice:{credit_note.pk}:send:1"
    recipients, message = smtp_server.inbox.wait_for(1)[0]
    assert recipients == ["faktura@celleverket.no"]
    assert credit_note.document_number in message["Subject"]
    (pdf_name, pdf), (ehf_name, ehf) = attachments_of(message)
    assert (pdf_name, ehf_name) == (
        f"kreditnota-{credit_note.document_number}.pdf",
        f"kreditnota-{credit_note.document_number}.xml",
    )
    with credit_note.pdf.open("rb") as stored_pdf:
        assert pdf == stored_pdf.read()
    assert "Kreditnota" in pdf_text(pdf)
    assert ET.fromstring(ehf).tag == f"{{{CREDIT_NOTE_NAMESPACE}}}CreditNote"  # noqa: S314
    assert bis3_problems(ehf) == []
    stored = (credit_note.pdf.name, credit_note.ehf.name)

    with django_capture_on_commit_callbacks(execute=True):
        second = invoice_resend(invoice=credit_note, request_number=2)
        again = invoice_resend(invoice=credit_note, request_number=2)

    assert second.pk == again.pk
    assert len(smtp_server.inbox.wait_for(2)) == 2
    assert OutboundEmail.objects.filter(about_id=credit_note.pk).count() == 2
    invoices_sync_sent_status(invoice_ids=[credit_note.pk])
    credit_note.refresh_from_db()
    assert (credit_note.pdf.name, credit_note.ehf.name) == stored
    assert credit_note.status == InvoiceStatus.SENT


def test_the_staff_invoice_list_shows_the_credit_note_with_its_email_status(
    schedule, staff_client, smtp_server, django_capture_on_commit_callbacks
):
    invoice = invoice_for(buyer())
    with django_capture_on_commit_callbacks(execute=True):
        credit_note = credit(invoice)

    page = staff_client.get(reverse("billing:staff_invoices"))

    row = next(i for i in page.context["page"] if i.pk == credit_note.pk)
    assert row.latest_email.key == f"invoice:{credit_note.pk}:send:1"
    assert row.next_request_number == 2
    assert f"Credit note {credit_note.document_number}" in page.content.decode()
    assert row.latest_email.get_status_display() in page.content.decode()


def test_a_credit_note_issued_without_notice_is_not_mailed(
    schedule, django_capture_on_commit_callbacks
):
    invoice = invoice_for(buyer())
    with django_capture_on_commit_callbacks(execute=True):
        credit_note = credit(invoice, notify=False)
    assert not OutboundEmail.objects.filter(about_id=credit_note.pk).exists()


# --- It mirrors the invoice -----------------------------------------------------------------


def test_a_credit_after_the_seller_left_the_vat_register_still_reverses_25_percent(schedule):
    invoice = invoice_for(buyer())
    Seller.objects.update(vat_registered=False, name="Battery Norway Forening")

    credit_note = credit(invoice)

    assert (credit_note.vat_category, credit_note.vat_rate) == (VatTreatment.STANDARD, 25)
    assert (credit_note.amount_excl_vat, credit_note.vat_amount, credit_note.total) == (
        Decimal("-10000.00"),
        Decimal("-2500.00"),
        Decimal("-12500.00"),
    )
    assert credit_note.seller_vat_registered is True
    assert credit_note.seller_name == "Battery Norway"
    root = ET.fromstring(render_invoice_ehf(credit_note))  # noqa: S314 (our own output)
    assert root.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID", NS).text == "S"
    assert bis3_problems(render_invoice_ehf(credit_note)) == []


def test_a_renamed_buyer_gets_the_name_address_and_number_that_were_invoiced(schedule):
    organisation = buyer(buyer_reference="PO-4711")
    invoice = invoice_for(organisation)
    organisation.name = "Nytt Navn AS"
    organisation.street_address = "Ny gate 1"
    organisation.invoice_language = InvoiceLanguage.ENGLISH
    organisation.buyer_reference = "Ny ref"
    organisation.save()

    credit_note = credit(invoice)

    assert (credit_note.buyer_name, credit_note.buyer_address) == (
        "Celleverket AS",
        "Industriveien 5",
    )
    assert credit_note.buyer_organisation_number == invoice.buyer_organisation_number
    assert (credit_note.buyer_reference, credit_note.language) == ("PO-4711", "nb")
    text = pdf_text(render_invoice_pdf(credit_note))
    assert "Celleverket AS Industriveien 5" in text
    assert "Nytt Navn" not in text


# --- Never more than is left ----------------------------------------------------------------


def test_two_halves_of_an_odd_ore_vat_credit_exactly_the_invoice(schedule):
    # 0.04 at 25 % is 0.01 VAT; each half (0.02) rounds to 0.01 on its own: 0.02 in all.
    FeeAmount.objects.update(amount=Decimal("0.04"))
    invoice = invoice_for(buyer())
    assert invoice.vat_amount == Decimal("0.01")

    first = credit(invoice, Decimal("0.02"))
    second = credit(invoice, Decimal("0.02"))

    assert (first.vat_amount, second.vat_amount) == (Decimal("-0.01"), Decimal("0.00"))
    assert first.total + second.total == -invoice.total


def test_a_credit_of_more_than_is_left_is_refused(schedule):
    invoice = invoice_for(buyer())
    credit(invoice, Decimal("4000"))
    with pytest.raises(Exception, match=r"Credit between 0\.01 and 6000\.00"):
        credit(invoice, Decimal("6000.01"))
    with pytest.raises(Exception, match="Credit between"):
        credit(invoice, Decimal("0.001"))


@given(
    amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2),
    rate=st.sampled_from([Decimal(25), Decimal(15), Decimal(12), Decimal("11.11")]),
    shares=st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=4),
)
def test_partial_credits_never_exceed_and_together_equal_the_invoice(amount, rate, shares):
    # Hypothesis runs every example in the one test transaction: the schedule stays, each
    # example invoices a new organisation.
    if not FeeSchedule.objects.filter(year=YEAR).exists():
        fee_schedule(YEAR)
    FeeSchedule.objects.filter(year=YEAR).update(vat_rate=rate)
    FeeAmount.objects.update(amount=amount)
    invoice = invoice_for(buyer())
    weight = sum(shares) + 1
    for share in shares:
        part = (invoice.amount_excl_vat * share / weight).quantize(Decimal("0.01"))
        left = invoice.amount_excl_vat + sum(c.amount_excl_vat for c in invoice.credit_notes.all())
        if 0 < part < left:
            credit(invoice, part)
        credited = invoice.credit_notes.all()
        assert -sum(c.amount_excl_vat for c in credited) <= invoice.amount_excl_vat
        assert -sum(c.vat_amount for c in credited) <= invoice.vat_amount
        assert -sum(c.total for c in credited) <= invoice.total
        assert all(c.vat_amount <= 0 and c.total < 0 for c in credited)
    credit(invoice)  # the rest
    credited = list(invoice.credit_notes.all())
    assert -sum(c.amount_excl_vat for c in credited) == invoice.amount_excl_vat
    assert -sum(c.vat_amount for c in credited) == invoice.vat_amount
    assert -sum(c.total for c in credited) == invoice.total
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CREDITED


# --- It says what it is -----------------------------------------------------------------------


def test_a_credit_note_has_a_credit_note_date_and_neither_kid_nor_amount_to_pay(schedule):
    credit_note = credit(invoice_for(buyer()))
    text = pdf_text(render_invoice_pdf(credit_note))
    assert f"{in_norwegian('Credit note date')} 01.03.2026" in text
    assert "Fakturadato" not in text
    assert "KID" not in text
    assert "Å betale" not in text
    assert credit_note.kid == ""
    root = ET.fromstring(render_invoice_ehf(credit_note))  # noqa: S314 (our own output)
    assert root.find("cac:PaymentMeans", NS) is None


def test_crediting_a_paid_invoice_says_the_amount_is_refunded_or_set_off(schedule):
    invoice = invoice_for(buyer())
    payment_register(invoice=invoice, amount=invoice.total, paid_on=ISSUED, registered_by=None)

    credit_note = credit(invoice, Decimal("2500"))

    assert credit_note.already_paid == Decimal("3125.00")
    balance = balance_of(invoice)
    assert (balance.settlement, balance.overpaid) == (CreditSettlement.REFUND, Decimal("3125"))
    line = in_norwegian(ALREADY_PAID) % {
        "number": invoice.document_number,
        "currency": "NOK",
        "amount": "3 125,00",
    }
    assert " ".join(line.split()) in pdf_text(render_invoice_pdf(credit_note))
    note = ET.fromstring(render_invoice_ehf(credit_note)).find(  # noqa: S314 (our own output)
        "cac:PaymentTerms/cbc:Note", NS
    )
    assert "3125.00" in note.text


def test_what_was_paid_of_a_credit_becomes_a_credit_balance_for_staff_to_refund(schedule):
    invoice = invoice_for(buyer())
    payment_register(invoice=invoice, amount=invoice.total, paid_on=ISSUED, registered_by=None)

    credit_note = credit(invoice, Decimal("2500"))

    entry = CreditBalanceEntry.objects.get(organisation=invoice.organisation)
    assert (entry.amount, entry.entry_date) == (Decimal("3125.00"), credit_note.issue_date)
    assert credit_note.document_number in entry.note
    assert credit_balance_of(invoice.organisation) == Decimal("3125.00")


def test_a_credit_of_an_unpaid_invoice_leaves_no_credit_balance(schedule):
    invoice = invoice_for(buyer())
    credit(invoice, Decimal("2500"))
    assert not CreditBalanceEntry.objects.exists()


def test_crediting_a_partly_paid_invoice_sets_the_credit_off_against_what_is_left(schedule):
    invoice = invoice_for(buyer())
    payment_register(invoice=invoice, amount=Decimal("5000"), paid_on=ISSUED, registered_by=None)

    credit_note = credit(invoice, Decimal("2500"))

    assert credit_note.already_paid == 0
    balance = balance_of(invoice)
    assert (balance.settlement, balance.left_to_pay) == (CreditSettlement.SET_OFF, Decimal(4375))
    opening = in_norwegian(ALREADY_PAID).split("%(currency)s")[0] % {
        "number": invoice.document_number
    }
    assert opening.strip() not in pdf_text(render_invoice_pdf(credit_note))


def test_crediting_an_unpaid_invoice_only_lowers_what_is_to_pay(schedule):
    invoice = invoice_for(buyer())
    credit(invoice, Decimal("2500"))
    balance = balance_of(invoice)
    assert (balance.settlement, balance.left_to_pay) == (CreditSettlement.NONE, Decimal(9375))


# --- One language per document --------------------------------------------------------------


def test_staff_reading_english_issue_a_norwegian_credit_note(schedule, staff_client):
    invoice = invoice_for(buyer())

    response = run_action(
        staff_client, Invoice, "credit", [invoice], apply="yes", reason="Feil mottaker"
    )

    credit_note = Invoice.objects.get(credits=invoice)
    assert messages_of(response)[0].startswith(f"Credit note {credit_note.document_number}")
    assert credit_note.language == "nb"
    assert credit_note.lines.get().description == "Kreditering av faktura 1"
    assert credit_note.note == (
        "Krediterer faktura 1 datert 02.02.2026. Begrunnelse: Feil mottaker"
    )
    text = pdf_text(render_invoice_pdf(credit_note))
    assert "Kreditnota" in text
    assert "Credit of invoice" not in text
    assert "Reason" not in text


def test_staff_reading_norwegian_issue_an_english_invoice_and_credit_note(schedule, staff):
    organisation = buyer(invoice_language=InvoiceLanguage.ENGLISH)
    staff_nb = Client()  # no language preference: Norwegian pages
    staff_nb.force_login(staff)

    response = staff_nb.post(
        reverse("billing:invoice_create"),
        {"organisation": organisation.pk, "year": YEAR, "from_month": "7"},
    )
    assert response.status_code == 302
    invoice = Invoice.objects.get(organisation=organisation)
    run_action(staff_nb, Invoice, "credit", [invoice], apply="yes", reason="Wrong size")

    credit_note = Invoice.objects.get(credits=invoice)
    assert (invoice.language, credit_note.language) == ("en", "en")
    assert invoice.lines.get().description == (
        "Participation fee Battery Norway 2026 (pro rata from month 7)"
    )
    assert credit_note.lines.get().description == f"Credit of invoice {invoice.document_number}"
    assert credit_note.note.startswith(f"Credits invoice {invoice.document_number} of ")
    invoice_text = pdf_text(render_invoice_pdf(invoice))
    assert "Invoice" in invoice_text
    assert "Amount to pay" in invoice_text
    assert "Faktura" not in invoice_text
    assert "Credit note date" in pdf_text(render_invoice_pdf(credit_note))
    assert bis3_problems(render_invoice_ehf(credit_note)) == []


def test_a_system_written_reason_is_written_in_the_documents_language(schedule):
    from django.utils.translation import gettext_lazy

    english = invoice_for(buyer(invoice_language=InvoiceLanguage.ENGLISH))
    norwegian = invoice_for(buyer(name="Annet AS"))
    reason = gettext_lazy("Credits invoice %(number)s. Nothing is to be paid.")

    for invoice in (english, norwegian):
        credit_note_issue(invoice=invoice, issued_by=None, reason=reason, notify=False)

    assert "Reason: Credits invoice" in english.credit_notes.get().note
    assert "Begrunnelse: Krediterer faktura" in norwegian.credit_notes.get().note
