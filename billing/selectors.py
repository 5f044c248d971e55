"""Billing's reads: balances, who pays the fee of a year, invoices as members see them, and
the accounting rows. Nothing here writes; the services in ``billing.services`` change state and
call these for the facts they decide on."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from billing.models import (
    CreditSettlement,
    DocumentKind,
    FeeSchedule,
    Invoice,
    InvoiceStatus,
    Payment,
)
from members.models import CompanyGroup, Membership, MembershipStatus, Organisation

ZERO = Decimal(0)
MONEY = DecimalField(max_digits=12, decimal_places=2)

# Statuses where the member still has something to pay, so KID and account are shown.
PAYABLE = frozenset(
    {InvoiceStatus.ISSUED, InvoiceStatus.SENT, InvoiceStatus.PARTLY_PAID, InvoiceStatus.OVERDUE}
)
PAYMENT = "payment"
TYPE_ORDER = {DocumentKind.INVOICE: 0, DocumentKind.CREDIT_NOTE: 1, PAYMENT: 2}


# --- Balances -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    """What an invoice asks, what credit notes took off it and what was paid, VAT included."""

    amount_excl_vat: Decimal
    total: Decimal
    credited_excl_vat: Decimal
    credited_total: Decimal
    paid: Decimal

    @property
    def fully_credited(self) -> bool:
        return self.credited_excl_vat >= self.amount_excl_vat

    @property
    def to_pay(self) -> Decimal:
        return self.total - self.credited_total

    @property
    def left_to_pay(self) -> Decimal:
        return max(self.to_pay - self.paid, ZERO)

    @property
    def overpaid(self) -> Decimal:
        """Paid beyond what the invoice asks after its credit notes: owed back to the buyer."""
        return max(self.paid - self.to_pay, ZERO)

    @property
    def settlement(self) -> CreditSettlement:
        """What became of the credited amount: nothing was paid (it lowers the amount to pay),
        it was set off against what was left to pay, or it had been paid and is refunded or
        set off against the next invoice (``overpaid`` says how much)."""
        if not self.credited_total or not self.paid:
            return CreditSettlement.NONE
        if self.overpaid:
            return CreditSettlement.REFUND
        return CreditSettlement.SET_OFF


def with_balance(invoices: QuerySet) -> QuerySet:
    """Annotate ``credited_excl_vat``, ``credited_total`` (both positive) and ``paid``.

    Subqueries rather than joins, so payments and credit notes do not multiply each other.
    """
    credit_notes = Invoice.objects.filter(credits=OuterRef("pk"))
    payments = Payment.objects.filter(invoice=OuterRef("pk"))
    return invoices.annotate(
        credited_excl_vat=-_grouped_sum(credit_notes, "credits", "amount_excl_vat"),
        credited_total=-_grouped_sum(credit_notes, "credits", "total"),
        paid=_grouped_sum(payments, "invoice", "amount"),
    )


def _grouped_sum(queryset: QuerySet, group_by: str, field: str):
    value = queryset.order_by().values(group_by).annotate(value=Sum(field)).values("value")[:1]
    return Coalesce(Subquery(value, output_field=MONEY), Value(ZERO), output_field=MONEY)


def balance_of(invoice: Invoice) -> Balance:
    """The invoice's balance; uses the ``with_balance`` annotations when they are there."""
    if not hasattr(invoice, "paid"):
        invoice = with_balance(Invoice.objects.filter(pk=invoice.pk)).get()
    return Balance(
        amount_excl_vat=invoice.amount_excl_vat,
        total=invoice.total,
        credited_excl_vat=invoice.credited_excl_vat,
        credited_total=invoice.credited_total,
        paid=invoice.paid,
    )


# --- Invoices -------------------------------------------------------------------------------


def invoice_is_payable(invoice: Invoice) -> bool:
    """An invoice (never a credit note) the member still has to pay: KID and account shown."""
    return invoice.kind == DocumentKind.INVOICE and invoice.status in PAYABLE


def organisation_invoices(organisation: Organisation) -> list[Invoice]:
    """The organisation's invoices and credit notes, newest first, each marked ``payable``."""
    invoices = list(
        organisation.invoices.select_related("credits").order_by("-issue_date", "-number")
    )
    for invoice in invoices:
        invoice.payable = invoice_is_payable(invoice)
    return invoices


def existing_fee_invoice(*, organisation: Organisation, year: int) -> Invoice | None:
    """The organisation's fee invoice for ``year`` that still counts (a credited one does not)."""
    return (
        Invoice.objects.filter(kind=DocumentKind.INVOICE, organisation=organisation, fee_year=year)
        .exclude(status=InvoiceStatus.CREDITED)
        .first()
    )


# --- Who pays the fee of a year --------------------------------------------------------------


@dataclass
class Billable:
    organisation: Organisation
    participant_type: str
    amount: Decimal
    units: list[Organisation] = field(default_factory=list)


@dataclass
class Skipped:
    organisation: Organisation
    reason: str


@dataclass
class FeePlan:
    schedule: FeeSchedule
    billable: list[Billable] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((item.amount for item in self.billable), Decimal(0))


def periods_in_year(year: int):
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return Membership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start),
        start_date__lte=end,
        status__in=[MembershipStatus.ACTIVE, MembershipStatus.ENDED],
    )


def fee_plan(*, year: int) -> FeePlan:
    """Who gets which amount for ``year``, and who is skipped and why.

    Billable: organisations with an active membership in the year, by the participant type of
    their latest period in it. In a company group whose board decided per-unit fees every unit
    pays; otherwise only the parent unit, whose invoice lists the group's other units.
    """
    schedule = FeeSchedule.objects.prefetch_related("amounts").get(year=year)
    amounts = {(a.participant_type, a.size_band): a.amount for a in schedule.amounts.all()}
    latest_type: dict[int, str] = {}
    for period in periods_in_year(year).order_by("start_date"):
        latest_type[period.organisation_id] = period.participant_type
    organisations = Organisation.objects.filter(pk__in=latest_type).select_related("group")
    groups = {group.pk: group for group in CompanyGroup.objects.select_related("parent").all()}
    invoiced = set(
        Invoice.objects.filter(kind=DocumentKind.INVOICE, fee_year=year)
        .exclude(status=InvoiceStatus.CREDITED)
        .values_list("organisation_id", flat=True)
    )
    plan = FeePlan(schedule=schedule)
    units_by_parent: dict[int, list[Organisation]] = {}
    for organisation in sorted(organisations, key=lambda o: o.name):
        group = groups.get(organisation.group_id)
        if group is not None and not group.units_pay_own_fee and group.parent_id != organisation.pk:
            if group.parent_id in latest_type:
                units_by_parent.setdefault(group.parent_id, []).append(organisation)
                reason = _("Paid through the group's parent unit, %(parent)s.")
                plan.skipped.append(Skipped(organisation, reason % {"parent": group.parent}))
            else:
                reason = _("The group's parent unit %(parent)s is not an active participant.")
                plan.skipped.append(Skipped(organisation, reason % {"parent": group.parent}))
            continue
        if organisation.pk in invoiced:
            plan.skipped.append(Skipped(organisation, _("Already invoiced for this year.")))
            continue
        amount = amounts.get((latest_type[organisation.pk], organisation.size_band))
        if amount is None:
            plan.skipped.append(
                Skipped(organisation, _("No fee in the schedule for its type and size."))
            )
            continue
        plan.billable.append(Billable(organisation, latest_type[organisation.pk], amount))
    for item in plan.billable:
        item.units = units_by_parent.get(item.organisation.pk, [])
    return plan


def run_plan(*, year: int) -> FeePlan:
    """The preview of a run: who gets which amount, who is skipped and why."""
    try:
        return fee_plan(year=year)
    except FeeSchedule.DoesNotExist:
        raise ValidationError(
            {"year": _("There is no fee schedule for %(year)s.") % {"year": year}}
        ) from None


# --- Accounting rows --------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportRow:
    date: datetime.date
    type: str
    number: str
    organisation_number: str
    name: str
    amount_excl_vat: Decimal | None
    vat: Decimal | None
    total: Decimal
    kid: str
    credited_invoice: str


def _document_row(document: Invoice) -> ExportRow:
    return ExportRow(
        date=document.issue_date,
        type=document.kind,
        number=document.document_number,
        organisation_number=document.buyer_organisation_number,
        name=document.buyer_name,
        amount_excl_vat=document.amount_excl_vat,
        vat=document.vat_amount,
        total=document.total,
        kid=document.kid,
        credited_invoice=document.credits.document_number if document.credits else "",
    )


def _payment_row(payment: Payment) -> ExportRow:
    return ExportRow(
        date=payment.paid_on,
        type=PAYMENT,
        number=payment.invoice.document_number,
        organisation_number=payment.invoice.buyer_organisation_number,
        name=payment.invoice.buyer_name,
        amount_excl_vat=None,
        vat=None,
        total=payment.amount,
        kid=payment.kid or payment.invoice.kid,
        credited_invoice="",
    )


def accounting_rows(*, documents: QuerySet, payments: QuerySet) -> list[ExportRow]:
    """The rows of the given documents and payments, by date, then type, then number."""
    rows = [_document_row(document) for document in documents.select_related("credits")]
    rows += [_payment_row(payment) for payment in payments.select_related("invoice")]
    # Numbers of one length sort as numbers: "9" before "10".
    return sorted(
        rows, key=lambda row: (row.date, TYPE_ORDER[row.type], len(row.number), row.number)
    )


def accounting_rows_for_period(
    *, date_from: datetime.date, date_to: datetime.date
) -> list[ExportRow]:
    """Documents issued and payments received from ``date_from`` to ``date_to``, both included."""
    if date_from > date_to:
        raise ValidationError({"date_to": _("The end of the period is before its start.")})
    return accounting_rows(
        documents=Invoice.objects.filter(issue_date__range=(date_from, date_to)),
        payments=Payment.objects.filter(paid_on__range=(date_from, date_to)),
    )


def accounting_rows_for_documents(documents: QuerySet) -> list[ExportRow]:
    """The chosen invoices and credit notes, with the payments made on them."""
    return accounting_rows(
        documents=documents, payments=Payment.objects.filter(invoice__in=documents)
    )
