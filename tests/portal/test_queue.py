"""``enqueue_after_commit``: a task queued in a transaction is sent only if, and when, it commits.

These tests commit for real (``transaction=True``); Celery runs eagerly, so a sent task's side
effect (an e-mail in ``mailoutbox``) appears in the test at the moment the task is sent.
"""

import datetime
import socket
import threading
import time

import pytest
from django.db import transaction

from battery_norway.celery import app as celery_app
from portal import tasks
from portal.models import EmailStatus, OutboundEmail, PendingTask
from portal.queue import enqueue_after_commit, pending_tasks_dispatch

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


class RefusingBroker:
    """A local port that accepts each connection and hangs up at once, counting them: a broker
    that refuses every publish, where each attempt is one connection."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.socket.settimeout(0.1)
        self.connections = 0
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.socket.getsockname()[1]}/0"

    def _serve(self) -> None:
        while not self._stopped.is_set():
            try:
                peer, _address = self.socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            peer.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stopped.set()
        self._thread.join(5)
        self.socket.close()


@pytest.fixture
def refusing_broker():
    previous = {
        "task_always_eager": celery_app.conf.task_always_eager,
        "broker_url": celery_app.conf.broker_url,
    }
    with RefusingBroker() as broker:
        celery_app.conf.update(task_always_eager=False, broker_url=broker.url)
        celery_app._after_fork()  # forget the connection pool of the previous broker URL
        yield broker
    celery_app.conf.update(**previous)
    celery_app._after_fork()


def test_a_write_with_the_broker_refusing_tries_once_and_answers_quickly(email, refusing_broker):
    started = time.monotonic()
    with transaction.atomic():
        enqueue_after_commit(tasks.send_outbound_email, email_id=email.pk)
    elapsed = time.monotonic() - started

    assert PendingTask.objects.get().kwargs == {"email_id": email.pk}  # waits for the dispatcher
    # One publish, no retry: Celery's default policy would connect again three times more.
    assert refusing_broker.connections == 1
    assert elapsed < 2


def test_the_dispatcher_stops_at_the_first_refusal_without_retrying(email, refusing_broker):
    for _ in range(3):
        enqueue_after_commit(tasks.send_outbound_email, email_id=email.pk)
    tried = refusing_broker.connections
    assert pending_tasks_dispatch(older_than=datetime.timedelta(0)) == 0
    assert refusing_broker.connections == tried + 1
    assert PendingTask.objects.count() == 3


def test_a_write_with_a_hung_broker_waits_one_socket_timeout_at_most(email, settings):
    # A port that takes connections and never answers, as a frozen Redis does.
    previous = {
        "task_always_eager": celery_app.conf.task_always_eager,
        "broker_url": celery_app.conf.broker_url,
    }
    timeout = celery_app.conf.broker_transport_options["socket_timeout"]
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(64)
        celery_app.conf.update(
            task_always_eager=False, broker_url=f"redis://127.0.0.1:{hung.getsockname()[1]}/0"
        )
        celery_app._after_fork()
        try:
            started = time.monotonic()
            enqueue_after_commit(tasks.send_outbound_email, email_id=email.pk)
            elapsed = time.monotonic() - started
        finally:
            celery_app.conf.update(**previous)
            celery_app._after_fork()
    assert PendingTask.objects.count() == 1
    assert elapsed < timeout + 1.5
