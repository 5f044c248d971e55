"""The invoice or credit note as EHF: PEPPOL BIS Billing 3.0, UBL 2.1 XML.

Elements are written in the order the UBL schema prescribes (the order of the PEPPOL examples in
``ehf-examples``); empty elements are left out, as the PEPPOL rules demand. A credit note says
by its type that it credits, so its amounts are positive where ours are stored negative.
"""

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from billing.models import Invoice, InvoiceLine, VatTreatment
from billing.money import CENT

NAMESPACES = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
INVOICE_NAMESPACE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NAMESPACE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
INVOICE_TYPE_CODE = "380"
CREDIT_NOTE_TYPE_CODE = "381"
ORGANISATION_NUMBER_SCHEME = "0192"  # Norwegian organisation number (Enhetsregisteret)
CREDIT_TRANSFER = "30"
UNIT_EACH = "EA"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


for _prefix, _uri in NAMESPACES.items():
    ET.register_namespace(_prefix, _uri)


@dataclass(frozen=True)
class TaxCategory:
    """A VAT category of EN 16931 (UNCL5305) with what the BIS rules want beside it."""

    code: str
    percent: Decimal | None
    exemption_code: str = ""
    exemption_reason: str = ""


def tax_category(invoice: Invoice) -> TaxCategory:
    """The document's VAT category as copied at issue, with what the BIS rules want beside it.

    S at its rate; Z and E at 0 %, E with its exemption reason (BR-E-10); O without a rate
    and with the exemption code and reason (BR-O-05, BR-O-10).
    """
    category = invoice.vat_category
    if category == VatTreatment.OUTSIDE:
        if invoice.vat_amount:
            raise ValueError("A document outside VAT cannot charge VAT.")
        return TaxCategory("O", None, "VATEX-EU-O", _("Not subject to VAT"))
    if category == VatTreatment.EXEMPT:
        return TaxCategory("E", Decimal(0), "", invoice.vat_exemption_reason)
    if category == VatTreatment.STANDARD:
        return TaxCategory("S", invoice.vat_rate)
    return TaxCategory("Z", Decimal(0))


def _element(parent: ET.Element, tag: str, text: str | None = None, **attributes) -> ET.Element:
    prefix, name = tag.split(":")
    element = ET.SubElement(parent, f"{{{NAMESPACES[prefix]}}}{name}", attributes)
    element.text = text
    return element


def _optional(parent: ET.Element, tag: str, text: str) -> None:
    if text:
        _element(parent, tag, text)


def _money(value: Decimal) -> str:
    # Adding zero turns a negated zero ("-0.00") into "0.00".
    return f"{value.quantize(CENT) + 0:.2f}"


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


class _Document:
    """One EHF document being written: the root element, the currency and the sign."""

    def __init__(self, invoice: Invoice):
        self.invoice = invoice
        self.credit = invoice.is_credit_note
        # ElementTree cannot write unprefixed attributes (schemeID) beside a default namespace,
        # so the root declares its namespace itself and the cac/cbc children carry prefixes.
        namespace = CREDIT_NOTE_NAMESPACE if self.credit else INVOICE_NAMESPACE
        self.root = ET.Element("CreditNote" if self.credit else "Invoice", xmlns=namespace)
        self.category = tax_category(invoice)
        self.lines = list(invoice.lines.all())

    def amount(self, parent: ET.Element, tag: str, stored: Decimal) -> None:
        value = -stored if self.credit else stored
        _element(parent, tag, _money(value), currencyID=self.invoice.currency)

    def build(self) -> ET.Element:
        invoice, root = self.invoice, self.root
        _element(root, "cbc:CustomizationID", CUSTOMIZATION_ID)
        _element(root, "cbc:ProfileID", PROFILE_ID)
        _element(root, "cbc:ID", invoice.document_number)
        _element(root, "cbc:IssueDate", invoice.issue_date.isoformat())
        if self.credit:
            _element(root, "cbc:CreditNoteTypeCode", CREDIT_NOTE_TYPE_CODE)
        else:
            _element(root, "cbc:DueDate", invoice.due_date.isoformat())
            _element(root, "cbc:InvoiceTypeCode", INVOICE_TYPE_CODE)
        _optional(root, "cbc:Note", invoice.note)
        _element(root, "cbc:DocumentCurrencyCode", invoice.currency)
        _element(root, "cbc:BuyerReference", invoice.buyer_reference)
        period = _element(root, "cac:InvoicePeriod")
        _element(period, "cbc:StartDate", invoice.delivery_start.isoformat())
        _element(period, "cbc:EndDate", invoice.delivery_end.isoformat())
        if self.credit:
            self.billing_reference()
        self.party("cac:AccountingSupplierParty", "seller", self.seller_tax_schemes())
        self.party("cac:AccountingCustomerParty", "buyer", [])
        if not self.credit:
            self.payment_means()
        self.payment_terms()
        self.tax_total()
        self.monetary_total()
        for line in self.lines:
            self.line(line)
        return root

    def billing_reference(self) -> None:
        corrected = self.invoice.credits
        reference = _element(
            _element(self.root, "cac:BillingReference"), "cac:InvoiceDocumentReference"
        )
        _element(reference, "cbc:ID", corrected.document_number)
        _element(reference, "cbc:IssueDate", corrected.issue_date.isoformat())

    def seller_tax_schemes(self) -> list[tuple[str, str]]:
        invoice, schemes = self.invoice, []
        # Outside VAT the seller's VAT number is left out (BR-O-02); where it is given, it is
        # NO + organisation number + MVA (NO-R-001).
        if invoice.seller_vat_registered and self.category.code != "O":
            schemes.append((f"NO{invoice.seller_organisation_number}MVA", "VAT"))
        if invoice.seller_in_business_register:  # rule NO-R-002
            schemes.append(("Foretaksregisteret", "TAX"))
        return schemes

    def party(self, tag: str, role: str, tax_schemes: list[tuple[str, str]]) -> None:
        def field(name: str) -> str:
            return getattr(self.invoice, f"{role}_{name}")

        number = field("organisation_number")
        party = _element(_element(self.root, tag), "cac:Party")
        _element(party, "cbc:EndpointID", number, schemeID=ORGANISATION_NUMBER_SCHEME)
        identification = _element(party, "cac:PartyIdentification")
        _element(identification, "cbc:ID", number, schemeID=ORGANISATION_NUMBER_SCHEME)
        _element(_element(party, "cac:PartyName"), "cbc:Name", field("name"))
        address = _element(party, "cac:PostalAddress")
        _optional(address, "cbc:StreetName", field("address"))
        _optional(address, "cbc:CityName", field("city"))
        _optional(address, "cbc:PostalZone", field("postal_code"))
        _element(_element(address, "cac:Country"), "cbc:IdentificationCode", field("country"))
        for company_id, scheme in tax_schemes:
            tax_scheme = _element(party, "cac:PartyTaxScheme")
            _element(tax_scheme, "cbc:CompanyID", company_id)
            _element(_element(tax_scheme, "cac:TaxScheme"), "cbc:ID", scheme)
        legal_entity = _element(party, "cac:PartyLegalEntity")
        _element(legal_entity, "cbc:RegistrationName", field("name"))
        _element(legal_entity, "cbc:CompanyID", number, schemeID=ORGANISATION_NUMBER_SCHEME)
        if field("email"):
            _element(_element(party, "cac:Contact"), "cbc:ElectronicMail", field("email"))

    def payment_means(self) -> None:
        means = _element(self.root, "cac:PaymentMeans")
        _element(means, "cbc:PaymentMeansCode", CREDIT_TRANSFER)
        _element(means, "cbc:PaymentID", self.invoice.kid)
        account = _element(means, "cac:PayeeFinancialAccount")
        _element(account, "cbc:ID", self.invoice.seller_bank_account)

    def payment_terms(self) -> None:
        # A positive amount due needs a due date or payment terms (BR-CO-25), credit notes too.
        invoice = self.invoice
        if self.credit:
            note = _("Credits invoice %(number)s. Nothing is to be paid.") % {
                "number": invoice.credits.document_number
            }
            if invoice.already_paid:
                # The sentence the PDF prints (templates/billing/invoice_pdf.html).
                note += " " + _(
                    "Invoice %(number)s had been paid already: %(currency)s %(amount)s is "
                    "refunded to you or set off against your next invoice."
                ) % {
                    "number": invoice.credits.document_number,
                    "currency": invoice.currency,
                    "amount": _money(invoice.already_paid),
                }
        else:
            note = _("Pay by %(date)s to account %(account)s with KID %(kid)s.") % {
                "date": invoice.due_date.isoformat(),
                "account": invoice.seller_bank_account,
                "kid": invoice.kid,
            }
        _element(_element(self.root, "cac:PaymentTerms"), "cbc:Note", note)

    def write_tax_category(self, parent: ET.Element, tag: str, *, with_exemption: bool) -> None:
        category = _element(parent, tag)
        _element(category, "cbc:ID", self.category.code)
        if self.category.percent is not None:
            _element(category, "cbc:Percent", _number(self.category.percent))
        if with_exemption:
            _optional(category, "cbc:TaxExemptionReasonCode", self.category.exemption_code)
            _optional(category, "cbc:TaxExemptionReason", self.category.exemption_reason)
        _element(_element(category, "cac:TaxScheme"), "cbc:ID", "VAT")

    def tax_total(self) -> None:
        invoice = self.invoice
        total = _element(self.root, "cac:TaxTotal")
        self.amount(total, "cbc:TaxAmount", invoice.vat_amount)
        subtotal = _element(total, "cac:TaxSubtotal")
        self.amount(subtotal, "cbc:TaxableAmount", invoice.amount_excl_vat)
        self.amount(subtotal, "cbc:TaxAmount", invoice.vat_amount)
        self.write_tax_category(subtotal, "cac:TaxCategory", with_exemption=True)

    def monetary_total(self) -> None:
        invoice = self.invoice
        total = _element(self.root, "cac:LegalMonetaryTotal")
        line_sum = sum((line.amount for line in self.lines), Decimal(0))
        self.amount(total, "cbc:LineExtensionAmount", line_sum)
        self.amount(total, "cbc:TaxExclusiveAmount", invoice.amount_excl_vat)
        self.amount(total, "cbc:TaxInclusiveAmount", invoice.total)
        self.amount(total, "cbc:PayableAmount", invoice.total)

    def line(self, line: InvoiceLine) -> None:
        kind = "CreditNote" if self.credit else "Invoice"
        quantity = "CreditedQuantity" if self.credit else "InvoicedQuantity"
        element = _element(self.root, f"cac:{kind}Line")
        _element(element, "cbc:ID", str(line.position))
        _element(element, f"cbc:{quantity}", _number(line.quantity), unitCode=UNIT_EACH)
        self.amount(element, "cbc:LineExtensionAmount", line.amount)
        item = _element(element, "cac:Item")
        _element(item, "cbc:Name", line.description)
        self.write_tax_category(item, "cac:ClassifiedTaxCategory", with_exemption=False)
        self.amount(_element(element, "cac:Price"), "cbc:PriceAmount", line.unit_price)


def render_invoice_ehf(invoice: Invoice, *, language: str | None = None) -> bytes:
    """The invoice or credit note as EHF XML (UTF-8), its notes in the document's language."""
    with translation.override(language or invoice.language or settings.LANGUAGE_CODE):
        root = _Document(invoice).build()
    ET.indent(root, space="  ")
    return XML_DECLARATION + ET.tostring(root, encoding="unicode").encode() + b"\n"
