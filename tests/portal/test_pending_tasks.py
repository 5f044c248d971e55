"""A write that queues follow-up work succeeds while the broker is down, and the work waits.

``enqueue_after_commit`` records a ``PendingTask`` row in the caller's transaction; the send after
the commit never raises, and ``pending_tasks_dispatch`` sends what the broker refused. Celery reads
its ``CELERY_*`` settings once (``config_from_object``), so these tests change the app's own
configuration, not Django's settings: not eager, and a broker URL on a closed local port (down)
or the in-memory transport (up, without a worker).
"""

import datetime
import socket
import threading

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from battery_norway.celery import app as celery_app
from members import services as members_services
from members.models import Invitation, Role
from portal import tasks
from portal.models import PendingTask
from portal.queue import enqueue_after_commit, pending_tasks_dispatch
from tests.factories import active_organisation, member_of

pytestmark = pytest.mark.django_db(transaction=True)

INVITATION_TASK = "members.send_invitation_email"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _configure_broker(**conf) -> None:
    celery_app.conf.update(**conf)
    celery_app._after_fork()  # forget the connection pool made for the previous broker URL


@pytest.fixture
def broker():
    """Switch the broker: ``broker.down()`` (a closed port), ``broker.up()`` (in memory)."""
    previous = {
        "task_always_eager": celery_app.conf.task_always_eager,
        "broker_url": celery_app.conf.broker_url,
    }

    class Broker:
        def down(self) -> None:
            _configure_broker(
                task_always_eager=False, broker_url=f"redis://127.0.0.1:{_closed_port()}/0"
            )

        def up(self) -> None:
            _configure_broker(task_always_eager=False, broker_url="memory://")

    yield Broker()
    _configure_broker(**previous)


@pytest.fixture
def organisation():
    return active_organisation(name="Fjordcelle AS")


def _age_rows() -> None:
    PendingTask.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=1))


def test_inviting_a_colleague_while_the_broker_is_down_answers_normally_and_keeps_the_work(
    client, organisation, broker
):
    client.force_login(member_of(organisation, Role.ADMIN))
    url = reverse("members:people", kwargs={"pk": organisation.pk})
    broker.down()

    response = client.post(url, {"email": "per@fjordcelle.no", "role": "member"}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(url, 302)]
    assert "An invitation is sent to per@fjordcelle.no." in response.content.decode()
    invitation = Invitation.objects.get()
    pending = PendingTask.objects.get()
    assert (pending.task, pending.kwargs) == (INVITATION_TASK, {"invitation_id": invitation.pk})


def test_a_service_call_while_the_broker_is_down_returns_and_its_row_waits_for_the_dispatcher(
    organisation, broker
):
    broker.down()
    invitation = members_services.invitation_create(organisation=organisation, email="a@celle.no")

    assert PendingTask.objects.get().kwargs == {"invitation_id": invitation.pk}
    _age_rows()
    assert pending_tasks_dispatch() == 0  # still down: nothing sent, nothing lost
    assert PendingTask.objects.count() == 1

    broker.up()
    assert pending_tasks_dispatch() == 1
    assert not PendingTask.objects.exists()
    assert pending_tasks_dispatch() == 0  # sent once


def test_with_a_working_broker_the_row_is_deleted_once_the_task_is_sent(organisation, broker):
    broker.up()
    members_services.invitation_create(organisation=organisation, email="a@celle.no")
    assert not PendingTask.objects.exists()


class RollbackError(Exception):
    pass


def _queue_in_a_transaction_that_fails() -> None:
    with transaction.atomic():
        enqueue_after_commit(tasks.send_outbound_email, email_id=1)
        raise RollbackError


def test_a_rolled_back_write_leaves_no_pending_task(broker):
    broker.down()
    with pytest.raises(RollbackError):
        _queue_in_a_transaction_that_fails()
    assert not PendingTask.objects.exists()


def test_the_dispatcher_leaves_a_fresh_row_to_the_request_that_is_sending_it(broker):
    broker.down()
    enqueue_after_commit(tasks.send_outbound_email, email_id=1)
    broker.up()
    assert pending_tasks_dispatch() == 0
    assert pending_tasks_dispatch(older_than=datetime.timedelta(0)) == 1
    assert not PendingTask.objects.exists()


def test_the_periodic_task_dispatches(broker):
    broker.down()
    enqueue_after_commit(tasks.send_outbound_email, email_id=1)
    _age_rows()
    broker.up()
    assert tasks.dispatch_pending_tasks.run() == 1
    assert not PendingTask.objects.exists()


@pytest.mark.django_db  # the schedule is migration data, which a transactional test flushes
def test_the_dispatcher_runs_every_minute_from_the_database_schedule():
    entry = PeriodicTask.objects.get(task="portal.dispatch_pending_tasks")
    assert (entry.crontab.minute, entry.crontab.hour, entry.enabled) == ("*", "*", True)


def test_with_eager_celery_no_row_is_written(organisation, mailoutbox):
    members_services.invitation_create(organisation=organisation, email="a@celle.no")
    assert not PendingTask.objects.exists()
    assert [m.to for m in mailoutbox] == [["a@celle.no"]]


@pytest.mark.concurrency
def test_two_dispatchers_at_once_never_send_one_row_twice(broker):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent dispatchers need PostgreSQL: set DATABASE_URL")
    rows = 200
    PendingTask.objects.bulk_create(
        PendingTask(task=tasks.send_outbound_email.name, kwargs={"email_id": email_id})
        for email_id in range(rows)
    )
    _age_rows()
    broker.up()
    barrier = threading.Barrier(2)
    counts = []

    def dispatch():
        try:
            barrier.wait()
            counts.append(pending_tasks_dispatch())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=dispatch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == rows
    assert not PendingTask.objects.exists()
