"""The PDF and the EHF of invoices and credit notes hold what Norwegian rules and BIS 3 ask."""

import datetime
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from billing.kid import kid_is_valid
from billing.models import FeeSchedule, Seller
from billing.rendering import render_invoice_ehf, render_invoice_pdf
from billing.services.issuing import credit_note_issue, fee_invoice_issue
from members.models import CompanyGroup
from tests.factories import MembershipFactory, OrganisationFactory, fee_schedule
from tests.helpers import in_norwegian
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

ISSUED = datetime.date(2026, 2, 2)
CREDITED = datetime.date(2026, 3, 1)
NS = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

# Element order of the PEPPOL BIS 3 reference examples (ehf-examples in the shared notes):
# top level of Norwegian-example-1.xml, which has every element of base-example.xml and more.
INVOICE_ORDER = [
    "CustomizationID", "ProfileID", "ID", "IssueDate", "DueDate", "InvoiceTypeCode", "Note",
    "TaxPointDate", "DocumentCurrencyCode", "AccountingCost", "BuyerReference", "InvoicePeriod",
    "OrderReference", "ContractDocumentReference", "AdditionalDocumentReference",
    "AccountingSupplierParty", "AccountingCustomerParty", "PayeeParty", "TaxRepresentativeParty",
    "Delivery", "PaymentMeans", "PaymentTerms", "AllowanceCharge", "TaxTotal",
    "LegalMonetaryTotal", "InvoiceLine",
]  # fmt: skip
# Top level of base-creditnote-correction.xml; it has no InvoicePeriod, which the UBL 2.1
# CreditNote schema puts after BuyerReference and before BillingReference.
CREDIT_NOTE_ORDER = [
    "CustomizationID", "ProfileID", "ID", "IssueDate", "CreditNoteTypeCode", "Note",
    "DocumentCurrencyCode", "AccountingCost", "BuyerReference", "InvoicePeriod",
    "BillingReference", "AccountingSupplierParty", "AccountingCustomerParty", "Delivery",
    "PaymentMeans", "PaymentTerms", "AllowanceCharge", "TaxTotal", "LegalMonetaryTotal",
    "CreditNoteLine",
]  # fmt: skip
# Inside the parties, the lines and the totals of Norwegian-example-1.xml.
PARTY_ORDER = [
    "EndpointID", "PartyIdentification", "PartyName", "PostalAddress", "PartyTaxScheme",
    "PartyLegalEntity", "Contact",
]  # fmt: skip
ADDRESS_ORDER = [
    "StreetName",
    "AdditionalStreetName",
    "CityName",
    "PostalZone",
    "CountrySubentity",
    "Country",
]
LINE_ORDER = [
    "ID", "Note", "InvoicedQuantity", "CreditedQuantity", "LineExtensionAmount", "AccountingCost",
    "InvoicePeriod", "OrderLineReference", "AllowanceCharge", "Item", "Price",
]  # fmt: skip
ITEM_ORDER = ["Description", "Name", "SellersItemIdentification", "ClassifiedTaxCategory"]
MONETARY_TOTAL_ORDER = [
    "LineExtensionAmount", "TaxExclusiveAmount", "TaxInclusiveAmount", "AllowanceTotalAmount",
    "ChargeTotalAmount", "PrepaidAmount", "PayableRoundingAmount", "PayableAmount",
]  # fmt: skip
TAX_CATEGORY_ORDER = ["ID", "Percent", "TaxExemptionReasonCode", "TaxExemptionReason", "TaxScheme"]


@pytest.fixture
def buyer():
    fee_schedule(2026, amount=Decimal("10000"), days_to_due=30)
    organisation = OrganisationFactory(
        name="Celleverket AS",
        organisation_number="923609016",
        street_address="Industriveien 5",
        postal_code="4632",
        city="Kristiansand",
        invoice_email="faktura@celleverket.no",
    )
    MembershipFactory(organisation=organisation, start_date=datetime.date(2025, 1, 1))
    return organisation


def issue_invoice(buyer, **extra):
    # Issued in the site's language, as a run does, so the line text is Norwegian.
    with translation.override(settings.LANGUAGE_CODE):
        return fee_invoice_issue(
            organisation=buyer, year=2026, issued_by=None, issue_date=ISSUED, **extra
        )


def issue_credit_note(invoice, **extra):
    with translation.override(settings.LANGUAGE_CODE):
        return credit_note_issue(
            invoice=invoice, issued_by=None, reason="Feil størrelse", issue_date=CREDITED, **extra
        )


def ehf(document) -> ET.Element:
    return ET.fromstring(render_invoice_ehf(document))  # noqa: S314 (our own output)


def value(root: ET.Element, path: str) -> str:
    element = root.find(path, NS)
    assert element is not None, f"{path} is missing"
    return element.text


def amount(root: ET.Element, path: str) -> Decimal:
    return Decimal(value(root, path))


def names(element: ET.Element) -> list[str]:
    return [child.tag.rsplit("}", 1)[-1] for child in element]


def assert_in_example_order(element: ET.Element, reference: list[str]) -> None:
    tags = names(element)
    assert set(tags) <= set(reference), set(tags) - set(reference)
    assert tags == sorted(tags, key=reference.index)


# --- PDF ------------------------------------------------------------------------------------


def test_invoice_pdf_is_norwegian_by_default_and_holds_every_legal_field(buyer):
    invoice = issue_invoice(buyer)
    text = pdf_text(render_invoice_pdf(invoice))
    for expected in [
        "Faktura",
        "Battery Norway Storgata 12 4876 Grimstad",
        "Organisasjonsnummer 988077917 MVA Foretaksregisteret",
        "Bankkonto 8601.11.17947",
        "Kjøper Celleverket AS Industriveien 5 4632 Kristiansand Organisasjonsnummer 923609016",
        "Dokumentnummer 1",
        "Fakturadato 02.02.2026",
        "Forfallsdato 04.03.2026",
        "Leveringsperiode 01.01.2026–31.12.2026",
        f"KID {invoice.kid}",
        "Deltakeravgift Battery Norway 2026 1 10 000,00 10 000,00",
        "Beløp eks. mva. NOK 10 000,00",
        "Mva. 25 % NOK 2 500,00",
        "Totalt NOK 12 500,00",
        "Å betale NOK 12 500,00",
    ]:
        assert expected in text
    assert kid_is_valid(invoice.kid)


def test_invoice_pdf_in_english_uses_the_source_labels_and_keeps_the_legal_words(buyer):
    invoice = issue_invoice(buyer)
    text = pdf_text(render_invoice_pdf(invoice, language="en"))
    for expected in [
        "Invoice",
        "Organisation number 988077917 MVA Foretaksregisteret",
        "Bank account 8601.11.17947",
        "Buyer Celleverket AS",
        "Document number 1",
        "Issue date",
        "Due date",
        "Delivery period",
        "Amount excl. VAT NOK 10,000.00",
        "VAT 25 % NOK 2,500.00",
        "Total NOK 12,500.00",
        f"KID {invoice.kid}",
        "Amount to pay NOK 12,500.00",
    ]:
        assert expected in text


def test_credit_note_pdf_shows_negative_amounts_and_the_invoice_it_corrects(buyer):
    credit_note = issue_credit_note(issue_invoice(buyer))
    text = pdf_text(render_invoice_pdf(credit_note))
    for expected in [
        "Kreditnota",
        "Organisasjonsnummer 988077917 MVA Foretaksregisteret",
        "Bankkonto 8601.11.17947",
        "Celleverket AS Industriveien 5 4632 Kristiansand Organisasjonsnummer 923609016",
        "Dokumentnummer K1",
        f"{in_norwegian('Credit note date')} 01.03.2026",
        "Leveringsperiode 01.01.2026–31.12.2026",
        "Korrigerer faktura 1 (02.02.2026)",
        "-10 000,00",
        "Beløp eks. mva. NOK -10 000,00",
        "Mva. 25 % NOK -2 500,00",
        "Totalt NOK -12 500,00",
        "Begrunnelse: Feil størrelse",
    ]:
        assert expected in text
    assert "Forfallsdato" not in text
    assert "Fakturadato" not in text  # a credit note has a credit note date
    assert "Å betale" not in text
    assert "KID" not in text


def test_parent_unit_invoice_pdf_lists_the_groups_units_in_its_note(buyer):
    group = CompanyGroup.objects.create(name="Cellekonsernet", parent=buyer)
    unit = OrganisationFactory(name="Celleverket Mo AS", group=group)
    MembershipFactory(organisation=unit, start_date=datetime.date(2025, 1, 1))
    buyer.group = group
    buyer.save()
    text = pdf_text(render_invoice_pdf(issue_invoice(buyer)))
    assert (
        f"Merknad: Omfatter konsernets enheter: Celleverket Mo AS ({unit.organisation_number})"
        in (text)
    )


def test_seller_outside_vat_and_business_register_shows_neither_mva_nor_foretaksregisteret(buyer):
    Seller.objects.update(vat_registered=False, in_business_register=False)
    FeeSchedule.objects.filter(year=2026).update(vat_rate=0)
    text = pdf_text(render_invoice_pdf(issue_invoice(buyer)))
    assert "Organisasjonsnummer 988077917 Bankkonto" in text
    assert "MVA" not in text
    assert "Foretaksregisteret" not in text
    # Outside VAT there is no VAT line at all, not even one of 0 %.
    assert "Mva." not in text
    assert "Beløp eks. mva. NOK 10 000,00" in text
    assert "Totalt NOK 10 000,00" in text


# --- EHF: invoice ---------------------------------------------------------------------------


def test_invoice_ehf_is_a_ubl_invoice_with_the_peppol_bis_3_identifiers(buyer):
    invoice = issue_invoice(buyer)
    content = render_invoice_ehf(invoice)
    assert content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(content)  # noqa: S314 (our own output)
    assert root.tag == f"{{{NS['inv']}}}Invoice"
    assert f'xmlns="{NS["inv"]}"'.encode() in content
    assert f'xmlns:cac="{NS["cac"]}"'.encode() in content
    assert f'xmlns:cbc="{NS["cbc"]}"'.encode() in content
    assert value(root, "cbc:CustomizationID") == CUSTOMIZATION_ID
    assert value(root, "cbc:ProfileID") == PROFILE_ID
    assert value(root, "cbc:ID") == "1"
    assert value(root, "cbc:IssueDate") == "2026-02-02"
    assert value(root, "cbc:DueDate") == "2026-03-04"
    assert value(root, "cbc:InvoiceTypeCode") == "380"
    assert value(root, "cbc:DocumentCurrencyCode") == "NOK"
    assert value(root, "cbc:BuyerReference") == "923609016"
    assert value(root, "cac:InvoicePeriod/cbc:StartDate") == "2026-01-01"
    assert value(root, "cac:InvoicePeriod/cbc:EndDate") == "2026-12-31"


def test_invoice_ehf_names_seller_and_buyer_by_organisation_number_scheme_0192(buyer):
    root = ehf(issue_invoice(buyer))
    for path, number, name in [
        ("cac:AccountingSupplierParty/cac:Party", "988077917", "Battery Norway"),
        ("cac:AccountingCustomerParty/cac:Party", "923609016", "Celleverket AS"),
    ]:
        party = root.find(path, NS)
        endpoint = party.find("cbc:EndpointID", NS)
        assert (endpoint.text, endpoint.get("schemeID")) == (number, "0192")
        assert value(party, "cac:PartyIdentification/cbc:ID") == number
        assert value(party, "cac:PartyName/cbc:Name") == name
        assert value(party, "cac:PostalAddress/cac:Country/cbc:IdentificationCode") == "NO"
        assert value(party, "cac:PartyLegalEntity/cbc:RegistrationName") == name
        legal_id = party.find("cac:PartyLegalEntity/cbc:CompanyID", NS)
        assert (legal_id.text, legal_id.get("schemeID")) == (number, "0192")
    seller = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    assert value(seller, "cac:PostalAddress/cbc:StreetName") == "Storgata 12"
    assert value(seller, "cac:PostalAddress/cbc:CityName") == "Grimstad"
    assert value(seller, "cac:PostalAddress/cbc:PostalZone") == "4876"
    assert value(seller, "cac:Contact/cbc:ElectronicMail") == "faktura@batterynorway.no"
    assert [
        (value(scheme, "cbc:CompanyID"), value(scheme, "cac:TaxScheme/cbc:ID"))
        for scheme in seller.findall("cac:PartyTaxScheme", NS)
    ] == [("NO988077917MVA", "VAT"), ("Foretaksregisteret", "TAX")]
    customer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    assert value(customer, "cac:PostalAddress/cbc:StreetName") == "Industriveien 5"
    assert value(customer, "cac:PostalAddress/cbc:CityName") == "Kristiansand"
    assert value(customer, "cac:PostalAddress/cbc:PostalZone") == "4632"
    assert value(customer, "cac:Contact/cbc:ElectronicMail") == "faktura@celleverket.no"
    assert customer.find("cac:PartyTaxScheme", NS) is None


def test_invoice_ehf_is_paid_by_credit_transfer_with_the_kid_to_the_sellers_account(buyer):
    invoice = issue_invoice(buyer)
    root = ehf(invoice)
    assert value(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == "30"
    assert value(root, "cac:PaymentMeans/cbc:PaymentID") == invoice.kid
    assert kid_is_valid(value(root, "cac:PaymentMeans/cbc:PaymentID"))
    assert value(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == "86011117947"
    assert invoice.kid in value(root, "cac:PaymentTerms/cbc:Note")


def test_invoice_ehf_has_one_standard_rated_tax_total_and_totals_that_add_up(buyer):
    invoice = issue_invoice(buyer, from_month=5)  # 10 000 * 8/12: øre to round
    root = ehf(invoice)
    assert len(root.findall("cac:TaxTotal", NS)) == 1
    assert len(root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)) == 1
    subtotal = root.find("cac:TaxTotal/cac:TaxSubtotal", NS)
    assert amount(subtotal, "cbc:TaxableAmount") == Decimal("6666.67")
    assert amount(subtotal, "cbc:TaxAmount") == Decimal("1666.67")
    assert value(subtotal, "cac:TaxCategory/cbc:ID") == "S"
    assert Decimal(value(subtotal, "cac:TaxCategory/cbc:Percent")) == 25
    assert value(subtotal, "cac:TaxCategory/cac:TaxScheme/cbc:ID") == "VAT"
    tax = amount(root, "cac:TaxTotal/cbc:TaxAmount")
    lines = sum(
        Decimal(e.text) for e in root.findall("cac:InvoiceLine/cbc:LineExtensionAmount", NS)
    )
    total = root.find("cac:LegalMonetaryTotal", NS)
    assert lines == amount(total, "cbc:LineExtensionAmount") == Decimal("6666.67")
    assert amount(total, "cbc:TaxExclusiveAmount") == Decimal("6666.67")
    assert amount(total, "cbc:TaxExclusiveAmount") + tax == amount(total, "cbc:TaxInclusiveAmount")
    assert amount(total, "cbc:TaxInclusiveAmount") == amount(total, "cbc:PayableAmount")
    assert amount(total, "cbc:PayableAmount") == invoice.total == Decimal("8333.34")


def test_invoice_ehf_line_has_quantity_item_tax_category_and_price(buyer):
    line = ehf(issue_invoice(buyer)).find("cac:InvoiceLine", NS)
    assert value(line, "cbc:ID") == "1"
    quantity = line.find("cbc:InvoicedQuantity", NS)
    assert (quantity.text, quantity.get("unitCode")) == ("1", "EA")
    assert value(line, "cbc:LineExtensionAmount") == "10000.00"
    assert value(line, "cac:Item/cbc:Name") == "Deltakeravgift Battery Norway 2026"
    assert value(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID") == "S"
    assert value(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent") == "25"
    assert value(line, "cac:Item/cac:ClassifiedTaxCategory/cac:TaxScheme/cbc:ID") == "VAT"
    assert value(line, "cac:Price/cbc:PriceAmount") == "10000.00"


def test_every_ehf_amount_is_in_nok_with_two_decimals_and_no_element_is_empty(buyer):
    invoice = issue_invoice(buyer, from_month=5)
    for document in (invoice, issue_credit_note(invoice)):
        amounts = 0
        for element in ehf(document).iter():
            assert len(element) or (element.text or "").strip(), f"empty {element.tag}"
            if "currencyID" in element.attrib:
                amounts += 1
                assert element.get("currencyID") == "NOK"
                assert re.fullmatch(r"-?\d+\.\d{2}", element.text), element.text
        assert amounts == 9


def test_invoice_ehf_elements_follow_the_order_of_the_peppol_examples(buyer):
    root = ehf(issue_invoice(buyer))
    assert_in_example_order(root, INVOICE_ORDER)
    for party in root.findall("*/cac:Party", NS):
        assert_in_example_order(party, PARTY_ORDER)
        assert_in_example_order(party.find("cac:PostalAddress", NS), ADDRESS_ORDER)
    assert_in_example_order(root.find("cac:LegalMonetaryTotal", NS), MONETARY_TOTAL_ORDER)
    assert_in_example_order(root.find("cac:TaxTotal/*/cac:TaxCategory", NS), TAX_CATEGORY_ORDER)
    for line in root.findall("cac:InvoiceLine", NS):
        assert_in_example_order(line, LINE_ORDER)
        assert_in_example_order(line.find("cac:Item", NS), ITEM_ORDER)
    assert names(root)[:6] == [
        "CustomizationID", "ProfileID", "ID", "IssueDate", "DueDate", "InvoiceTypeCode",
    ]  # fmt: skip


# --- EHF: credit note -----------------------------------------------------------------------


def test_credit_note_ehf_is_a_ubl_credit_note_referencing_the_invoice(buyer):
    credit_note = issue_credit_note(issue_invoice(buyer))
    content = render_invoice_ehf(credit_note)
    root = ET.fromstring(content)  # noqa: S314 (our own output)
    assert root.tag == f"{{{NS['cn']}}}CreditNote"
    assert f'xmlns="{NS["cn"]}"'.encode() in content
    assert value(root, "cbc:CustomizationID") == CUSTOMIZATION_ID
    assert value(root, "cbc:ProfileID") == PROFILE_ID
    assert value(root, "cbc:ID") == "K1"
    assert value(root, "cbc:IssueDate") == "2026-03-01"
    assert value(root, "cbc:CreditNoteTypeCode") == "381"
    reference = root.find("cac:BillingReference/cac:InvoiceDocumentReference", NS)
    assert value(reference, "cbc:ID") == "1"
    assert value(reference, "cbc:IssueDate") == "2026-02-02"
    assert value(root, "cac:AccountingSupplierParty/cac:Party/cbc:EndpointID") == "988077917"
    assert value(root, "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID") == "923609016"
    assert "Feil størrelse" in value(root, "cbc:Note")
    for absent in ("cbc:DueDate", "cbc:InvoiceTypeCode", "cac:PaymentMeans", "cac:InvoiceLine"):
        assert root.find(absent, NS) is None, absent
    assert value(root, "cac:PaymentTerms/cbc:Note")


def test_credit_note_ehf_carries_positive_amounts_that_reverse_the_credited_part(buyer):
    credit_note = issue_credit_note(issue_invoice(buyer), amount_excl_vat=Decimal("2500"))
    assert credit_note.total == Decimal("-3125.00")
    root = ehf(credit_note)
    total = root.find("cac:LegalMonetaryTotal", NS)
    assert amount(total, "cbc:LineExtensionAmount") == Decimal("2500.00")
    assert amount(total, "cbc:TaxExclusiveAmount") == Decimal("2500.00")
    assert amount(root, "cac:TaxTotal/cbc:TaxAmount") == Decimal("625.00")
    assert amount(total, "cbc:TaxInclusiveAmount") == Decimal("3125.00")
    assert amount(total, "cbc:PayableAmount") == Decimal("3125.00")
    line = root.find("cac:CreditNoteLine", NS)
    quantity = line.find("cbc:CreditedQuantity", NS)
    assert (quantity.text, quantity.get("unitCode")) == ("1", "EA")
    assert amount(line, "cbc:LineExtensionAmount") == Decimal("2500.00")
    assert amount(line, "cac:Price/cbc:PriceAmount") == Decimal("2500.00")
    assert value(line, "cac:Item/cbc:Name") == "Kreditering av faktura 1"
    assert all(
        Decimal(element.text) >= 0 for element in root.iter() if "currencyID" in element.attrib
    )


def test_credit_note_ehf_elements_follow_the_order_of_the_peppol_examples(buyer):
    root = ehf(issue_credit_note(issue_invoice(buyer)))
    assert_in_example_order(root, CREDIT_NOTE_ORDER)
    for party in root.findall("*/cac:Party", NS):
        assert_in_example_order(party, PARTY_ORDER)
    for line in root.findall("cac:CreditNoteLine", NS):
        assert_in_example_order(line, LINE_ORDER)


# --- EHF: VAT categories --------------------------------------------------------------------


def test_zero_rated_invoice_uses_vat_category_z_at_0_percent(buyer):
    FeeSchedule.objects.filter(year=2026).update(vat_treatment="Z", vat_rate=0)
    root = ehf(issue_invoice(buyer))
    category = root.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS)
    assert (value(category, "cbc:ID"), value(category, "cbc:Percent")) == ("Z", "0")
    assert category.find("cbc:TaxExemptionReason", NS) is None
    assert value(root, "cac:TaxTotal/cbc:TaxAmount") == "0.00"
    line_category = root.find("cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory", NS)
    assert (value(line_category, "cbc:ID"), value(line_category, "cbc:Percent")) == ("Z", "0")
    supplier_schemes = root.findall("cac:AccountingSupplierParty/*/cac:PartyTaxScheme", NS)
    assert value(supplier_schemes[0], "cbc:CompanyID") == "NO988077917MVA"


def test_seller_outside_vat_uses_category_o_without_rate_or_vat_number(buyer):
    Seller.objects.update(vat_registered=False)
    FeeSchedule.objects.filter(year=2026).update(vat_rate=0)
    root = ehf(issue_invoice(buyer))
    category = root.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS)
    assert value(category, "cbc:ID") == "O"
    assert category.find("cbc:Percent", NS) is None
    assert value(category, "cbc:TaxExemptionReasonCode") == "VATEX-EU-O"
    assert value(category, "cbc:TaxExemptionReason")
    line_category = root.find("cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory", NS)
    assert value(line_category, "cbc:ID") == "O"
    assert line_category.find("cbc:Percent", NS) is None
    schemes = root.findall("cac:AccountingSupplierParty/*/cac:PartyTaxScheme", NS)
    assert [value(s, "cbc:CompanyID") for s in schemes] == ["Foretaksregisteret"]


def test_a_seller_outside_vat_gets_a_valid_ehf_even_when_the_schedule_says_25(buyer):
    Seller.objects.update(vat_registered=False)
    root = ehf(issue_invoice(buyer))
    assert value(root, "cac:TaxTotal/cbc:TaxAmount") == "0.00"
    assert value(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == "O"
