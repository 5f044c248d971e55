"""Payment reminders (purring) for overdue invoices, queued through the e-mail outbox."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext

from billing.models import DocumentKind, Invoice, InvoiceStatus, PaymentReminder, Seller
from billing.money import format_bank_account
from billing.selectors import balance_of, with_balance
from billing.services.status import invoices_refresh_overdue
from members.selectors import MailPurpose, organisation_mail_recipients
from portal.mail import mail_queue

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
    credited invoices, and invoices without anybody to write to, get none. Recipients:
    ``organisation_mail_recipients(..., MailPurpose.PAYMENT_REMINDER)``.
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
        if level is None:
            continue
        recipients = organisation_mail_recipients(
            invoice.organisation, MailPurpose.PAYMENT_REMINDER
        )
        if not recipients:
            continue
        queued += _remind(invoice, level, recipients, balance.left_to_pay, today)
    return queued


def _remind(invoice: Invoice, level: int, recipients: list[str], left, today) -> bool:
    context = {
        "invoice": invoice,
        "level": level,
        "left": left,
        "bank_account": format_bank_account(invoice.seller_bank_account),
    }
    try:
        with transaction.atomic():
            reminder = PaymentReminder.objects.create(invoice=invoice, level=level, sent_on=today)
            # An organisation address: written to in Norwegian (portal.mail.mail_language).
            _email, created = mail_queue(
                key=f"payment-reminder:{invoice.pk}:{level}",
                recipients=recipients,
                template="billing/email/payment_reminder",
                context=context,
                attachments=_attachments(invoice),
                about=reminder,
            )
    except IntegrityError:  # another run reminded it a moment ago
        return False
    return created


def _attachments(invoice: Invoice) -> list[dict]:
    """The invoice's stored PDF, named in the portal's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        filename = gettext("invoice-%(number)s.pdf") % {"number": invoice.document_number}
    attachments = []
    if invoice.pdf:
        attachments.append(
            {"path": invoice.pdf.name, "filename": filename, "mimetype": "application/pdf"}
        )
    return attachments
