"""Issuing invoices and credit notes: numbered, copied, frozen (invariants 5 and 6)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from billing import tasks
from billing.kid import kid_for
from billing.models import (
    DocumentKind,
    FeeSchedule,
    Invoice,
    InvoiceLine,
    Seller,
    VatTreatment,
)
from billing.money import quantize
from billing.selectors import FeePlan, balance_of, fee_plan
from billing.services.credit_balance import credit_balance_add_credited
from billing.services.fees import pro_rata
from billing.services.numbering import CREDIT_NOTE_SERIES, INVOICE_SERIES, number_take_next
from billing.services.status import invoice_refresh_status
from members.models import Organisation, User
from portal.queue import enqueue_after_commit

SERIES_DIGIT = {INVOICE_SERIES: 1, CREDIT_NOTE_SERIES: 2}

# The seller's and buyer's details a credit note takes from the invoice it corrects.
PARTY_FIELDS = (
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
)


@dataclass(frozen=True)
class LineData:
    description: str
    quantity: Decimal
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return quantize(self.quantity * self.unit_price)


@dataclass(frozen=True)
class VatTerms:
    """The VAT a document charges: its category (UNCL5305), rate and exemption reason."""

    category: str
    rate: Decimal
    exemption_reason: str = ""


def vat_terms(*, schedule: FeeSchedule, seller: Seller) -> VatTerms:
    """The VAT of an invoice issued from ``schedule`` today.

    A seller outside the VAT register charges none: outside VAT (O), whatever the schedule
    says. Otherwise the schedule's treatment: the standard rate (S; a rate of 0 % there is
    zero-rated, Z), zero-rated (Z), exempt (E, with its reason) or outside VAT (O).
    """
    if not seller.vat_registered:
        return VatTerms(VatTreatment.OUTSIDE, Decimal(0))
    treatment = schedule.vat_treatment
    if treatment == VatTreatment.STANDARD and schedule.vat_rate > 0:
        return VatTerms(VatTreatment.STANDARD, schedule.vat_rate)
    if treatment == VatTreatment.EXEMPT:
        return VatTerms(VatTreatment.EXEMPT, Decimal(0), schedule.vat_exemption_reason.strip())
    if treatment == VatTreatment.OUTSIDE:
        return VatTerms(VatTreatment.OUTSIDE, Decimal(0))
    return VatTerms(VatTreatment.ZERO_RATED, Decimal(0))


def document_language(organisation: Organisation) -> str:
    """The language of an organisation's invoices: its choice, Norwegian by default."""
    chosen = getattr(organisation, "invoice_language", "") or ""
    languages = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in languages else settings.LANGUAGE_CODE


def _copy_parties(seller: Seller, organisation: Organisation) -> dict:
    return {
        "seller_name": seller.name,
        "seller_organisation_number": seller.organisation_number,
        "seller_vat_registered": seller.vat_registered,
        "seller_in_business_register": seller.in_business_register,
        "seller_address": seller.street_address,
        "seller_postal_code": seller.postal_code,
        "seller_city": seller.city,
        "seller_country": seller.country,
        "seller_bank_account": seller.bank_account,
        "seller_email": seller.email,
        "buyer_name": organisation.name,
        "buyer_organisation_number": organisation.organisation_number,
        "buyer_address": organisation.street_address,
        "buyer_postal_code": organisation.postal_code,
        "buyer_city": organisation.city,
        "buyer_country": organisation.country,
        "buyer_email": organisation.invoice_email,
    }


def _issue(
    *,
    kind: str,
    series_code: str,
    organisation: Organisation,
    parties: dict,
    lines: list[LineData],
    vat: VatTerms,
    vat_amount: Decimal,
    language: str,
    issue_date: datetime.date,
    due_date: datetime.date | None,
    delivery: tuple[datetime.date, datetime.date],
    issued_by: User | None,
    buyer_reference: str,
    fee_year: int | None = None,
    credits: Invoice | None = None,
    note: str = "",
    already_paid: Decimal = Decimal(0),
) -> Invoice:
    """Number and store one document as given. Runs inside the caller's transaction."""
    series, number = number_take_next(code=series_code)
    amount = sum((line.amount for line in lines), Decimal(0))
    document = Invoice.objects.create(
        kind=kind,
        series=series,
        number=number,
        document_number=f"{series.prefix}{number}",
        organisation=organisation,
        fee_year=fee_year,
        credits=credits,
        issue_date=issue_date,
        due_date=due_date,
        delivery_start=delivery[0],
        delivery_end=delivery[1],
        amount_excl_vat=amount,
        vat_rate=vat.rate,
        vat_category=vat.category,
        vat_exemption_reason=vat.exemption_reason,
        vat_amount=vat_amount,
        total=amount + vat_amount,
        already_paid=already_paid,
        # A credit note is not paid, so it has no KID to pay with.
        kid="" if credits else kid_for(number, series_digit=SERIES_DIGIT[series_code]),
        buyer_reference=buyer_reference,
        note=note,
        language=language,
        issued_by=issued_by,
        **parties,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=document,
            position=position,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.amount,
        )
        for position, line in enumerate(lines, start=1)
    )
    return document


def fee_invoice_issue(
    *,
    organisation: Organisation,
    year: int,
    issued_by: User | None,
    from_month: int | None = None,
    issue_date: datetime.date | None = None,
    plan: FeePlan | None = None,
) -> Invoice:
    """Issue the participation-fee invoice of ``year`` for a billable organisation.

    ``from_month`` invoices a member who joined mid-year pro rata by month. A second fee invoice
    for the same organisation and year is refused by the database, so a double-clicked run or
    a retried task cannot bill twice. A run passes the ``plan`` it computed once for all its
    invoices; the constraint still guards what changed since.

    The invoice copies the seller's and the buyer's details, the schedule's VAT treatment
    (``vat_terms``) and the buyer's reference (its organisation number when it has none), and
    is written in the buyer's invoice language (``document_language``), whatever language the
    person issuing it reads. One transaction.
    """
    plan = plan or fee_plan(year=year)
    item = next((b for b in plan.billable if b.organisation.pk == organisation.pk), None)
    if item is None:
        skipped = next((s for s in plan.skipped if s.organisation.pk == organisation.pk), None)
        raise ValidationError(
            skipped.reason
            if skipped
            else _("%(org)s is not billable for %(year)s.") % {"org": organisation, "year": year}
        )
    if from_month is not None and not 1 <= from_month <= 12:
        raise ValidationError({"from_month": _("Choose a month from 1 to 12.")})
    schedule: FeeSchedule = plan.schedule
    amount = (
        item.amount if from_month in (None, 1) else pro_rata(item.amount, from_month=from_month)
    )
    language = document_language(organisation)
    with translation.override(language):
        description = _("Participation fee Battery Norway %(year)s") % {"year": year}
        if from_month not in (None, 1):
            description += " " + _("(pro rata from month %(month)s)") % {"month": from_month}
        note = ""
        if item.units:
            note = _("Includes the group's units: %(units)s.") % {
                "units": ", ".join(f"{u.name} ({u.organisation_number})" for u in item.units)
            }
    issue_date = issue_date or timezone.localdate()
    delivery_start = datetime.date(year, from_month or 1, 1)
    seller = Seller.objects.get()
    vat = vat_terms(schedule=schedule, seller=seller)
    try:
        with transaction.atomic():
            return _issue(
                kind=DocumentKind.INVOICE,
                series_code=INVOICE_SERIES,
                organisation=organisation,
                parties=_copy_parties(seller, organisation),
                lines=[LineData(description, Decimal(1), amount)],
                vat=vat,
                vat_amount=quantize(amount * vat.rate / 100),
                language=language,
                issue_date=issue_date,
                due_date=issue_date + datetime.timedelta(days=schedule.days_to_due),
                delivery=(delivery_start, datetime.date(year, 12, 31)),
                issued_by=issued_by,
                buyer_reference=(
                    getattr(organisation, "buyer_reference", "").strip()
                    or organisation.organisation_number
                ),
                fee_year=year,
                note=note,
            )
    except IntegrityError:
        raise ValidationError(
            _("%(org)s already has a participation-fee invoice for %(year)s.")
            % {"org": organisation, "year": year},
            code="already_invoiced",
        ) from None


@dataclass(frozen=True)
class CreditAmounts:
    """What one credit note takes off an invoice, all three positive."""

    amount_excl_vat: Decimal
    vat: Decimal
    total: Decimal


def credit_amounts(*, invoice: Invoice, amount_excl_vat: Decimal | None) -> CreditAmounts:
    """The amounts of a credit of ``amount_excl_vat`` (everything left without it).

    Never more than is left, in the amount excluding VAT, the VAT and the total alike. A partial
    credit's VAT is its amount at the invoice's rate, rounded to the øre but no more than the
    VAT left; the credit of the whole remainder takes exactly the VAT and total left, so the
    credit notes of an invoice add up to it to the øre, however it was split.
    """
    credited = invoice.credit_notes.aggregate(
        excl=Sum("amount_excl_vat"), vat=Sum("vat_amount"), total=Sum("total")
    )
    left = CreditAmounts(
        amount_excl_vat=invoice.amount_excl_vat + (credited["excl"] or 0),
        vat=invoice.vat_amount + (credited["vat"] or 0),
        total=invoice.total + (credited["total"] or 0),
    )
    amount = left.amount_excl_vat if amount_excl_vat is None else Decimal(amount_excl_vat)
    if (
        not amount.is_finite()
        or amount != quantize(amount)
        or not 0 < amount <= left.amount_excl_vat
    ):
        raise ValidationError(
            {
                "amount_excl_vat": _("Credit between 0.01 and %(left)s.")
                % {"left": left.amount_excl_vat}
            }
        )
    if amount == left.amount_excl_vat:
        return left
    vat = min(quantize(amount * invoice.vat_rate / 100), left.vat)
    return CreditAmounts(amount_excl_vat=amount, vat=vat, total=amount + vat)


def credit_note_issue(
    *,
    invoice: Invoice,
    issued_by: User | None,
    reason: str,
    amount_excl_vat: Decimal | None = None,
    issue_date: datetime.date | None = None,
    notify: bool = True,
) -> Invoice:
    """Correct an invoice with a credit note of its own number, fully or partly.

    The credit note mirrors the invoice, not today's records: the seller's and the buyer's
    details, the VAT category, rate and exemption reason, the buyer's reference and the
    language are the invoice's. Its amounts are ``credit_amounts`` (never more than is left),
    stored negative. It has no KID and asks for no payment; ``already_paid`` records how much
    of it the buyer had paid already, which is refunded or set off. A system-written
    ``reason`` is best a lazy translation: it is written in the document's language.

    The document only: it leaves the invoice's status alone, so callers credit through
    ``invoice_credit``, which brings the status up to date. After the commit the credit note
    is rendered, stored and e-mailed exactly as an invoice is (``notify=False``: not sent).
    One transaction, with the invoice's row locked.
    """
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.kind != DocumentKind.INVOICE:
            raise ValidationError(_("Only an invoice can be credited."))
        if not str(reason or "").strip():
            raise ValidationError({"reason": _("Say why the invoice is credited.")})
        amounts = credit_amounts(invoice=invoice, amount_excl_vat=amount_excl_vat)
        # The staff read the errors above in their language; the document has its own.
        with translation.override(invoice.language):
            reason = str(reason).strip()
            note = _("Credits invoice %(number)s of %(date)s. Reason: %(reason)s") % {
                "number": invoice.document_number,
                "date": date_format(invoice.issue_date, "SHORT_DATE_FORMAT"),
                "reason": reason,
            }
            description = _("Credit of invoice %(number)s") % {"number": invoice.document_number}
        balance = balance_of(invoice)
        # Paid beyond what the invoice asks once this credit is taken off, less what was
        # overpaid before it: that part of the credit goes back to the buyer.
        overpaid_before = max(balance.paid - balance.to_pay, Decimal(0))
        overpaid_after = max(balance.paid - (balance.to_pay - amounts.total), Decimal(0))
        credit_note = _issue(
            kind=DocumentKind.CREDIT_NOTE,
            series_code=CREDIT_NOTE_SERIES,
            organisation=invoice.organisation,
            parties={name: getattr(invoice, name) for name in PARTY_FIELDS},
            lines=[LineData(description, Decimal(1), -amounts.amount_excl_vat)],
            vat=VatTerms(invoice.vat_category, invoice.vat_rate, invoice.vat_exemption_reason),
            vat_amount=-amounts.vat,
            language=invoice.language,
            issue_date=issue_date or timezone.localdate(),
            due_date=None,
            delivery=(invoice.delivery_start, invoice.delivery_end),
            issued_by=issued_by,
            buyer_reference=invoice.buyer_reference,
            credits=invoice,
            note=note,
            already_paid=min(overpaid_after - overpaid_before, amounts.total),
        )
        if notify:
            enqueue_after_commit(tasks.deliver_invoice, invoice_id=credit_note.pk)
    return credit_note


def invoice_credit(
    *,
    invoice: Invoice,
    issued_by: User | None,
    reason: str,
    amount_excl_vat: Decimal | None = None,
    issue_date: datetime.date | None = None,
    notify: bool = True,
) -> Invoice:
    """Credit an invoice fully or partly and bring its status up to date; the credit note.

    The one entry point to credit: ``credit_note_issue`` issues the document (and sends it
    after the commit unless ``notify`` is false) and ``invoice_refresh_status`` decides from
    the facts whether the invoice is now credited (or, after a partial credit, paid); what the
    buyer had paid of the credited amount becomes its credit balance
    (``credit_balance_add_credited``), for staff to refund or set off. One transaction.
    """
    with transaction.atomic():
        credit_note = credit_note_issue(
            invoice=invoice,
            issued_by=issued_by,
            reason=reason,
            amount_excl_vat=amount_excl_vat,
            issue_date=issue_date,
            notify=notify,
        )
        credit_balance_add_credited(credit_note=credit_note, recorded_by=issued_by)
        invoice_refresh_status(Invoice.objects.get(pk=invoice.pk))
    return credit_note
