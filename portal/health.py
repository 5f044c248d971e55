"""Liveness of what the portal depends on, for /healthz, and the workers' heartbeat behind it.

"down" means the portal cannot serve (the database does not answer): a load balancer takes the
instance out. "degraded" means it serves, with follow-up work waiting or failing (the broker or
cache does not answer, no worker has beaten lately, tasks wait for the broker, the mail server
does not answer, or outbox mails keep failing): keep it in rotation and alert someone.

A poll costs three small queries (failed mails, which is the database probe too, waiting tasks,
the newest heartbeat) and, at most every ``HEALTH_SMTP_CACHE_SECONDS``, one SMTP NOOP.
"""

import datetime
import logging
import smtplib
import threading
import time

import redis
from celery import current_app
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Max, Min
from django.utils import timezone

from portal.models import EmailStatus, OutboundEmail, PendingTask, WorkerHeartbeat

logger = logging.getLogger(__name__)

OK = "ok"
NOT_CONFIGURED = "not configured"
NOT_CHECKED = "not checked"
DOWN = "down"
DEGRADED = "degraded"

# Without these the portal cannot answer a request; any other failing check only degrades it.
ESSENTIAL = frozenset({"database"})

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Rows older than a day belong to workers that are gone for good (an old container).
HEARTBEAT_FORGET_AFTER = 24 * 3600


def check_database_and_mails() -> tuple[str, str, int | None]:
    """The database's state, the mail outbox's state and its count of failed mails, in one query.

    The count is the database probe as well: /healthz is polled often, so it costs one query.
    """
    try:
        failed_mails = OutboundEmail.objects.filter(status=EmailStatus.FAILED).count()
    except DatabaseError as error:
        return f"fail: {error.__class__.__name__}", NOT_CHECKED, None
    mails = OK if failed_mails == 0 else f"fail: {failed_mails} failed"
    return OK, mails, failed_mails


def check_redis() -> str:
    if not settings.REDIS_URL:
        return NOT_CONFIGURED
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except Exception as error:  # noqa: BLE001  (any failure means unhealthy; say which)
        return f"fail: {error.__class__.__name__}"
    finally:
        client.close()
    return OK


def check_pending_tasks() -> tuple[str, int, int | None]:
    """Tasks the broker has not taken yet (``portal.queue``): their state, count, oldest age.

    A few seconds' wait is a request sending its row right now; rows older than
    ``HEALTH_PENDING_TASKS_STALE_SECONDS`` mean the broker has refused them for a while.
    """
    waiting = PendingTask.objects.aggregate(count=Count("pk"), oldest=Min("created_at"))
    if not waiting["count"]:
        return OK, 0, None
    age = int((timezone.now() - waiting["oldest"]).total_seconds())
    if age > settings.HEALTH_PENDING_TASKS_STALE_SECONDS:
        return f"fail: {waiting['count']} waiting for the broker for {age}s", waiting["count"], age
    return OK, waiting["count"], age


def check_worker() -> tuple[str, int | None]:
    """Whether a Celery worker has written its heartbeat lately, and how long ago it did."""
    if current_app.conf.task_always_eager:
        return NOT_CONFIGURED, None
    last = WorkerHeartbeat.objects.aggregate(last=Max("beat_at"))["last"]
    if last is None:
        return "fail: no worker heartbeat yet", None
    age = int((timezone.now() - last).total_seconds())
    if age > settings.WORKER_HEARTBEAT_STALE_SECONDS:
        return f"fail: no worker heartbeat for {age}s", age
    return OK, age


_smtp_results: dict[tuple[str, int], tuple[float, str]] = {}
_smtp_lock = threading.Lock()


def check_smtp() -> str:
    """Connect to the mail server and say NOOP, with a short timeout; the answer is kept for
    ``HEALTH_SMTP_CACHE_SECONDS`` per process, so polling /healthz never waits on it each time.
    Only /healthz calls this: sending never waits for a probe."""
    if settings.EMAIL_BACKEND != SMTP_BACKEND:
        return NOT_CONFIGURED
    server = (settings.EMAIL_HOST, int(settings.EMAIL_PORT))
    now = time.monotonic()
    with _smtp_lock:
        cached = _smtp_results.get(server)
        if cached is not None and now - cached[0] < settings.HEALTH_SMTP_CACHE_SECONDS:
            return cached[1]
    state = _smtp_probe(*server)
    with _smtp_lock:
        _smtp_results[server] = (now, state)
    return state


def _smtp_probe(host: str, port: int) -> str:
    smtp_class = smtplib.SMTP_SSL if settings.EMAIL_USE_SSL else smtplib.SMTP
    try:
        with smtp_class(host, port, timeout=settings.HEALTH_SMTP_TIMEOUT) as client:
            code, _message = client.noop()
    except Exception as error:  # noqa: BLE001  (any failure means unhealthy; say which)
        return f"fail: {error.__class__.__name__}"
    return OK if code == 250 else f"fail: NOOP answered {code}"


def run_checks() -> dict[str, object]:
    """The portal's state ("ok", "degraded" or "down"), the failing checks, each check's state
    ("ok", "not configured", "not checked" or "fail: ...") and details (failed mails, waiting
    tasks and the age of the oldest, seconds since the newest worker heartbeat).
    """
    database, mails, failed_mails = check_database_and_mails()
    if database == OK:
        pending, pending_count, pending_age = check_pending_tasks()
        worker, heartbeat_age = check_worker()
    else:
        pending, pending_count, pending_age = NOT_CHECKED, None, None
        worker, heartbeat_age = NOT_CHECKED, None
    checks = {
        "database": database,
        "redis": check_redis(),
        "worker": worker,
        "pending_tasks": pending,
        "smtp": check_smtp(),
        "mails": mails,
    }
    failed = failures(checks)
    if ESSENTIAL.intersection(failed):
        status = DOWN
    elif failed:
        status = DEGRADED
    else:
        status = OK
    return {
        "status": status,
        "failed": failed,
        "checks": checks,
        "detail": {
            "failed_mails": failed_mails,
            "pending_tasks": pending_count,
            "oldest_pending_task_seconds": pending_age,
            "worker_heartbeat_seconds": heartbeat_age,
        },
    }


def failures(checks: dict[str, str]) -> list[str]:
    return [name for name, state in checks.items() if state.startswith("fail")]


def worker_heartbeat_write(*, worker: str) -> None:
    """Record that ``worker`` is alive now; forget workers silent for a day."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(worker=worker, defaults={"beat_at": now})
    WorkerHeartbeat.objects.filter(
        beat_at__lt=now - datetime.timedelta(seconds=HEARTBEAT_FORGET_AFTER)
    ).delete()


class WorkerHeartbeatThread(threading.Thread):
    """Beats for one worker process every ``interval`` seconds until ``stop()``.

    A thread of its own, not a Celery timer: with the solo pool the event loop waits while a
    task runs, and a long invoice run must not look like a dead worker.
    """

    def __init__(self, *, worker: str, interval: float):
        super().__init__(name="worker-heartbeat", daemon=True)
        self.worker = worker
        self.interval = interval
        self._stopped = threading.Event()

    def run(self) -> None:
        while True:
            try:
                worker_heartbeat_write(worker=self.worker)
            except DatabaseError:
                logger.warning("Could not write the heartbeat of %s.", self.worker, exc_info=True)
            finally:
                connection.close()  # this thread's own; a new one next time survives a restart
            if self._stopped.wait(self.interval):
                return

    def stop(self) -> None:
        self._stopped.set()
