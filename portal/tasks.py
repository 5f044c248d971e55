"""Celery tasks of the shared app. Tasks are leaves: each imports its service inside its body."""

from celery import shared_task

from portal.outbox_retry import MAX_ATTEMPTS, TransientEmailError


@shared_task(
    name="portal.send_outbound_email",
    bind=True,
    autoretry_for=(TransientEmailError,),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=MAX_ATTEMPTS,
)
def send_outbound_email(self, *, email_id: int) -> None:
    from portal import outbox  # noqa: PLC0415 -- leaf: outbox imports tasks at the top

    email = outbox.email_claim(email_id=email_id)
    if email is None:
        return
    outbox.email_deliver(email=email)


@shared_task(name="portal.dispatch_pending_emails")
def dispatch_pending_emails() -> int:
    from portal import outbox  # noqa: PLC0415 -- leaf: outbox imports tasks at the top

    return outbox.emails_dispatch_pending()


@shared_task(name="portal.purge_submission_claims")
def purge_submission_claims() -> int:
    from portal import submission  # noqa: PLC0415 -- leaf: services import tasks

    return submission.submission_claims_purge()


@shared_task(name="portal.dispatch_pending_tasks")
def dispatch_pending_tasks() -> int:
    from portal import queue  # noqa: PLC0415 -- leaf: services import tasks

    return queue.pending_tasks_dispatch()
