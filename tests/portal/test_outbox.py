import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from portal import outbox
from portal.models import EmailStatus, OutboundEmail
from tests.smtp import free_port

pytestmark = pytest.mark.django_db


def enqueue(key="reminder:1", to="faktura@celle.no", **extra):
    email, _created = outbox.email_enqueue(
        key=key, recipients=[to], subject="Påminnelse", body="Hei", **extra
    )
    return email


def test_the_same_send_request_twice_is_one_email(django_capture_on_commit_callbacks, smtp_server):
    with django_capture_on_commit_callbacks(execute=True):
        first, first_created = outbox.email_enqueue(
            key="r:1", recipients=["a@celle.no"], subject="S", body="B"
        )
        second, second_created = outbox.email_enqueue(
            key="r:1", recipients=["a@celle.no"], subject="S", body="B"
        )
    assert (first.pk, first_created, second_created) == (second.pk, True, False)
    assert OutboundEmail.objects.count() == 1
    assert len(smtp_server.inbox.wait_for(1)) == 1
    assert OutboundEmail.objects.get().status == EmailStatus.SENT


def test_a_redelivered_task_does_not_send_again(smtp_server):
    email = enqueue()
    claimed = outbox.email_claim(email_id=email.pk)
    outbox.email_deliver(email=claimed)
    assert outbox.email_claim(email_id=email.pk) is None
    assert len(smtp_server.inbox.messages) == 1


def test_a_row_being_sent_is_not_claimed_twice_until_its_lease_runs_out():
    email = enqueue()
    assert outbox.email_claim(email_id=email.pk) is not None
    assert outbox.email_claim(email_id=email.pk) is None
    later = timezone.now() + outbox.SENDING_LEASE + datetime.timedelta(seconds=1)
    reclaimed = outbox.email_claim(email_id=email.pk, now=later)
    assert reclaimed is not None
    assert reclaimed.attempts == 2


def test_attachments_are_sent_from_storage(smtp_server):
    path = default_storage.save("test-outbox/faktura.pdf", ContentFile(b"%PDF-1.7 test"))
    try:
        email = enqueue(
            attachments=[{"path": path, "filename": "faktura-1.pdf", "mimetype": "application/pdf"}]
        )
        outbox.email_deliver(email=outbox.email_claim(email_id=email.pk))
        _rcpt, message = smtp_server.inbox.wait_for(1)[0]
        parts = [part.get_filename() for part in message.walk() if part.get_filename()]
        assert parts == ["faktura-1.pdf"]
    finally:
        default_storage.delete(path)


def test_a_refused_recipient_is_a_lasting_failure_shown_with_its_error(smtp_server):
    smtp_server.inbox.refuse.add("ukjent@celle.no")
    email = enqueue(to="ukjent@celle.no")
    outbox.email_deliver(email=outbox.email_claim(email_id=email.pk))
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert "550" in email.last_error


def test_a_recipient_deferred_with_451_is_retried_and_delivered_later(smtp_server):
    smtp_server.inbox.defer.add("travel@celle.no")
    email = enqueue(to="travel@celle.no")
    with pytest.raises(outbox.TransientEmailError):
        outbox.email_deliver(email=outbox.email_claim(email_id=email.pk))
    email.refresh_from_db()
    assert (email.status, "451" in email.last_error) == (EmailStatus.RETRYING, True)

    smtp_server.inbox.defer.clear()
    outbox.email_deliver(email=outbox.email_claim(email_id=email.pk))
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert smtp_server.inbox.wait_for(1)[0][0] == ["travel@celle.no"]


def test_an_unreachable_mail_server_is_retried_then_given_up(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    email = enqueue()
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        claimed = outbox.email_claim(email_id=email.pk)
        with pytest.raises(outbox.TransientEmailError):
            outbox.email_deliver(email=claimed)
        email.refresh_from_db()
        expected = EmailStatus.FAILED if attempt == outbox.MAX_ATTEMPTS else EmailStatus.RETRYING
        assert (email.attempts, email.status) == (attempt, expected)
    assert outbox.email_claim(email_id=email.pk) is None


def test_staff_resend_a_failed_email(django_capture_on_commit_callbacks, smtp_server):
    email = enqueue()
    OutboundEmail.objects.filter(pk=email.pk).update(status=EmailStatus.FAILED, attempts=6)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.email_resend(email=email)
    assert len(smtp_server.inbox.wait_for(1)) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)


def test_dispatcher_requeues_lost_and_abandoned_rows_only(smtp_server):
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    lost = enqueue(key="lost")
    abandoned = enqueue(key="abandoned")
    enqueue(key="fresh")
    sent = enqueue(key="sent")
    OutboundEmail.objects.filter(pk__in=[lost.pk, abandoned.pk, sent.pk]).update(
        created_at=long_ago
    )
    OutboundEmail.objects.filter(pk=abandoned.pk).update(
        status=EmailStatus.SENDING, claimed_at=long_ago
    )
    OutboundEmail.objects.filter(pk=sent.pk).update(status=EmailStatus.SENT)
    assert outbox.emails_dispatch_pending() == 2
    statuses = dict(OutboundEmail.objects.values_list("key", "status"))
    assert statuses == {
        "lost": EmailStatus.SENT,
        "abandoned": EmailStatus.SENT,
        "fresh": EmailStatus.QUEUED,
        "sent": EmailStatus.SENT,
    }
    assert len(smtp_server.inbox.wait_for(2)) == 2
