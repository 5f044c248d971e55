"""Invoice e-mails through the outbox, and the "sent" status after them.

Sent once per send request: invariant 7 of docs/architecture.md.

Every send request has its own outbox key, ``invoice:<pk>:send:<n>``: the first send is request
1, a staff resend the next number. The outbox sends each key once, whatever Celery redelivers.

An invoice becomes SENT when its e-mail has been delivered, not when it is queued. The outbox
knows nothing about invoices and gets no callback (no signals in the core flow): instead
``invoices_sync_sent_status`` reads which invoice e-mails the outbox has delivered and marks
those invoices. Beat calls it every minute (``billing.sync_invoice_sent_status``); a delivery
does not, as its e-mail is usually still on its way then.

An invoice's e-mails are the outbox rows about it (``OutboundEmail.about``); payment reminders
are about their ``PaymentReminder``, so they are not send requests of the invoice.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from billing.models import Invoice
from billing.services.documents import invoice_store_documents
from billing.services.status import invoice_refresh_status
from members.selectors import MailPurpose, organisation_mail_recipients
from portal.mail import mail_queue
from portal.models import EmailStatus, OutboundEmail

# How many invoices one status query looks at; keeps the IN list short.
SYNC_BATCH = 200


def invoice_email_key(invoice_pk: int, request_number: int) -> str:
    return f"invoice:{invoice_pk}:send:{request_number}"


def _emails_about(invoice_ids: list[int]) -> QuerySet[OutboundEmail]:
    return OutboundEmail.objects.filter(
        about_type=ContentType.objects.get_for_model(Invoice), about_id__in=invoice_ids
    )


def _attachments(invoice: Invoice) -> list[dict]:
    stem = f"{slugify(invoice.get_kind_display())}-{invoice.document_number}"
    return [
        {"path": invoice.pdf.name, "filename": f"{stem}.pdf", "mimetype": "application/pdf"},
        {"path": invoice.ehf.name, "filename": f"{stem}.xml", "mimetype": "application/xml"},
    ]


def invoice_send(*, invoice: Invoice, request_number: int = 1) -> OutboundEmail:
    """Queue send request ``request_number`` of an invoice or credit note: PDF and EHF attached,
    written in the document's language (Norwegian unless the buyer chose English invoices).

    The same request twice is one e-mail (the outbox key is unique). The documents must be
    stored first; without a recipient nothing is queued and a ValidationError says why.
    """
    if not (invoice.pdf and invoice.ehf):
        raise ValidationError(_("The invoice documents are not stored yet."))
    recipients = organisation_mail_recipients(invoice.organisation, MailPurpose.INVOICE)
    if not recipients:
        raise ValidationError(
            _("%(org)s has no invoice e-mail address and no administrator.")
            % {"org": invoice.buyer_name}
        )
    # An organisation address, written to in the language of the document it carries.
    language = invoice.language or settings.LANGUAGE_CODE
    with translation.override(language):
        attachments = _attachments(invoice)
    # The outbox row and its send task commit together: a worker dying in between must not
    # leave a queued e-mail that only the outbox's lost-task sweep would find, minutes later.
    with transaction.atomic():
        email, _created = mail_queue(
            key=invoice_email_key(invoice.pk, request_number),
            recipients=recipients,
            template="billing/email/invoice",
            context={"invoice": invoice},
            attachments=attachments,
            about=invoice,
            language=language,
        )
    return email


def invoice_deliver(*, invoice: Invoice) -> OutboundEmail:
    """Store the PDF and EHF of an invoice or credit note (once) and queue its first e-mail
    (once): what a run does for each invoice and ``credit_note_issue`` queues after commit.

    Safe to repeat: a redelivered task or a second run finds both done and changes nothing.
    The invoice becomes SENT once the e-mail is delivered (``invoices_sync_sent_status``).
    """
    if not (invoice.pdf and invoice.ehf):
        invoice = invoice_store_documents(invoice=invoice)
    return invoice_send(invoice=invoice, request_number=1)


def invoice_send_requests(*, invoice: Invoice) -> list[OutboundEmail]:
    """The invoice's e-mails, oldest first."""
    return list(_emails_about([invoice.pk]).order_by("created_at", "pk"))


def invoice_resend(*, invoice: Invoice, request_number: int | None = None) -> OutboundEmail:
    """Staff send the invoice again: a new send request, so one new e-mail.

    ``request_number`` is the number the staff page offered (the latest request's plus one), so
    a double-clicked button is the same request twice and one e-mail; without it the next free
    number is taken. Stores the documents first if an earlier attempt could not.
    """
    if not (invoice.pdf and invoice.ehf):
        invoice = invoice_store_documents(invoice=invoice)
    if request_number is None:
        request_number = invoice_next_request_number(
            requests=invoice_send_requests(invoice=invoice)
        )
    return invoice_send(invoice=invoice, request_number=request_number)


def send_request_number(email: OutboundEmail) -> int:
    """The request number an invoice e-mail was queued under (the end of its key)."""
    return int(email.key.rsplit(":", 1)[1])


def invoice_next_request_number(*, requests: Iterable[OutboundEmail | None]) -> int:
    """The number of an invoice's next send request: the highest of ``requests`` plus one.

    ``requests`` are the invoice's e-mails known so far (all of them, or only the latest one
    as the staff list has it; ``None`` stands for none); no e-mail yet means request 1. The
    staff page offers this number and ``invoice_resend`` takes it when none is given, so both
    count the same way.
    """
    numbers = [send_request_number(email) for email in requests if email is not None]
    return max(numbers, default=0) + 1


def invoices_sync_sent_status(*, invoice_ids: list[int] | None = None) -> int:
    """Record the delivery of invoice e-mails on their invoices; returns how many changed.

    ``sent_at`` becomes the first delivery of any of the invoice's send requests, and the status
    follows from the facts (an issued invoice becomes SENT; a paid, overdue or credited one keeps
    its status). ``invoice_ids`` limits the check to those invoices.
    """
    unsent = Invoice.objects.filter(sent_at__isnull=True)
    if invoice_ids is not None:
        unsent = unsent.filter(pk__in=invoice_ids)
    pending = list(unsent.order_by("pk").values_list("pk", flat=True))
    marked = 0
    for start in range(0, len(pending), SYNC_BATCH):
        delivered = (
            _emails_about(pending[start : start + SYNC_BATCH])
            .filter(status=EmailStatus.SENT)
            .order_by("sent_at")
            .values_list("about_id", "sent_at")
        )
        first_sent: dict[int, datetime.datetime] = {}
        for invoice_pk, sent_at in delivered:
            first_sent.setdefault(invoice_pk, sent_at)
        for pk, sent_at in first_sent.items():
            marked += _mark_sent(pk, sent_at)
    return marked


def _mark_sent(invoice_pk: int, sent_at: datetime.datetime) -> int:
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update().filter(pk=invoice_pk, sent_at__isnull=True).first()
        )
        if invoice is None:
            return 0
        invoice.sent_at = sent_at
        invoice.save(update_fields=["sent_at"])
        invoice_refresh_status(invoice)
    return 1


def invoice_latest_email_status(*, invoice_ids: list[int]) -> dict[int, OutboundEmail]:
    """The latest send request of each invoice, for staff pages (one query)."""
    if not invoice_ids:
        return {}
    latest: dict[int, OutboundEmail] = {}
    for email in _emails_about(invoice_ids).order_by("created_at", "pk"):
        latest[email.about_id] = email
    return latest
