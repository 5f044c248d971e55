"""Queue a Celery task once the surrounding transaction has committed.

A task queued before commit can run before its rows exist, or act on a write that is then
rolled back. Every service queues follow-up work through ``enqueue_after_commit``, never with a
hand-written ``transaction.on_commit(lambda: task.delay(...))``.
"""

from functools import partial

from celery import Task
from django.db import transaction


def enqueue_after_commit(task: Task, /, **kwargs) -> None:
    """Send ``task`` with the keyword arguments ``kwargs`` once the current transaction commits.

    Rolled back: never sent. Outside any transaction (autocommit): sent at once. The arguments
    are taken now, so later changes to the caller's variables do not change what is sent.
    """
    transaction.on_commit(partial(task.delay, **kwargs))
