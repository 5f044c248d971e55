"""Thin Celery tasks: primitive ids in, objects fetched again, one service called.

Tasks are leaves: services import this module at the top to queue work, so each task imports
its service inside its body, when it runs.
"""

from celery import shared_task


@shared_task(name="meetings.send_notice")
def send_notice(*, job_id: int) -> None:
    from meetings.services import notice  # noqa: PLC0415 -- leaf: notice imports tasks at the top

    notice.notice_send_execute(job_id=job_id)


@shared_task(name="meetings.close_due_polls")
def close_due_polls() -> int:
    from meetings.services import polls  # noqa: PLC0415 -- leaf: services import tasks at the top

    return polls.polls_close_due()
