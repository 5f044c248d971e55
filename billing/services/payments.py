"""Payments on invoices: registered by hand by staff, or imported from the bank's file.

The invoice's status follows every payment (``invoice_refresh_status``). A payment larger than
what is left settles the invoice and keeps the surplus as the organisation's credit balance
(``billing.services.credit_balance``): by hand only when staff confirm it, from the bank's file
always, since the money has arrived.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import CreditBalanceEntry, DocumentKind, Invoice, Payment, PaymentSource
from billing.money import CENT
from billing.selectors import balance_of, with_balance
from billing.services.bank_file import BankRow, bank_file_read
from billing.services.credit_balance import credit_balance_add_surplus
from billing.services.status import invoice_refresh_status
from members.models import User


def payment_check(
    *,
    invoice: Invoice,
    amount: Decimal | str | None,
    paid_on: datetime.date | None,
    today: datetime.date,
    confirm_overpayment: bool = False,
) -> Decimal:
    """The amount to register, or a ValidationError keyed by field (invoice, amount, paid_on).

    Refused: a credit note, a fully credited invoice, an amount that is not above zero or has
    more than two decimals, a date in the future, an invoice with nothing left to pay, and an
    amount above what is left unless ``confirm_overpayment`` (code ``overpayment``). No amount
    means what is left to pay.
    """
    if invoice.kind != DocumentKind.INVOICE:
        raise ValidationError(
            {
                "invoice": _("%(document)s is a credit note: payments belong on an invoice.")
                % {"document": invoice}
            }
        )
    balance = balance_of(invoice)
    if balance.fully_credited:
        raise ValidationError(
            {
                "invoice": _("%(invoice)s is fully credited: there is nothing to pay.")
                % {"invoice": invoice}
            }
        )
    errors = {}
    if paid_on is None:
        errors["paid_on"] = _("Enter the date of the payment.")
    elif paid_on > today:
        errors["paid_on"] = _("The payment date cannot be in the future.")
    if amount is None or amount == "":
        amount = balance.left_to_pay
        if amount <= 0:
            errors["amount"] = _("Nothing is left to pay on %(invoice)s.") % {"invoice": invoice}
    else:
        try:
            amount = Decimal(str(amount).replace(",", "."))
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            errors["amount"] = _("Enter the amount as a number, such as 1250.50.")
        elif amount <= 0:
            errors["amount"] = _("The amount must be more than zero.")
        elif amount != amount.quantize(CENT):
            errors["amount"] = _("The amount can have at most two decimals.")
        elif balance.left_to_pay <= 0:
            errors["amount"] = _("Nothing is left to pay on %(invoice)s.") % {"invoice": invoice}
        elif amount > balance.left_to_pay and not confirm_overpayment:
            errors["amount"] = ValidationError(
                _(
                    "%(amount)s is more than the %(left)s left to pay on %(invoice)s. Confirm "
                    "the overpayment to register it: the %(surplus)s beyond is kept as the "
                    "organisation's credit balance."
                )
                % {
                    "amount": amount,
                    "left": balance.left_to_pay,
                    "invoice": invoice,
                    "surplus": amount - balance.left_to_pay,
                },
                code="overpayment",
            )
    if errors:
        raise ValidationError(errors)
    return amount.quantize(CENT)


def payment_register(
    *,
    invoice: Invoice,
    amount: Decimal | str | None,
    paid_on: datetime.date,
    registered_by: User | None,
    confirm_overpayment: bool = False,
) -> Payment:
    """Register a payment that staff enter by hand, and update the invoice's status.

    ``amount=None`` registers what is left to pay. More than is left is refused unless
    ``confirm_overpayment``: then the payment settles what is left and the surplus is kept
    as the organisation's credit balance. The invoice row is locked for the transaction, so
    two registrations at once see each other's payments.
    """
    today = timezone.localdate()
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        amount = payment_check(
            invoice=invoice,
            amount=amount,
            paid_on=paid_on,
            today=today,
            confirm_overpayment=confirm_overpayment,
        )
        left = balance_of(invoice).left_to_pay
        payment = Payment.objects.create(
            invoice=invoice,
            amount=min(amount, left),
            paid_on=paid_on,
            kid=invoice.kid,
            source=PaymentSource.MANUAL,
            registered_by=registered_by,
        )
        if amount > left:
            credit_balance_add_surplus(
                invoice=invoice,
                amount=amount - left,
                entry_date=paid_on,
                payment=payment,
                recorded_by=registered_by,
                kid=invoice.kid,
            )
        invoice_refresh_status(invoice, today)
    return payment


@dataclass(frozen=True)
class MatchedRow:
    row: BankRow
    invoice: Invoice


@dataclass(frozen=True)
class UnmatchedRow:
    row: BankRow
    reason: str


@dataclass
class BankImportReport:
    """What a bank file held: new payments, payments imported before, and rows left over."""

    registered: list[MatchedRow] = field(default_factory=list)
    already_registered: list[MatchedRow] = field(default_factory=list)
    unmatched: list[UnmatchedRow] = field(default_factory=list)
    checked_only: bool = False
    # Registered rows that paid more than their invoice had left: (row, surplus kept as credit).
    overpaid: list[tuple[MatchedRow, Decimal]] = field(default_factory=list)

    @property
    def registered_total(self) -> Decimal:
        return sum((match.row.amount for match in self.registered), Decimal(0))

    @property
    def unmatched_total(self) -> Decimal:
        return sum((item.row.amount for item in self.unmatched), Decimal(0))


def bank_file_import(
    *, content: bytes, registered_by: User | None, check_only: bool = False
) -> BankImportReport:
    """Import a bank file of incoming payments; all of it, or with a bad row nothing at all.

    The whole file is checked first (``bank_file_read`` raises ``FileRejectedError`` with
    every bad line). Well-formed rows are matched to invoices by KID; a row whose KID names no
    invoice, a credit note or a fully credited invoice is listed as unmatched and not saved,
    for staff to follow up by hand. A row imported before (same ``bank_reference``) is listed
    and not registered again. A row paying more than its invoice has left (rows of one file
    taken in order) settles the invoice and keeps the surplus as the organisation's credit
    balance (``report.overpaid``). ``check_only`` reports without saving.
    """
    today = timezone.localdate()
    rows = bank_file_read(content=content, today=today)
    try:
        with transaction.atomic():
            report = _match(rows, check_only=check_only)
            if not check_only:
                _register(report, registered_by=registered_by, today=today)
    except IntegrityError:
        # Only a concurrent import of the same rows gets past the check of references.
        raise ValidationError(
            _(
                "These payments were being imported at the same moment by someone else. "
                "Import the file again to see what is left."
            )
        ) from None
    return report


def _match(rows: list[BankRow], *, check_only: bool) -> BankImportReport:
    documents = Invoice.objects.filter(kid__in={row.kid for row in rows if row.kid})
    if not check_only:
        # Lock in a fixed order, so imports and registrations by hand wait for each other.
        documents = documents.select_for_update(of=("self",)).order_by("pk")
    by_kid = {document.kid: document for document in with_balance(documents)}
    references = [row.bank_reference for row in rows]
    known = set(
        Payment.objects.filter(bank_reference__in=references).values_list(
            "bank_reference", flat=True
        )
    ) | set(
        CreditBalanceEntry.objects.filter(bank_reference__in=references).values_list(
            "bank_reference", flat=True
        )
    )
    report = BankImportReport(checked_only=check_only)
    left = {kid: balance_of(document).left_to_pay for kid, document in by_kid.items()}
    for row in rows:
        document = by_kid.get(row.kid)
        reason = _unmatched_reason(row, document)
        if reason:
            report.unmatched.append(UnmatchedRow(row, reason))
        elif row.bank_reference in known:
            report.already_registered.append(MatchedRow(row, document))
        else:
            match = MatchedRow(row, document)
            report.registered.append(match)
            if row.amount > left[row.kid]:
                report.overpaid.append((match, row.amount - left[row.kid]))
            left[row.kid] = max(left[row.kid] - row.amount, Decimal(0))
    return report


def _unmatched_reason(row: BankRow, document: Invoice | None) -> str:
    if not row.kid:
        return _("The payment has no KID.")
    if document is None:
        return _("No invoice has this KID.")
    if document.kind != DocumentKind.INVOICE:
        return _("The KID belongs to credit note %(number)s.") % {
            "number": document.document_number
        }
    if balance_of(document).fully_credited:
        return _("Invoice %(number)s is fully credited; the payment needs a refund.") % {
            "number": document.document_number
        }
    return ""


def _register(report: BankImportReport, *, registered_by: User | None, today) -> None:
    surplus_of = {id(match): surplus for match, surplus in report.overpaid}
    for match in report.registered:
        row = match.row
        surplus = surplus_of.get(id(match), Decimal(0))
        payment = None
        if row.amount > surplus:
            payment = Payment.objects.create(
                invoice=match.invoice,
                amount=row.amount - surplus,
                paid_on=row.paid_on,
                kid=row.kid,
                source=PaymentSource.BANK_FILE,
                bank_reference=row.bank_reference,
                registered_by=registered_by,
            )
        if surplus:
            credit_balance_add_surplus(
                invoice=match.invoice,
                amount=surplus,
                entry_date=row.paid_on,
                payment=payment,
                recorded_by=registered_by,
                kid=row.kid,
                bank_reference=row.bank_reference,
            )
    paid = {match.invoice.pk: match.invoice for match in report.registered}
    for invoice in Invoice.objects.filter(pk__in=paid).order_by("pk"):
        invoice_refresh_status(invoice, today)
