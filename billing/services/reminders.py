"""Payment reminders (purring) for overdue invoices, queued through the e-mail outbox."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext

from billing.models import DocumentKind, Invoice, InvoiceStatus, PaymentReminder, Seller
from billing.services.status import balance_of, invoices_refresh_overdue, with_balance
from portal.mail import mail_render
from portal.outbox import email_enqueue

FIRST, SECOND = 1, 2


def reminder_level_due(
    *, invoice: Invoice, seller: Seller, sent_levels: dict[int, datetime.date], today
) -> int | None:
    """The reminder an unpaid invoice is due for today, if any.

    The first comes ``first_reminder_days`` after the due date. The second comes
    ``second_reminder_days`` after it, and never sooner after the first than the settings
    space them, so an invoice found late is not reminded twice in two days.
    """
    days_overdue = (today - invoice.due_date).days
    if FIRST not in sent_levels:
        return FIRST if days_overdue >= seller.first_reminder_days else None
    if SECOND in sent_levels:
        return None
    spacing = max(seller.second_reminder_days - seller.first_reminder_days, 0)
    if days_overdue >= seller.second_reminder_days and (
        (today - sent_levels[FIRST]).days >= spacing
    ):
        return SECOND
    return None


def payment_reminders_send(*, today: datetime.date) -> int:
    """Mark overdue invoices, then queue the reminders due today; returns how many were new.

    Never twice the same reminder: ``PaymentReminder`` is unique per invoice and level, and
    the outbox key names both, so a second run (or a retried task) queues nothing new. Paid and
    credited invoices, and invoices without an address to write to, get none.
    """
    invoices_refresh_overdue(today=today)
    seller = Seller.objects.get()
    first_due = today - datetime.timedelta(days=seller.first_reminder_days)
    candidates = with_balance(
        Invoice.objects.filter(kind=DocumentKind.INVOICE, due_date__lte=first_due)
        .exclude(status__in=[InvoiceStatus.PAID, InvoiceStatus.CREDITED])
        .select_related("organisation")
        .prefetch_related("reminders")
    ).order_by("due_date", "pk")
    queued = 0
    for invoice in candidates:
        balance = balance_of(invoice)
        if balance.fully_credited or balance.left_to_pay <= 0:
            continue
        sent = {reminder.level: reminder.sent_on for reminder in invoice.reminders.all()}
        level = reminder_level_due(invoice=invoice, seller=seller, sent_levels=sent, today=today)
        recipient = invoice.buyer_email or invoice.organisation.invoice_email
        if level is None or not recipient:
            continue
        queued += _remind(invoice, level, recipient, balance.left_to_pay, today)
    return queued


def _remind(invoice: Invoice, level: int, recipient: str, left, today) -> bool:
    try:
        with transaction.atomic():
            PaymentReminder.objects.create(invoice=invoice, level=level, sent_on=today)
            _email, created = email_enqueue(
                key=f"payment-reminder:{invoice.pk}:{level}",
                recipients=[recipient],
                **_message(invoice, level, left),
            )
    except IntegrityError:  # another run reminded it a moment ago
        return False
    return created


def _message(invoice: Invoice, level: int, left) -> dict:
    """Subject, body and the invoice's stored PDF, in the portal's default language."""
    context = {
        "invoice": invoice,
        "level": level,
        "left": left,
        "bank_account": format_bank_account(invoice.seller_bank_account),
    }
    subject, body = mail_render(template="billing/email/payment_reminder", context=context)
    with translation.override(settings.LANGUAGE_CODE):
        filename = gettext("invoice-%(number)s.pdf") % {"number": invoice.document_number}
    attachments = []
    if invoice.pdf:
        attachments.append(
            {"path": invoice.pdf.name, "filename": filename, "mimetype": "application/pdf"}
        )
    return {"subject": " ".join(subject.split()), "body": body, "attachments": attachments}


def format_bank_account(account: str) -> str:
    """A Norwegian account number as people write it: 8601.11.17947."""
    if len(account) == 11 and account.isdigit():
        return f"{account[:4]}.{account[4:6]}.{account[6:]}"
    return account
