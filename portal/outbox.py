"""The e-mail outbox: enqueue once per send request, send once per row, retry with backoff."""

import datetime
import smtplib

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from portal import tasks
from portal.models import EmailStatus, OutboundEmail

# The retry policy lives beside the send task; ``outbox.MAX_ATTEMPTS`` and
# ``outbox.TransientEmailError`` stay the names callers use.
from portal.outbox_retry import MAX_ATTEMPTS, TransientEmailError
from portal.queue import enqueue_after_commit

# A row left in "sending" this long belongs to a worker that died: it may be claimed again.
SENDING_LEASE = datetime.timedelta(seconds=getattr(settings, "OUTBOX_SENDING_LEASE_SECONDS", 300))
# A queued row whose task never ran (lost before it reached the broker) is queued again after this.
LOST_TASK_AFTER = datetime.timedelta(minutes=2)


# Raised while a message is built: BadHeaderError (a line break in a header) is a ValueError;
# an address or header that cannot be encoded raises a UnicodeError, which is one too.
BUILD_ERRORS = (ValueError,)
SUBJECT_LENGTH = OutboundEmail._meta.get_field("subject").max_length


def email_enqueue(
    *,
    key: str,
    recipients: list[str],
    subject: str,
    body: str,
    attachments: list[dict] | None = None,
    about: models.Model | None = None,
) -> tuple[OutboundEmail, bool]:
    """Record a send request and queue its delivery after commit; returns (row, created).

    The same ``key`` twice is one e-mail: the second call returns the first row, queues nothing.
    A message that cannot be built (a line break a name carried into the subject, say) is
    recorded as failed with the reason, for the secretariat to see; it is never queued.
    ``about`` is the record the e-mail is about (``OutboundEmail.about``). Callers go through
    ``portal.mail.mail_queue``, which renders the message first.
    """
    email = OutboundEmail(
        key=key,
        recipients=list(recipients),
        subject=subject[:SUBJECT_LENGTH],
        body=body,
        attachments=attachments or [],
        about=about,
    )
    try:
        _message(email, with_attachments=False).message()
    except BUILD_ERRORS as error:
        email.status = EmailStatus.FAILED
        email.last_error = _reason(error)
    try:
        with transaction.atomic():
            email.save(force_insert=True)
    except IntegrityError:
        return OutboundEmail.objects.get(key=key), False
    if email.status == EmailStatus.QUEUED:
        enqueue_after_commit(tasks.send_outbound_email, email_id=email.pk)
    return email, True


def email_claim(*, email_id: int, now: datetime.datetime | None = None) -> OutboundEmail | None:
    """Mark a sendable row as being sent, under a row lock; None if it is not sendable.

    Sendable: queued, retrying, or "sending" for longer than the lease (its worker died).
    """
    now = now or timezone.now()
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None:
            return None
        stale = email.status == EmailStatus.SENDING and (
            email.claimed_at is None or email.claimed_at < now - SENDING_LEASE
        )
        if email.status not in (EmailStatus.QUEUED, EmailStatus.RETRYING) and not stale:
            return None
        email.status = EmailStatus.SENDING
        email.claimed_at = now
        email.attempts += 1
        email.save(update_fields=["status", "claimed_at", "attempts"])
    return email


def _message(email: OutboundEmail, *, with_attachments: bool = True) -> EmailMessage:
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.recipients,
        headers={"Message-ID": f"<outbox-{email.pk}@{settings.OUTBOX_MESSAGE_ID_DOMAIN}>"},
    )
    for attachment in email.attachments if with_attachments else ():
        with default_storage.open(attachment["path"], "rb") as handle:
            message.attach(attachment["filename"], handle.read(), attachment["mimetype"])
    return message


def email_deliver(*, email: OutboundEmail) -> None:
    """Hand a claimed row to the mail server and record the outcome.

    A message that cannot be built is a lasting failure with its reason; a stored attachment
    that cannot be read is retried like a connection error.
    """
    try:
        message = _message(email)
        message.message()  # builds the headers: a line break in one raises here
    except BUILD_ERRORS as error:
        _record_failure(email, error, transient=False)
        return
    except OSError as error:
        _record_failure(email, error, transient=True)
        raise TransientEmailError(str(error)) from error
    try:
        message.send()
    except smtplib.SMTPResponseException as error:  # the server answered with an error code
        transient = 400 <= error.smtp_code < 500
        _record_failure(email, error, transient=transient)
        if transient:
            raise TransientEmailError(str(error)) from error
        return
    except smtplib.SMTPServerDisconnected as error:
        _record_failure(email, error, transient=True)
        raise TransientEmailError(str(error)) from error
    except smtplib.SMTPRecipientsRefused as error:
        # "451 try again later" for every recipient (greylisting, a full mailbox) is worth a
        # retry; a 5xx for any of them is not.
        codes = [code for code, _message in error.recipients.values()]
        transient = bool(codes) and all(400 <= code < 500 for code in codes)
        _record_failure(email, error, transient=transient)
        if transient:
            raise TransientEmailError(str(error)) from error
        return
    except smtplib.SMTPException as error:  # anything else refused: retrying won't help
        _record_failure(email, error, transient=False)
        return
    except OSError as error:  # no connection to the mail server
        _record_failure(email, error, transient=True)
        raise TransientEmailError(str(error)) from error
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), last_error=""
    )


def _record_failure(email: OutboundEmail, error: Exception, *, transient: bool) -> None:
    lasting = not transient or email.attempts >= MAX_ATTEMPTS
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.FAILED if lasting else EmailStatus.RETRYING,
        last_error=_reason(error),
    )


def _reason(error: Exception) -> str:
    return f"{error.__class__.__name__}: {error}"[:2000]


def email_resend(*, email: OutboundEmail) -> OutboundEmail:
    """Staff send a failed e-mail again (after fixing the address, say)."""
    updated = OutboundEmail.objects.filter(pk=email.pk, status=EmailStatus.FAILED).update(
        status=EmailStatus.QUEUED, attempts=0, last_error=""
    )
    if updated:
        enqueue_after_commit(tasks.send_outbound_email, email_id=email.pk)
    email.refresh_from_db()
    return email


def emails_dispatch_pending(*, now: datetime.datetime | None = None) -> int:
    """Queue rows whose task was lost: queued for a while, or claimed by a worker that died.

    Rows waiting for a retry are left to the retry countdown. Beat calls this every minute.
    """
    now = now or timezone.now()
    lost = OutboundEmail.objects.filter(
        Q(status=EmailStatus.QUEUED, created_at__lt=now - LOST_TASK_AFTER)
        | Q(status=EmailStatus.SENDING, claimed_at__lt=now - SENDING_LEASE)
    )
    ids = list(lost.values_list("pk", flat=True))
    for email_id in ids:
        tasks.send_outbound_email.delay(email_id=email_id)
    return len(ids)
