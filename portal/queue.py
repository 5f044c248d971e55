"""Queue a Celery task once the surrounding transaction has committed, durably.

A task queued before commit can run before its rows exist, or act on a write that is then
rolled back. Every service queues follow-up work through ``enqueue_after_commit``, never with a
hand-written ``transaction.on_commit(lambda: task.delay(...))``.

A broker that is down must not turn a committed write into an error page, nor lose its work:
the task is first recorded as a ``PendingTask`` row in the caller's transaction, sent after the
commit, and the row deleted once the broker took it. What the broker refused waits in the row
until ``pending_tasks_dispatch`` (every minute, and at the worker's start) sends it. The send
after the commit is tried once, without Celery's publish retry and with short socket timeouts:
the row is the retry, and a request should not wait for a broker that refuses it.

A row that belongs to a ``Job`` (``for_job``, or a ``job_id`` argument) links to it, so the job's
progress page can say it waits for the task queue instead of showing no progress.
"""

import datetime
import logging
from functools import partial

from celery import Task, current_app
from django.db import transaction
from django.utils import timezone

from portal.models import Job, PendingTask

logger = logging.getLogger(__name__)

# The dispatcher leaves younger rows to the request that wrote them, which is sending them now.
DISPATCH_AFTER = datetime.timedelta(seconds=10)
DISPATCH_BATCH = 500


def enqueue_after_commit(task: Task, /, *, for_job: Job | None = None, **kwargs) -> None:
    """Send ``task`` with the keyword arguments ``kwargs`` once the current transaction commits.

    Rolled back: never sent. Outside any transaction (autocommit): sent at once. The arguments
    are taken now, so later changes to the caller's variables do not change what is sent.
    With eager Celery (no broker: development and most tests) the task runs at the commit, as
    before. Otherwise a ``PendingTask`` row is written inside the caller's transaction and the
    send after the commit never raises: a broker error is logged and the row waits for the
    dispatcher. ``kwargs`` must be JSON (primitive ids), as every task takes.

    ``for_job`` is the job the task runs; without it a ``job_id`` argument names the job.
    """
    if task.app.conf.task_always_eager:
        transaction.on_commit(partial(task.delay, **kwargs))
        return
    job_id = for_job.pk if for_job is not None else kwargs.get("job_id")
    pending = PendingTask.objects.create(task=task.name, kwargs=kwargs, job_id=job_id)
    transaction.on_commit(partial(_pending_task_send, pending_id=pending.pk))


def _pending_task_send(*, pending_id: int) -> None:
    """Send one committed row now and delete it; on any failure log and leave it to the dispatcher.

    The row is locked (``skip_locked``) while it is sent, so a dispatcher running at the same
    moment passes over it. Should the row's delete fail after the broker took the task, the
    dispatcher sends it once more: every task is idempotent (the outbox claims its row, a job
    checks its status), so a second delivery does no harm.
    """
    try:
        with transaction.atomic():
            pending = (
                PendingTask.objects.select_for_update(skip_locked=True)
                .filter(pk=pending_id)
                .first()
            )
            if pending is None:  # a dispatcher has it, or has already sent it
                return
            _send(pending)
            pending.delete()
    except Exception:
        # Never an error page for a write that has committed: the row is the retry.
        logger.exception(
            "Could not send pending task %s now; the dispatcher will send it.", pending_id
        )


# One attempt to publish, no retry: Celery's default retry policy holds the request ~0.7 s per
# task while the broker refuses, for nothing the row does not already do. (``retry=False``
# would be slower still: kombu then retries the connection itself for its connect timeout.)
# CELERY_BROKER_TRANSPORT_OPTIONS bound each attempt by short socket timeouts.
PUBLISH_ONCE = {"retry": True, "retry_policy": {"max_retries": 0}}


def _send(pending: PendingTask) -> None:
    app = current_app
    task = app.tasks.get(pending.task)
    if task is None:
        app.send_task(pending.task, kwargs=pending.kwargs, **PUBLISH_ONCE)
    else:
        task.apply_async(kwargs=pending.kwargs, **PUBLISH_ONCE)


def pending_tasks_dispatch(*, older_than: datetime.timedelta = DISPATCH_AFTER) -> int:
    """Send the recorded tasks older than ``older_than`` and delete each one sent; the count sent.

    Rows are claimed with ``select_for_update(skip_locked=True)`` in one transaction, so two
    dispatchers (or a dispatcher and the request still sending its row) never send one row
    twice; a row is deleted in the same transaction as its send. At the first broker error the
    rest wait for the next run. A send that reached the broker while the transaction then failed
    to commit is sent again next time: harmless, as every task is idempotent (outbox claims,
    job status checks), and the reason tasks are written so.
    """
    sent = 0
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        rows = (
            PendingTask.objects.select_for_update(skip_locked=True)
            .filter(created_at__lte=cutoff)
            .order_by("pk")[:DISPATCH_BATCH]
        )
        for pending in rows:
            try:
                _send(pending)
            except Exception:
                logger.warning(
                    "The broker refused pending task %s (%s); it waits for the next dispatch.",
                    pending.pk,
                    pending.task,
                    exc_info=True,
                )
                break
            pending.delete()
            sent += 1
    if sent:
        logger.info("Sent %d pending task(s).", sent)
    return sent
