import os

from celery import Celery
from celery.signals import worker_ready, worker_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "battery_norway.settings")

# Tasks work across organisations: every task runs with the tenancy scope disabled.
app = Celery("battery_norway", task_cls="portal.scoping:ScopesDisabledTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_heartbeats = []  # this worker process's heartbeat thread


@worker_ready.connect
def dispatch_pending_tasks_at_start(sender=None, **kwargs) -> None:
    """Work the broker refused while this worker was away is sent as soon as the worker is up."""
    app.send_task("portal.dispatch_pending_tasks")


@worker_ready.connect
def start_heartbeat(sender=None, **kwargs) -> None:
    """The worker's sign of life for /healthz (portal/health.py), from its main process."""
    from django.conf import settings  # noqa: PLC0415  (Django is set up once the worker is)

    from portal.health import WorkerHeartbeatThread  # noqa: PLC0415

    heartbeat = WorkerHeartbeatThread(
        worker=sender.hostname, interval=settings.WORKER_HEARTBEAT_SECONDS
    )
    heartbeat.start()
    _heartbeats.append(heartbeat)


@worker_shutdown.connect
def stop_heartbeat(sender=None, **kwargs) -> None:
    for heartbeat in _heartbeats:
        heartbeat.stop()
