"""Issuing invoices and credit notes: numbered, copied, frozen (invariants 5 and 6)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.kid import kid_for
from billing.models import (
    DocumentKind,
    FeeSchedule,
    Invoice,
    InvoiceLine,
    Seller,
)
from billing.money import quantize
from billing.selectors import FeePlan, fee_plan
from billing.services.fees import pro_rata
from billing.services.numbering import CREDIT_NOTE_SERIES, INVOICE_SERIES, number_take_next
from billing.services.status import invoice_refresh_status
from members.models import Organisation, User

SERIES_DIGIT = {INVOICE_SERIES: 1, CREDIT_NOTE_SERIES: 2}


@dataclass(frozen=True)
class LineData:
    description: str
    quantity: Decimal
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return quantize(self.quantity * self.unit_price)


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
    lines: list[LineData],
    vat_rate: Decimal,
    issue_date: datetime.date,
    due_date: datetime.date | None,
    delivery: tuple[datetime.date, datetime.date],
    issued_by: User | None,
    fee_year: int | None = None,
    credits: Invoice | None = None,
    note: str = "",
    buyer_reference: str = "",
) -> Invoice:
    """Number, copy and store one document. Runs inside the caller's transaction."""
    seller = Seller.objects.get()
    if not seller.vat_registered:
        vat_rate = Decimal(0)  # a seller outside the VAT register charges no VAT
    series, number = number_take_next(code=series_code)
    amount = sum((line.amount for line in lines), Decimal(0))
    vat = quantize(amount * vat_rate / 100)
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
        vat_rate=vat_rate,
        vat_amount=vat,
        total=amount + vat,
        kid=kid_for(number, series_digit=SERIES_DIGIT[series_code]),
        buyer_reference=buyer_reference or organisation.organisation_number,
        note=note,
        issued_by=issued_by,
        **_copy_parties(seller, organisation),
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
    try:
        with transaction.atomic():
            return _issue(
                kind=DocumentKind.INVOICE,
                series_code=INVOICE_SERIES,
                organisation=organisation,
                lines=[LineData(description, Decimal(1), amount)],
                vat_rate=schedule.vat_rate,
                issue_date=issue_date,
                due_date=issue_date + datetime.timedelta(days=schedule.days_to_due),
                delivery=(delivery_start, datetime.date(year, 12, 31)),
                issued_by=issued_by,
                fee_year=year,
                note=note,
            )
    except IntegrityError:
        raise ValidationError(
            _("%(org)s already has a participation-fee invoice for %(year)s.")
            % {"org": organisation, "year": year},
            code="already_invoiced",
        ) from None


def credit_note_issue(
    *,
    invoice: Invoice,
    issued_by: User | None,
    reason: str,
    amount_excl_vat: Decimal | None = None,
    issue_date: datetime.date | None = None,
) -> Invoice:
    """Correct an invoice with a credit note of its own number, fully or partly.

    The credit note copies the invoice's parties and negates the amount. Never more than what
    is left to credit. The document only: it leaves the invoice's status alone, so callers credit
    through ``invoice_credit``, which brings the status up to date.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the invoice is credited.")})
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.kind != DocumentKind.INVOICE:
            raise ValidationError(_("Only an invoice can be credited."))
        credited = -(
            invoice.credit_notes.aggregate(total=Sum("amount_excl_vat"))["total"] or Decimal(0)
        )
        left = invoice.amount_excl_vat - credited
        amount = left if amount_excl_vat is None else Decimal(amount_excl_vat)
        if amount <= 0 or amount > left:
            raise ValidationError(
                {"amount_excl_vat": _("Credit between 0.01 and %(left)s.") % {"left": left}}
            )
        issue_date = issue_date or timezone.localdate()
        note = _("Credits invoice %(number)s of %(date)s. Reason: %(reason)s") % {
            "number": invoice.document_number,
            "date": invoice.issue_date.isoformat(),
            "reason": reason,
        }
        credit_note = _issue(
            kind=DocumentKind.CREDIT_NOTE,
            series_code=CREDIT_NOTE_SERIES,
            organisation=invoice.organisation,
            lines=[
                LineData(
                    _("Credit of invoice %(number)s") % {"number": invoice.document_number},
                    Decimal(1),
                    -amount,
                )
            ],
            vat_rate=invoice.vat_rate,
            issue_date=issue_date,
            due_date=None,
            delivery=(invoice.delivery_start, invoice.delivery_end),
            issued_by=issued_by,
            credits=invoice,
            note=note,
            buyer_reference=invoice.buyer_reference,
        )
    return credit_note


def invoice_credit(
    *,
    invoice: Invoice,
    issued_by: User | None,
    reason: str,
    amount_excl_vat: Decimal | None = None,
    issue_date: datetime.date | None = None,
) -> Invoice:
    """Credit an invoice fully or partly and bring its status up to date; the credit note.

    The one entry point to credit: ``credit_note_issue`` issues the document and
    ``invoice_refresh_status`` decides from the facts whether the invoice is now credited
    (or, after a partial credit, paid). One transaction.
    """
    with transaction.atomic():
        credit_note = credit_note_issue(
            invoice=invoice,
            issued_by=issued_by,
            reason=reason,
            amount_excl_vat=amount_excl_vat,
            issue_date=issue_date,
        )
        invoice_refresh_status(Invoice.objects.get(pk=invoice.pk))
    return credit_note
