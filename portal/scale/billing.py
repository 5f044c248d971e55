"""Fee schedules and five years of fee invoices with payments, reminders and credit notes.

The first invoice goes through ``fee_invoice_issue``: it fixes the document's shape (the
seller's details, the VAT terms, the wording). The rest are COPYed in the same shape, numbered
consecutively per series in the order they were issued, as ``billing.NumberSeries`` would have
numbered them, and the series left at the last number used.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from billing.kid import kid_for
from billing.models import (
    DocumentKind,
    FeeAmount,
    FeeSchedule,
    Invoice,
    InvoiceStatus,
    NumberSeries,
    PaymentSource,
)
from billing.money import quantize
from billing.selectors import fee_plan
from billing.services.issuing import SERIES_DIGIT, fee_invoice_issue
from billing.services.numbering import CREDIT_NOTE_SERIES, INVOICE_SERIES
from members.models import Organisation, ParticipantType, SizeBand
from portal.scale.copying import at, copy_rows, follow_ids
from portal.scale.network import Network
from portal.scale.plan import TODAY, YEARS

BASE_FEE: dict[str, int] = {ParticipantType.CORE: 40_000, ParticipantType.SUPPLIER: 20_000}
SIZE_FACTOR = {SizeBand.MICRO: 1, SizeBand.SMALL: 2, SizeBand.MEDIUM: 3, SizeBand.LARGE: 5}
# Fees from the year before the hours begin: most members joined before it.
FEE_YEARS = (YEARS[0] - 1, *YEARS)
CREDIT_REASON = "Feil avgiftskategori"
INVOICE_COLUMNS = [
    "id",
    "kind",
    "series_id",
    "number",
    "document_number",
    "organisation_id",
    "fee_year",
    "credits_id",
    "issue_date",
    "due_date",
    "delivery_start",
    "delivery_end",
    "currency",
    "amount_excl_vat",
    "vat_rate",
    "vat_amount",
    "vat_category",
    "vat_exemption_reason",
    "total",
    "already_paid",
    "kid",
    "buyer_reference",
    "note",
    "language",
    "seller_name",
    "seller_organisation_number",
    "seller_vat_registered",
    "seller_in_business_register",
    "seller_address",
    "seller_postal_code",
    "seller_city",
    "seller_country",
    "seller_bank_account",
    "seller_email",
    "buyer_name",
    "buyer_organisation_number",
    "buyer_address",
    "buyer_postal_code",
    "buyer_city",
    "buyer_country",
    "buyer_email",
    "status",
    "sent_at",
    "pdf",
    "ehf",
    "created_at",
    "issued_by_id",
]
SELLER_FIELDS = [c for c in INVOICE_COLUMNS if c.startswith("seller_")]


@dataclass
class Document:
    fields: dict
    payments: list[tuple[Decimal, datetime.date]] = field(default_factory=list)
    reminders: list[datetime.date] = field(default_factory=list)


@dataclass(frozen=True)
class BillingCounts:
    invoices: int
    credit_notes: int
    payments: int
    reminders: int


def build_schedules() -> None:
    """A fee schedule for each year of the network and the next, the whole grid filled."""
    for year in (*FEE_YEARS, FEE_YEARS[-1] + 1):
        schedule = FeeSchedule.objects.create(
            year=year, days_to_due=30, decided_on=datetime.date(year - 1, 11, 15)
        )
        FeeAmount.objects.bulk_create(
            FeeAmount(
                schedule=schedule,
                participant_type=participant_type,
                size_band=band,
                amount=Decimal(BASE_FEE.get(participant_type, 10_000) * factor),
            )
            for participant_type in ParticipantType.values
            for band, factor in SIZE_FACTOR.items()
        )


def build_invoices(network: Network, rng: random.Random) -> BillingCounts:
    """Each fee year's invoices to whom ``fee_plan`` bills, issued on 20 January (a joiner's
    two weeks after joining), and what became of them."""
    staff = network.staff_id
    joined = {member.id: member.member_from for member in network.members}
    parties = {
        row["id"]: row
        for row in Organisation.objects.values(
            "id",
            "name",
            "organisation_number",
            "street_address",
            "postal_code",
            "city",
            "country",
            "invoice_email",
            "buyer_reference",
            "invoice_language",
        )
    }
    candidates = []
    for year in FEE_YEARS:
        plan = fee_plan(year=year)
        for item in plan.billable:
            issue_date = max(datetime.date(year, 1, 20), joined[item.organisation.pk] + _days(14))
            if issue_date <= TODAY:
                candidates.append((issue_date, year, plan, item))
    if not candidates:
        return BillingCounts(0, 0, 0, 0)
    # The earliest is issued for real, so its number 1 comes first in the order of issue.
    first = min(candidates, key=lambda candidate: candidate[0])
    issue_date, year, plan, item = first
    template = fee_invoice_issue(
        organisation=item.organisation, year=year, issued_by=None, issue_date=issue_date, plan=plan
    )
    documents: list[Document] = []
    for candidate in candidates:
        if candidate is not first:
            issue_date, year, _plan, item = candidate
            party = parties[item.organisation.pk]
            documents.extend(_fee_documents(template, item, party, issue_date, year, rng))
    _number(template, documents)
    return _write(template, documents, staff)


def _fee_fields(template: Invoice, item, party: dict, issue_date, year: int) -> dict:
    language = party["invoice_language"] or settings.LANGUAGE_CODE
    with translation.override(language):
        description = _("Participation fee Battery Norway %(year)s") % {"year": year}
        note = ""
        if item.units:
            note = _("Includes the group's units: %(units)s.") % {
                "units": ", ".join(f"{u.name} ({u.organisation_number})" for u in item.units)
            }
    vat = quantize(item.amount * template.vat_rate / 100)
    return {
        "kind": DocumentKind.INVOICE,
        "series": INVOICE_SERIES,
        "organisation_id": party["id"],
        "fee_year": year,
        "credits_id": None,
        "issue_date": issue_date,
        "due_date": issue_date + datetime.timedelta(days=30),
        "delivery_start": datetime.date(year, 1, 1),
        "delivery_end": datetime.date(year, 12, 31),
        "amount_excl_vat": item.amount,
        "vat_amount": vat,
        "total": item.amount + vat,
        "buyer_reference": party["buyer_reference"].strip() or party["organisation_number"],
        "note": note,
        "language": language,
        "description": description,
        **{f"buyer_{name}": party[key] for name, key in BUYER_KEYS.items()},
    }


BUYER_KEYS = {
    "name": "name",
    "organisation_number": "organisation_number",
    "address": "street_address",
    "postal_code": "postal_code",
    "city": "city",
    "country": "country",
    "email": "invoice_email",
}


def _fee_documents(template, item, party, issue_date, year, rng) -> list[Document]:
    """The fee invoice and what became of it: paid mostly, some partly or not (reminded),
    a few credited and issued anew."""
    invoice = Document(_fee_fields(template, item, party, issue_date, year))
    fields = invoice.fields
    due = fields["due_date"]
    total = fields["total"]
    current = year == YEARS[-1]
    paid, partly, reminded, credited = (
        (0.70, 0.78, 0.90, 0.93) if current else (0.94, 0.95, 0.97, 0.99)
    )
    roll = rng.random()
    if roll < paid:
        _pay(invoice, total, fields["issue_date"] + _days(rng.randint(3, 45)))
    elif roll < partly:
        _pay(invoice, quantize(total / 2), due - _days(rng.randint(0, 20)))
    elif roll < reminded:
        _remind(invoice, due)
    elif roll < credited:
        credit_date = min(due + _days(20), TODAY)
        note = _credit_note(invoice, credit_date)
        again = Document(dict(fields, issue_date=credit_date, due_date=credit_date + _days(30)))
        _pay(again, total, credit_date + _days(rng.randint(3, 35)))
        _settle(again)
        return [invoice, note, again]
    _settle(invoice)
    return [invoice]


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _pay(document: Document, amount: Decimal, on: datetime.date) -> None:
    if on <= TODAY:
        document.payments.append((amount, on))


def _remind(document: Document, due: datetime.date) -> None:
    for days in (14, 28):
        if due + _days(days) <= TODAY:
            document.reminders.append(due + _days(days))


def _settle(document: Document) -> None:
    """The invoice's status from its payments and due date, as ``invoice_refresh_status``."""
    fields = document.fields
    paid = sum((amount for amount, _on in document.payments), Decimal(0))
    if paid >= fields["total"]:
        fields["status"] = InvoiceStatus.PAID
    elif paid > 0:
        fields["status"] = InvoiceStatus.PARTLY_PAID
    elif fields["due_date"] < TODAY:
        fields["status"] = InvoiceStatus.OVERDUE
    else:
        fields["status"] = InvoiceStatus.SENT


def _credit_note(invoice: Document, on: datetime.date) -> Document:
    fields = invoice.fields
    fields["status"] = InvoiceStatus.CREDITED
    with translation.override(fields["language"]):
        note = _("Credits invoice %(number)s of %(date)s. Reason: %(reason)s") % {
            "number": "{number}",
            "date": date_format(fields["issue_date"], "SHORT_DATE_FORMAT"),
            "reason": CREDIT_REASON,
        }
        description = _("Credit of invoice %(number)s") % {"number": "{number}"}
    credit = Document(
        dict(
            fields,
            kind=DocumentKind.CREDIT_NOTE,
            series=CREDIT_NOTE_SERIES,
            fee_year=None,
            issue_date=on,
            due_date=None,
            amount_excl_vat=-fields["amount_excl_vat"],
            vat_amount=-fields["vat_amount"],
            total=-fields["total"],
            note=note,
            description=description,
            status=InvoiceStatus.SENT,
        )
    )
    # Linked by object: the credit note learns the invoice's id and number in ``_number``.
    credit.fields["credits"] = invoice
    return credit


def _number(template: Invoice, documents: list[Document]) -> None:
    """Ids and numbers in the order of issue, each series on from where the real issue left
    it; a credit note's wording names its invoice's number."""
    series = {s.code: s for s in NumberSeries.objects.all()}
    last = {code: s.last_number for code, s in series.items()}
    kind_order = {DocumentKind.INVOICE: 0, DocumentKind.CREDIT_NOTE: 1}
    documents.sort(key=lambda d: (d.fields["issue_date"], kind_order[d.fields["kind"]]))
    for pk, document in enumerate(documents, start=template.pk + 1):
        fields = document.fields
        code = fields["series"]
        last[code] += 1
        fields.update(
            id=pk,
            series_id=series[code].pk,
            number=last[code],
            document_number=f"{series[code].prefix}{last[code]}",
            kid=""
            if code == CREDIT_NOTE_SERIES
            else kid_for(last[code], series_digit=SERIES_DIGIT[code]),
        )
    for document in documents:
        credited = document.fields.pop("credits", None)
        if credited is not None:
            number = credited.fields["document_number"]
            document.fields["credits_id"] = credited.fields["id"]
            document.fields["note"] = document.fields["note"].replace("{number}", number)
            document.fields["description"] = document.fields["description"].replace(
                "{number}", number
            )
    for code, number in last.items():
        NumberSeries.objects.filter(code=code).update(last_number=number)


def _write(template: Invoice, documents: list[Document], staff: int) -> BillingCounts:
    shared = {name: getattr(template, name) for name in SELLER_FIELDS}
    shared.update(
        currency=template.currency,
        vat_rate=template.vat_rate,
        vat_category=template.vat_category,
        vat_exemption_reason=template.vat_exemption_reason,
        already_paid=Decimal(0),
        pdf="",
        ehf="",
        issued_by_id=None,
    )

    def invoice_rows():
        for document in documents:
            fields = document.fields
            row = {**shared, **fields}
            row["sent_at"] = at(fields["issue_date"], 10)
            row["created_at"] = at(fields["issue_date"], 9)
            yield tuple(row[name] for name in INVOICE_COLUMNS)

    copy_rows("billing_invoice", INVOICE_COLUMNS, invoice_rows())
    first_line = template.lines.get()
    copy_rows(
        "billing_invoiceline",
        ("id", "invoice_id", "position", "description", "quantity", "unit_price", "amount"),
        (
            (
                first_line.pk + n,
                d.fields["id"],
                1,
                d.fields["description"],
                1,
                d.fields["amount_excl_vat"],
                d.fields["amount_excl_vat"],
            )
            for n, d in enumerate(documents, start=1)
        ),
    )
    payments = [
        (d.fields["id"], amount, on, d.fields["kid"])
        for d in documents
        for amount, on in d.payments
    ]
    copy_rows(
        "billing_payment",
        [
            "id",
            "invoice_id",
            "amount",
            "paid_on",
            "kid",
            "source",
            "bank_reference",
            "registered_by_id",
            "created_at",
        ],
        (
            (
                pk,
                invoice,
                amount,
                on,
                kid,
                PaymentSource.BANK_FILE,
                f"SKALA{pk:09d}",
                None,
                at(on, 7),
            )
            if pk % 4
            else (pk, invoice, amount, on, kid, PaymentSource.MANUAL, None, staff, at(on, 13))
            for pk, (invoice, amount, on, kid) in enumerate(payments, start=1)
        ),
    )
    reminders = [
        (d.fields["id"], level, on)
        for d in documents
        for level, on in enumerate(d.reminders, start=1)
    ]
    copy_rows(
        "billing_paymentreminder",
        ("id", "invoice_id", "level", "sent_on"),
        ((pk, *reminder) for pk, reminder in enumerate(reminders, start=1)),
    )
    # The real invoice was paid on time like most.
    Invoice.objects.filter(pk=template.pk).update(
        status=InvoiceStatus.PAID,
        sent_at=at(template.issue_date, 10),
        created_at=at(template.issue_date, 9),
    )
    copy_rows(
        "billing_payment",
        [
            "id",
            "invoice_id",
            "amount",
            "paid_on",
            "kid",
            "source",
            "bank_reference",
            "registered_by_id",
            "created_at",
        ],
        [
            (
                len(payments) + 1,
                template.pk,
                template.total,
                template.issue_date + _days(10),
                template.kid,
                PaymentSource.BANK_FILE,
                "SKALA-FIRST",
                None,
                at(template.issue_date + _days(10), 7),
            )
        ],
    )
    follow_ids(
        ["billing_invoice", "billing_invoiceline", "billing_payment", "billing_paymentreminder"]
    )
    notes = sum(1 for d in documents if d.fields["kind"] == DocumentKind.CREDIT_NOTE)
    return BillingCounts(
        invoices=len(documents) + 1 - notes,
        credit_notes=notes,
        payments=len(payments) + 1,
        reminders=len(reminders),
    )
