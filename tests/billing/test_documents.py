"""An issued document's PDF and EHF are rendered once and stored; they never change after that."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from billing.models import Invoice, Seller
from billing.services.documents import invoice_store_documents
from billing.services.issuing import credit_note_issue, fee_invoice_issue
from tests.factories import MembershipFactory, OrganisationFactory, fee_schedule
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice():
    fee_schedule(2026, amount=Decimal("10000"))
    organisation = OrganisationFactory(name="Celleverket AS")
    MembershipFactory(organisation=organisation, start_date=datetime.date(2025, 1, 1))
    return fee_invoice_issue(
        organisation=organisation, year=2026, issued_by=None, issue_date=datetime.date(2026, 2, 2)
    )


def stored(document: Invoice) -> dict[str, tuple[str, bytes]]:
    """The stored files of a document, as the database and the storage have them."""
    document = Invoice.objects.get(pk=document.pk)
    files = {}
    for field in ("pdf", "ehf"):
        with getattr(document, field).open("rb") as handle:
            files[field] = (getattr(document, field).name, handle.read())
    return files


def files_in(settings, folder: str) -> list[str]:
    return sorted(path.name for path in (Path(settings.MEDIA_ROOT) / folder).iterdir())


def test_storing_renders_the_pdf_and_the_ehf_into_the_invoice(invoice, settings):
    result = invoice_store_documents(invoice=invoice)
    files = stored(invoice)
    assert files["pdf"][0] == result.pdf.name == "invoices/pdf/faktura-1.pdf"
    assert files["ehf"][0] == result.ehf.name == "invoices/ehf/faktura-1.xml"
    assert files["pdf"][1].startswith(b"%PDF")
    text = pdf_text(files["pdf"][1])
    assert "Faktura" in text
    assert invoice.kid in text
    root = ET.fromstring(files["ehf"][1])  # noqa: S314 (our own output)
    assert root.tag.endswith("}Invoice")
    assert files_in(settings, "invoices/pdf") == ["faktura-1.pdf"]
    assert files_in(settings, "invoices/ehf") == ["faktura-1.xml"]


def test_a_second_call_keeps_the_stored_files_even_when_a_new_rendering_would_differ(
    invoice, settings, django_assert_num_queries
):
    invoice_store_documents(invoice=invoice)
    before = stored(invoice)
    Seller.objects.update(name="Nytt Navn", bank_account="12345678903")
    settings.LANGUAGE_CODE = "en"  # a fresh rendering would now be in English
    with django_assert_num_queries(1):
        result = invoice_store_documents(invoice=invoice)
    assert stored(invoice) == before
    assert (result.pdf.name, result.ehf.name) == (before["pdf"][0], before["ehf"][0])
    assert files_in(settings, "invoices/pdf") == ["faktura-1.pdf"]
    assert files_in(settings, "invoices/ehf") == ["faktura-1.xml"]


def test_a_stale_instance_without_files_does_not_render_again(invoice, settings):
    stale = Invoice.objects.get(pk=invoice.pk)
    invoice_store_documents(invoice=invoice)
    before = stored(invoice)
    assert not stale.pdf
    invoice_store_documents(invoice=stale)
    assert stored(invoice) == before
    assert files_in(settings, "invoices/pdf") == ["faktura-1.pdf"]


def test_only_the_missing_document_is_rendered_when_one_is_stored(invoice, settings):
    invoice_store_documents(invoice=invoice)
    pdf_before = stored(invoice)["pdf"]
    Invoice.objects.filter(pk=invoice.pk).update(ehf="")
    result = invoice_store_documents(invoice=invoice)
    after = stored(invoice)
    assert after["pdf"] == pdf_before
    assert after["ehf"][0] == result.ehf.name
    assert after["ehf"][1].startswith(b'<?xml version="1.0" encoding="UTF-8"?>')


def test_a_credit_note_is_stored_under_its_own_number_as_a_ubl_credit_note(invoice):
    credit_note = credit_note_issue(invoice=invoice, issued_by=None, reason="Feil beløp")
    invoice_store_documents(invoice=credit_note)
    files = stored(credit_note)
    assert files["pdf"][0] == "invoices/pdf/kreditnota-K1.pdf"
    assert files["ehf"][0] == "invoices/ehf/kreditnota-K1.xml"
    assert "Kreditnota" in pdf_text(files["pdf"][1])
    root = ET.fromstring(files["ehf"][1])  # noqa: S314 (our own output)
    assert root.tag.endswith("}CreditNote")


def test_storing_changes_nothing_else_on_the_issued_invoice(invoice):
    columns = [f.attname for f in Invoice._meta.concrete_fields if f.name not in {"pdf", "ehf"}]
    before = Invoice.objects.values(*columns).get(pk=invoice.pk)
    invoice_store_documents(invoice=invoice)
    assert Invoice.objects.values(*columns).get(pk=invoice.pk) == before
