from celery import shared_task

from portal import outbox, submission


@shared_task(
    name="portal.send_outbound_email",
    bind=True,
    autoretry_for=(outbox.TransientEmailError,),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=outbox.MAX_ATTEMPTS,
)
def send_outbound_email(self, *, email_id: int) -> None:
    email = outbox.email_claim(email_id=email_id)
    if email is None:
        return
    outbox.email_deliver(email=email)


@shared_task(name="portal.dispatch_pending_emails")
def dispatch_pending_emails() -> int:
    return outbox.emails_dispatch_pending()


@shared_task(name="portal.purge_submission_claims")
def purge_submission_claims() -> int:
    return submission.submission_claims_purge()
