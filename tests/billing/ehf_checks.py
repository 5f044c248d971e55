"""Checks of an EHF document against the UBL 2.1 schema and the PEPPOL BIS Billing 3.0 rules.

Neither the UBL 2.1 XSD nor the BIS 3 schematron is available here (no lxml, no Saxon), so this
module states the part of them our documents can touch, rule by rule, with the rule's id:

- UBL 2.1 schema: the root element and its namespace; for every aggregate we write (and the
  ones of the reference examples), which children it may have and in which order (the
  sequences of the UBL 2.1 XSD); the elements the schema requires; a ``currencyID`` on every
  amount; dates as ``xsd:date``; numbers as decimals.
- BIS 3 / EN 16931: identifiers and code lists (PEPPOL-EN16931-R001/R004/R007, P0100/P0101,
  CL-series for currency, country, unit, VAT category, payment means and scheme 0192 with a
  MOD11 organisation number, PEPPOL-COMMON-R043), no empty element (R008), one note (R002),
  buyer reference (R003), endpoints (R010/R020), one currency (R051), one tax total (R053),
  the BR core rules on parties, lines and totals (BR-01..BR-27, BR-CO-10/13/14/15/16/17/18/
  25/26, BR-DEC), the VAT category rules S, Z, E and O (BR-S/Z/E/O: seller VAT number present
  or absent, rates, exemption reasons, taxable and tax amounts per category, O alone) and the
  Norwegian rules NO-R-001/NO-R-002.

Not checked: the rest of the schematron (rules for elements we never write: allowances on
lines, attachments, tax representative, invoiced object, payment cards and mandates, and the
code lists' rarer members) and full XSD type facets.
"""

import re
import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from stdnum.no import orgnr

UBL = "urn:oasis:names:specification:ubl:schema:xsd:"
ROOTS = {f"{{{UBL}Invoice-2}}Invoice": "Invoice", f"{{{UBL}CreditNote-2}}CreditNote": "CreditNote"}
NS = {
    "cac": f"{UBL}CommonAggregateComponents-2",
    "cbc": f"{UBL}CommonBasicComponents-2",
}
CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = re.compile(r"urn:fdc:peppol\.eu:2017:poacc:billing:\d\d:1\.0")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
AMOUNT = re.compile(r"-?\d+(\.\d{1,2})?")
INVOICE_TYPE_CODES = {"71", "80", "82", "84", "102", "218", "219", "326", "331", "380", "382"}
INVOICE_TYPE_CODES |= {"383", "384", "386", "388", "393", "395", "553", "575", "623", "780", "817"}
INVOICE_TYPE_CODES |= {"870", "875", "876", "877"}
CREDIT_NOTE_TYPE_CODES = {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
VAT_CATEGORIES = {"S", "Z", "E", "AE", "K", "G", "O", "L", "M"}
PAYMENT_MEANS = {"1", "10", "30", "31", "42", "48", "49", "57", "58", "59", "97", "ZZZ"}
CURRENCIES = {"NOK", "SEK", "DKK", "EUR", "USD", "GBP"}  # the ones a Norwegian network meets
UNIT = re.compile(r"[A-Z0-9]{2,3}")  # the shape of a UN/ECE Rec. 20/21 code, not the list

# The sequences of the UBL 2.1 XSD, for the aggregates that occur in our documents and in the
# PEPPOL reference examples. A child not in its parent's sequence is not allowed there.
SEQUENCES = {
    "Invoice": """UBLExtensions UBLVersionID CustomizationID ProfileID ProfileExecutionID ID
        CopyIndicator UUID IssueDate IssueTime DueDate InvoiceTypeCode Note TaxPointDate
        DocumentCurrencyCode TaxCurrencyCode PricingCurrencyCode PaymentCurrencyCode
        PaymentAlternativeCurrencyCode AccountingCostCode AccountingCost LineCountNumeric
        BuyerReference InvoicePeriod OrderReference BillingReference DespatchDocumentReference
        ReceiptDocumentReference StatementDocumentReference OriginatorDocumentReference
        ContractDocumentReference AdditionalDocumentReference ProjectReference Signature
        AccountingSupplierParty AccountingCustomerParty PayeeParty BuyerCustomerParty
        SellerSupplierParty TaxRepresentativeParty Delivery DeliveryTerms PaymentMeans
        PaymentTerms PrepaidPayment AllowanceCharge TaxExchangeRate PricingExchangeRate
        PaymentExchangeRate PaymentAlternativeExchangeRate TaxTotal WithholdingTaxTotal
        LegalMonetaryTotal InvoiceLine""",
    "CreditNote": """UBLExtensions UBLVersionID CustomizationID ProfileID ProfileExecutionID ID
        CopyIndicator UUID IssueDate IssueTime TaxPointDate CreditNoteTypeCode Note
        DocumentCurrencyCode TaxCurrencyCode PricingCurrencyCode PaymentCurrencyCode
        PaymentAlternativeCurrencyCode AccountingCostCode AccountingCost LineCountNumeric
        BuyerReference InvoicePeriod DiscrepancyResponse OrderReference BillingReference
        DespatchDocumentReference ReceiptDocumentReference ContractDocumentReference
        AdditionalDocumentReference StatementDocumentReference OriginatorDocumentReference
        Signature AccountingSupplierParty AccountingCustomerParty PayeeParty BuyerCustomerParty
        SellerSupplierParty TaxRepresentativeParty Delivery DeliveryTerms PaymentMeans
        PaymentTerms TaxExchangeRate PricingExchangeRate PaymentExchangeRate
        PaymentAlternativeExchangeRate AllowanceCharge TaxTotal LegalMonetaryTotal
        CreditNoteLine""",
    "Party": """MarkCareIndicator MarkAttentionIndicator WebsiteURI LogoReferenceID EndpointID
        IndustryClassificationCode PartyIdentification PartyName Language PostalAddress
        PhysicalLocation PartyTaxScheme PartyLegalEntity Contact Person AgentParty
        ServiceProviderParty PowerOfAttorney FinancialAccount""",
    "PostalAddress": """ID AddressTypeCode AddressFormatCode Postbox Floor Room StreetName
        AdditionalStreetName BlockName BuildingName BuildingNumber InhouseMail Department
        MarkAttention MarkCare PlotIdentification CitySubdivisionName CityName PostalZone
        CountrySubentity CountrySubentityCode Region District TimezoneOffset AddressLine Country
        LocationCoordinate""",
    "PartyTaxScheme": """RegistrationName CompanyID TaxLevelCode ExemptionReasonCode
        ExemptionReason RegistrationAddress TaxScheme""",
    "PartyLegalEntity": """RegistrationName CompanyID RegistrationDate RegistrationExpirationDate
        CompanyLegalFormCode CompanyLegalForm SoleProprietorshipIndicator
        CompanyLiquidationStatusCode CorporateStockAmount FullyPaidSharesIndicator
        RegistrationAddress CorporateRegistrationScheme HeadOfficeParty ShareholderParty""",
    "Contact": "ID Name Telephone Telefax ElectronicMail Note OtherCommunication",
    "PaymentMeans": """ID PaymentMeansCode PaymentDueDate PaymentChannelCode InstructionID
        InstructionNote PaymentID CardAccount PayerFinancialAccount PayeeFinancialAccount
        CreditAccount PaymentMandate TradeFinancing""",
    "PayeeFinancialAccount": """ID Name AliasName AccountTypeCode AccountFormatCode CurrencyCode
        FinancialInstitutionBranch Country""",
    "PaymentTerms": """ID PaymentMeansID PrepaidPaymentReferenceID Note ReferenceEventCode
        SettlementDiscountPercent PenaltySurchargePercent PaymentPercent Amount
        SettlementDiscountAmount PenaltyAmount PaymentTermsDetailsURI PaymentDueDate
        InstallmentDueDate InvoicingPartyReference SettlementPeriod PenaltyPeriod
        ExchangeRate ValidityPeriod""",
    "TaxTotal": "TaxAmount RoundingAmount TaxEvidenceIndicator TaxIncludedIndicator TaxSubtotal",
    "TaxSubtotal": """TaxableAmount TaxAmount CalculationSequenceNumeric
        TransactionCurrencyTaxAmount Percent BaseUnitMeasure PerUnitAmount TierRange
        TierRatePercent TaxCategory""",
    "TaxCategory": """ID Name Percent BaseUnitMeasure PerUnitAmount TaxExemptionReasonCode
        TaxExemptionReason TierRange TierRatePercent TaxScheme""",
    "ClassifiedTaxCategory": """ID Name Percent BaseUnitMeasure PerUnitAmount
        TaxExemptionReasonCode TaxExemptionReason TierRange TierRatePercent TaxScheme""",
    "LegalMonetaryTotal": """LineExtensionAmount TaxExclusiveAmount TaxInclusiveAmount
        AllowanceTotalAmount ChargeTotalAmount PrepaidAmount PayableRoundingAmount
        PayableAmount PayableAlternativeAmount""",
    "InvoiceLine": """ID UUID Note InvoicedQuantity LineExtensionAmount TaxPointDate
        AccountingCostCode AccountingCost PaymentPurposeCode FreeOfChargeIndicator
        InvoicePeriod OrderLineReference DespatchLineReference ReceiptLineReference
        BillingReference DocumentReference PricingReference OriginatorParty Delivery
        PaymentTerms AllowanceCharge TaxTotal WithholdingTaxTotal Item Price DeliveryTerms
        SubInvoiceLine ItemPriceExtension""",
    "CreditNoteLine": """ID UUID Note CreditedQuantity LineExtensionAmount TaxPointDate
        AccountingCostCode AccountingCost PaymentPurposeCode FreeOfChargeIndicator
        DiscrepancyResponse InvoicePeriod OrderLineReference DespatchLineReference
        ReceiptLineReference BillingReference DocumentReference PricingReference
        OriginatorParty Delivery TaxTotal AllowanceCharge Item Price DeliveryTerms
        SubCreditNoteLine ItemPriceExtension""",
    "Item": """Description PackQuantity PackSizeNumeric CatalogueIndicator Name
        HazardousRiskIndicator AdditionalInformation Keyword BrandName ModelName
        BuyersItemIdentification SellersItemIdentification ManufacturersItemIdentification
        StandardItemIdentification CatalogueItemIdentification AdditionalItemIdentification
        CatalogueDocumentReference ItemSpecificationDocumentReference OriginCountry
        CommodityClassification TransactionConditions HazardousItem ClassifiedTaxCategory
        AdditionalItemProperty ManufacturerParty InformationContentProviderParty
        OriginAddress ItemInstance Certificate Dimension""",
    "Price": """PriceAmount BaseQuantity PriceChangeReason PriceTypeCode PriceType
        OrderableUnitFactorRate ValidityPeriod PriceList AllowanceCharge PricingExchangeRate""",
    "InvoicePeriod": """StartDate StartTime EndDate EndTime DurationMeasure DescriptionCode
        Description""",
    "BillingReference": """InvoiceDocumentReference SelfBilledInvoiceDocumentReference
        CreditNoteDocumentReference SelfBilledCreditNoteDocumentReference
        DebitNoteDocumentReference ReminderDocumentReference AdditionalDocumentReference
        BillingReferenceLine""",
    "InvoiceDocumentReference": """ID CopyIndicator UUID IssueDate IssueTime DocumentTypeCode
        DocumentType XPath LanguageID LocaleCode VersionID DocumentStatusCode
        DocumentDescription Attachment ValidityPeriod IssuerParty ResultOfVerification""",
    "PartyIdentification": "ID",
    "PartyName": "Name",
    "Country": "IdentificationCode Name",
    "TaxScheme": "ID Name TaxTypeCode CurrencyCode JurisdictionRegionAddress",
}
SEQUENCES = {name: sequence.split() for name, sequence in SEQUENCES.items()}
# Elements the XSD requires in an aggregate (minOccurs 1).
REQUIRED = {
    "Invoice": ["ID", "IssueDate", "AccountingSupplierParty", "AccountingCustomerParty",
                "LegalMonetaryTotal", "InvoiceLine"],
    "CreditNote": ["ID", "IssueDate", "AccountingSupplierParty", "AccountingCustomerParty",
                   "LegalMonetaryTotal", "CreditNoteLine"],
    "TaxTotal": ["TaxAmount"],
    "TaxSubtotal": ["TaxAmount", "TaxCategory"],
    "TaxCategory": ["TaxScheme"],
    "ClassifiedTaxCategory": ["TaxScheme"],
    "PartyTaxScheme": ["TaxScheme"],
    "LegalMonetaryTotal": ["PayableAmount"],
    "InvoiceLine": ["ID", "LineExtensionAmount", "Item"],
    "CreditNoteLine": ["ID", "Item"],
    "Price": ["PriceAmount"],
    "PaymentMeans": ["PaymentMeansCode"],
    "InvoiceDocumentReference": ["ID"],
    "PartyName": ["Name"],
    "PartyIdentification": ["ID"],
}  # fmt: skip
AMOUNT_ELEMENTS = {
    "Amount", "TaxAmount", "TaxableAmount", "LineExtensionAmount", "TaxExclusiveAmount",
    "TaxInclusiveAmount", "AllowanceTotalAmount", "ChargeTotalAmount", "PrepaidAmount",
    "PayableRoundingAmount", "PayableAmount", "PriceAmount", "BaseAmount",
}  # fmt: skip
DATE_ELEMENTS = {"IssueDate", "DueDate", "TaxPointDate", "StartDate", "EndDate", "PaymentDueDate"}


def _name(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _find(element: ET.Element | None, path: str) -> ET.Element | None:
    return None if element is None else element.find(path, NS)


def _text(element: ET.Element | None, path: str) -> str:
    found = _find(element, path)
    return (found.text or "").strip() if found is not None else ""


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except (InvalidOperation, TypeError):
        return None
    return value if value.is_finite() else None


def _amount(element: ET.Element | None, path: str) -> Decimal:
    return _decimal(_text(element, path)) or Decimal(0)


def _same_category(one: ET.Element | None, other: ET.Element | None) -> bool:
    """The same VAT category and rate (a breakdown is per category and rate)."""
    return _text(one, "cbc:ID") == _text(other, "cbc:ID") and _decimal(
        _text(one, "cbc:Percent")
    ) == _decimal(_text(other, "cbc:Percent"))


class _Checker:
    def __init__(self, root: ET.Element):
        self.root = root
        self.kind = ROOTS.get(root.tag, "")
        self.problems: list[str] = []

    def fail(self, rule: str, message: str) -> None:
        self.problems.append(f"{rule}: {message}")

    def run(self) -> list[str]:
        if not self.kind:
            self.fail("UBL", f"root element {self.root.tag} is neither Invoice nor CreditNote")
            return self.problems
        self.schema(self.root, self.kind)
        self.identifiers()
        self.parties()
        lines = self.lines()
        self.totals(lines)
        self.vat(lines)
        self.payment()
        return self.problems

    # --- UBL 2.1 schema ---------------------------------------------------------------------

    def schema(self, element: ET.Element, name: str) -> None:
        children = [_name(child) for child in element]
        sequence = SEQUENCES.get(name)
        if sequence is not None:
            unknown = [child for child in children if child not in sequence]
            if unknown:
                self.fail("UBL", f"{name} may not contain {', '.join(unknown)}")
            known = [child for child in children if child in sequence]
            if known != sorted(known, key=sequence.index):
                self.fail("UBL", f"the children of {name} are out of order: {known}")
        for required in REQUIRED.get(name, []):
            if required not in children:
                self.fail("UBL", f"{name} lacks the required {required}")
        for child in element:
            child_name = _name(child)
            text = (child.text or "").strip()
            if not len(child) and not text:
                self.fail("PEPPOL-EN16931-R008", f"{name}/{child_name} is empty")
            if child_name in AMOUNT_ELEMENTS and not len(child):
                if not child.get("currencyID"):
                    self.fail("UBL", f"{name}/{child_name} has no currencyID")
                if not AMOUNT.fullmatch(text):
                    self.fail("BR-DEC", f"{name}/{child_name} {text!r} is no amount in øre")
            if child_name in DATE_ELEMENTS and not DATE.fullmatch(text):
                self.fail("PEPPOL-EN16931-F001", f"{name}/{child_name} {text!r} is no date")
            numeric = child_name in {"InvoicedQuantity", "CreditedQuantity", "Percent"}
            if numeric and _decimal(text) is None:
                self.fail("UBL", f"{name}/{child_name} {text!r} is no number")
            self.schema(child, child_name)

    # --- Identifiers and header ---------------------------------------------------------------

    def identifiers(self) -> None:
        root = self.root
        if _text(root, "cbc:CustomizationID") != CUSTOMIZATION_ID:
            self.fail("PEPPOL-EN16931-R004", "CustomizationID is not BIS Billing 3.0")
        if not PROFILE.fullmatch(_text(root, "cbc:ProfileID")):
            self.fail("PEPPOL-EN16931-R007", "ProfileID is missing or malformed")
        if not _text(root, "cbc:ID"):
            self.fail("BR-02", "no invoice number")
        if not _text(root, "cbc:IssueDate"):
            self.fail("BR-03", "no issue date")
        if self.kind == "Invoice":
            if _text(root, "cbc:InvoiceTypeCode") not in INVOICE_TYPE_CODES:
                self.fail("PEPPOL-EN16931-P0100", "invoice type code not allowed")
        elif _text(root, "cbc:CreditNoteTypeCode") not in CREDIT_NOTE_TYPE_CODES:
            self.fail("PEPPOL-EN16931-P0101", "credit note type code not allowed")
        currency = _text(root, "cbc:DocumentCurrencyCode")
        if currency not in CURRENCIES:
            self.fail("BR-05", f"document currency {currency!r}")
        for element in root.iter():
            if element.get("currencyID") not in (None, currency):
                self.fail("PEPPOL-EN16931-R051", f"{_name(element)} is not in {currency}")
        if len(root.findall("cbc:Note", NS)) > 1:
            self.fail("PEPPOL-EN16931-R002", "more than one note")
        if not (_text(root, "cbc:BuyerReference") or _text(root, "cac:OrderReference/cbc:ID")):
            self.fail("PEPPOL-EN16931-R003", "neither buyer reference nor order reference")
        period = _find(root, "cac:InvoicePeriod")
        if period is not None:
            start, end = _text(period, "cbc:StartDate"), _text(period, "cbc:EndDate")
            if not (start or end):
                self.fail("BR-CO-19", "an invoice period without start or end")
            if start and end and end < start:
                self.fail("BR-29", "the period ends before it starts")
        for reference in root.findall("cac:BillingReference/cac:InvoiceDocumentReference", NS):
            if not _text(reference, "cbc:ID"):
                self.fail("BR-55", "a preceding invoice reference without its number")

    # --- Parties --------------------------------------------------------------------------------

    def parties(self) -> None:
        for role, path, rules in (
            ("seller", "cac:AccountingSupplierParty/cac:Party", ("BR-06", "BR-08", "BR-09")),
            ("buyer", "cac:AccountingCustomerParty/cac:Party", ("BR-07", "BR-10", "BR-11")),
        ):
            party = _find(self.root, path)
            if party is None:
                self.fail(rules[0], f"no {role}")
                continue
            if not _text(party, "cac:PartyLegalEntity/cbc:RegistrationName"):
                self.fail(rules[0], f"the {role} has no name")
            if _find(party, "cac:PostalAddress") is None:
                self.fail(rules[1], f"the {role} has no postal address")
            country = _text(party, "cac:PostalAddress/cac:Country/cbc:IdentificationCode")
            if not re.fullmatch(r"[A-Z]{2}", country):
                self.fail(rules[2], f"the {role}'s country code is {country!r}")
            endpoint = _find(party, "cbc:EndpointID")
            if endpoint is None or not (endpoint.text or "").strip():
                rule = "PEPPOL-EN16931-R020" if role == "seller" else "PEPPOL-EN16931-R010"
                self.fail(rule, f"the {role} has no electronic address")
            for element in party.iter():
                if element.get("schemeID") == "0192" and not orgnr.is_valid(element.text or ""):
                    self.fail("PEPPOL-COMMON-R043", f"{element.text!r} is no organisation number")
        seller = _find(self.root, "cac:AccountingSupplierParty/cac:Party")
        if seller is not None and not (
            _text(seller, "cac:PartyIdentification/cbc:ID")
            or _text(seller, "cac:PartyLegalEntity/cbc:CompanyID")
            or self.seller_vat_number()
        ):
            self.fail("BR-CO-26", "the seller has no identifier")
        vat_number = self.seller_vat_number()
        seller_country = _text(seller, "cac:PostalAddress/cac:Country/cbc:IdentificationCode")
        if vat_number and not vat_number.startswith(seller_country or "??"):
            self.fail("BR-CO-09", "the seller's VAT number lacks its country prefix")
        valid_no = re.fullmatch(r"NO\d{9}MVA", vat_number) and orgnr.is_valid(vat_number[2:11])
        if vat_number and seller_country == "NO" and not valid_no:
            self.fail("NO-R-001", f"{vat_number!r} is no Norwegian VAT number")
        schemes = [
            (_text(s, "cbc:CompanyID"), _text(s, "cac:TaxScheme/cbc:ID"))
            for s in (seller.findall("cac:PartyTaxScheme", NS) if seller is not None else [])
        ]
        for company_id, scheme in schemes:
            if scheme == "TAX" and company_id != "Foretaksregisteret":
                self.fail("NO-R-002", f"a TAX scheme with {company_id!r}")

    def seller_vat_number(self) -> str:
        for scheme in self.root.findall(
            "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme", NS
        ):
            if _text(scheme, "cac:TaxScheme/cbc:ID") == "VAT":
                return _text(scheme, "cbc:CompanyID")
        return ""

    # --- Lines and totals -------------------------------------------------------------------

    def lines(self) -> list[ET.Element]:
        kind = self.kind
        lines = self.root.findall(f"cac:{kind}Line", NS)
        if not lines:
            self.fail("BR-16", "no line")
        quantity_tag = "cbc:InvoicedQuantity" if kind == "Invoice" else "cbc:CreditedQuantity"
        for line in lines:
            if not _text(line, "cbc:ID"):
                self.fail("BR-21", "a line without an id")
            quantity = _find(line, quantity_tag)
            if quantity is None:
                self.fail("BR-22", "a line without a quantity")
            elif not UNIT.fullmatch(quantity.get("unitCode") or ""):
                self.fail("BR-23", f"unit code {quantity.get('unitCode')!r}")
            if _find(line, "cbc:LineExtensionAmount") is None:
                self.fail("BR-24", "a line without a net amount")
            if not _text(line, "cac:Item/cbc:Name"):
                self.fail("BR-25", "an item without a name")
            price = _find(line, "cac:Price/cbc:PriceAmount")
            if price is None:
                self.fail("BR-26", "a line without a price")
            elif _amount(line, "cac:Price/cbc:PriceAmount") < 0:
                self.fail("BR-27", "a negative price")
            if quantity is not None and price is not None:
                base = _decimal(_text(line, "cac:Price/cbc:BaseQuantity")) or Decimal(1)
                expected = _decimal(quantity.text) * _amount(line, "cac:Price/cbc:PriceAmount")
                if (expected / base).quantize(Decimal("0.01"), ROUND_HALF_UP) != _amount(
                    line, "cbc:LineExtensionAmount"
                ):
                    self.fail("PEPPOL-EN16931-R120", "line net amount ≠ quantity × price")
            if _text(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID") not in VAT_CATEGORIES:
                self.fail("BR-CL-18", "a line without a known VAT category")
        return lines

    def allowances(self, charge: bool) -> list[ET.Element]:
        wanted = "true" if charge else "false"
        return [
            a
            for a in self.root.findall("cac:AllowanceCharge", NS)
            if _text(a, "cbc:ChargeIndicator") == wanted
        ]

    def totals(self, lines: list[ET.Element]) -> None:
        total = _find(self.root, "cac:LegalMonetaryTotal")
        if total is None:
            return
        line_sum = sum((_amount(line, "cbc:LineExtensionAmount") for line in lines), Decimal(0))
        for rule, tag in (
            ("BR-12", "LineExtensionAmount"),
            ("BR-13", "TaxExclusiveAmount"),
            ("BR-14", "TaxInclusiveAmount"),
            ("BR-15", "PayableAmount"),
        ):
            if _find(total, f"cbc:{tag}") is None:
                self.fail(rule, f"no {tag}")
        if _amount(total, "cbc:LineExtensionAmount") != line_sum:
            self.fail("BR-CO-10", "LineExtensionAmount ≠ the sum of the lines")
        allowances = sum((_amount(a, "cbc:Amount") for a in self.allowances(False)), Decimal(0))
        charges = sum((_amount(a, "cbc:Amount") for a in self.allowances(True)), Decimal(0))
        if _amount(total, "cbc:AllowanceTotalAmount") != allowances:
            self.fail("BR-CO-11", "AllowanceTotalAmount ≠ the sum of the allowances")
        if _amount(total, "cbc:ChargeTotalAmount") != charges:
            self.fail("BR-CO-12", "ChargeTotalAmount ≠ the sum of the charges")
        tax_exclusive = _amount(total, "cbc:TaxExclusiveAmount")
        if tax_exclusive != line_sum - allowances + charges:
            self.fail("BR-CO-13", "TaxExclusiveAmount ≠ lines − allowances + charges")
        tax_totals = self.root.findall("cac:TaxTotal", NS)
        with_subtotals = [t for t in tax_totals if t.find("cac:TaxSubtotal", NS) is not None]
        if len(with_subtotals) != 1:
            self.fail("PEPPOL-EN16931-R053", "not exactly one TaxTotal with subtotals")
            return
        tax_total = with_subtotals[0]
        tax = _amount(tax_total, "cbc:TaxAmount")
        subtotal_sum = sum(
            (_amount(s, "cbc:TaxAmount") for s in tax_total.findall("cac:TaxSubtotal", NS)),
            Decimal(0),
        )
        if tax != subtotal_sum:
            self.fail("BR-CO-14", "the VAT total ≠ the sum of the subtotals")
        if _amount(total, "cbc:TaxInclusiveAmount") != tax_exclusive + tax:
            self.fail("BR-CO-15", "TaxInclusiveAmount ≠ TaxExclusiveAmount + VAT")
        payable = (
            _amount(total, "cbc:TaxInclusiveAmount")
            - _amount(total, "cbc:PrepaidAmount")
            + _amount(total, "cbc:PayableRoundingAmount")
        )
        if _amount(total, "cbc:PayableAmount") != payable:
            self.fail("BR-CO-16", "PayableAmount ≠ TaxInclusiveAmount − prepaid + rounding")
        if payable > 0 and not (
            _text(self.root, "cbc:DueDate") or _text(self.root, "cac:PaymentTerms/cbc:Note")
        ):
            self.fail("BR-CO-25", "an amount due without a due date or payment terms")

    # --- VAT categories ---------------------------------------------------------------------

    def vat(self, lines: list[ET.Element]) -> None:
        subtotals = self.root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)
        if not subtotals:
            self.fail("BR-CO-18", "no VAT breakdown")
        vat_number = self.seller_vat_number()
        categories = set()
        for subtotal in subtotals:
            category = _find(subtotal, "cac:TaxCategory")
            code = _text(category, "cbc:ID")
            categories.add(code)
            if code not in VAT_CATEGORIES:
                self.fail("BR-CL-17", f"VAT category {code!r}")
                continue
            if _text(category, "cac:TaxScheme/cbc:ID") != "VAT":
                self.fail("BR-CO-18", "a VAT breakdown whose tax scheme is not VAT")
            percent = _decimal(_text(category, "cbc:Percent"))
            reason = _text(category, "cbc:TaxExemptionReason") or _text(
                category, "cbc:TaxExemptionReasonCode"
            )
            taxable = _amount(subtotal, "cbc:TaxableAmount")
            tax = _amount(subtotal, "cbc:TaxAmount")
            in_category = [
                line
                for line in lines
                if _same_category(_find(line, "cac:Item/cac:ClassifiedTaxCategory"), category)
            ]
            expected_taxable = (
                sum((_amount(line, "cbc:LineExtensionAmount") for line in in_category), Decimal(0))
                - self.document_level(False, category)
                + self.document_level(True, category)
            )
            if taxable != expected_taxable:
                self.fail(f"BR-{code}-08", "taxable amount ≠ the lines of the category")
            for line in in_category:
                line_percent = _decimal(
                    _text(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent")
                )
                if code == "O" and line_percent is not None:
                    self.fail("BR-O-05", "a line outside VAT with a VAT rate")
                if code in {"Z", "E"} and line_percent != 0:
                    self.fail(f"BR-{code}-05", "a line with a VAT rate other than 0")
                if code == "S" and not (line_percent and line_percent > 0):
                    self.fail("BR-S-05", "a standard-rated line without a rate above 0")
            if code == "S":
                if percent is None or percent <= 0:
                    self.fail("BR-S-06", "a standard-rated breakdown without a rate above 0")
                elif tax != (taxable * percent / 100).quantize(Decimal("0.01"), ROUND_HALF_UP):
                    self.fail("BR-S-09", "VAT ≠ taxable amount × rate")
                if reason:
                    self.fail("BR-S-10", "an exemption reason on standard-rated VAT")
            if code in {"Z", "E"}:
                if percent != 0:
                    self.fail(f"BR-{code}-06", "a rate other than 0")
                if tax != 0:
                    self.fail(f"BR-{code}-09", "VAT other than 0")
            if code == "Z" and reason:
                self.fail("BR-Z-10", "an exemption reason on zero-rated VAT")
            if code == "E" and not reason:
                self.fail("BR-E-10", "an exempt breakdown without its exemption reason")
            if code == "O":
                if percent is not None:
                    self.fail("BR-O-06", "a VAT rate outside VAT")
                if tax != 0:
                    self.fail("BR-O-09", "VAT outside VAT")
                if not reason:
                    self.fail("BR-O-10", "outside VAT without an exemption reason")
            if code in {"S", "Z", "E"} and not vat_number:
                self.fail(f"BR-{code}-02", "the seller's VAT number is missing")
            if code == "O" and vat_number:
                self.fail("BR-O-02", "a seller VAT number on a document outside VAT")
        if "O" in categories and len(categories) > 1:
            self.fail("BR-O-11", "outside VAT beside other VAT categories")

    def document_level(self, charge: bool, category: ET.Element | None) -> Decimal:
        return sum(
            (
                _amount(a, "cbc:Amount")
                for a in self.allowances(charge)
                if _same_category(_find(a, "cac:TaxCategory"), category)
            ),
            Decimal(0),
        )

    # --- Payment ----------------------------------------------------------------------------

    def payment(self) -> None:
        for means in self.root.findall("cac:PaymentMeans", NS):
            code = _text(means, "cbc:PaymentMeansCode")
            if code not in PAYMENT_MEANS:
                self.fail("BR-CL-16", f"payment means {code!r}")
            if code in {"30", "58"} and not _text(means, "cac:PayeeFinancialAccount/cbc:ID"):
                self.fail("BR-61", "a credit transfer without the payee's account")


def bis3_problems(content: bytes) -> list[str]:
    """What is wrong with an EHF document by the rules above, each as "RULE: what"."""
    root = ET.fromstring(content)  # noqa: S314 (documents we made, or the reference examples)
    return _Checker(root).run()
