"""The EHF of every kind of document passes the UBL 2.1 and PEPPOL BIS 3 checks of
``tests/billing/ehf_checks.py`` (which says what they cover), and the checks catch a broken one.

Every kind: invoices at the standard rate (S), zero-rated (Z), exempt (E) and outside VAT (O),
full and partial credit notes (of S, E and O invoices too), a group's parent unit, pro rata, an
English buyer, a buyer with its own reference.
"""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from billing.models import FeeSchedule, Invoice, Seller, VatTreatment
from billing.rendering import render_invoice_ehf, render_invoice_pdf
from billing.services.issuing import credit_note_issue, fee_invoice_issue
from members.models import CompanyGroup, InvoiceLanguage
from tests.billing.ehf_checks import NS, bis3_problems
from tests.factories import MembershipFactory, OrganisationFactory, fee_schedule
from tests.helpers import in_norwegian
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

YEAR = 2026
ISSUED = datetime.date(2026, 2, 2)
EXEMPTION = "Unntatt etter merverdiavgiftsloven § 3-12"


def organisation(**fields):
    fields = {"street_address": "Industriveien 5", "postal_code": "4632", "city": "Arendal"} | (
        fields
    )
    member = OrganisationFactory(**fields)
    MembershipFactory(organisation=member, start_date=datetime.date(2025, 1, 1))
    return member


def invoice(member=None, **extra) -> Invoice:
    return fee_invoice_issue(
        organisation=member or organisation(),
        year=YEAR,
        issued_by=None,
        issue_date=ISSUED,
        **extra,
    )


def credit_note(invoice, amount=None) -> Invoice:
    return credit_note_issue(
        invoice=invoice, issued_by=None, reason="Feil", amount_excl_vat=amount, notify=False
    )


def treatment(code: str, reason: str = "") -> None:
    FeeSchedule.objects.filter(year=YEAR).update(
        vat_treatment=code,
        vat_rate=25 if code == VatTreatment.STANDARD else 0,
        vat_exemption_reason=reason,
    )


def standard():
    return invoice()


def zero_rated():
    treatment(VatTreatment.ZERO_RATED)
    return invoice()


def exempt():
    treatment(VatTreatment.EXEMPT, EXEMPTION)
    return invoice()


def outside_vat():
    Seller.objects.update(vat_registered=False)
    return invoice()


def full_credit():
    return credit_note(invoice(from_month=5))


def partial_credit():
    return credit_note(invoice(from_month=5), Decimal("3333.33"))


def exempt_credit():
    return credit_note(exempt(), Decimal("100"))


def outside_vat_credit():
    return credit_note(outside_vat())


def group_parent():
    parent = organisation(name="Cellekonsernet AS")
    group = CompanyGroup.objects.create(name="Cellekonsernet", parent=parent)
    parent.group = group
    parent.save()
    organisation(name="Celleverket Mo AS", group=group)
    return invoice(parent)


def pro_rata():
    return invoice(from_month=8)


def english_buyer():
    return invoice(organisation(invoice_language=InvoiceLanguage.ENGLISH))


def buyer_reference():
    return invoice(organisation(buyer_reference="4025:Kostnadssted 77"))


KINDS = [
    standard,
    zero_rated,
    exempt,
    outside_vat,
    full_credit,
    partial_credit,
    exempt_credit,
    outside_vat_credit,
    group_parent,
    pro_rata,
    english_buyer,
    buyer_reference,
]


@pytest.fixture(autouse=True)
def schedule():
    return fee_schedule(YEAR, amount=Decimal("10000"), days_to_due=30)


def root_of(document) -> ET.Element:
    return ET.fromstring(render_invoice_ehf(document))  # noqa: S314 (our own output)


def category_of(root: ET.Element) -> ET.Element:
    return root.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS)


@pytest.mark.parametrize("make", KINDS, ids=[kind.__name__ for kind in KINDS])
def test_every_kind_of_document_passes_the_ubl_and_bis_3_checks(make):
    document = make()
    assert bis3_problems(render_invoice_ehf(document)) == []


def test_an_exempt_invoice_prints_and_carries_its_exemption_reason():
    document = exempt()
    assert (document.vat_category, document.vat_amount) == (VatTreatment.EXEMPT, 0)
    category = category_of(root_of(document))
    assert category.find("cbc:ID", NS).text == "E"
    assert category.find("cbc:Percent", NS).text == "0"
    assert category.find("cbc:TaxExemptionReason", NS).text == EXEMPTION
    text = pdf_text(render_invoice_pdf(document))
    assert EXEMPTION in text
    assert "Mva. 0 % NOK 0,00" in text


def test_an_exempt_credit_note_keeps_the_invoices_exemption_reason_after_the_schedule_changes():
    document = exempt()
    FeeSchedule.objects.filter(year=YEAR).update(vat_exemption_reason="Noe annet")
    credit = credit_note(document)
    assert (credit.vat_category, credit.vat_exemption_reason) == (VatTreatment.EXEMPT, EXEMPTION)
    assert category_of(root_of(credit)).find("cbc:TaxExemptionReason", NS).text == EXEMPTION


def test_an_invoice_outside_vat_has_no_vat_line_on_the_pdf_and_category_o_in_the_ehf():
    document = outside_vat()
    text = pdf_text(render_invoice_pdf(document))
    assert "Mva." not in text
    assert "MVA" not in text
    root = root_of(document)
    category = category_of(root)
    assert category.find("cbc:ID", NS).text == "O"
    assert category.find("cbc:Percent", NS) is None
    assert category.find("cbc:TaxExemptionReasonCode", NS).text == "VATEX-EU-O"
    schemes = root.findall("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme", NS)
    assert [s.find("cac:TaxScheme/cbc:ID", NS).text for s in schemes] == ["TAX"]


def test_a_schedule_outside_vat_for_a_registered_seller_leaves_out_its_vat_number():
    treatment(VatTreatment.OUTSIDE)
    root = root_of(invoice())
    assert category_of(root).find("cbc:ID", NS).text == "O"
    schemes = root.findall("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme", NS)
    assert "VAT" not in [s.find("cac:TaxScheme/cbc:ID", NS).text for s in schemes]


def test_the_buyers_own_reference_is_carried_and_printed_and_the_number_is_the_fallback():
    with_reference = buyer_reference()
    without = standard()
    assert root_of(with_reference).find("cbc:BuyerReference", NS).text == "4025:Kostnadssted 77"
    assert f"{in_norwegian('buyer reference').capitalize()} 4025:Kostnadssted 77" in pdf_text(
        render_invoice_pdf(with_reference)
    )
    assert root_of(without).find("cbc:BuyerReference", NS).text == without.buyer_organisation_number


def test_an_english_buyers_ehf_is_in_english():
    root = root_of(english_buyer())
    assert root.find("cac:InvoiceLine/cac:Item/cbc:Name", NS).text == (
        "Participation fee Battery Norway 2026"
    )
    assert root.find("cac:PaymentTerms/cbc:Note", NS).text.startswith("Pay by ")


# --- The checks catch what is wrong -----------------------------------------------------------


def _broken(change) -> list[str]:
    root = root_of(standard())
    change(root)
    return bis3_problems(ET.tostring(root))


def _remove(path):
    def change(root):
        element = root.find(path, NS)
        parent = next(p for p in root.iter() if element in list(p))
        parent.remove(element)

    return change


def _set(path, text):
    def change(root):
        root.find(path, NS).text = text

    return change


def _swap_first_two_parties(root):
    supplier = root.find("cac:AccountingSupplierParty", NS)
    customer = root.find("cac:AccountingCustomerParty", NS)
    index = list(root).index(supplier)
    root.remove(customer)
    root.insert(index, customer)


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (_remove("cbc:BuyerReference"), "PEPPOL-EN16931-R003"),
        (_set("cbc:BuyerReference", ""), "PEPPOL-EN16931-R008"),
        (_set("cbc:CustomizationID", "urn:cen.eu:en16931:2017"), "PEPPOL-EN16931-R004"),
        (_set("cbc:InvoiceTypeCode", "381"), "PEPPOL-EN16931-P0100"),
        (_set("cbc:IssueDate", "02.02.2026"), "PEPPOL-EN16931-F001"),
        (_set("cac:LegalMonetaryTotal/cbc:PayableAmount", "1.00"), "BR-CO-16"),
        (_set("cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", "1.00"), "BR-CO-15"),
        (_set("cac:TaxTotal/cbc:TaxAmount", "2500.01"), "BR-CO-14"),
        (_set("cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount", "2400.00"), "BR-S-09"),
        (_set("cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount", "9000.00"), "BR-S-08"),
        (_set("cac:InvoiceLine/cbc:LineExtensionAmount", "1.00"), "BR-CO-10"),
        (_set("cac:InvoiceLine/cac:Price/cbc:PriceAmount", "9.00"), "PEPPOL-EN16931-R120"),
        (_set("cac:InvoiceLine/cac:Item/cbc:Name", ""), "BR-25"),
        (_set("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID", "O"), "BR-O-02"),
        (_set("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID", "E"), "BR-E-10"),
        (
            _set("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID", "988077918"),
            "PEPPOL-COMMON-R043",
        ),
        (
            _set(
                "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID",
                "988077917MVA",
            ),
            "BR-CO-09",
        ),
        (_remove("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme"), "BR-S-02"),
        (_remove("cac:PaymentMeans/cac:PayeeFinancialAccount"), "BR-61"),
        (_remove("cac:InvoiceLine"), "BR-16"),
        (_swap_first_two_parties, "UBL"),
    ],
)
def test_the_checks_catch_a_broken_document(change, rule):
    assert any(problem.startswith(f"{rule}:") for problem in _broken(change)), rule
