"""An organisation's credit balance: money paid beyond what its invoices asked, kept until
staff refund it or set it off against an invoice. Every movement is a ``CreditBalanceEntry``;
the balance is their sum, so nothing paid is lost and nothing is silently "paid"."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import CreditBalanceEntry, DocumentKind, Invoice, Payment, PaymentSource
from billing.money import CENT
from billing.selectors import balance_of
from billing.services.status import invoice_refresh_status
from members.models import Organisation, User

ZERO = Decimal(0)


def credit_balance_of(organisation: Organisation) -> Decimal:
    total = CreditBalanceEntry.objects.filter(organisation=organisation).aggregate(
        total=Sum("amount")
    )["total"]
    # Quantized: SQLite sums decimals without their two places.
    return (total or ZERO).quantize(CENT)


def credit_balances() -> list[tuple[Organisation, Decimal]]:
    """Organisations with money to their credit, largest first, for staff to follow up."""
    rows = (
        CreditBalanceEntry.objects.order_by()
        .values("organisation")
        .annotate(total=Sum("amount"))
        .filter(total__gt=0)
    )
    totals = {row["organisation"]: row["total"].quantize(CENT) for row in rows}
    organisations = Organisation.objects.in_bulk(totals)
    return sorted(
        ((organisations[pk], total) for pk, total in totals.items()),
        key=lambda pair: (-pair[1], pair[0].name),
    )


def credit_balance_add_surplus(
    *,
    invoice: Invoice,
    amount: Decimal,
    entry_date: datetime.date,
    payment: Payment | None,
    recorded_by: User | None,
    kid: str = "",
    bank_reference: str | None = None,
) -> CreditBalanceEntry:
    """Keep what a payment brought beyond what ``invoice`` had left as the buyer's credit.

    Called by the payment services inside their transaction. ``payment`` is the payment that
    settled the rest of the invoice, or None when nothing was left (then ``bank_reference``
    keeps the bank's row from being imported twice).
    """
    note = _("Paid beyond what was left on invoice %(number)s.") % {
        "number": invoice.document_number
    }
    return CreditBalanceEntry.objects.create(
        organisation_id=invoice.organisation_id,
        amount=amount,
        entry_date=entry_date,
        payment=payment,
        kid=kid,
        bank_reference=bank_reference if payment is None else None,
        recorded_by=recorded_by,
        note=note,
    )


def credit_balance_add_credited(
    *, credit_note: Invoice, recorded_by: User | None
) -> CreditBalanceEntry | None:
    """Keep the part of a credit note the buyer had paid already (``already_paid``) as its
    credit, so staff refund it or set it off like any other; nothing when nothing was paid.
    Called by ``invoice_credit`` inside its transaction."""
    if credit_note.already_paid <= 0 or credit_note.credits is None:
        return None
    note = _("Paid for invoice %(invoice)s and credited by credit note %(credit_note)s.") % {
        "invoice": credit_note.credits.document_number,
        "credit_note": credit_note.document_number,
    }
    return CreditBalanceEntry.objects.create(
        organisation_id=credit_note.organisation_id,
        amount=credit_note.already_paid,
        entry_date=credit_note.issue_date,
        recorded_by=recorded_by,
        note=note,
    )


def _locked_balance(organisation: Organisation) -> Decimal:
    # Uses of one organisation's balance wait for each other, so it never goes below zero.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    return credit_balance_of(organisation)


def _checked_amount(amount: Decimal | None, *, available: Decimal, limit: Decimal) -> Decimal:
    amount = min(available, limit) if amount is None else Decimal(amount)
    if amount <= 0 or amount != amount.quantize(CENT) or amount > min(available, limit):
        raise ValidationError(
            {
                "amount": _("Use between 0.01 and %(most)s of the credit balance.")
                % {"most": min(available, limit)}
            }
        )
    return amount


def credit_balance_refund(
    *,
    organisation: Organisation,
    recorded_by: User,
    amount: Decimal | None = None,
    note: str = "",
) -> CreditBalanceEntry:
    """Record that staff paid ``amount`` (all of it when None) of the balance back to the
    organisation. Never more than the balance; the organisation row is locked for it."""
    with transaction.atomic():
        available = _locked_balance(organisation)
        if available <= 0:
            raise ValidationError(_("%(org)s has no credit balance.") % {"org": organisation})
        amount = _checked_amount(amount, available=available, limit=available)
        return CreditBalanceEntry.objects.create(
            organisation=organisation,
            amount=-amount,
            entry_date=timezone.localdate(),
            refunded_at=timezone.now(),
            recorded_by=recorded_by,
            note=note or _("Refunded to the organisation."),
        )


def credit_balance_next_invoice(organisation: Organisation) -> Invoice | None:
    """The organisation's oldest invoice with something left to pay, to set its balance off."""
    for invoice in Invoice.objects.filter(
        organisation=organisation, kind=DocumentKind.INVOICE
    ).order_by("issue_date", "number"):
        if balance_of(invoice).left_to_pay > 0 and not balance_of(invoice).fully_credited:
            return invoice
    return None


def credit_balance_set_off(
    *,
    organisation: Organisation,
    recorded_by: User,
    invoice: Invoice | None = None,
    amount: Decimal | None = None,
) -> CreditBalanceEntry:
    """Pay ``invoice`` (the oldest one with something left when None) from the balance.

    The set-off is a payment on the invoice (its status follows) and a negative entry linked to
    it. Never more than the balance, nor more than the invoice has left. The organisation and
    the invoice rows are locked for it.
    """
    with transaction.atomic():
        available = _locked_balance(organisation)
        if available <= 0:
            raise ValidationError(_("%(org)s has no credit balance.") % {"org": organisation})
        invoice = invoice or credit_balance_next_invoice(organisation)
        if invoice is None:
            raise ValidationError(
                _("%(org)s has no invoice with anything left to pay.") % {"org": organisation}
            )
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.organisation_id != organisation.pk or invoice.kind != DocumentKind.INVOICE:
            raise ValidationError(
                {"invoice": _("Choose an invoice of %(org)s.") % {"org": organisation}}
            )
        left = balance_of(invoice).left_to_pay
        if left <= 0:
            raise ValidationError(
                {"invoice": _("Nothing is left to pay on %(invoice)s.") % {"invoice": invoice}}
            )
        amount = _checked_amount(amount, available=available, limit=left)
        today = timezone.localdate()
        payment = Payment.objects.create(
            invoice=invoice,
            amount=amount,
            paid_on=today,
            kid=invoice.kid,
            source=PaymentSource.MANUAL,
            registered_by=recorded_by,
        )
        entry = CreditBalanceEntry.objects.create(
            organisation=organisation,
            amount=-amount.quantize(CENT),
            entry_date=today,
            payment=payment,
            set_off_invoice=invoice,
            recorded_by=recorded_by,
            note=_("Set off against invoice %(number)s.") % {"number": invoice.document_number},
        )
        invoice_refresh_status(invoice, today)
    return entry
