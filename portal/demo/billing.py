"""Demo billing: last year's fee invoices issued in January and sent, most paid, one partly
paid, one overdue with a payment reminder, a full and a partial credit note, a credit balance
from an overpaid bank row, a buyer with English invoices and this year's VAT-exempt schedule
(with one invoice by hand, pro rata, to look at).

Everything goes through the billing services, so the documents, e-mails (to the fictional
``.example`` addresses: the local mail folder in development) and statuses are what the portal
itself makes. Idempotent: once last year has invoices, nothing is added.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from billing.models import DocumentKind, FeeSchedule, Invoice, JoinerFee, VatTreatment
from billing.selectors import balance_of, fee_plan
from billing.services import credit_balance
from billing.services.fees import fee_schedule_copy, fee_schedule_save_grid
from billing.services.issuing import fee_invoice_issue, invoice_credit
from billing.services.payments import bank_file_import, payment_register
from billing.services.reminders import payment_reminders_send
from billing.services.sending import invoice_deliver, invoices_sync_sent_status
from members import services as member_services
from members.models import InvoiceLanguage, Organisation, ParticipantType, SizeBand, User

FEES = {
    ParticipantType.CORE: (Decimal(15000), Decimal(25000), Decimal(40000), Decimal(60000)),
    ParticipantType.SUPPLIER: (Decimal(8000), Decimal(12000), Decimal(20000), Decimal(30000)),
    ParticipantType.OTHER: (Decimal(3000), Decimal(5000), Decimal(8000), Decimal(12000)),
}
EXEMPTION_REASON = "Medlemskontingent, unntatt etter merverdiavgiftsloven § 3-12."
ENGLISH_BUYER = "Ofoten Battery Systems AS"
BUYER_REFERENCE = "PO-2025-0117"


@dataclass(frozen=True)
class BillingSeed:
    invoices: int
    credit_notes: int
    credit_balance: Decimal


def seed_demo_billing(*, staff: User) -> BillingSeed:
    """Bill the demo network for last year and prepare this year's schedule; see the module."""
    today = timezone.localdate()
    last_year = today.year - 1
    if Invoice.objects.filter(fee_year=last_year).exists():
        return _summary(last_year)
    last = _schedule(last_year)
    this = _exempt_copy(last, year=today.year)
    _english_buyer()
    issued_on = datetime.date(last_year, 1, 15)
    invoices = _issue_and_send(year=last_year, staff=staff, issued_on=issued_on)
    _payments(invoices, staff=staff, paid_on=issued_on + datetime.timedelta(days=20))
    payment_reminders_send(today=today)
    _invoice_this_year(this, staff=staff)
    return _summary(last_year)


def _schedule(year: int) -> FeeSchedule:
    schedule, _created = FeeSchedule.objects.get_or_create(
        year=year, defaults={"decided_on": datetime.date(year - 1, 11, 20)}
    )
    amounts = {
        (participant_type.value, band.value): FEES[participant_type][index]
        for participant_type in ParticipantType
        for index, band in enumerate(SizeBand)
    }
    return fee_schedule_save_grid(schedule=schedule, amounts=amounts, joiner_fee=JoinerFee.PRO_RATA)


def _exempt_copy(last: FeeSchedule, *, year: int) -> FeeSchedule:
    schedule = FeeSchedule.objects.filter(year=year).first() or fee_schedule_copy(
        source=last, year=year
    )
    if not schedule.is_frozen:
        schedule.vat_treatment = VatTreatment.EXEMPT
        schedule.vat_exemption_reason = EXEMPTION_REASON
        schedule.full_clean()
        schedule.save()
    return schedule


def _english_buyer() -> None:
    organisation = Organisation.objects.filter(name=ENGLISH_BUYER).first()
    if organisation is not None:
        member_services.organisation_update_profile(
            organisation=organisation,
            invoice_language=InvoiceLanguage.ENGLISH,
            buyer_reference=BUYER_REFERENCE,
        )


def _issue_and_send(*, year: int, staff: User, issued_on: datetime.date) -> list[Invoice]:
    """What a run does for each billable organisation, dated in January of the fee year."""
    plan = fee_plan(year=year)
    invoices = [
        fee_invoice_issue(
            organisation=item.organisation,
            year=year,
            issued_by=staff,
            issue_date=issued_on,
            plan=plan,
        )
        for item in plan.billable
    ]
    for invoice in invoices:
        invoice_deliver(invoice=invoice)
    invoices_sync_sent_status(invoice_ids=[invoice.pk for invoice in invoices])
    return invoices


def _payments(invoices: list[Invoice], *, staff: User, paid_on: datetime.date) -> None:
    """All paid but five: one partly paid, one overdue (reminded), one credited in full, one
    credited in part and then paid, and one overpaid through the bank's file."""
    partly, overdue, credited, part_credited, overpaid, *paid = invoices
    for invoice in paid:
        payment_register(invoice=invoice, amount=None, paid_on=paid_on, registered_by=staff)
    payment_register(
        invoice=partly,
        amount=(partly.total / 2).quantize(Decimal("0.01")),
        paid_on=paid_on,
        registered_by=staff,
    )
    del overdue  # left unpaid: the reminders find it
    invoice_credit(
        invoice=credited,
        issued_by=staff,
        reason="Meldte seg ut før fakturaperioden; kreditert i sin helhet.",
        issue_date=paid_on,
    )
    invoice_credit(
        invoice=part_credited,
        issued_by=staff,
        reason="Feil størrelsesgruppe; differansen krediteres.",
        amount_excl_vat=(part_credited.amount_excl_vat / 4).quantize(Decimal("0.01")),
        issue_date=paid_on,
    )
    payment_register(invoice=part_credited, amount=None, paid_on=paid_on, registered_by=staff)
    surplus = Decimal(1000)
    row = f"{paid_on.isoformat()};{balance_of(overpaid).left_to_pay + surplus};{overpaid.kid}"
    bank_file_import(
        content=f"date;amount;kid;reference\n{row};DEMO-OVERPAID-1\n".encode(),
        registered_by=staff,
    )


def _invoice_this_year(schedule: FeeSchedule, *, staff: User) -> None:
    """One VAT-exempt invoice of this year, pro rata from July, issued by hand."""
    plan = fee_plan(year=schedule.year)
    if not plan.billable:
        return
    invoice = fee_invoice_issue(
        organisation=plan.billable[-1].organisation,
        year=schedule.year,
        issued_by=staff,
        from_month=7,
        plan=plan,
    )
    invoice_deliver(invoice=invoice)


def _summary(year: int) -> BillingSeed:
    documents = Invoice.objects.filter(issue_date__year__gte=year)
    balances = credit_balance.credit_balances()
    return BillingSeed(
        invoices=documents.filter(kind=DocumentKind.INVOICE).count(),
        credit_notes=documents.filter(kind=DocumentKind.CREDIT_NOTE).count(),
        credit_balance=sum((total for _organisation, total in balances), Decimal(0)),
    )
