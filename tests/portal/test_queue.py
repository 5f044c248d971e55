"""``enqueue_after_commit``: a task queued in a transaction is sent only if, and when, it commits.

These tests commit for real (``transaction=True``); Celery runs eagerly, so a sent task's side
effect (an e-mail in ``mailoutbox``) appears in the test at the moment the task is sent.
"""

import pytest
from django.db import transaction

from portal import tasks
from portal.models import EmailStatus, OutboundEmail
from portal.queue import enqueue_after_commit

pytestmark = pytest.mark.django_db(transaction=True)


class RollbackError(Exception):
    pass


def queue_in_a_transaction_that_fails(email_id: int) -> None:
    with transaction.atomic():
        enqueue_after_commit(tasks.send_outbound_email, email_id=email_id)
        raise RollbackError


@pytest.fixture
def email():
    """A committed outbox row: sending its task e-mails it, whatever the caller's transaction."""
    return OutboundEmail.objects.create(
        key="queue-test:1", recipients=["a@celle.no"], subject="Hei", body="Hei"
    )


def test_a_task_queued_in_a_transaction_that_rolls_back_is_never_sent(email, mailoutbox):
    with pytest.raises(RollbackError):
        queue_in_a_transaction_that_fails(email.pk)
    assert mailoutbox == []
    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED


def test_a_task_queued_in_a_transaction_that_commits_is_sent_after_the_commit(email, mailoutbox):
    with transaction.atomic():
        enqueue_after_commit(tasks.send_outbound_email, email_id=email.pk)
        assert mailoutbox == []  # not before the commit
    assert [message.subject for message in mailoutbox] == ["Hei"]
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT


def test_a_task_queued_in_a_rolled_back_savepoint_is_dropped_while_the_outer_commit_stands(
    email, mailoutbox
):
    other = OutboundEmail.objects.create(
        key="queue-test:2", recipients=["b@celle.no"], subject="Hallo", body="Hallo"
    )
    with transaction.atomic():
        enqueue_after_commit(tasks.send_outbound_email, email_id=email.pk)
        with pytest.raises(RollbackError):
            queue_in_a_transaction_that_fails(other.pk)  # a savepoint, rolled back
    assert [message.subject for message in mailoutbox] == ["Hei"]


def test_outside_a_transaction_the_task_is_sent_at_once(email, mailoutbox):
    enqueue_after_commit(tasks.send_outbound_email, email_id=email.pk)
    assert len(mailoutbox) == 1
